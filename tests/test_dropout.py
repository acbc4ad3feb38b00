"""dropout: the masked gradient, reproducibility, errors and its effect."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg._network import loss_and_gradient
from skreg._network.losses import LOSSES

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _same_weights(a, b):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(p, q)


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
