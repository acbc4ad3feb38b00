"""skreg.theory against oracles and real fits (docs/objective.rst, docs/theory.rst).

How alpha converts.  The estimators minimise
    J~ = (sum_i s_i loss_i + alpha * Omega(W)) / S,    S = sum_i s_i  (n unweighted)
       = J + (alpha / S) * Omega(W),                  J = the data term,
and ``loss_hessian`` is the Hessian of J (for least squares H = X^T X / n).  So the
quadratic-model formulas take alpha' = alpha / n:
    l2: argmin J + alpha'/2 ||W||^2 = l2_solution(H, w*, alpha / n)
    l1: argmin J + alpha' |W|_1     = l1_solution(w*, diag H, alpha / n)
whereas with H = X^T X (the sum of squares, no 1/n) Ridge's alpha is used as is.
Intercepts are never penalised: they are minimised out of H with
``profile_hessian`` (or decouple when X and y are centred).
"""

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Lasso, Ridge

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg._network import loss_and_gradient
from skreg._network.losses import LOSSES
from skreg._network.roperator import full_hessian
from skreg.theory import (
    effective_parameters,
    flat_parameters,
    l1_solution,
    l2_shrinkage,
    l2_solution,
    loss_hessian,
    profile_hessian,
)

LINEAR = dict(hidden_layer_sizes=(), solver="lbfgs", tol=1e-12, max_iter=20000)
# Short fits at an arbitrary point, and tol=1e-12 fits whose line search may end
# at machine precision (L-BFGS-B's "ABNORMAL"), warn; the accuracy every test
# needs is asserted instead.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _correlated_regression(seed, n=60, d=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + 1.0
    y = X @ rng.normal(size=d) + rng.normal(size=n) + 2.0
    return X, y


def _n_weights(estimator):
    return sum(W.size for W in estimator.coefs_)


# ---------------------------------------------------------------- acceptance 1
@pytest.mark.parametrize("rank_deficient", [False, True])
@pytest.mark.parametrize("alpha", [0.1, 3.0, 100.0])
def test_l2_solution_equals_ridge(rank_deficient, alpha):
    rng = np.random.default_rng(0)
    n, d = (6, 10) if rank_deficient else (40, 6)  # n < d: X^T X is singular
    X = rng.normal(size=(n, d))
    y = rng.normal(size=n)
    # any least-squares solution works (X^T X w_ols = X^T y); lstsq gives min-norm
    w_ols = np.linalg.lstsq(X, y, rcond=None)[0]
    ridge = Ridge(alpha=alpha, fit_intercept=False, solver="svd").fit(X, y)
    # H = X^T X is the sum of squares, on Ridge's scale: alpha is used as is
    assert_allclose(l2_solution(X.T @ X, w_ols, alpha), ridge.coef_, rtol=1e-8)


def test_l2_solution_several_targets_equals_ridge():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(30, 4)), rng.normal(size=(30, 3))
    W_ols = np.linalg.lstsq(X, Y, rcond=None)[0]
    ridge = Ridge(alpha=2.0, fit_intercept=False).fit(X, Y)
    assert_allclose(l2_solution(X.T @ X, W_ols, 2.0), ridge.coef_.T, rtol=1e-8)


@pytest.mark.parametrize("intercept", ["centred", "profiled"])
@pytest.mark.parametrize("alpha", [1.0, 30.0, 300.0])
def test_fitted_l2_linear_model_is_shrunk_along_hessian_eigenvectors(intercept, alpha):
    X, y = _correlated_regression(0)
    n, d = X.shape
    if intercept == "centred":  # the intercept decouples: H is block diagonal
        X, y = X - X.mean(axis=0), y - y.mean()
    unregularized = RegularizedMLPRegressor(penalty=None, **LINEAR).fit(X, y)
    ridge = RegularizedMLPRegressor(penalty="l2", alpha=alpha, **LINEAR).fit(X, y)
    H = loss_hessian(unregularized, X, y)  # the data term's: X^T X / n in W's block
    if intercept == "centred":
        assert_allclose(H[:d, d:], 0, atol=1e-12)
        H_w = H[:d, :d]
    else:  # minimise the unpenalised intercept out (Schur complement)
        H_w = profile_hessian(H, d)
    Xc = X - X.mean(axis=0)
    assert_allclose(H_w, Xc.T @ Xc / n, rtol=1e-10)

    # objective (sum loss + alpha/2 ||w||^2) / n = J + (alpha / n)/2 ||w||^2
    eigenvalues, factors = l2_shrinkage(H_w, alpha / n)
    expected_eigenvalues, Q = np.linalg.eigh(H_w)
    assert_allclose(eigenvalues, expected_eigenvalues, rtol=1e-12)
    assert_allclose(factors, eigenvalues / (eigenvalues + alpha / n), rtol=1e-12)
    rotated_ridge = Q.T @ ridge.coefs_[0].ravel()
    rotated_ols = Q.T @ unregularized.coefs_[0].ravel()
    # L-BFGS converges to ~1e-8 relative; measured max relative error 2.4e-8
    assert_allclose(rotated_ridge, factors * rotated_ols, rtol=1e-6)
    assert_allclose(
        l2_solution(H_w, unregularized.coefs_[0].ravel(), alpha / n),
        ridge.coefs_[0].ravel(),
        rtol=1e-6,
    )


