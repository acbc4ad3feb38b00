"""Side-by-side parity with scikit-learn's ``MLPClassifier`` / ``MLPRegressor``.

Each test fits skreg's estimator and scikit-learn's on the same data with the
same parameters and asserts the same observable behaviour: attributes, warnings,
errors, shapes, dtypes and, in deterministic settings, the same numbers.

The deterministic setting used for numerical comparisons is *full batch*
(``batch_size=n_samples``, ``shuffle=False`` or a single batch per epoch): then the
penalty of every step is divided by the whole data's weight sum in both
libraries, so skreg's objective is scikit-learn's (docs/objective.rst) and the
trajectories agree to rounding.  Where they differ on purpose (mini-batch alpha
scaling, the multi-output loss value, ``partial_fit`` with lbfgs, the extra
attributes) the difference itself is asserted, at the end of the file.

Tolerances: ``rtol=1e-7`` (``atol=1e-10``) for full-batch trajectories, which
agree to ~1e-15 in practice but sum in a different order; looser tolerances are
stated where an optimizer's stopping point is compared.
"""

import pickle
import re
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

# (ours, scikit-learn's)
CLASSIFIERS = (RegularizedMLPClassifier, MLPClassifier)
REGRESSORS = (RegularizedMLPRegressor, MLPRegressor)
PAIRS = {"classifier": CLASSIFIERS, "regressor": REGRESSORS}

TRAJECTORY = {"rtol": 1e-7, "atol": 1e-10}
LEARNING_RATE = {"sgd": 0.1, "adam": 0.01}


# --------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=200, n_features=8, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


@pytest.fixture(scope="module")
def two_outputs():
    X, Y = make_regression(
        n_samples=200, n_features=6, n_targets=2, noise=5.0, random_state=0
    )
    return StandardScaler().fit_transform(X), Y / Y.std(axis=0)


@pytest.fixture(scope="module")
def multilabel():
    X, Y = make_multilabel_classification(
        n_samples=200, n_features=10, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), Y


def _data(kind, digits_300_standardized, regression):
    return digits_300_standardized if kind == "classifier" else regression


def _binary(digits_300_standardized):
    X, y = digits_300_standardized
    return X, y % 2


