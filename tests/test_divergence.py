"""Divergence: a clear warning and the last finite weights, or an error.

Every solver and penalty, full-batch and partial_fit: a fit that overflows
after at least one finite epoch warns and keeps the weights of the last
finite epoch, bit for bit (and, for Adam, a sound optimizer state); one that
never had a finite epoch raises scikit-learn's ValueError and leaves the
model unfitted; and no RuntimeWarning reaches the user on the way.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

NON_FINITE = "Solver produced non-finite parameter weights"


def _predictions(model, X):
    """Predicted values, or class probabilities (labels are always finite)."""
    if isinstance(model, RegularizedMLPClassifier):
        model.predict(X)
        return model.predict_proba(X)
    return model.predict(X)


# ------------------------------------------------------------------ full batch
def _diverging_problem(estimator):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = X @ [1.0, 2.0, 3.0]
    if estimator is RegularizedMLPClassifier:
        return X, np.digitize(y, [-1.0, 1.0])  # three classes: softmax
    return X, 1e3 * y


# Full-batch configurations whose weights overflow after at least one finite
# epoch: squared error diverges at the learning_rate_init=10 with sgd;
# Adam's steps, and the log-loss gradients, are bounded, so they need a rate
# that makes the first step huge.
DIVERGING = [
    (RegularizedMLPRegressor, "sgd", 10.0),
    (RegularizedMLPRegressor, "adam", 1e300),
    (RegularizedMLPClassifier, "sgd", 1e300),
]
DIVERGING_CASES = [
    (estimator, solver, rate, penalty)
    for estimator, solver, rate in DIVERGING
    for penalty in (
        None,
        "l2",
        "l1",
        "elasticnet",
        "l0",
        "group_lasso",
        "sparse_group_lasso",
    )
]


def _fit_recording(model, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    return caught


def _divergence_warnings(caught):
    return [
        w
        for w in caught
        if issubclass(w.category, ConvergenceWarning)
        and re.search(r"diverg|non-finite", str(w.message), re.IGNORECASE)
    ]


def _params(model):
    return model.coefs_ + model.intercepts_


@pytest.mark.parametrize(
    "estimator, solver, rate, penalty",
    DIVERGING_CASES,
    ids=[f"{e.__name__[13:]}-{s}-{p}" for e, s, _, p in DIVERGING_CASES],
)
def test_divergence_keeps_last_finite_weights(estimator, solver, rate, penalty):
    X, y = _diverging_problem(estimator)
    params = dict(
        hidden_layer_sizes=(5,), solver=solver, penalty=penalty,
        learning_rate_init=rate, max_iter=50, random_state=0,
    )  # fmt: skip
    model = estimator(**params)
    try:
        caught = _fit_recording(model, X, y)
    except ValueError as exc:
        # diverged in the first epoch: nothing finite was ever learnt, so the
        # fit fails as scikit-learn's does, and leaves the model unfitted
        assert "Solver produced non-finite parameter weights" in str(exc)
        assert not hasattr(model, "coefs_")
        with pytest.raises(ValueError, match="non-finite parameter weights"):
            _fit_recording(estimator(**{**params, "max_iter": 1}), X, y)
        return
    assert _divergence_warnings(caught), [str(w.message) for w in caught]
    assert not [str(w.message) for w in caught if w.category is RuntimeWarning]
    assert all(np.isfinite(p).all() for p in _params(model))
    assert model.n_iter_ > 0
    # the weights are those after the last finite epoch, bit for bit
    reference = estimator(**{**params, "max_iter": model.n_iter_})
    assert not _divergence_warnings(_fit_recording(reference, X, y))
    for kept, expected in zip(_params(model), _params(reference), strict=True):
        np.testing.assert_array_equal(kept, expected)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # reported by the assert
        assert np.isfinite(_predictions(model, X)).all()


@pytest.mark.parametrize("penalty", [None, "l2", "l1", "elasticnet"])
@pytest.mark.parametrize(
    "estimator", [RegularizedMLPClassifier, RegularizedMLPRegressor]
)
def test_lbfgs_without_a_finite_step_is_an_error(estimator, penalty):
    # inputs so large that the objective overflows at the initial weights: not
    # one finite step, so the random start must not pass for a fitted model
    X, y = _diverging_problem(estimator)
    model = estimator(
        hidden_layer_sizes=(5,), solver="lbfgs", penalty=penalty, random_state=0
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="non-finite parameter weights"):
            model.fit(1e200 * X, y)
    assert not hasattr(model, "coefs_")
    assert not [str(w.message) for w in caught if w.category is RuntimeWarning]


@pytest.mark.usefixtures("runtime_warnings_are_errors")
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(
    "estimator", [RegularizedMLPClassifier, RegularizedMLPRegressor]
)
def test_no_runtime_warning_when_training_blows_up(estimator, solver):
    X, y = _diverging_problem(estimator)
    model = estimator(
        hidden_layer_sizes=(5,), solver=solver, learning_rate_init=1e300,
        max_iter=20, random_state=0,
    )  # fmt: skip
    # the first epoch diverges: scikit-learn's ValueError, and no RuntimeWarning
    # (an error here, by the fixture) on the way
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        model.fit(1e100 * X, y)
    assert not hasattr(model, "coefs_")


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_divergence_in_the_first_epoch_is_an_error(solver):
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    model = RegularizedMLPRegressor(solver=solver, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not a warning with an untrained model
        with pytest.raises(ValueError, match=NON_FINITE):
            model.fit(X, y)
        if solver != "lbfgs":
            with pytest.raises(ValueError, match=NON_FINITE):
                model.partial_fit(X, y)
    assert not hasattr(model, "coefs_")


# ----------------------------------------------------------------- partial_fit
def _batches(X, y, n_batches, rows=64, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n_batches):
        rows_taken = rng.choice(X.shape[0], rows, replace=False)
        yield X[rows_taken], y[rows_taken]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_diverging_partial_fit_batch_leaves_the_optimizer_sound(
    diabetes_standardized, solver
):
    X, y = diabetes_standardized
    lr = 0.01 if solver == "sgd" else 0.005
    models = [
        RegularizedMLPRegressor(
            hidden_layer_sizes=(16,),
            solver=solver,
            learning_rate_init=lr,
            random_state=0,
        )
        for _ in range(2)
    ]
    clean, hit = models
    batches = list(_batches(X, y, 200))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for model in models:
            model.partial_fit(*batches[0])
        weights = [W.copy() for W in hit.coefs_]
        state = [a.copy() for a in hit._optimizer.state_arrays()]
        hit.partial_fit(batches[1][0], np.full(64, 1e200))  # one absurd target
        assert all((a == b).all() for a, b in zip(hit.coefs_, weights, strict=True))
        restored = hit._optimizer.state_arrays()
        assert all((a == b).all() for a, b in zip(restored, state, strict=True))
        for batch in batches[1:]:
            for model in models:
                model.partial_fit(*batch)
    diverged = [w for w in caught if "diverged" in str(w.message)]
    assert len(diverged) == 1  # the bad batch only (before: one per later batch)
    assert all(np.isfinite(a).all() for a in hit._optimizer.state_arrays())
    # each call is one batch, so the shuffles the bad call drew change nothing
    assert hit.score(X, y) == pytest.approx(clean.score(X, y), abs=1e-6)


def test_divergence_after_progress_keeps_the_model(diabetes_standardized):
    X, y = diabetes_standardized
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), solver="sgd", max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    weights = [W.copy() for W in model.coefs_]
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.partial_fit(X, np.full_like(y, 1e200))
    assert all((a == b).all() for a, b in zip(model.coefs_, weights, strict=True))


# -------------------------------------------------------- the divergence check
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_divergence_check_catches_an_overflowing_exp_output(dtype):
    """Finite weights whose Poisson predictions exp(z) overflow count as diverged."""
    from skreg._network import Workspace
    from skreg._solvers.trainer import finite_predictions

    X = np.ones((5, 2), dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = RegularizedMLPRegressor(
            loss="poisson", hidden_layer_sizes=(3,), max_iter=1, random_state=0
        ).fit(X, np.ones(5))
    workspace = Workspace([2, 3, 1], 5, dtype)
    objective = model._objective(X, np.ones((5, 1), dtype), None)
    params = model.coefs_[0].base  # coefs_ and intercepts_ view this vector
    assert finite_predictions(objective, params, X, workspace)
    model.intercepts_[-1][:] = 800.0  # exp(800) overflows even float64
    assert np.isfinite(model.intercepts_[-1]).all()
    assert not finite_predictions(objective, params, X, workspace)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_the_logit_bound_holds_for_every_activation(activation):
    """The bound that spares the forward pass is at least every |logit|."""
    from skreg._solvers.trainer import largest_size, logit_size_bound

    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 6)) * 3.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = RegularizedMLPRegressor(
            hidden_layer_sizes=(7, 5), activation=activation, max_iter=5,
            random_state=0,
        ).fit(X, rng.standard_normal(40))  # fmt: skip
    for W in model.coefs_:
        W *= 10.0  # large weights, far from an overflow
    logits = model.predict(X)  # an identity output: the logits
    units = [6, 7, 5, 1]
    params = model.coefs_[0].base  # coefs_ and intercepts_ view this vector
    bound = logit_size_bound(units, largest_size(params), largest_size(X))
    assert np.abs(logits).max() <= bound
    assert largest_size(sp.csr_matrix(X)) == np.abs(X).max()


def test_finite_predictions_past_the_bound_are_checked_by_a_forward_pass():
    """Weights past what the bound allows, on tiny inputs: finite, and so found."""
    from skreg._network import Workspace
    from skreg._solvers.trainer import (
        finite_predictions,
        largest_size,
        logit_size_bound,
    )

    X = np.full((4, 2), 1e-200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = RegularizedMLPRegressor(
            hidden_layer_sizes=(3,), max_iter=1, random_state=0
        ).fit(X, np.ones(4))
    for W in model.coefs_:
        W[:] = 1e160
    params = model.coefs_[0].base
    assert not np.isfinite(logit_size_bound([2, 3, 1], largest_size(params), 1e-200))
    objective = model._objective(X, np.ones((4, 1)), None)
    workspace = Workspace([2, 3, 1], 4, np.float64)
    assert finite_predictions(objective, params, X, workspace, x_size=largest_size(X))
    X_large = np.ones((4, 2))  # 1e160 * 1e160 overflows
    assert not finite_predictions(objective, params, X_large, workspace)