# ---------------------------------------------------------------- acceptance 2
def _orthogonal_design(seed, h_diag, n=50):
    """Centred X with X^T X / n = diag(h_diag): columns orthogonal to 1 and each
    other, so the intercept decouples and the data term's Hessian is diagonal."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, h_diag.size))
    Q = np.linalg.qr(A - A.mean(axis=0))[0]
    X = Q * np.sqrt(n * h_diag)
    # soft-threshold alpha / (n h_i) is 0.025..0.2 at alpha=5 and 0.1..0.8 at
    # alpha=20: every |w_i| is at least 0.05 away from it (noise sd ~0.01)
    w_true = np.array([3.0, -0.05, 0.15, 0.4, -2.0, 0.03])
    y = X @ w_true + 0.1 * rng.normal(size=n) + 4.0
    return X, y


@pytest.mark.parametrize("alpha", [5.0, 20.0])
def test_l1_solution_equals_lasso_and_fitted_l1_model_with_orthogonal_design(alpha):
    h_diag = np.array([0.5, 1.0, 2.0, 4.0, 1.5, 0.8])
    X, y = _orthogonal_design(0, h_diag)
    n, d = X.shape
    unregularized = RegularizedMLPRegressor(penalty=None, **LINEAR).fit(X, y)
    H = loss_hessian(unregularized, X, y)
    assert_allclose(H[:d, :d], np.diag(h_diag), atol=1e-12)  # diagonal, as built
    w_ols = np.linalg.lstsq(X - X.mean(axis=0), y - y.mean(), rcond=None)[0]

    # (sum loss + alpha |w|) / n = J + (alpha/n)|w| = Lasso(alpha / n)'s objective
    w_l1 = l1_solution(w_ols, np.diag(H)[:d], alpha / n)
    lasso = Lasso(alpha=alpha / n, tol=1e-14, max_iter=100000).fit(X, y)
    fitted = RegularizedMLPRegressor(penalty="l1", alpha=alpha, **LINEAR).fit(X, y)
    w_fitted = fitted.coefs_[0].ravel()

    assert 1 <= np.sum(w_l1 == 0) < d  # both exact zeros and survivors
    assert_array_equal(w_l1 == 0, lasso.coef_ == 0)
    assert_array_equal(w_l1 == 0, w_fitted == 0)
    assert_allclose(w_l1, lasso.coef_, rtol=1e-10)  # measured 3.3e-15
    assert_allclose(w_l1, w_fitted, rtol=1e-6)  # L-BFGS-B; measured 1.7e-9
    assert fitted.intercepts_[0][0] == pytest.approx(y.mean(), rel=1e-8)


def test_l1_solution_thresholds_and_flat_coordinates():
    w_star = np.array([3.0, -3.0, 0.4, -0.4, 2.0, -2.0, 5.0])
    h_diag = np.array([1.0, 1.0, 2.0, 2.0, 0.0, 0.0, 4.0])
    expected = np.array([2.0, -2.0, 0.0, 0.0, 0.0, 0.0, 4.75])
    assert_array_equal(l1_solution(w_star, h_diag, 1.0), expected)
    # at alpha = 0 nothing moves, flat coordinates included
    assert_array_equal(l1_solution(w_star, h_diag, 0.0), w_star)


# ---------------------------------------------------------------- acceptance 3
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_loss_hessian_of_linear_regressor_is_the_gram_matrix(weighted, n_outputs):
    rng = np.random.default_rng(2)
    n, d = 40, 4
    X = rng.normal(size=(n, d))
    y = rng.normal(size=(n, n_outputs)).squeeze()
    s = rng.uniform(0.2, 3.0, n) if weighted else np.ones(n)
    model = RegularizedMLPRegressor(penalty=None, **LINEAR).fit(X, y)
    H = loss_hessian(model, X, y, sample_weight=s if weighted else None)

    # the W-block is X^T S X / sum(s); with the intercept [X, 1] is the design
    assert_allclose(H[: d * n_outputs : n_outputs, : d * n_outputs : n_outputs],
                    X.T @ (s[:, None] * X) / s.sum(), rtol=1e-12)  # fmt: skip
    Z = np.column_stack([X, np.ones(n)])
    gram = Z.T @ (s[:, None] * Z) / s.sum()
    # parameters are W row-major then b: output j of input i is i * n_outputs + j
    assert_allclose(H, np.kron(gram, np.eye(n_outputs)), rtol=1e-12, atol=1e-15)


def test_loss_hessian_of_logistic_regression():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    model = RegularizedMLPClassifier(penalty="l2", alpha=1.0, **LINEAR).fit(X, y)
    H = loss_hessian(model, X, y)
    Z = np.column_stack([X, np.ones(60)])
    p = model.predict_proba(X)[:, 1]
    assert_allclose(H, Z.T @ ((p * (1 - p))[:, None] * Z) / 60, rtol=1e-12)


def _estimator(kind, activation, rng, n):
    params = dict(hidden_layer_sizes=(4,), activation=activation, solver="lbfgs",
                  max_iter=15, random_state=0)  # fmt: skip
    if kind == "squared_error":
        return RegularizedMLPRegressor(**params), rng.normal(size=(n, 2))
    if kind == "poisson":
        y = rng.poisson(2.0, size=n).astype(float)
        return RegularizedMLPRegressor(loss="poisson", **params), y
    if kind == "binary":
        return RegularizedMLPClassifier(**params), rng.integers(0, 2, n)
    return RegularizedMLPClassifier(**params), rng.integers(0, 3, n)


def _flat_gradient(estimator, theta, X, Y, sample_weight):
    """The analytic gradient of the data term, as a function of flat parameters."""
    shapes = [p.shape for p in estimator.coefs_ + estimator.intercepts_]
    parts = np.split(theta, np.cumsum([np.prod(s) for s in shapes])[:-1])
    params = [p.reshape(s) for p, s in zip(parts, shapes, strict=True)]
    L = len(estimator.coefs_)
    _, coef_grads, intercept_grads = loss_and_gradient(
        params[:L], params[L:], X, Y, sample_weight, estimator.activation,
        LOSSES[estimator.out_activation_],
    )  # fmt: skip
    # concatenate copies the workspace views
    return np.concatenate([g.ravel() for g in coef_grads + intercept_grads])


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("kind", ["squared_error", "poisson", "binary", "multiclass"])
def test_loss_hessian_matches_finite_differences_of_the_gradient(activation, kind):
    rng = np.random.default_rng(4)
    n = 25
    X = rng.normal(size=(n, 3))
    estimator, y = _estimator(kind, activation, rng, n)
    estimator.fit(X, y)  # a few iterations: any point will do
    s = rng.uniform(0.5, 2.0, n)
    H = loss_hessian(estimator, X, y, sample_weight=s)

    Y = (
        estimator._label_binarizer.transform(y)
        if kind in ("binary", "multiclass")
        else y.reshape(n, -1)
    ).astype(float)
    theta, eps = flat_parameters(estimator), 1e-6
    H_fd = np.empty_like(H)
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = eps
        H_fd[:, j] = (
            _flat_gradient(estimator, theta + step, X, Y, s)
            - _flat_gradient(estimator, theta - step, X, Y, s)
        ) / (2 * eps * s.sum())
    scale = np.abs(H).max()
    # measured: max |H - H_fd| / max |H| at most 1.1e-9 over all 16 cases
    assert_allclose(H, H_fd, rtol=1e-5, atol=1e-5 * scale)

    # the R-operator's columns are symmetric before symmetrisation
    raw = full_hessian(
        estimator.coefs_, estimator.intercepts_, X, Y, s, activation,
        LOSSES[estimator.out_activation_],
    )  # fmt: skip
    assert np.abs(raw - raw.T).max() <= 1e-8 * np.abs(raw).max()
    assert_array_equal(H, H.T)


@pytest.fixture(scope="module")
def teacher_network():
    """An unregularized tanh network at a well-determined minimum.

    The data come from a network of the same shape, so the minimum is isolated
    (H positive definite, smallest eigenvalue ~1e-3 of the largest)."""
    rng = np.random.default_rng(0)
    n, d, hidden = 200, 3, 2
    X = rng.normal(size=(n, d))
    W1, w2 = rng.normal(size=(d, hidden)), rng.normal(size=hidden)
    y = np.tanh(X @ W1) @ w2 + 0.1 * rng.normal(size=n)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(hidden,), activation="tanh", solver="lbfgs",
        penalty=None, tol=1e-10, max_iter=5000, random_state=0,
    ).fit(X, y)  # fmt: skip
    return model, X, y


def _quadratic_prediction_error(teacher_network, alpha):
    model, X, y = teacher_network
    n, n_w = X.shape[0], _n_weights(model)
    w_star = flat_parameters(model)[:n_w]
    H = loss_hessian(model, X, y)
    # alpha of the objective is alpha / n on the data term's scale
    predicted = l2_solution(profile_hessian(H, n_w), w_star, alpha / n)
    penalized = copy.deepcopy(model).set_params(
        penalty="l2", alpha=alpha, warm_start=True
    )
    fitted = flat_parameters(penalized.fit(X, y))[:n_w]  # from w*: same basin
    shift = fitted - w_star
    return np.linalg.norm(predicted - fitted) / np.linalg.norm(shift)


def test_network_hessian_is_positive_definite_at_its_minimum(teacher_network):
    model, X, y = teacher_network
    eigenvalues = np.linalg.eigvalsh(loss_hessian(model, X, y))
    assert eigenvalues[0] > 1e-4 * eigenvalues[-1]


@pytest.mark.parametrize("alpha", [1e-3, 2e-3, 4e-3])
def test_quadratic_model_predicts_the_l2_optimum_for_small_alpha(
    teacher_network, alpha
):
    # The weights move by ~0.3% (alpha=1e-3) to ~1.2%; the quadratic model's
    # error is second order: measured ||predicted - fitted|| / ||fitted - w*||
    # = 0.0095, 0.019, 0.037 (about 9.4 * alpha).  Tolerance: 15 * alpha.
    assert _quadratic_prediction_error(teacher_network, alpha) < 15 * alpha


def test_quadratic_model_error_is_second_order(teacher_network):
    # relative error O(alpha) <=> absolute error O(alpha^2): halving alpha halves it
    ratio = _quadratic_prediction_error(
        teacher_network, 4e-3
    ) / _quadratic_prediction_error(teacher_network, 2e-3)
    assert 1.6 < ratio < 2.4


# ---------------------------------------------------------------- acceptance 4
@pytest.mark.parametrize("rank", [0, 1, 3, 6])
def test_effective_parameters_is_rank_at_zero_and_decreases(rank):
    rng = np.random.default_rng(rank)
    d = 6
    X = rng.normal(size=(20, rank)) @ rng.normal(size=(rank, d))
    H = X.T @ X / 20
    assert np.linalg.matrix_rank(H) == rank
    assert effective_parameters(H, 0.0) == rank
    alphas = np.logspace(-4, 4, 40)
    gamma = np.array([effective_parameters(H, a) for a in alphas])
    assert np.all(gamma <= rank)
    if rank:
        assert np.all(np.diff(gamma) < 0)  # strictly decreasing
        assert gamma[-1] < 1e-2 * rank
    else:
        assert_array_equal(gamma, 0)


def test_effective_parameters_of_a_network(teacher_network):
    model, X, y = teacher_network
    H = loss_hessian(model, X, y)
    assert effective_parameters(H, 0.0) == np.linalg.matrix_rank(H) == H.shape[0]
    gamma = [effective_parameters(H, a) for a in np.logspace(-6, 2, 30)]
    assert np.all(np.diff(gamma) < 0)


def test_effective_parameters_of_ridge_is_its_degrees_of_freedom():
    X, _ = _correlated_regression(5)
    alpha = 7.0
    hat = X @ np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T)
    assert effective_parameters(X.T @ X, alpha) == pytest.approx(np.trace(hat))


# --------------------------------------------------------- eigenvalue handling
def test_rounding_eigenvalues_are_zeroed_and_sorted():
    rng = np.random.default_rng(6)
    B = rng.normal(size=(5, 2))
    H = B @ B.T  # rank 2: eigh returns three eigenvalues of order +-1e-15
    eigenvalues, factors = l2_shrinkage(H, 0.5)
    assert_array_equal(eigenvalues[:3], 0)
    assert np.all(np.diff(eigenvalues) >= 0)
    assert_array_equal(factors[:3], 0)
    assert_array_equal(l2_shrinkage(H, 0.0)[1], [0, 0, 0, 1, 1])
    # at alpha = 0 the solution projects w* onto the range of H
    w = rng.normal(size=5)
    projection = B @ np.linalg.lstsq(B, w, rcond=None)[0]
    assert_allclose(l2_solution(H, w, 0.0), projection, rtol=1e-10)


def test_negative_eigenvalue_beyond_rounding_is_rejected():
    H = np.diag([-1e-3, 1.0, 2.0])
    with pytest.raises(ValueError, match="positive semi-definite"):
        l2_shrinkage(H, 1.0)
    # an explicit tol that covers it treats it as zero
    eigenvalues, _ = l2_shrinkage(H, 1.0, tol=1e-2)
    assert_array_equal(eigenvalues, [0.0, 1.0, 2.0])


@pytest.mark.parametrize(
    "H, message",
    [
        (np.ones((2, 3)), "square"),
        (np.ones(3), "square"),
        (np.array([[1.0, 0.5], [0.4, 1.0]]), "symmetric"),
        (np.array([[1.0, np.nan], [np.nan, 1.0]]), "NaN"),
    ],
)
def test_invalid_hessian_is_rejected(H, message):
    for function in (l2_shrinkage, effective_parameters):
        with pytest.raises(ValueError, match=message):
            function(H, 1.0)


@pytest.mark.parametrize("alpha", [-1.0, np.nan, np.inf, "1", None, [1.0]])
def test_invalid_alpha_is_rejected(alpha):
    with pytest.raises(ValueError, match="alpha"):
        l2_solution(np.eye(2), np.ones(2), alpha)
    with pytest.raises(ValueError, match="alpha"):
        l1_solution(np.ones(2), np.ones(2), alpha)


@pytest.mark.parametrize("tol", [-1.0, np.nan, "1"])
def test_invalid_tol_is_rejected(tol):
    with pytest.raises(ValueError, match="tol"):
        l2_shrinkage(np.eye(2), 1.0, tol=tol)


def test_invalid_vectors_are_rejected():
    with pytest.raises(ValueError, match="w_star must have shape"):
        l2_solution(np.eye(3), np.ones(2), 1.0)
    with pytest.raises(ValueError, match="same length"):
        l1_solution(np.ones(3), np.ones(2), 1.0)
    with pytest.raises(ValueError, match="h_diag must be >= 0"):
        l1_solution(np.ones(2), [1.0, -1.0], 1.0)
    with pytest.raises(ValueError, match="finite"):
        l1_solution([np.nan, 1.0], np.ones(2), 1.0)
    with pytest.raises(ValueError, match="n_penalized"):
        profile_hessian(np.eye(3), 4)


# ------------------------------------------------------------- loss_hessian API
def test_loss_hessian_rejects_unfitted_and_large_models():
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    with pytest.raises(NotFittedError):
        loss_hessian(RegularizedMLPRegressor(), X, y)
    model = RegularizedMLPRegressor(penalty=None, **LINEAR).fit(X, y)
    with pytest.raises(ValueError, match="has 4 parameters.*max_params=3"):
        loss_hessian(model, X, y, max_params=3)
    with pytest.raises(ValueError, match="features"):
        loss_hessian(model, X[:, :2], y)


def test_loss_hessian_rejects_unknown_classes():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(30, 2))
    model = RegularizedMLPClassifier(**LINEAR).fit(X, np.arange(30) % 3)
    with pytest.raises(ValueError, match="not fitted on"):
        loss_hessian(model, X, np.arange(30) % 4)


def test_loss_hessian_sparse_input_and_float32_model():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(30, 4)) * (rng.random((30, 4)) < 0.5)
    y = rng.normal(size=30)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(3,), activation="tanh", solver="lbfgs",
        max_iter=50, random_state=0,
    ).fit(X.astype(np.float32), y)  # fmt: skip
    H = loss_hessian(model, X, y)
    assert H.dtype == np.float64
    assert_allclose(loss_hessian(model, sp.csr_matrix(X), y), H, rtol=1e-12)
