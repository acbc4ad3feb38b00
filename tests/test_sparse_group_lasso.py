r"""The sparse group lasso: its value and prox, its oracles, its zeros in a network.

Omega = rho sum|w| + (1 - rho) sum_k c_k sum_j ||W(k)[j, :]||, rho = l1_ratio,
c_k = sqrt(p_k) (the default, "sqrt_size") or 1 ("none"), p_k the length of
layer k's rows.  With no hidden layer and squared error the objective is
``(1/2 ||Y - X W - b||^2 + alpha Omega) / n``, so that

- ``l1_ratio=1`` is ``Lasso(alpha / n)``;
- ``l1_ratio=0`` with q outputs is ``MultiTaskLasso(alpha c / n)``, whose
  ``sum_j ||W[j, :]||`` has the same rows as groups;
- in between, the fit must satisfy the optimality conditions of the sum.

Full-batch SGD without momentum is the proximal gradient method: on these
strongly convex linear problems it converges to the minimiser itself, which
makes the prox-only values of ``l1_ratio`` testable to rounding.
"""

import numpy as np
import pytest
import scipy.optimize
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import Lasso, MultiTaskLasso
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import (
    RegularizedMLPClassifier,
    RegularizedMLPClassifierCV,
    RegularizedMLPRegressor,
    default_alphas,
    regularization_path,
)
from skreg._penalties import (
    GroupLassoPenalty,
    SparseGroupLassoPenalty,
    make_penalty,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_OUTPUTS = 3


def _omega(coefs, l1_ratio, sqrt_size):
    """Omega written out from its formula, independently of the package."""
    total = 0.0
    for W in coefs:
        c = np.sqrt(W.shape[1]) if sqrt_size else 1.0
        rows = sum(np.sqrt(row @ row) for row in W)
        total += l1_ratio * np.abs(W).sum() + (1 - l1_ratio) * c * rows
    return total


# ------------------------------------------------------------- value and prox
@pytest.mark.parametrize("group_weights", ["sqrt_size", "none"])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.3, 1.0])
def test_value_matches_the_formula(l1_ratio, group_weights):
    rng = np.random.default_rng(0)
    coefs = [rng.normal(size=(5, 4)), rng.normal(size=(4, 2))]
    penalty = SparseGroupLassoPenalty(l1_ratio, group_weights)
    expected = _omega(coefs, l1_ratio, group_weights == "sqrt_size")
    assert penalty.value(coefs) == pytest.approx(expected, rel=1e-12)


def test_the_names_build_the_documented_weightings():
    default = make_penalty("sparse_group_lasso", 0.3)
    assert (default.l1_ratio, default.group_weights) == (0.3, "sqrt_size")
    assert make_penalty("group_lasso").group_weights == "none"
    with pytest.raises(ValueError, match="group_weights must be one of"):
        SparseGroupLassoPenalty(0.5, group_weights="size")
    with pytest.raises(ValueError, match="group_weights must be one of"):
        GroupLassoPenalty(group_weights=None)


def _row_objective(v, w, t, l1_ratio, c):
    """1/2 ||v - w||^2 + t Omega(v) for one row (Omega's rows separate)."""
    return 0.5 * np.sum((v - w) ** 2) + t * (
        l1_ratio * np.abs(v).sum() + (1 - l1_ratio) * c * np.sqrt(v @ v)
    )


def _numerical_prox(w, t, l1_ratio, c):
    """Nelder-Mead on the row's objective, restarted from its own result."""
    best = None
    for start in (w, np.zeros_like(w)):
        x = start
        for _ in range(3):  # a restart rebuilds a simplex collapsed at a kink
            result = scipy.optimize.minimize(
                _row_objective, x, args=(w, t, l1_ratio, c), method="Nelder-Mead",
                options={"xatol": 1e-12, "fatol": 1e-15, "maxfev": 20000,
                         "adaptive": True},
            )  # fmt: skip
            x = result.x
        if best is None or result.fun < best.fun:
            best = result
    return best.x