# ------------------------------------------------------------------ helpers
def _fit(model, X, y, **fit_params):
    """Fit, ignoring ConvergenceWarning (short max_iter on purpose)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **fit_params)


def _fit_both(pair, X, y, fit_params=None, **params):
    ours, theirs = (cls(**params) for cls in pair)
    fit_params = fit_params or {}
    return _fit(ours, X, y, **fit_params), _fit(theirs, X, y, **fit_params)


def _assert_same_weights(a, b, **tol):
    tol = tol or TRAJECTORY
    assert len(a.coefs_) == len(b.coefs_)
    for W_a, W_b in zip(a.coefs_, b.coefs_, strict=True):
        assert_allclose(W_a, W_b, **tol)
    for b_a, b_b in zip(a.intercepts_, b.intercepts_, strict=True):
        assert_allclose(b_a, b_b, **tol)


def _assert_identical_weights(a, b):
    for p_a, p_b in zip(
        a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True
    ):
        assert_array_equal(p_a, p_b)


def _full_batch(n_samples, solver="sgd", **params):
    """Parameters of the deterministic full-batch setting."""
    defaults = dict(
        hidden_layer_sizes=(10,), solver=solver, batch_size=n_samples,
        shuffle=False, learning_rate_init=LEARNING_RATE[solver], random_state=0,
    )  # fmt: skip
    return {**defaults, **params}


def _held_out_split(model, X, y, sample_weight=None, stratify=None):
    """The validation split that early stopping used.

    Both libraries draw the initial weights (coef then intercept of each layer,
    uniform) from ``random_state`` and then split with the same generator.
    """
    rng = np.random.RandomState(model.random_state)
    for W, b in zip(model.coefs_, model.intercepts_, strict=True):
        rng.uniform(size=W.shape)
        rng.uniform(size=b.shape)
    arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
    parts = train_test_split(
        *arrays, test_size=model.validation_fraction, random_state=rng,
        stratify=stratify,
    )  # fmt: skip
    return parts[1::2]


# ============================================================== partial_fit
def test_partial_fit_with_classes_matches_sklearn(digits_300_standardized):
    X, y = digits_300_standardized
    classes = np.unique(y)
    chunks = [slice(0, 100), slice(100, 200), slice(200, 300)]
    # the first chunk lacks class 9: ``classes`` declares it
    first = np.flatnonzero(y[chunks[0]] != 9)
    models = []
    for cls in CLASSIFIERS:
        model = cls(hidden_layer_sizes=(10,), solver="sgd", learning_rate_init=0.1,
                    random_state=0)  # fmt: skip
        model.partial_fit(X[first], y[first], classes=classes)
        for chunk in chunks[1:]:
            model.partial_fit(X[chunk], y[chunk])
        models.append(model)
    ours, theirs = models
    assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_iter_ == theirs.n_iter_ == 1
    assert ours.t_ == theirs.t_ == len(first) + 200
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == 3
    # each call is one batch (batch_size "auto" = min(200, chunk)): same objective
    _assert_same_weights(ours, theirs)
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, **TRAJECTORY)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_partial_fit_first_call_needs_classes(digits_300_standardized, cls):
    X, y = digits_300_standardized
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        cls(solver="sgd").partial_fit(X, y)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_partial_fit_unseen_class_raises(digits_300_standardized, cls):
    X, y = digits_300_standardized
    model = cls(hidden_layer_sizes=(5,), solver="sgd", random_state=0)
    model.partial_fit(X[:50], y[:50] % 3, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        model.partial_fit(X[50:100], y[50:100])


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_partial_fit_refuses_early_stopping(digits_300_standardized, regression, kind):
    X, y = _data(kind, digits_300_standardized, regression)
    extra = {"classes": np.unique(y)} if kind == "classifier" else {}
    for cls in PAIRS[kind]:
        model = cls(solver="sgd", early_stopping=True)
        with pytest.raises(ValueError, match="partial_fit does not support early"):
            model.partial_fit(X, y, **extra)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_partial_fit_after_fit_continues_like_sklearn(
    digits_300_standardized, regression, kind, solver
):
    X, y = _data(kind, digits_300_standardized, regression)
    n = X.shape[0]
    ours, theirs = _fit_both(PAIRS[kind], X, y, **_full_batch(n, solver, max_iter=5))
    for model in (ours, theirs):
        model.partial_fit(X, y)
        model.partial_fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 1
    assert ours.t_ == theirs.t_ == 7 * n
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == 7
    _assert_same_weights(ours, theirs)
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, **TRAJECTORY)


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_partial_fit_continues_identically_after_pickle(
    digits_300_standardized, regression, kind, solver, penalty
):
    X, y = _data(kind, digits_300_standardized, regression)
    extra = {"classes": np.unique(y)} if kind == "classifier" else {}
    model = PAIRS[kind][0](
        hidden_layer_sizes=(10,), solver=solver, penalty=penalty, alpha=0.5,
        learning_rate_init=LEARNING_RATE[solver], batch_size=50, random_state=0,
    )  # fmt: skip
    model.partial_fit(X[:150], y[:150], **extra)
    model.partial_fit(X[150:], y[150:])
    clone = pickle.loads(pickle.dumps(model))
    for m in (model, clone):
        for _ in range(3):
            m.partial_fit(X, y)
    _assert_identical_weights(model, clone)
    assert model.loss_curve_ == clone.loss_curve_
    assert model.t_ == clone.t_ == 4 * X.shape[0]


def test_sklearn_partial_fit_also_continues_identically_after_pickle(
    digits_300_standardized,
):
    """The behaviour tested above, as scikit-learn has it (a sanity check)."""
    X, y = digits_300_standardized
    model = MLPClassifier(
        hidden_layer_sizes=(10,), solver="sgd", batch_size=50, random_state=0
    ).partial_fit(X, y, classes=np.unique(y))
    clone = pickle.loads(pickle.dumps(model))
    for m in (model, clone):
        m.partial_fit(X, y)
    _assert_identical_weights(model, clone)


# =============================================================== warm_start
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_warm_start_stochastic_matches_sklearn(
    digits_300_standardized, regression, kind, solver
):
    X, y = _data(kind, digits_300_standardized, regression)
    n = X.shape[0]
    params = _full_batch(n, solver, max_iter=5, warm_start=True)
    ours, theirs = _fit_both(PAIRS[kind], X, y, **params)
    first_coef = ours.coefs_[0].copy()
    for model in (ours, theirs):
        _fit(model, X, y)
    # n_iter_ counts the iterations of the last call; t_ and loss_curve_ accumulate
    assert ours.n_iter_ == theirs.n_iter_ == 5
    assert ours.t_ == theirs.t_ == 10 * n
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == 10
    assert not np.allclose(ours.coefs_[0], first_coef)
    _assert_same_weights(ours, theirs)
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, **TRAJECTORY)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_warm_start_lbfgs_matches_sklearn(digits_300_standardized, regression, kind):
    X, y = _data(kind, digits_300_standardized, regression)
    params = dict(hidden_layer_sizes=(10,), solver="lbfgs", alpha=1.0, max_iter=10,
                  warm_start=True, random_state=0)  # fmt: skip
    ours, theirs = _fit_both(PAIRS[kind], X, y, **params)
    cold = _fit(PAIRS[kind][0](**{**params, "max_iter": 20}), X, y)
    for model in (ours, theirs):
        _fit(model, X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 10
    # identical objective (docs/objective.rst): same L-BFGS path, to rounding
    _assert_same_weights(ours, theirs, rtol=1e-6, atol=1e-9)
    assert_allclose(ours.loss_, theirs.loss_, rtol=1e-9)
    # the second call started where the first stopped (L-BFGS restarts its memory)
    assert ours.loss_ < ours.loss_curve_[0]
    assert not np.allclose(ours.coefs_[0], cold.coefs_[0])


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_warm_start_with_early_stopping_matches_sklearn(
    digits_300_standardized, regression, kind
):
    X, y = _data(kind, digits_300_standardized, regression)
    if kind == "classifier":
        X, y = _binary(digits_300_standardized)
    n_train = X.shape[0] - int(np.ceil(0.1 * X.shape[0]))
    params = _full_batch(n_train, "sgd", max_iter=8, warm_start=True,
                         early_stopping=True, n_iter_no_change=50)  # fmt: skip
    ours, theirs = _fit_both(PAIRS[kind], X, y, **params)
    for model in (ours, theirs):
        _fit(model, X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 8
    # the validation history carries over
    assert len(ours.validation_scores_) == len(theirs.validation_scores_) == 16
    assert_allclose(ours.validation_scores_, theirs.validation_scores_, **TRAJECTORY)
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_)
    _assert_same_weights(ours, theirs)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_warm_start_with_other_classes_raises(digits_300_standardized, cls):
    X, y = digits_300_standardized
    model = _fit(cls(hidden_layer_sizes=(5,), max_iter=2, warm_start=True), X, y)
    with pytest.raises(ValueError, match="warm_start can only be used where `y`"):
        model.fit(X, y % 5)


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet"])
def test_warm_start_continues_the_previous_fit(regression, penalty):
    """Two warm fits of 5 epochs are one fit of 10 (plain full-batch sgd)."""
    X, y = regression
    params = _full_batch(X.shape[0], "sgd", penalty=penalty, alpha=5.0, momentum=0.0,
                         n_iter_no_change=100)  # fmt: skip
    warm = RegularizedMLPRegressor(**params, max_iter=5, warm_start=True)
    _fit(warm, X, y)
    _fit(warm, X, y)
    once = _fit(RegularizedMLPRegressor(**params, max_iter=10), X, y)
    assert warm.n_iter_ == 5 and once.n_iter_ == 10
    _assert_same_weights(warm, once, rtol=1e-12, atol=1e-14)
    assert_allclose(warm.loss_curve_, once.loss_curve_, rtol=1e-12)


# =========================================================== early_stopping
@pytest.mark.parametrize("kind", ["binary", "multilabel", "regressor"])
def test_early_stopping_matches_sklearn(
    digits_300_standardized, multilabel, regression, kind
):
    if kind == "binary":
        (X, y), pair = _binary(digits_300_standardized), CLASSIFIERS
    elif kind == "multilabel":  # not stratified (indicator targets)
        (X, y), pair = multilabel, CLASSIFIERS
    else:
        (X, y), pair = regression, REGRESSORS
    n_train = X.shape[0] - int(np.ceil(0.1 * X.shape[0]))
    params = _full_batch(n_train, "sgd", early_stopping=True, n_iter_no_change=3,
                         alpha=1.0, max_iter=300, learning_rate_init=0.01)  # fmt: skip
    ours, theirs = _fit_both(pair, X, y, **params)
    assert ours.n_iter_ == theirs.n_iter_ < 300
    assert_allclose(ours.validation_scores_, theirs.validation_scores_, **TRAJECTORY)
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, **TRAJECTORY)
    _assert_same_weights(ours, theirs)
    for model in (ours, theirs):
        assert model.best_loss_ is None  # the training loss is not watched
        assert len(model.validation_scores_) == model.n_iter_
        assert model.best_validation_score_ == max(model.validation_scores_)
        if kind == "regressor":  # the best weights, not the last ones, are kept
            assert model.validation_scores_[-1] < model.best_validation_score_
        stratify = y if kind == "binary" else None
        X_val, y_val = _held_out_split(model, X, y, stratify=stratify)
        assert model.score(X_val, y_val) == pytest.approx(
            model.best_validation_score_, rel=1e-12
        )


def test_early_stopping_stratifies_multiclass_targets_as_documented(
    digits_300_standardized,
):
    """A deliberate difference: the held-out split is stratified for every
    single-label classifier, as scikit-learn documents ("The split is
    stratified, except in a multilabel setting"); scikit-learn's code stratifies
    binary targets only, so on 10 classes its split differs from ours."""
    X, y = digits_300_standardized
    params = _full_batch(270, "sgd", early_stopping=True, n_iter_no_change=3,
                         alpha=1.0, max_iter=200)  # fmt: skip
    ours, theirs = _fit_both(CLASSIFIERS, X, y, **params)
    X_val, y_val = _held_out_split(ours, X, y, stratify=y)
    assert ours.score(X_val, y_val) == ours.best_validation_score_
    # stratified: every class is held out in proportion to its frequency
    expected = np.bincount(y, minlength=10) * len(y_val) / len(y)
    assert np.abs(np.bincount(y_val, minlength=10) - expected).max() < 1
    X_theirs, y_theirs = _held_out_split(theirs, X, y)  # unstratified
    assert theirs.score(X_theirs, y_theirs) == theirs.best_validation_score_
    assert not np.array_equal(np.sort(y_val), np.sort(y_theirs))


@pytest.mark.parametrize("kind", ["binary", "regressor"])
def test_early_stopping_splits_sample_weight(digits_300_standardized, regression, kind):
    if kind == "binary":
        (X, y), pair = _binary(digits_300_standardized), CLASSIFIERS
    else:
        (X, y), pair = regression, REGRESSORS
    sw = np.random.default_rng(0).integers(1, 5, size=X.shape[0]).astype(float)
    n_train = X.shape[0] - int(np.ceil(0.1 * X.shape[0]))
    params = _full_batch(n_train, "sgd", early_stopping=True, n_iter_no_change=3,
                         max_iter=300, learning_rate_init=0.01)  # fmt: skip
    ours, theirs = _fit_both(pair, X, y, fit_params={"sample_weight": sw}, **params)
    assert ours.n_iter_ == theirs.n_iter_
    assert_allclose(ours.validation_scores_, theirs.validation_scores_, **TRAJECTORY)
    stratify = y if kind == "binary" else None
    X_val, y_val, sw_val = _held_out_split(ours, X, y, sw, stratify=stratify)
    weighted = ours.score(X_val, y_val, sample_weight=sw_val)
    assert weighted == pytest.approx(ours.best_validation_score_, rel=1e-12)
    assert weighted != pytest.approx(ours.score(X_val, y_val), rel=1e-6)


@pytest.mark.parametrize(
    "early_stopping, n_iter_no_change, tol",
    [(False, 2, 1e-2), (False, 5, 1e-3), (False, 1, 0.0),
     (True, 2, 1e-2), (True, 4, 1e-3), (True, 1, 0.0)],
)  # fmt: skip
def test_n_iter_no_change_and_tol_stop_at_the_same_epoch(
    regression, early_stopping, n_iter_no_change, tol
):
    X, y = regression
    n_train = X.shape[0] - (int(np.ceil(0.1 * X.shape[0])) if early_stopping else 0)
    params = _full_batch(n_train, "sgd", early_stopping=early_stopping,
                         n_iter_no_change=n_iter_no_change, tol=tol, max_iter=500,
                         learning_rate_init=0.01)  # fmt: skip
    ours, theirs = _fit_both(REGRESSORS, X, y, **params)
    assert ours.n_iter_ == theirs.n_iter_
    if not early_stopping:  # with tol=0 the training loss always improves
        assert (ours.n_iter_ < 500) == (tol > 0)
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, **TRAJECTORY)
    _assert_same_weights(ours, theirs)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_n_iter_no_change_inf_runs_to_max_iter(
    digits_300_standardized, regression, kind
):
    X, y = _data(kind, digits_300_standardized, regression)
    for cls in PAIRS[kind]:
        model = cls(hidden_layer_sizes=(5,), solver="sgd", n_iter_no_change=np.inf,
                    tol=1.0, max_iter=7, random_state=0)  # fmt: skip
        with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
            model.fit(X, y)
        assert model.n_iter_ == 7


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_validation_set_too_small_raises(digits_300_standardized, regression, kind):
    X, y = _data(kind, digits_300_standardized, regression)
    X, y = X[:10], y[:10]
    for cls in PAIRS[kind]:
        model = cls(solver="adam", early_stopping=True, validation_fraction=0.1)
        with pytest.raises(ValueError, match="The validation set is too small"):
            model.fit(X, y)


@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_early_stopping_with_sparse_penalties(regression, penalty, solver):
    X, y = regression
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(10,), solver=solver, penalty=penalty, alpha=50.0,
        learning_rate_init=LEARNING_RATE[solver] / 10, early_stopping=True,
        n_iter_no_change=3, max_iter=300, random_state=0,
    )  # fmt: skip
    _fit(model, X, y)
    assert len(model.validation_scores_) == model.n_iter_ < 300
    assert model.best_validation_score_ == max(model.validation_scores_)
    X_val, y_val = _held_out_split(model, X, y)
    assert model.score(X_val, y_val) == pytest.approx(
        model.best_validation_score_, rel=1e-12
    )
    assert model.sparsity_[0] > 0


# ================================================ learning-rate schedules
SCHEDULES = [
    ("sgd", dict(learning_rate="constant")),
    ("sgd", dict(learning_rate="invscaling", learning_rate_init=0.5, power_t=0.25)),
    ("sgd", dict(learning_rate="adaptive", n_iter_no_change=2, tol=1e-2)),
    ("sgd", dict(momentum=0.0)),
    ("sgd", dict(momentum=0.5, nesterovs_momentum=False)),
    ("sgd", dict(momentum=0.95, nesterovs_momentum=True)),
    ("adam", dict()),
    ("adam", dict(beta_1=0.5, beta_2=0.9, epsilon=1e-6)),
]


@pytest.mark.parametrize("solver, schedule", SCHEDULES)
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_full_batch_schedules_match_sklearn(
    digits_300_standardized, regression, kind, solver, schedule
):
    X, y = _data(kind, digits_300_standardized, regression)
    lr = {"learning_rate_init": LEARNING_RATE[solver] / (1 if kind == "classifier"
                                                          else 10)}  # fmt: skip
    params = {**_full_batch(X.shape[0], solver, alpha=1.0, max_iter=60), **lr,
              **schedule}  # fmt: skip
    ours, theirs = _fit_both(PAIRS[kind], X, y, **params)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, **TRAJECTORY)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-7)
    _assert_same_weights(ours, theirs)
    for model in (ours, theirs):
        assert model.validation_scores_ is None
        assert model.best_validation_score_ is None
        assert model.best_loss_ == min(model.loss_curve_)


def test_adaptive_schedule_stops_only_when_the_rate_is_tiny(regression):
    X, y = regression
    params = _full_batch(
        X.shape[0],
        "sgd",
        learning_rate="adaptive",
        max_iter=400,
        n_iter_no_change=1,
        tol=10.0,
        learning_rate_init=0.01,
    )
    ours, theirs = _fit_both(REGRESSORS, X, y, **params)
    # epoch 1 improves on inf; then the rate is divided by 5 after every 2 epochs
    # without improvement, and the 7th time it is <= 1e-6 (0.01 / 5**6): stop
    assert ours.n_iter_ == theirs.n_iter_ == 1 + 2 * 7
    _assert_same_weights(ours, theirs)


@pytest.mark.parametrize("n_samples, expected", [(300, 200), (150, 150)])
def test_batch_size_auto_is_min_200_n_samples(
    digits_300_standardized, n_samples, expected
):
    X, y = (
        digits_300_standardized[0][:n_samples],
        digits_300_standardized[1][:n_samples],
    )
    params = dict(hidden_layer_sizes=(10,), solver="sgd", max_iter=3, random_state=0)
    auto = _fit(RegularizedMLPClassifier(**params, batch_size="auto"), X, y)
    explicit = _fit(RegularizedMLPClassifier(**params, batch_size=expected), X, y)
    _assert_identical_weights(auto, explicit)
    if n_samples <= 200:  # one batch: scikit-learn's objective too
        theirs = _fit(MLPClassifier(**params, batch_size="auto"), X, y)
        _assert_same_weights(auto, theirs)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_batch_size_larger_than_n_samples_warns_and_clips(
    digits_300_standardized, regression, kind
):
    X, y = _data(kind, digits_300_standardized, regression)
    n = X.shape[0]
    params = dict(hidden_layer_sizes=(5,), solver="sgd", max_iter=3, random_state=0)
    fitted = []
    for cls in PAIRS[kind]:
        with pytest.warns(UserWarning, match="It is going to be clipped"):
            fitted.append(_fit(cls(**params, batch_size=n + 50), X, y))
    clipped = _fit(PAIRS[kind][0](**params, batch_size=n), X, y)
    _assert_identical_weights(fitted[0], clipped)
    _assert_same_weights(fitted[0], fitted[1])


# ================================================ verbose and convergence
_ITERATION = re.compile(r"^Iteration (\d+), loss = ([-+0-9.einf]+)", re.MULTILINE)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_verbose_prints_every_iteration(capsys, regression, early_stopping):
    X, y = regression
    params = dict(hidden_layer_sizes=(5,), solver="sgd", max_iter=6, verbose=True,
                  early_stopping=early_stopping, random_state=0)  # fmt: skip
    for cls in REGRESSORS:
        capsys.readouterr()
        model = _fit(cls(**params), X, y)
        out = capsys.readouterr().out
        lines = _ITERATION.findall(out)
        assert [int(i) for i, _ in lines] == list(range(1, model.n_iter_ + 1))
        assert_allclose([float(v) for _, v in lines], model.loss_curve_, atol=1e-8)
        n_validation = out.count("Validation score:")
        assert n_validation == (model.n_iter_ if early_stopping else 0)


def test_verbose_lbfgs_prints_every_iteration(capsys, regression):
    """scikit-learn's lbfgs prints nothing with scipy >= 1.15; skreg prints."""
    X, y = regression
    model = _fit(RegularizedMLPRegressor(hidden_layer_sizes=(5,), solver="lbfgs",
                                         max_iter=8, verbose=True, random_state=0),
                 X, y)  # fmt: skip
    lines = _ITERATION.findall(capsys.readouterr().out)
    assert [int(i) for i, _ in lines] == list(range(1, model.n_iter_ + 1))


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_convergence_warning_at_max_iter(
    digits_300_standardized, regression, kind, solver
):
    X, y = _data(kind, digits_300_standardized, regression)
    match = "failed to converge" if solver == "lbfgs" else "Maximum iterations \\(4\\)"
    for cls in PAIRS[kind]:
        model = cls(hidden_layer_sizes=(5,), solver=solver, max_iter=4, random_state=0)
        with pytest.warns(ConvergenceWarning, match=match):
            model.fit(X, y)
        assert model.n_iter_ == 4


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_max_fun_stops_lbfgs(digits_300_standardized, regression, kind):
    X, y = _data(kind, digits_300_standardized, regression)
    n_iters = []
    for cls in PAIRS[kind]:
        model = cls(hidden_layer_sizes=(10,), solver="lbfgs", max_fun=5,
                    max_iter=1000, random_state=0)  # fmt: skip
        with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
            model.fit(X, y)
        n_iters.append(model.n_iter_)
    assert n_iters[0] == n_iters[1] <= 5


# ==================================================== targets and outputs
def test_multilabel_indicator_matches_sklearn(multilabel):
    X, Y = multilabel
    params = _full_batch(X.shape[0], "adam", max_iter=30)
    ours, theirs = _fit_both(CLASSIFIERS, X, Y, **params)
    assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.out_activation_ == theirs.out_activation_ == "logistic"
    assert ours.n_outputs_ == theirs.n_outputs_ == 3
    assert ours.predict(X).shape == theirs.predict(X).shape == Y.shape
    assert_array_equal(ours.predict(X), theirs.predict(X))
    proba = ours.predict_proba(X)
    assert proba.shape == theirs.predict_proba(X).shape == Y.shape
    assert_allclose(proba, theirs.predict_proba(X), rtol=1e-7)
    assert not np.allclose(proba.sum(axis=1), 1.0)  # independent outputs
    assert ours.score(X, Y) == theirs.score(X, Y)  # subset accuracy


def test_multioutput_regression_matches_sklearn_shapes(two_outputs):
    X, Y = two_outputs
    ours, theirs = _fit_both(
        REGRESSORS,
        X,
        Y,
        hidden_layer_sizes=(8,),
        solver="lbfgs",
        max_iter=50,
        random_state=0,
    )
    assert ours.n_outputs_ == theirs.n_outputs_ == 2
    assert ours.predict(X).shape == theirs.predict(X).shape == (X.shape[0], 2)
    assert ours.coefs_[-1].shape == theirs.coefs_[-1].shape == (8, 2)
    assert ours.score(X, Y) == pytest.approx(theirs.score(X, Y), abs=0.05)


@pytest.mark.parametrize(
    "labels",
    [["a", "b", "c"], ["no", "yes"], [10, 20, 30], [-1, 1], [True, False],
     [1.0, 2.0, 3.0]],
)  # fmt: skip
def test_label_types_match_sklearn(digits_300_standardized, labels):
    X, y = digits_300_standardized
    y_labels = np.asarray(labels)[y % len(labels)]
    params = _full_batch(X.shape[0], "sgd", max_iter=10)
    ours, theirs = _fit_both(CLASSIFIERS, X, y_labels, **params)
    assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.classes_.dtype == theirs.classes_.dtype
    pred = ours.predict(X)
    assert pred.dtype == theirs.predict(X).dtype
    assert_array_equal(pred, theirs.predict(X))
    assert set(pred) <= set(labels)


@pytest.mark.parametrize(
    "y", [np.array(["a", 1] * 150, dtype=object), np.linspace(0, 1, 300)],
    ids=["mixed-str-int", "continuous"],
)  # fmt: skip
def test_bad_label_types_raise_like_sklearn(digits_300_standardized, y):
    X, _ = digits_300_standardized
    errors = []
    for cls in CLASSIFIERS:
        with pytest.raises((TypeError, ValueError)) as error:
            cls(max_iter=2).fit(X, y)
        errors.append(error.type)
    assert errors[0] is errors[1]


@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_predict_proba_shapes_match_sklearn(
    digits_300_standardized, multilabel, target
):
    if target == "multilabel":
        X, y = multilabel
    else:
        X, y = (
            _binary(digits_300_standardized)
            if target == "binary"
            else digits_300_standardized
        )
    params = _full_batch(X.shape[0], "adam", max_iter=10)
    ours, theirs = _fit_both(CLASSIFIERS, X, y, **params)
    for model in (ours, theirs):
        proba = model.predict_proba(X)
        n_columns = 2 if target == "binary" else len(model.classes_)
        assert proba.shape == (X.shape[0], n_columns)
        assert model.predict_log_proba(X).shape == proba.shape
        assert_allclose(model.predict_log_proba(X), np.log(proba), rtol=1e-12)
        if target != "multilabel":
            assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-7)


