"""skreg.theory at its edges (issue 26, items 9, 10 and 15).

Each test holds an input that once gave a wrong number, a bare numpy warning
or an error from deep inside numpy or SciPy: an emptied network's
Gauss-Newton curvature, zero and singular operators, indefinite ones, sparse
and complex matrices, invalid widths and targets, unfitted models.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.sparse.linalg import aslinearoperator
from sklearn.exceptions import NotFittedError

from skreg import RegularizedMLPRegressor, RegularizedMLPRegressorCV
from skreg._theory import checks
from skreg.theory import (
    curvature_operator,
    effective_parameters,
    l2_shrinkage,
    log_det,
    log_evidence,
    loss_hessian,
    spectral_density,
    top_eigenvalues,
)

# The emptied network is the point of the first tests: its fit warns that it
# is empty (an EmptyNetworkWarning, a ConvergenceWarning).
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _regression(seed=0, n=80, d=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X @ rng.normal(size=d) + 3.0 + rng.normal(size=n)


# ------------------------------------------- 9. the emptied network's curvature
@pytest.fixture(scope="module")
def empty_network():
    """An (8,) network whose l1 penalty set every weight to exactly zero.

    Its outputs' Jacobian is the same row for every sample, [0, h, 0, 1]
    (first-layer weights, output weights, hidden biases, output bias; h the
    constant hidden activations), so G is of rank one and its weights'
    block with the intercepts profiled out is exactly zero: gamma = 0 and
    log det(S + alpha I) = n_weights * log(alpha), while C, the intercepts'
    block, has the single positive eigenvalue 1 (pseudo-determinant 1).
    """
    X, y = _regression()
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), penalty="l1", alpha=1e6, solver="lbfgs",
        max_iter=200, random_state=0,
    ).fit(X, y)  # fmt: skip
    assert all(not W.any() for W in model.coefs_)
    n_weights = sum(W.size for W in model.coefs_)
    G = loss_hessian(model, X, y, kind="gauss_newton")
    return model, X, y, G, n_weights


def _as(form, model, X, y, G):
    if form == "array":
        return G
    if form == "generic operator":
        return aslinearoperator(G)
    return curvature_operator(model, X, y)


@pytest.mark.parametrize("form", ["array", "generic operator", "gauss-newton operator"])
@pytest.mark.parametrize("method", ["exact", "slq"])
def test_emptied_network_gauss_newton_has_no_effective_weights(
    empty_network, form, method
):
    model, X, y, G, n_weights = empty_network
    H = _as(form, model, X, y, G)
    alpha = 0.1
    settings = dict(n_penalized=n_weights, method=method, random_state=0)
    # the rounding of S = A - B C+ B^T is relative to |A| ~ max|G|, not to
    # S's own (rounding-sized) eigenvalues, which once rejected it as not PSD
    assert effective_parameters(H, alpha, **settings) == pytest.approx(0.0, abs=1e-9)
    expected = n_weights * np.log(alpha)
    assert log_det(H, alpha, **settings) == pytest.approx(expected, rel=1e-9)


def test_gauss_newton_operator_error_does_not_advise_gauss_newton(empty_network):
    model, X, y, G, n_weights = empty_network
    op = curvature_operator(model, X, y)
    # an explicit tol below the rounding still rejects the negative rounding
    # eigenvalues, but the advice must fit an operator that is Gauss-Newton
    with pytest.raises(ValueError, match="positive semi-definite") as error:
        effective_parameters(op, 0.1, n_penalized=n_weights, method="exact", tol=1e-300)
    assert "kind='gauss_newton'" not in str(error.value)
    assert "Gauss-Newton" in str(error.value)


def test_hessian_operator_error_still_advises_gauss_newton():
    X, y = _regression(1)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(6,), activation="tanh", alpha=1.0, solver="lbfgs",
        max_iter=30, random_state=0,
    ).fit(X, np.sin(3 * y))  # fmt: skip
    op = curvature_operator(model, X, np.sin(3 * y), kind="hessian")
    n_weights = sum(W.size for W in model.coefs_)
    with pytest.raises(ValueError, match="kind='gauss_newton'"):
        effective_parameters(op, 1e-3, n_penalized=n_weights, method="exact")


# ------------------------------------------------------------- 10. edge cases
def test_log_evidence_of_an_unfitted_model_raises_not_fitted_error():
    X, y = _regression(2)
    with pytest.raises(NotFittedError):
        log_evidence(RegularizedMLPRegressor(penalty="l2"), X, y)
    # an unfitted CV estimator has no `penalty`: it once got "needs penalty='l2'"
    with pytest.raises(NotFittedError):
        log_evidence(RegularizedMLPRegressorCV(penalties=("l2",)), X, y)
    # alpha='evidence' set after a fixed-alpha fit: no alpha_ (an AttributeError)
    model = RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs").fit(X, y)
    with pytest.raises(NotFittedError, match="alpha_"):
        log_evidence(model.set_params(alpha="evidence"), X, y)


@pytest.mark.parametrize("width", [np.inf, -np.inf, -1.0, 0.0, np.nan, "0.1", True])
def test_spectral_density_rejects_invalid_widths(width):
    with pytest.raises(ValueError, match="width must be"):
        spectral_density(np.diag(np.arange(20.0)), width=width, random_state=0)


def test_spectral_density_width_sets_the_kernel():
    H = np.diag(np.arange(20.0))
    grid, density = spectral_density(H, width=0.5, random_state=0)
    nodes_low, nodes_high = grid[0] + 1.5, grid[-1] - 1.5  # 3 sigma either side
    assert nodes_low == pytest.approx(0.0, abs=1e-8)
    assert nodes_high == pytest.approx(19.0, abs=1e-8)
    assert np.all(np.isfinite(density)) and np.trapezoid(density, grid) == (
        pytest.approx(1.0)
    )
    # width=None keeps its default, 1/100 of the nodes' range
    grid, _ = spectral_density(H, random_state=0)
    assert grid[0] == pytest.approx(-3 * 19.0 / 100, abs=1e-8)


def _sparse_hessian(n=40, seed=3):
    rng = np.random.default_rng(seed)
    X = sp.random(3 * n, n, density=0.2, random_state=seed, format="csr")
    X.data = rng.normal(size=X.nnz)
    return (X.T @ X).tocsr()


def test_small_sparse_matrices_are_used_as_their_dense_matrix():
    H = _sparse_hessian()
    dense = H.toarray()
    for function in (effective_parameters, log_det):
        assert function(H, 0.5) == pytest.approx(function(dense, 0.5), rel=1e-12)
    assert_allclose(top_eigenvalues(H, 3), top_eigenvalues(dense, 3), rtol=1e-12)
    assert_allclose(l2_shrinkage(H, 0.5)[1], l2_shrinkage(dense, 0.5)[1], rtol=1e-12)
    grid, density = spectral_density(H, random_state=0)
    assert_allclose(
        np.c_[grid, density], np.c_[spectral_density(dense, random_state=0)]
    )


def test_large_sparse_matrices_are_used_as_operators(monkeypatch):
    # beyond checks.DENSE_LIMIT rows a sparse H is not densified: its
    # products serve the stochastic methods, and "exact" is refused
    monkeypatch.setattr(checks, "DENSE_LIMIT", 10)
    H = _sparse_hessian()
    dense = H.toarray()
    exact = effective_parameters(dense, 0.5)
    estimate = effective_parameters(H, 0.5, n_probes=50, random_state=0)
    assert estimate == pytest.approx(exact, rel=0.05)
    assert_allclose(top_eigenvalues(H, 3, random_state=0), top_eigenvalues(dense, 3))
    with pytest.raises(ValueError, match="aslinearoperator"):
        l2_shrinkage(H, 0.5)


@pytest.mark.parametrize(
    "H, message",
    [
        (sp.csr_matrix(np.ones((2, 3))), "square"),
        (sp.csr_matrix(np.array([[1.0, 0.5], [0.4, 1.0]])), "symmetric"),
        (sp.csr_matrix(np.array([[np.inf, 0.0], [0.0, 1.0]])), "NaN or infinity"),
    ],
)
def test_invalid_sparse_matrices_are_rejected(H, message):
    with pytest.raises(ValueError, match=message):
        effective_parameters(H, 1.0)


def test_top_eigenvalues_of_a_zero_operator_are_zero():
    zero = aslinearoperator(np.zeros((20, 20)))
    assert_array_equal(top_eigenvalues(zero, 3, random_state=0), np.zeros(3))


@pytest.mark.parametrize("smallest", [-3.0, -1.0], ids=["indefinite", "singular"])
def test_hutchinson_on_an_indefinite_operator_says_it_is_not_psd(smallest):
    # H + alpha I indefinite (-3) or singular (-1 = -alpha): conjugate
    # gradients diverged, and their steps overflowed into a NaN estimate
    H = aslinearoperator(np.diag(np.linspace(smallest, 5.0, 30)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings on the way
        with pytest.raises(ValueError, match="positive semi-definite") as error:
            effective_parameters(H, 1.0, method="hutchinson", random_state=0)
    assert "conjugate gradients" in str(error.value)


def test_hutchinson_is_unchanged_on_a_psd_operator():
    eigenvalues = np.linspace(0.0, 5.0, 30)
    H = aslinearoperator(np.diag(eigenvalues))
    estimate = effective_parameters(
        H, 1.0, method="hutchinson", n_probes=200, random_state=0
    )
    exact = np.sum(eigenvalues / (eigenvalues + 1.0))
    assert estimate == pytest.approx(exact, rel=0.05)


def test_targets_with_the_wrong_number_of_columns_are_rejected():
    X, y = _regression(4)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=50, random_state=0
    ).fit(X, y)
    two = np.c_[y, y]
    calls = (loss_hessian, curvature_operator, log_evidence)
    for call in calls:
        with pytest.raises(ValueError, match=r"y has 2 columns.*n_outputs_=1"):
            call(model, X, two)
    two_outputs = RegularizedMLPRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=50, random_state=0
    ).fit(X, two)
    with pytest.raises(ValueError, match=r"y has 1 column.*n_outputs_=2"):
        loss_hessian(two_outputs, X, y)
    # a single target as a column is the same target
    assert_allclose(loss_hessian(model, X, y[:, None]), loss_hessian(model, X, y))


# ---------------------------------------------------- 15. bare numpy warnings
@pytest.mark.parametrize(
    "H",
    [np.eye(3) + 1j * np.eye(3), aslinearoperator(np.eye(3, dtype=complex))],
    ids=["array", "operator"],
)
def test_complex_matrices_are_rejected(H):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning either
        with pytest.raises(ValueError, match="complex"):
            effective_parameters(H, 1.0, random_state=0)
        with pytest.raises(ValueError, match="complex"):
            top_eigenvalues(H, 2)


def _rank_deficient_gram(n=5, d=20, seed=5):
    X = np.random.default_rng(seed).normal(size=(n, d))
    return X.T @ X / n


@pytest.mark.parametrize(
    "H", [np.diag([1.0, 0.0]), _rank_deficient_gram()], ids=["diag", "gram"]
)
def test_slq_log_det_of_a_singular_operator_at_alpha_0_is_minus_inf(H):
    assert log_det(H, 0.0) == -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no bare "invalid value" warnings
        for seed in range(5):
            # rounding-sized Ritz values once entered as log(4e-16)
            estimate = log_det(aslinearoperator(H), 0.0, random_state=seed)
            assert estimate == -np.inf


def test_slq_log_det_of_a_singular_operator_at_positive_alpha_is_finite():
    H = _rank_deficient_gram()
    exact = log_det(H, 0.1)
    estimate = log_det(aslinearoperator(H), 0.1, n_probes=50, random_state=0)
    assert np.isfinite(estimate) and estimate == pytest.approx(exact, rel=0.05)