@pytest.mark.parametrize("step", [0.2, 1.0])
@pytest.mark.parametrize("group_weights", ["sqrt_size", "none"])
@pytest.mark.parametrize("l1_ratio", [0.3, 0.7])
def test_prox_is_the_numerical_minimiser(l1_ratio, group_weights, step):
    # The objective is 1-strongly convex, so ||v - prox||^2 <= 2 (F(v) - F*):
    # a Nelder-Mead point within 5e-13 of the minimum is within 1e-6 of the
    # prox (measured: gaps below 4e-15, distances below 6e-8), and no point
    # may do better than the prox (up to the rounding of the sums).
    rng = np.random.default_rng(1)
    scales = np.array([0.1, 0.5, 1.0, 2.0, 4.0])[:, np.newaxis]
    W = rng.normal(size=(5, 3)) * scales  # rows from zeroed to kept
    c = np.sqrt(3) if group_weights == "sqrt_size" else 1.0
    penalty = SparseGroupLassoPenalty(l1_ratio, group_weights)
    result = penalty.prox(W.copy(), step)
    for ours, w in zip(result, W, strict=True):
        numerical = _numerical_prox(w, step, l1_ratio, c)
        theirs = _row_objective(numerical, w, step, l1_ratio, c)
        assert _row_objective(ours, w, step, l1_ratio, c) <= theirs + 1e-12
        assert_allclose(ours, numerical, atol=1e-6)
    assert 0 < result.any(axis=1).sum() < len(W)  # rows zeroed and rows kept


def test_prox_zeroes_single_weights_and_whole_rows():
    # l1_ratio 0.5, no group weight, t = 1: soft-threshold by 0.5, then scale
    # each row by max(1 - 0.5 / ||row||, 0).
    W = np.array([[3.0, 4.5, 0.1], [0.3, -0.4, 0.2], [0.9, 0.1, 0.0]])
    result = SparseGroupLassoPenalty(0.5, "none").prox(W.copy(), 1.0)
    first = np.array([2.5, 4.0, 0.0])  # 0.1 is below the L1 threshold
    first *= 1 - 0.5 / np.linalg.norm(first)
    assert_allclose(result[0], first)
    assert result[0, 2] == 0.0  # a single weight, exactly
    assert not result[1].any()  # every weight below the L1 threshold
    # [0.4, 0, 0] survives L1 but its norm 0.4 is below the group threshold
    assert not result[2].any()


def test_prox_with_per_coordinate_steps():
    # Adam: each weight soft-thresholded with its own step, then each row with
    # the root-mean-square of its inverse steps (as the group lasso does).
    W = np.array([[1.0, -2.0, 0.5], [0.2, 0.1, -0.2]])
    steps = np.array([[0.1, 0.2, 0.4], [0.1, 0.1, 0.1]])
    l1_ratio, scale = 0.4, 2.0
    result = SparseGroupLassoPenalty(l1_ratio).prox(W.copy(), steps, scale)
    expected = np.sign(W) * np.maximum(np.abs(W) - scale * l1_ratio * steps, 0)
    row_step = 1 / np.sqrt(np.mean(1 / steps**2, axis=1))
    threshold = scale * (1 - l1_ratio) * np.sqrt(3) * row_step
    norms = np.linalg.norm(expected, axis=1)
    expected *= np.maximum(1 - threshold / norms, 0)[:, np.newaxis]
    assert_allclose(result, expected, rtol=1e-12)
    assert result[0].all() and not result[1].any()
    constant = np.full_like(W, 0.3)  # equal steps: as the scalar step
    assert_allclose(
        SparseGroupLassoPenalty(0.4).prox(W.copy(), constant),
        SparseGroupLassoPenalty(0.4).prox(W.copy(), 0.3),
        rtol=1e-12,
    )


# ------------------------------------------------------------ linear oracles
@pytest.fixture(scope="module")
def regression_data():
    X, y = make_regression(
        n_samples=120, n_features=8, n_informative=4, noise=5.0, random_state=0
    )
    return StandardScaler().fit_transform(X), y / 10 + 3.0