# ==================================================== sparse input, dtypes
@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_sparse_input_gives_the_dense_model(digits_300_standardized, fmt, solver):
    X, y = digits_300_standardized
    X = np.where(np.abs(X) < 0.5, 0.0, X)  # a really sparse matrix
    X_sparse = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    params = dict(hidden_layer_sizes=(10,), solver=solver, max_iter=10,
                  batch_size=50, random_state=0)  # fmt: skip
    dense = _fit(RegularizedMLPClassifier(**params), X, y)
    sparse = _fit(RegularizedMLPClassifier(**params), X_sparse, y)
    _assert_same_weights(sparse, dense, rtol=1e-10, atol=1e-12)
    assert_allclose(sparse.predict_proba(X_sparse), dense.predict_proba(X), rtol=1e-9)
    full = _fit_both(
        CLASSIFIERS, X_sparse, y, **_full_batch(X.shape[0], "sgd", max_iter=10)
    )
    _assert_same_weights(*full)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_dtypes_match_sklearn(digits_300_standardized, regression, kind, solver, dtype):
    X, y = _data(kind, digits_300_standardized, regression)
    X = (X * 10).astype(dtype) if dtype is np.int64 else X.astype(dtype)
    ours, theirs = _fit_both(
        PAIRS[kind],
        X,
        y,
        hidden_layer_sizes=(5,),
        solver=solver,
        max_iter=3,
        random_state=0,
    )
    expected = np.float32 if dtype is np.float32 else np.float64
    # scikit-learn's lbfgs unpacks scipy's float64 solution into float64 weights
    # even for float32 input; skreg keeps float32 for every solver.
    checked = (ours, theirs) if solver != "lbfgs" else (ours,)
    for model in checked:
        assert all(W.dtype == expected for W in model.coefs_ + model.intercepts_)
        out = model.predict_proba(X) if kind == "classifier" else model.predict(X)
        assert out.dtype == expected
    if kind == "regressor":
        assert ours.predict(X.astype(np.float64)).dtype == np.float64


