"""class_weight, dropout and the validation loss curve."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_sample_weight

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg._network import loss_and_gradient
from skreg._network.losses import LOSSES

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _same_weights(a, b):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(p, q)


@pytest.fixture(scope="module")
def imbalanced():
    """A stated 95/5 split: 2000 samples, 10 features."""
    X, y = make_classification(
        n_samples=2000,
        n_features=10,
        n_informative=4,
        weights=[0.95, 0.05],
        flip_y=0.0,
        class_sep=0.6,
        random_state=0,
    )
    return train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)


# ---------------------------------------------------------------- class_weight
@pytest.mark.parametrize(
    "solver, early_stopping", [("lbfgs", False), ("adam", False), ("adam", True)]
)
def test_balanced_class_weight_is_the_balanced_sample_weight(
    imbalanced, solver, early_stopping
):
    X, _, y, _ = imbalanced
    params = dict(
        hidden_layer_sizes=(8,),
        solver=solver,
        max_iter=30,
        early_stopping=early_stopping,
        random_state=0,
    )
    weighted = RegularizedMLPClassifier(class_weight="balanced", **params).fit(X, y)
    reference = RegularizedMLPClassifier(**params).fit(
        X, y, sample_weight=compute_sample_weight("balanced", y)
    )
    _same_weights(weighted, reference)


def test_class_weight_dict_multiplies_sample_weight_in_partial_fit(imbalanced):
    X, _, y, _ = imbalanced
    sw = np.random.default_rng(0).uniform(0.5, 1.5, len(y))
    params = dict(hidden_layer_sizes=(8,), random_state=0)
    a = RegularizedMLPClassifier(class_weight={0: 1.0, 1: 7.0}, **params)
    b = RegularizedMLPClassifier(**params)
    for chunk in np.array_split(np.arange(len(y)), 4):
        a.partial_fit(X[chunk], y[chunk], sample_weight=sw[chunk], classes=[0, 1])
        b.partial_fit(
            X[chunk],
            y[chunk],
            classes=[0, 1],
            sample_weight=sw[chunk] * np.where(y[chunk] == 1, 7.0, 1.0),
        )
    _same_weights(a, b)


def test_balanced_class_weight_raises_balanced_accuracy(imbalanced):
    """Figures seen: balanced accuracy 0.606 unweighted, 0.712 balanced."""
    X_train, X_test, y_train, y_test = imbalanced
    params = dict(
        hidden_layer_sizes=(16,),
        solver="lbfgs",
        alpha=1.0,
        max_iter=300,
        random_state=0,
    )
    plain = RegularizedMLPClassifier(**params).fit(X_train, y_train)
    balanced = RegularizedMLPClassifier(class_weight="balanced", **params)
    balanced.fit(X_train, y_train)
    plain_score = balanced_accuracy_score(y_test, plain.predict(X_test))
    balanced_score = balanced_accuracy_score(y_test, balanced.predict(X_test))
    assert balanced_score > plain_score + 0.08


def test_class_weight_is_rejected_for_multilabel():
    Y = np.array([[0, 1], [1, 0], [1, 1], [0, 0]])
    with pytest.raises(ValueError, match="multilabel"):
        RegularizedMLPClassifier(class_weight="balanced").fit(np.eye(4), Y)


# --------------------------------------------------------------------- dropout
@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu"])
def test_gradient_with_a_fixed_dropout_mask_matches_finite_differences(activation):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(7, 4)), np.eye(3)[rng.integers(0, 3, 7)]
    units = [4, 5, 6, 3]
    coefs = [
        rng.normal(scale=0.7, size=(a, b))
        for a, b in zip(units[:-1], units[1:], strict=True)
    ]
    intercepts = [rng.normal(scale=0.3, size=b) for b in units[1:]]
    keep = [0.6, 0.8]
    dropout = [
        ((rng.random((7, u)) < q) / q, q)
        for u, q in zip(units[1:-1], keep, strict=True)
    ]
    loss = LOSSES["softmax"]

    def value(W0):
        return loss_and_gradient(
            [W0, *coefs[1:]], intercepts, X, Y, None, activation, loss, dropout=dropout
        )[0]

    _, coef_grads, _ = loss_and_gradient(
        coefs, intercepts, X, Y, None, activation, loss, dropout=dropout
    )
    analytic = coef_grads[0].copy()
    numeric = np.zeros_like(analytic)
    for index in np.ndindex(analytic.shape):
        step = np.zeros_like(analytic)
        step[index] = 1e-6
        numeric[index] = (value(coefs[0] + step) - value(coefs[0] - step)) / 2e-6
    assert np.linalg.norm(analytic - numeric) / np.linalg.norm(numeric) < 1e-6
    without = loss_and_gradient(coefs, intercepts, X, Y, None, activation, loss)[1]
    assert not np.allclose(analytic, without[0])  # the mask is really applied


@pytest.mark.parametrize(
    "Estimator", [RegularizedMLPClassifier, RegularizedMLPRegressor]
)
def test_zero_dropout_is_bitwise_the_fit_without_it(Estimator, imbalanced):
    X, _, y, _ = imbalanced
    params = dict(hidden_layer_sizes=(8, 4), max_iter=5, random_state=0)
    _same_weights(
        Estimator(dropout=0.0, **params).fit(X, y),
        Estimator(dropout=[0.0, 0.0], **params).fit(X, y),
    )
    with_dropout = Estimator(dropout=[0.5, 0.0], **params).fit(X, y)
    assert not np.array_equal(
        with_dropout.coefs_[0], Estimator(**params).fit(X, y).coefs_[0]
    )


def test_dropout_is_reproducible_and_inactive_at_predict_time(imbalanced):
    X, _, y, _ = imbalanced
    params = dict(hidden_layer_sizes=(8,), dropout=0.5, max_iter=5, random_state=3)
    a = RegularizedMLPClassifier(**params).fit(X, y)
    _same_weights(a, RegularizedMLPClassifier(**params).fit(X, y))
    assert_array_equal(a.predict_proba(X), a.predict_proba(X))


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(solver="lbfgs", dropout=0.2), "solver='sgd' or 'adam'"),
        (dict(dropout=[0.1, 0.2]), "one value per hidden layer"),
        (dict(dropout=1.0), "dropout"),
    ],
)
def test_bad_dropout_is_rejected(params, message):
    with pytest.raises(ValueError, match=message):
        RegularizedMLPClassifier(hidden_layer_sizes=(4,), **params).fit(
            np.eye(4), [0, 1, 0, 1]
        )


def test_dropout_narrows_the_generalization_gap():
    """Few samples (100 to train), a wide network (256 units), no penalty.
    Figures seen: log-loss train 0.014 / validation 0.883 without dropout,
    0.154 / 0.606 with dropout 0.5 (validation accuracy 0.66 and 0.70)."""
    X, y = make_classification(
        n_samples=200, n_features=20, n_informative=5, random_state=1
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.5, random_state=0
    )
    gaps = []
    for dropout in (0.0, 0.5):
        clf = RegularizedMLPClassifier(
            hidden_layer_sizes=(256,),
            dropout=dropout,
            alpha=0.0,
            max_iter=200,
            random_state=0,
        )
        clf.fit(X_train, y_train)
        gaps.append(
            log_loss(y_val, clf.predict_proba(X_val))
            - log_loss(y_train, clf.predict_proba(X_train))
        )
    assert gaps[1] < 0.7 * gaps[0], gaps


# ------------------------------------------------------- validation loss curve
def test_validation_loss_curve_matches_the_held_out_loss(imbalanced):
    X, _, y, _ = imbalanced
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=40, random_state=0
    ).fit(X, y)
    assert len(clf.validation_loss_curve_) == clf.n_iter_
    # the held-out split, rebuilt with the same random stream
    rng = np.random.RandomState(0)
    for W, b in zip(clf.coefs_, clf.intercepts_, strict=True):
        rng.uniform(size=W.shape), rng.uniform(size=b.shape)
    _, X_val, _, y_val = train_test_split(
        X, y, test_size=0.1, random_state=rng, stratify=y
    )
    # coefs_ holds the best epoch's weights: its recorded loss must match
    best = int(np.argmax(clf.validation_scores_))
    proba = clf.predict_proba(X_val)[np.arange(len(y_val)), y_val]
    assert clf.validation_loss_curve_[best] == pytest.approx(
        -np.log(proba).mean(), rel=1e-10
    )
    no_split = RegularizedMLPClassifier(hidden_layer_sizes=(8,), max_iter=3).fit(X, y)
    assert no_split.validation_loss_curve_ is None