@pytest.fixture(scope="module")
def multi_output_data():
    X, Y = make_regression(
        n_samples=120, n_features=8, n_targets=N_OUTPUTS, n_informative=4,
        noise=5.0, random_state=0,
    )  # fmt: skip
    return StandardScaler().fit_transform(X), Y / Y.std()


@pytest.mark.parametrize("alpha", [5.0, 40.0])
def test_l1_ratio_one_is_the_lasso(regression_data, alpha):
    # L1 alone goes through L-BFGS-B on split weights, as penalty="l1" does
    # (tests/test_oracles.py: the same tolerances).
    X, y = regression_data
    n = X.shape[0]
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(), solver="lbfgs", tol=1e-12, max_iter=20000,
        penalty="sparse_group_lasso", l1_ratio=1.0, alpha=alpha, random_state=0,
    ).fit(X, y)  # fmt: skip
    coef = model.coefs_[0].ravel()
    lasso = Lasso(alpha=alpha / n, tol=1e-14, max_iter=100000).fit(X, y)
    assert (coef == 0).sum() >= 2
    assert_array_equal(coef == 0, lasso.coef_ == 0)
    assert_allclose(coef, lasso.coef_, rtol=1e-4, atol=1e-8)
    assert model.intercepts_[0][0] == pytest.approx(lasso.intercept_, rel=1e-4)


def _ista(penalty, X, Y, alpha, **params):
    """Full-batch SGD without momentum: the proximal gradient method.

    On the standardized data the eigenvalues of X^T X / n lie in [0.66,
    1.27] (1 for the bias): the step 0.5 is below 1 / 1.27, and each epoch
    multiplies the distance to the minimiser by at most 1 - 0.5 * 0.66 =
    0.67, so 1500 epochs reach rounding.
    """
    params = dict(
        hidden_layer_sizes=(), solver="sgd", learning_rate_init=0.5,
        momentum=0.0, batch_size=X.shape[0], max_iter=1500, tol=0,
        n_iter_no_change=10**6, random_state=0, penalty=penalty, alpha=alpha,
    ) | params  # fmt: skip
    return RegularizedMLPRegressor(**params).fit(X, Y)


@pytest.mark.parametrize("alpha", [10.0, 60.0])
@pytest.mark.parametrize("group_weights", ["sqrt_size", "none"])
def test_l1_ratio_zero_is_the_multitask_lasso(multi_output_data, group_weights, alpha):
    # MultiTaskLasso minimises ||Y - X W||^2 / (2n) + a sum_j ||W[j, :]||.
    # Both solvers converge to rounding (measured: 2e-16), so the tolerance
    # only allows for another BLAS.
    X, Y = multi_output_data
    c = np.sqrt(N_OUTPUTS) if group_weights == "sqrt_size" else 1.0
    model = _ista(SparseGroupLassoPenalty(0.0, group_weights), X, Y, alpha)
    oracle = MultiTaskLasso(alpha=alpha * c / len(X), tol=1e-14, max_iter=10**6)
    oracle_coef = oracle.fit(X, Y).coef_.T
    W = model.coefs_[0]
    assert (~W.any(axis=1)).sum() >= 2  # the test is about zero rows
    assert_array_equal(~W.any(axis=1), ~oracle_coef.any(axis=1))
    assert_allclose(W, oracle_coef, rtol=1e-8, atol=1e-10)
    assert_allclose(model.intercepts_[0], oracle.intercept_, rtol=1e-8, atol=1e-10)


