"""Curvature of real networks: Gauss-Newton, operators, Lanczos, stochastic traces.

Oracles: the Gram matrix of a linear model, Jacobians by finite differences,
dense eigendecompositions of the same curvature.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg.theory import (
    curvature_operator,
    effective_parameters,
    flat_parameters,
    log_det,
    loss_hessian,
    profile_hessian,
    spectral_density,
    top_eigenvalues,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _n_weights(model):
    return sum(W.size for W in model.coefs_)


@pytest.fixture(scope="module")
def small_models():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y_reg = np.sin(X[:, 0]) + X[:, 1] ** 2
    y_clf = rng.integers(0, 3, 40)
    params = dict(hidden_layer_sizes=(4,), activation="tanh", solver="lbfgs",
                  max_iter=50, random_state=0)  # fmt: skip
    regressor = RegularizedMLPRegressor(**params).fit(X, y_reg)
    classifier = RegularizedMLPClassifier(**params).fit(X, y_clf)
    return {"regressor": (regressor, X, y_reg), "classifier": (classifier, X, y_clf)}


@pytest.fixture(scope="module")
def diabetes_network(diabetes_raw_target):
    X, y = diabetes_raw_target
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), alpha=1.0, solver="lbfgs", max_iter=2000,
        random_state=0,
    ).fit(X, y / y.std())  # fmt: skip
    return model, X, y / y.std()


@pytest.fixture(scope="module")
def digits_network(digits_standardized):
    X, y = digits_standardized
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(32,), solver="lbfgs", alpha=1.0, max_iter=300,
        random_state=0,
    ).fit(X, y)  # fmt: skip
    G = loss_hessian(model, X, y, kind="gauss_newton")
    return model, X, y, G, curvature_operator(model, X, y)


# ------------------------------------------------- 1. operator == matrix
@pytest.mark.parametrize("kind", ["hessian", "gauss_newton"])
@pytest.mark.parametrize("task", ["regressor", "classifier"])
def test_operator_products_equal_the_matrix(small_models, task, kind):
    model, X, y = small_models[task]
    H = loss_hessian(model, X, y, kind=kind)
    op = curvature_operator(model, X, y, kind=kind)
    assert isinstance(op, LinearOperator) and op.shape == H.shape
    assert op.dtype == np.float64
    V = np.random.default_rng(1).standard_normal((H.shape[0], 3))
    assert_allclose(op @ V[:, 0], H @ V[:, 0], rtol=1e-8, atol=1e-12)
    assert_allclose(op @ V, H @ V, rtol=1e-8, atol=1e-12)
    assert op.n_products == 4


# ------------------------------------------------ 2. Gauss-Newton oracles
def test_gauss_newton_of_a_linear_model_is_the_gram_matrix():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    model = RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs").fit(X, y)
    design = np.column_stack([X, np.ones(len(X))])
    assert_allclose(
        loss_hessian(model, X, y, kind="gauss_newton"),
        design.T @ design / len(X),
        rtol=1e-10,
    )


def _prediction_jacobian(model, X, eps=1e-6):
    """d f(x_i) / d theta by central differences of predict (one output)."""
    theta = flat_parameters(model)
    units = [model.coefs_[0].shape[0]] + [W.shape[1] for W in model.coefs_]
    from skreg._network import ParameterLayout

    layout = ParameterLayout(units)
    J = np.empty((X.shape[0], theta.size))
    for j in range(theta.size):
        values = []
        for sign in (1, -1):
            shifted = theta.copy()
            shifted[j] += sign * eps
            model.coefs_, model.intercepts_ = layout.views(shifted)
            values.append(model.predict(X))
        J[:, j] = (values[0] - values[1]) / (2 * eps)
    model.coefs_, model.intercepts_ = layout.views(theta)
    return J


def test_gauss_newton_of_a_tanh_network_is_jtj_and_psd(small_models):
    model, X, y = small_models["regressor"]
    G = loss_hessian(model, X, y, kind="gauss_newton")
    H = loss_hessian(model, X, y)
    J = _prediction_jacobian(model, X)
    assert_allclose(G, J.T @ J / len(X), rtol=1e-6, atol=1e-9)
    eigenvalues = np.linalg.eigvalsh(G)
    assert eigenvalues.min() > -1e-12 * eigenvalues.max()
    assert np.abs(G - H).max() > 1e-3 * np.abs(H).max()  # not the Hessian


# ------------------------------------ 3. the user's case: diabetes, (8,)
def test_effective_parameters_of_a_regularized_network(diabetes_network):
    model, X, y = diabetes_network
    n, n_w = X.shape[0], _n_weights(model)
    with pytest.raises(ValueError, match="kind='gauss_newton'"):
        effective_parameters(loss_hessian(model, X, y), 1 / n, n_penalized=n_w)
    G = loss_hessian(model, X, y, kind="gauss_newton")
    gamma = effective_parameters(G, 1 / n, n_penalized=n_w)
    eigenvalues = np.clip(np.linalg.eigvalsh(profile_hessian(G, n_w)), 0, None)
    assert 0 < gamma < n_w
    assert gamma == pytest.approx(np.sum(eigenvalues / (eigenvalues + 1 / n)), rel=1e-8)


# --------------------------------------- 4. stochastic estimates, digits
@pytest.mark.parametrize("profiled", [False, True], ids=["all", "weights only"])
def test_stochastic_effective_parameters_within_five_percent(digits_network, profiled):
    model, X, y, G, op = digits_network
    alpha = model.alpha / X.shape[0]
    n_penalized = _n_weights(model) if profiled else None
    exact = effective_parameters(G, alpha, n_penalized=n_penalized)
    estimate = effective_parameters(op, alpha, n_penalized=n_penalized, random_state=0)
    assert estimate == pytest.approx(exact, rel=0.05)
    hutchinson = effective_parameters(
        op, alpha, n_penalized=n_penalized, method="hutchinson", random_state=0
    )
    assert hutchinson == pytest.approx(exact, rel=0.05)


def test_top_eigenvalues_agree_with_eigvalsh(digits_network):
    _, _, _, G, op = digits_network
    expected = np.linalg.eigvalsh(G)[::-1][:6]
    assert_allclose(top_eigenvalues(op, random_state=0), expected, rtol=1e-6)
    assert_allclose(top_eigenvalues(G, k=6), expected, rtol=1e-12)


def test_spectral_density_is_a_density_with_the_right_mean(digits_network):
    _, _, _, G, op = digits_network
    grid, density = spectral_density(op, random_state=0)
    assert (density >= 0).all()
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-12)
    mean = np.trapezoid(grid * density, grid)
    assert mean == pytest.approx(np.trace(G) / G.shape[0], rel=0.15)


@pytest.mark.parametrize("profiled", [False, True], ids=["all", "weights only"])
def test_log_det_by_quadrature_matches_the_exact_one(digits_network, profiled):
    model, X, _, G, op = digits_network
    alpha = model.alpha / X.shape[0]
    n_penalized = _n_weights(model) if profiled else None
    exact = log_det(G, alpha, n_penalized=n_penalized)
    estimate = log_det(op, alpha, n_penalized=n_penalized, random_state=0)
    assert np.isfinite(exact)
    assert estimate == pytest.approx(exact, rel=0.01)


# ------------------------------------------------------- consistency
def test_profiled_operator_is_profile_hessian(small_models):
    from skreg._theory.operators import ProfiledOperator

    model, X, y = small_models["classifier"]
    G = loss_hessian(model, X, y, kind="gauss_newton")
    n_w = _n_weights(model)
    S = ProfiledOperator(aslinearoperator(G), n_w)
    assert_allclose(S @ np.eye(n_w), profile_hessian(G, n_w), rtol=1e-8, atol=1e-12)


def test_array_methods_agree(small_models):
    model, X, y = small_models["regressor"]
    G = loss_hessian(model, X, y, kind="gauss_newton")
    exact = effective_parameters(G, 0.01)
    assert effective_parameters(G, 0.01, method="slq", random_state=0) == pytest.approx(
        exact, rel=0.1
    )
    log_exact = np.linalg.slogdet(G + 0.01 * np.eye(len(G)))[1]
    assert log_det(G, 0.01) == pytest.approx(log_exact, rel=1e-10)


def test_an_indefinite_operator_is_rejected_with_advice(small_models):
    model, X, y = small_models["regressor"]
    H = -np.eye(5)
    with pytest.raises(ValueError, match="kind='gauss_newton'"):
        effective_parameters(aslinearoperator(H), 0.1, random_state=0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda op: effective_parameters(op, 0.1, method="power"), "method must be"),
        (lambda op: effective_parameters(op, 0.0), "alpha=0"),
        (lambda op: effective_parameters(op, 0.1, n_probes=0), "n_probes"),
        (lambda op: top_eigenvalues(op, k=0), "k must be"),
        (lambda op: spectral_density(op, n_points=1), "n_points"),
        (lambda op: log_det(op, 0.1, method="hutchinson"), "log_det has methods"),
    ],
)
def test_invalid_settings_are_rejected(small_models, call, message):
    model, X, y = small_models["regressor"]
    with pytest.raises(ValueError, match=message):
        call(curvature_operator(model, X, y))


def test_unknown_kind_is_rejected(small_models):
    model, X, y = small_models["regressor"]
    with pytest.raises(ValueError, match="kind must be"):
        curvature_operator(model, X, y, kind="fisher")
