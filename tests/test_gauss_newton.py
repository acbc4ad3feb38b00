"""The weights' Gauss-Newton curvature of the evidence, and the evidence at
scikit-learn's default width (``hidden_layer_sizes=(100,)``)."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg._mlp import training_objective
from skreg._network.losses import LOSSES
from skreg._theory import gauss_newton
from skreg.theory import flat_parameters, loss_hessian, profile_hessian


@pytest.mark.parametrize("name", list(LOSSES))
def test_the_hessian_root_squares_to_the_loss_hessian(name):
    loss = LOSSES[name]
    rng = np.random.RandomState(0)
    prediction = loss.prediction(rng.randn(6, 4))
    root = loss.hessian_root(prediction)
    direction = rng.randn(6, 4)
    squared = np.einsum("nrk,nrl,nl->nk", root, root, direction)
    assert_allclose(squared, loss.hessian_product(prediction, direction), atol=1e-14)


def _fitted(kind, hidden, weighted=False):
    if kind == "regressor":
        X, y = load_diabetes(return_X_y=True)
        X, y = X[:120], (y[:120] - y.mean()) / y.std()
        model = RegularizedMLPRegressor
    else:
        X, y = load_digits(return_X_y=True)
        X, y = X[:150] / 16, y[:150]
        model = RegularizedMLPClassifier
    weights = np.random.RandomState(0).uniform(0.5, 2, len(y)) if weighted else None
    fitted = model(hidden_layer_sizes=hidden, alpha=1.0, solver="lbfgs",
                   max_iter=200, random_state=0)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short fit is enough for curvature
        fitted.fit(X, y, sample_weight=weights)
    Y = fitted._encode_targets(y)
    return fitted, X, y, weights, training_objective(fitted, X, Y, weights)


@pytest.mark.parametrize(
    "kind, hidden, weighted",
    [("regressor", (8,), False), ("classifier", (5,), True), ("regressor", (), True)],
)
def test_the_exact_root_gives_the_profiled_gauss_newton_matrix(kind, hidden, weighted):
    """U^T U equals the Schur complement of loss_hessian's Gauss-Newton matrix."""
    model, X, y, weights, objective = _fitted(kind, hidden, weighted)
    G = loss_hessian(model, X, y, weights, kind="gauss_newton") * objective.weight_sum
    S = profile_hessian((G + G.T) / 2, objective.layout.n_coef)
    inputs, deltas = gauss_newton.root_deltas(objective, flat_parameters(model))
    U = gauss_newton.ExactCurvature.from_root(inputs, deltas).U
    assert_allclose(U.T @ U, S, atol=1e-10 * np.abs(S).max())


@pytest.mark.parametrize("solve", ["dual", "primal"])
def test_traces_and_log_det_match_a_dense_inverse(solve):
    rng = np.random.RandomState(0)
    rows = 7 if solve == "dual" else 30
    U, sizes, layer_shift = rng.randn(rows, 12), [8, 4], np.array([0.3, 2.0])
    shift = np.repeat(layer_shift, sizes)
    M = U.T @ U + np.diag(shift)
    traces, log_det = gauss_newton.ExactCurvature(U, sizes).traces_and_log_det(
        layer_shift
    )
    inverse = np.diag(np.linalg.inv(M))
    assert_allclose(traces, [inverse[:8].sum(), inverse[8:].sum()], rtol=1e-12)
    assert log_det == pytest.approx(np.linalg.slogdet(M)[1], rel=1e-12)


@pytest.mark.parametrize(
    "kind, hidden, weighted",
    [
        ("regressor", (16,), True),
        ("classifier", (20,), False),
        ("regressor", (), False),
    ],
)
def test_the_gram_form_is_the_exact_dual_form(kind, hidden, weighted):
    # the rows' Gram of each layer, (a_i . a_j)(g_ir . g_js), projected, gives
    # the traces and log-determinant of U with U U^T never multiplied out
    model, _, _, _, objective = _fitted(kind, hidden, weighted)
    inputs, deltas = gauss_newton.root_deltas(objective, flat_parameters(model))
    exact = gauss_newton.ExactCurvature.from_root(inputs, deltas)
    gram = gauss_newton.GramCurvature.from_root(inputs, deltas)
    n_layers = len(inputs)
    for shift in (1e-2, 1.0, 30.0):
        layer_shift = shift * np.linspace(1.0, 3.0, n_layers)
        traces, log_det = gram.traces_and_log_det(layer_shift)
        exact_traces, exact_log_det = exact.traces_and_log_det(layer_shift)
        assert_allclose(traces, exact_traces, rtol=1e-9)
        assert log_det == pytest.approx(exact_log_det, rel=1e-10)


def test_fewer_rows_than_weights_take_the_gram_form(monkeypatch):
    model, _, _, _, objective = _fitted("regressor", (16,))  # 120 rows, 176 weights
    params = flat_parameters(model)
    curvature = gauss_newton.weights_curvature(objective, params)
    assert isinstance(curvature, gauss_newton.GramCurvature)
    monkeypatch.setattr(gauss_newton, "GRAM_MAX_FLOATS", 100)
    curvature = gauss_newton.weights_curvature(objective, params)
    assert isinstance(curvature, gauss_newton.ExactCurvature)


def test_the_kronecker_factors_are_exact_for_a_linear_squared_error():
    model, _, _, _, objective = _fitted("regressor", (), weighted=True)
    params = flat_parameters(model)
    inputs, deltas = gauss_newton.root_deltas(objective, params)
    exact = gauss_newton.ExactCurvature.from_root(inputs, deltas)
    factored = gauss_newton.KroneckerCurvature.from_root(
        inputs, deltas, objective.sample_weight
    )
    for shift in (1e-3, 1.0, 30.0):
        traces, log_det = factored.traces_and_log_det([shift])
        exact_traces, exact_log_det = exact.traces_and_log_det([shift])
        assert_allclose(traces, exact_traces, rtol=1e-10)
        assert log_det == pytest.approx(exact_log_det, rel=1e-10)


def test_a_large_network_takes_the_kronecker_factors(monkeypatch):
    model, _, _, _, objective = _fitted("classifier", (5,))
    params = flat_parameters(model)
    assert isinstance(
        gauss_newton.weights_curvature(objective, params), gauss_newton.ExactCurvature
    )
    monkeypatch.setattr(gauss_newton, "EXACT_MAX_FLOATS", 100)
    assert isinstance(
        gauss_newton.weights_curvature(objective, params),
        gauss_newton.KroneckerCurvature,
    )


def _standardized_split(X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def test_the_evidence_fits_breast_cancer_at_the_default_width():
    """Its Lanczos quadrature found negative Ritz values of a PSD operator."""
    X_train, X_test, y_train, y_test = _standardized_split(
        *load_breast_cancer(return_X_y=True), seed=0
    )
    model = RegularizedMLPClassifier(
        alpha="evidence", solver="lbfgs", max_iter=500, random_state=0
    )
    with warnings.catch_warnings():
        # some fits along the way stop at max_iter, as they may
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        model.fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.94


def test_the_evidence_does_not_collapse_into_interpolation():
    """From alpha = var(y) this split slid to alphas of 1e-4 and 1e-6."""
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = _standardized_split(
        X, (y - y.mean()) / y.std(), seed=1
    )
    model = RegularizedMLPRegressor(
        alpha="evidence", solver="lbfgs", max_iter=500, random_state=0
    )
    with warnings.catch_warnings():
        # the fits at the largest alpha stop at max_iter, as they may
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        model.fit(X_train, y_train)
    assert np.min(model.alpha_) > 1e-3
    assert model.score(X_test, y_test) > 0.3