def test_a_mixed_fit_satisfies_the_optimality_conditions(multi_output_data):
    # 0 in X^T R + alpha dOmega(W), R the residuals, row by row: for a zero
    # row, ||S(g, alpha rho)|| <= alpha (1 - rho) c (S soft-thresholding);
    # in a non-zero row, g + alpha (1 - rho) c w / ||w|| + alpha rho sign(w)
    # = 0 where w != 0 and |g + ...| <= alpha rho where w = 0.  Measured:
    # 1e-15 alpha.
    X, Y = multi_output_data
    alpha, rho, c = 30.0, 0.5, np.sqrt(N_OUTPUTS)
    model = _ista("sparse_group_lasso", X, Y, alpha, l1_ratio=rho)
    W, b = model.coefs_[0], model.intercepts_[0]
    G = X.T @ (X @ W + b - Y)
    zero_rows = ~W.any(axis=1)
    assert zero_rows.sum() >= 2 and (W[~zero_rows] == 0).sum() >= 1
    tol = 1e-9 * alpha
    for g in G[zero_rows]:
        soft = np.maximum(np.abs(g) - alpha * rho, 0)
        assert np.linalg.norm(soft) <= alpha * (1 - rho) * c + tol
    for g, w in zip(G[~zero_rows], W[~zero_rows], strict=True):
        r = g + alpha * (1 - rho) * c * w / np.linalg.norm(w)
        kept = w != 0
        assert_allclose(r[kept] + alpha * rho * np.sign(w[kept]), 0, atol=tol)
        assert (np.abs(r[~kept]) <= alpha * rho + tol).all()


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
def test_the_sqrt_size_weights_empty_a_linear_model_at_alpha_max(
    multi_output_data, l1_ratio
):
    # With c = sqrt(p), ||S(g, alpha rho)|| <= sqrt(p) (1 - rho) max|g|, so the
    # zero weights are optimal from the L1 alpha_max on, where
    # default_alphas starts, for every l1_ratio; unweighted, the group lasso
    # needs max_j ||g_j||, up to sqrt(p) times more.
    X, Y = multi_output_data
    alpha_max = default_alphas(X, Y, classifier=False, n_alphas=1)[0]
    assert alpha_max == pytest.approx(np.abs(X.T @ (Y - Y.mean(axis=0))).max())
    above = 1.01 * alpha_max
    model = _ista("sparse_group_lasso", X, Y, above, l1_ratio=l1_ratio)
    assert not model.coefs_[0].any()
    if l1_ratio == 0.0:
        unweighted = _ista(GroupLassoPenalty(), X, Y, above)
        assert unweighted.coefs_[0].any()


# ------------------------------------------------- the ends of the l1_ratio
SMALL_NETWORK = dict(hidden_layer_sizes=(6,), alpha=3.0, max_iter=30, random_state=0)