# ============================================================ sample_weight
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_unit_sample_weight_is_no_weight(
    digits_300_standardized, regression, kind, solver
):
    X, y = _data(kind, digits_300_standardized, regression)
    params = dict(hidden_layer_sizes=(10,), solver=solver, max_iter=10,
                  batch_size=64, random_state=0)  # fmt: skip
    cls = PAIRS[kind][0]
    plain = _fit(cls(**params), X, y)
    ones = _fit(cls(**params), X, y, sample_weight=np.ones(X.shape[0]))
    _assert_same_weights(plain, ones, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_sample_weight_fit_matches_sklearn(
    digits_300_standardized, regression, kind, solver
):
    X, y = _data(kind, digits_300_standardized, regression)
    sw = np.random.default_rng(1).uniform(0.5, 3.0, size=X.shape[0])
    params = _full_batch(X.shape[0], "sgd" if solver == "lbfgs" else solver,
                         alpha=1.0, max_iter=20)  # fmt: skip
    params["solver"] = solver
    ours, theirs = _fit_both(PAIRS[kind], X, y, fit_params={"sample_weight": sw},
                             **params)  # fmt: skip
    _assert_same_weights(ours, theirs, rtol=1e-6, atol=1e-9)
    unweighted = _fit(PAIRS[kind][0](**params), X, y)
    assert not np.allclose(ours.coefs_[0], unweighted.coefs_[0])


def test_integer_sample_weight_is_repetition_for_lbfgs(regression):
    X, y = regression
    counts = np.random.default_rng(2).integers(1, 4, size=X.shape[0])
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", alpha=1.0, max_iter=40,
                  random_state=0)  # fmt: skip
    weighted = _fit(RegularizedMLPRegressor(**params), X, y, sample_weight=counts)
    repeated = _fit(RegularizedMLPRegressor(**params), np.repeat(X, counts, axis=0),
                    np.repeat(y, counts))  # fmt: skip
    _assert_same_weights(weighted, repeated, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_sample_weight_partial_fit_matches_sklearn(
    digits_300_standardized, regression, kind
):
    X, y = _data(kind, digits_300_standardized, regression)
    sw = np.random.default_rng(3).uniform(0.5, 3.0, size=X.shape[0])
    extra = {"classes": np.unique(y)} if kind == "classifier" else {}
    models = []
    for cls in PAIRS[kind]:
        model = cls(**_full_batch(X.shape[0], "sgd", alpha=1.0))
        model.partial_fit(X, y, sample_weight=sw, **extra)
        model.partial_fit(X, y, sample_weight=sw)
        models.append(model)
    _assert_same_weights(*models)
    assert_allclose(models[0].loss_curve_, models[1].loss_curve_, **TRAJECTORY)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_score_uses_sample_weight_like_sklearn(
    digits_300_standardized, regression, kind
):
    X, y = _data(kind, digits_300_standardized, regression)
    sw = np.random.default_rng(4).uniform(0.0, 2.0, size=X.shape[0])
    ours, theirs = _fit_both(
        PAIRS[kind], X, y, **_full_batch(X.shape[0], "sgd", max_iter=5)
    )
    metric = accuracy_score if kind == "classifier" else r2_score
    weighted = ours.score(X, y, sample_weight=sw)
    assert weighted == pytest.approx(metric(y, ours.predict(X), sample_weight=sw))
    assert weighted == pytest.approx(theirs.score(X, y, sample_weight=sw), rel=1e-7)
    assert weighted != pytest.approx(ours.score(X, y), rel=1e-9)


# ========================================= feature names and persistence
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_feature_names_like_sklearn(digits_300_standardized, regression, kind):
    X, y = _data(kind, digits_300_standardized, regression)
    names = [f"f{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=names)
    renamed = frame.rename(columns={"f0": "other"})
    for cls in PAIRS[kind]:
        model = _fit(cls(hidden_layer_sizes=(5,), max_iter=3, random_state=0),
                     frame, y)  # fmt: skip
        assert_array_equal(model.feature_names_in_, names)
        assert model.n_features_in_ == X.shape[1]
        with pytest.warns(UserWarning, match="X does not have valid feature names"):
            model.predict(X)
        with pytest.raises(ValueError, match="The feature names should match"):
            model.predict(renamed)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the fitted names: no warning
            pred = model.predict(frame)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            assert_array_equal(pred, model.predict(X))
        plain = _fit(cls(hidden_layer_sizes=(5,), max_iter=3, random_state=0), X, y)
        assert not hasattr(plain, "feature_names_in_")
        with pytest.warns(UserWarning, match="X has feature names, but"):
            plain.predict(frame)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_pickle_and_joblib_round_trips(
    tmp_path, digits_300_standardized, regression, kind, solver
):
    X, y = _data(kind, digits_300_standardized, regression)
    model = _fit(PAIRS[kind][0](hidden_layer_sizes=(10,), solver=solver,
                                max_iter=20, random_state=0), X, y)  # fmt: skip
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    for copy in (pickle.loads(pickle.dumps(model)), joblib.load(path)):
        assert_array_equal(copy.predict(X), model.predict(X))
        if kind == "classifier":
            assert_array_equal(copy.predict_proba(X), model.predict_proba(X))
        assert copy.get_params() == model.get_params()


# ================================================================ divergence
def test_diverging_fit_with_early_stopping_does_not_crash(diabetes_unscaled):
    X, y = diabetes_unscaled
    params = dict(hidden_layer_sizes=(10,), solver="sgd", learning_rate_init=10.0,
                  early_stopping=True, n_iter_no_change=1000, max_iter=100,
                  random_state=0)  # fmt: skip
    with np.errstate(all="ignore"):
        theirs = _fit(MLPRegressor(**params), X, y)  # does not crash either
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ours = RegularizedMLPRegressor(**params).fit(X, y)
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert any("validation score is not finite" in m for m in messages)
    assert any("Training diverged" in m for m in messages)
    scores = np.asarray(ours.validation_scores_)
    # the diverged epoch, rolled back, is recorded as a nan score (as
    # scikit-learn records it), after one score per completed epoch
    assert len(scores) == ours.n_iter_ + 1 < 101
    assert np.isnan(scores[-1]) and isinstance(ours.validation_scores_[-1], float)
    assert np.isfinite(scores[~np.isnan(scores)]).all()
    assert ours.best_validation_score_ == np.nanmax(scores)
    for model in (ours, theirs):
        assert all(np.isfinite(p).all() for p in model.coefs_ + model.intercepts_)
        assert np.isfinite(model.predict(X[:5])).all()


def test_diverging_fit_keeps_the_last_finite_weights(diabetes_unscaled):
    X, y = diabetes_unscaled
    params = dict(hidden_layer_sizes=(10,), solver="sgd", learning_rate_init=100.0,
                  max_iter=200, n_iter_no_change=1000, random_state=0)  # fmt: skip
    with np.errstate(all="ignore"):
        with pytest.warns(ConvergenceWarning, match="Training diverged in epoch"):
            model = RegularizedMLPRegressor(**params).fit(X, y)
        assert model.n_iter_ == len(model.loss_curve_) < 200
        assert np.isfinite(model.loss_curve_).all()
        assert all(np.isfinite(p).all() for p in model.coefs_ + model.intercepts_)
        # the weights after the last finite epoch: a fit stopped there by max_iter
        stopped = _fit(
            RegularizedMLPRegressor(**{**params, "max_iter": model.n_iter_}), X, y
        )
    _assert_identical_weights(model, stopped)


# =================================================== deliberate differences
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_difference_minibatch_alpha_is_scaled_by_the_whole_data(regression, solver):
    """(a) sklearn divides the penalty by the batch size, skreg by n."""
    X, y = regression
    n = X.shape[0]

    def norm(model):
        return np.sqrt(sum(float((W**2).sum()) for W in model.coefs_))

    params = dict(hidden_layer_sizes=(10,), solver=solver, alpha=20.0, shuffle=False,
                  learning_rate_init=LEARNING_RATE[solver] / 10, max_iter=40,
                  random_state=0)  # fmt: skip
    full = _fit_both(REGRESSORS, X, y, batch_size=n, **params)
    _assert_same_weights(*full)  # one batch: the same objective
    ours, theirs = _fit_both(REGRESSORS, X, y, batch_size=20, **params)
    # 10 batches: sklearn's penalty is 10 times stronger
    assert norm(theirs) < 0.8 * norm(ours)
    # skreg's mini-batch model is close to its full-batch one at convergence;
    # sklearn's with alpha * batch_size / n is the one that compares to ours
    rescaled = _fit(MLPRegressor(**{**params, "alpha": 20.0 * 20 / n},
                                 batch_size=20), X, y)  # fmt: skip
    assert norm(rescaled) == pytest.approx(norm(ours), rel=0.1)


def test_difference_multioutput_loss_sums_over_outputs(two_outputs):
    """(b) ours is 1/2 * sum over outputs, sklearn's averages over outputs."""
    X, Y = two_outputs
    n = X.shape[0]
    # the same (initial) weights: a full-batch partial_fit records the loss at them
    params = dict(hidden_layer_sizes=(8,), solver="sgd", batch_size=n, shuffle=False,
                  alpha=0.0, random_state=0)  # fmt: skip
    ours, theirs = (cls(**params).partial_fit(X, Y) for cls in REGRESSORS)
    assert ours.loss_ == pytest.approx(2 * theirs.loss_, rel=1e-12)
    # both gradients are that of the summed loss: the same step was taken
    _assert_same_weights(ours, theirs)
    # lbfgs from the same init reaches the same model, with loss_ twice as large
    ours, theirs = _fit_both(REGRESSORS, X, Y, hidden_layer_sizes=(8,),
                             activation="identity", solver="lbfgs", alpha=0.0,
                             tol=1e-10, max_iter=2000, random_state=0)  # fmt: skip
    assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-3)
    assert ours.loss_ == pytest.approx(2 * theirs.loss_, rel=1e-5)


def test_difference_partial_fit_lbfgs_regressor(digits_300_standardized, regression):
    """(c) skreg's regressor refuses partial_fit with lbfgs, like both classifiers."""
    X, y = regression
    assert not hasattr(RegularizedMLPRegressor(solver="lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit"):
        RegularizedMLPRegressor(solver="lbfgs").partial_fit(X, y)
    theirs = MLPRegressor(solver="lbfgs", hidden_layer_sizes=(5,), random_state=0)
    theirs.partial_fit(X, y)  # scikit-learn's regressor silently runs
    assert hasattr(theirs, "coefs_")
    Xc, yc = digits_300_standardized
    for cls in CLASSIFIERS:
        with pytest.raises(AttributeError, match="partial_fit"):
            cls(solver="lbfgs").partial_fit(Xc, yc, classes=np.unique(yc))


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_difference_linear_model_and_extra_attributes(
    digits_300_standardized, regression, kind
):
    """(d) hidden_layer_sizes=() and the extra fitted attributes.

    scikit-learn 1.9 happens to accept ``()`` as well; skreg documents it, and
    both give the same linear model.
    """
    X, y = _data(kind, digits_300_standardized, regression)
    ours, theirs = _fit_both(PAIRS[kind], X, y, hidden_layer_sizes=(),
                             solver="lbfgs", alpha=1.0, max_iter=30,
                             random_state=0)  # fmt: skip
    assert ours.n_layers_ == theirs.n_layers_ == 2
    assert [W.shape for W in ours.coefs_] == [W.shape for W in theirs.coefs_]
    _assert_same_weights(ours, theirs, rtol=1e-5, atol=1e-7)
    for solver in ("sgd", "lbfgs"):
        model = _fit(PAIRS[kind][0](hidden_layer_sizes=(5,), solver=solver,
                                    max_iter=5, random_state=0), X, y)  # fmt: skip
        sk_model = _fit(PAIRS[kind][1](hidden_layer_sizes=(5,), solver=solver,
                                       max_iter=5, random_state=0), X, y)  # fmt: skip
        assert model.sparsity_ == [float(np.mean(W == 0)) for W in model.coefs_]
        assert len(model.data_loss_curve_) == len(model.penalty_curve_)
        assert len(model.loss_curve_) == len(model.data_loss_curve_)
        assert_allclose(np.add(model.data_loss_curve_, model.penalty_curve_),
                        model.loss_curve_, rtol=1e-12)  # fmt: skip
        for name in ("sparsity_", "data_loss_curve_", "penalty_curve_"):
            assert not hasattr(sk_model, name)
        # loss_curve_ is recorded for lbfgs too (sklearn: stochastic solvers only)
        assert hasattr(sk_model, "loss_curve_") == (solver == "sgd")


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_difference_warm_start_with_another_architecture(
    digits_300_standardized, regression, kind
):
    """(e) skreg refuses a warm start whose layer sizes changed.

    scikit-learn silently keeps the previous network and ignores the new
    ``hidden_layer_sizes``; skreg raises a ValueError that says what changed.
    """
    X, y = _data(kind, digits_300_standardized, regression)
    ours, theirs = _fit_both(
        PAIRS[kind], X, y, hidden_layer_sizes=(5,), max_iter=2, warm_start=True
    )
    for model in (ours, theirs):
        model.set_params(hidden_layer_sizes=(6,))
    with pytest.raises(ValueError, match="need the same network"):
        ours.fit(X, y)
    assert ours.coefs_[0].shape == (X.shape[1], 5)  # the fitted model is kept
    _fit(theirs, X, y)
    assert theirs.coefs_[0].shape == (X.shape[1], 5)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_difference_parameters_are_views_of_one_flat_vector(
    digits_300_standardized, solver
):
    """(f) After a stochastic fit, coefs_ and intercepts_ share one vector.

    scikit-learn keeps one array per layer.  skreg's arrays are views into the
    flat vector the optimizer updates; partial_fit keeps training those very
    arrays, and arrays assigned by the user are packed again by the next call.
    """
    X, y = digits_300_standardized
    ours, theirs = _fit_both(
        CLASSIFIERS, X, y, hidden_layer_sizes=(7, 5), solver=solver, max_iter=2
    )
    ours_params = ours.coefs_ + ours.intercepts_
    base = ours.coefs_[0].base
    assert base.shape == (sum(p.size for p in ours_params),)
    assert all(p.base is base for p in ours_params)
    assert all(p.base is None for p in theirs.coefs_ + theirs.intercepts_)
    held = ours.coefs_[1]
    before = held.copy()
    ours.partial_fit(X, y)
    assert ours.coefs_[1] is held and not np.array_equal(held, before)
    ours.coefs_[0] = ours.coefs_[0].copy()  # replaced by the user
    ours.partial_fit(X, y)
    assert ours.coefs_[0].base is ours.coefs_[1].base