@pytest.fixture(scope="module")
def small_task():
    X, y = make_classification(
        n_samples=150, n_features=8, n_informative=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def _fitted_coefs(task, **params):
    model = RegularizedMLPClassifier(**SMALL_NETWORK, **params).fit(*task)
    return model.coefs_ + model.intercepts_


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_l1_ratio_one_fits_as_penalty_l1(small_task, solver):
    l1 = _fitted_coefs(small_task, solver=solver, penalty="l1")
    ours = _fitted_coefs(
        small_task, solver=solver, penalty="sparse_group_lasso", l1_ratio=1.0
    )
    for a, b in zip(ours, l1, strict=True):
        assert_array_equal(a, b)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("group_weights", ["none", "sqrt_size"])
def test_l1_ratio_zero_fits_as_the_group_lasso_with_the_same_weights(
    small_task, solver, group_weights
):
    group = _fitted_coefs(
        small_task, solver=solver, penalty=GroupLassoPenalty(group_weights)
    )
    ours = _fitted_coefs(
        small_task, solver=solver, penalty=SparseGroupLassoPenalty(0.0, group_weights)
    )
    for a, b in zip(ours, group, strict=True):
        assert_array_equal(a, b)
    if group_weights == "sqrt_size":  # what the name gives at l1_ratio=0
        named = _fitted_coefs(
            small_task, solver=solver, penalty="sparse_group_lasso", l1_ratio=0.0
        )
        for a, b in zip(named, group, strict=True):
            assert_array_equal(a, b)


def test_lbfgs_takes_only_the_l1_end():
    X, y = np.eye(4), [0, 1, 0, 1]
    clf = RegularizedMLPClassifier(
        solver="lbfgs", penalty="sparse_group_lasso", l1_ratio=0.5
    )
    with pytest.raises(ValueError, match=r"proximal step.*solver='sgd' or 'adam'"):
        clf.fit(X, y)
    clf.set_params(l1_ratio=1.0, hidden_layer_sizes=(2,), max_iter=5).fit(X, y)


# ---------------------------------------------------------- zeros in a network
@pytest.fixture(scope="module")
def selection_task():
    """The first 5 of 50 features are informative (shuffle=False)."""
    X, y = make_classification(
        n_samples=1000, n_features=50, n_informative=5, n_redundant=0,
        shuffle=False, random_state=0,
    )  # fmt: skip
    return StandardScaler().fit_transform(X), y


ADAM = dict(
    hidden_layer_sizes=(32,), solver="adam", learning_rate_init=0.01,
    max_iter=100, random_state=0, penalty="sparse_group_lasso", l1_ratio=0.5,
)  # fmt: skip


@pytest.fixture(scope="module")
def sparse_model(selection_task):
    # measured: 15 of 50 features and 15 of 32 hidden units kept, 288 single
    # zeros in the kept rows of the first layer, training accuracy 0.968
    return RegularizedMLPClassifier(alpha=4.0, **ADAM).fit(*selection_task)


def test_zeros_of_whole_rows_and_of_single_weights(sparse_model, selection_task):
    X, y = selection_task
    first, second = sparse_model.coefs_
    kept_features = first.any(axis=1)
    assert kept_features[:5].all()  # the informative features stay
    assert 5 < kept_features.sum() < 25
    assert 0 < second.any(axis=1).sum() < 24  # hidden units switched off
    assert (first[kept_features] == 0).sum() > 100  # zeros inside kept rows
    assert sparse_model.score(X, y) > 0.95
    assert_array_equal(sparse_model.feature_importances_ > 0, kept_features)


def test_compact_removes_the_dead_units(sparse_model, selection_task):
    X, _ = selection_task
    first, second = sparse_model.coefs_
    # a unit is dead with no outgoing weight, or folded into the next bias
    # with no incoming one
    alive = int((second.any(axis=1) & first.any(axis=0)).sum())
    small = sparse_model.compact(drop_features=True)
    assert small.hidden_layer_sizes == (alive,)
    kept = small.selected_features_
    assert_array_equal(kept, np.flatnonzero(sparse_model.feature_importances_))
    assert_allclose(
        small.predict_proba(X[:, kept]), sparse_model.predict_proba(X), atol=1e-10
    )


def test_select_from_model_keeps_the_non_zero_rows(sparse_model, selection_task):
    X, y = selection_task
    selector = SelectFromModel(sparse_model, threshold=1e-12, prefit=True)
    kept = selector.get_support()
    assert_array_equal(kept, sparse_model.coefs_[0].any(axis=1))
    selector = SelectFromModel(
        RegularizedMLPClassifier(alpha=4.0, **ADAM), threshold=1e-12
    )
    downstream = RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), solver="lbfgs", alpha=1.0, random_state=0
    )
    pipe = make_pipeline(selector, downstream)
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.9


def test_features_enter_along_the_regularization_path(selection_task):
    model = RegularizedMLPClassifier(**dict(ADAM, max_iter=30))
    path = regularization_path(
        model, *selection_task, alphas=[16.0, 8.0, 4.0, 1.0], random_state=0
    )
    assert (np.diff(path.n_selected_features) > 0).all()
    assert np.isfinite(path.validation_scores).all()


def test_the_cv_estimator_takes_it_among_its_penalties(small_task):
    X, y = small_task
    params = dict(
        hidden_layer_sizes=(8,), alphas=[30.0, 3.0, 0.3], cv=2, max_iter=100,
        random_state=0, penalties=("group_lasso", "sparse_group_lasso"),
    )  # fmt: skip
    clf = RegularizedMLPClassifierCV(solver="adam", **params).fit(X, y)
    assert clf.scores_["sparse_group_lasso"].shape == (2, 3)
    assert clf.penalty_ in params["penalties"]
    with pytest.raises(ValueError, match=r"solver='sgd' or 'adam'"):
        RegularizedMLPClassifierCV(solver="lbfgs", **params).fit(X, y)
