"""PolynomialCapacity: estimator checks, interpolation, oracles, degree penalties.

With degree_power=0 and n samples (sum of sample weights), the objective
(sum_i s_i r_i^2 / 2 + alpha * Omega(b)) / n on the standardized terms converts to
    Ridge(alpha)                        after PolynomialFeatures and StandardScaler
    Lasso(alpha / n)                    on the standardized terms
    ElasticNet(alpha / n, l1_ratio)     on the standardized terms
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg._polynomial import PolynomialCapacity


def _terms(X, degree):
    return PolynomialFeatures(degree, include_bias=False).fit_transform(X)


def _offset_data(seed, n_samples=80, n_features=2):
    """Inputs away from the origin, a polynomial target with noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n_samples, n_features)) + np.arange(n_features)
    y = 1 + X[:, 0] - 2 * X[:, -1] ** 2 + X[:, 0] * X[:, -1]
    return X, y + rng.normal(scale=0.3, size=n_samples)


def _standardized(X, degree, sample_weight=None):
    terms = _terms(X, degree)
    return StandardScaler().fit(terms, sample_weight=sample_weight).transform(terms)


# ------------------------------------------------------------ acceptance 1
@parametrize_with_checks(
    [
        PolynomialCapacity(),
        PolynomialCapacity(penalty="l1", alpha=1.0, degree=2),
        PolynomialCapacity(penalty=None, fit_intercept=False),
        PolynomialCapacity(penalty="elasticnet", alpha=0.5, degree=2, degree_power=2.0),
    ]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# ------------------------------------------------------------ acceptance 2
def _points(n, spacing, rng):
    """n distinct points of [-3, 5]."""
    if spacing == "chebyshev":
        return 1 + 4 * np.cos(np.pi * (np.arange(n) + 0.5) / n)
    x = np.linspace(-3, 5, n)
    if spacing == "jittered" and n > 1:  # each moved by up to 1/4 of the spacing
        x += rng.uniform(-0.25, 0.25, size=n) * (x[1] - x[0])
    return x


# The accuracy at the points is about machine epsilon times the largest value of
# the interpolant between them: fine for these designs (errors below 1e-12), but
# random values at clustered points (e.g. 15 uniform draws) can give an
# interpolant 1e8 times larger than the data, and errors of 1e-7.
@pytest.mark.parametrize("spacing", ["even", "jittered", "chebyshev"])
@pytest.mark.parametrize("n", range(1, 16))
def test_degree_n_minus_1_interpolates_n_points(n, spacing):
    rng = np.random.default_rng(n)
    x = _points(n, spacing, rng).reshape(-1, 1)
    y = rng.normal(size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = PolynomialCapacity(degree=n - 1).fit(x, y)
        residual = model.predict(x) - y
    assert np.linalg.norm(residual) / np.linalg.norm(y) < 1e-8


def test_high_degree_far_from_the_origin():
    # x in [100, 101]: raw monomials are nearly collinear, but the unpenalized
    # fit works in a basis of centred inputs; exact on a degree-10 polynomial.
    rng = np.random.default_rng(0)
    x = 100 + rng.uniform(0, 1, size=(40, 1))
    y = np.polynomial.chebyshev.chebval(2 * (x[:, 0] - 100.5), np.arange(11.0))
    model = PolynomialCapacity(degree=10).fit(x, y)
    assert_allclose(model.predict(x), y, atol=1e-9 * np.abs(y).max())


def test_more_terms_than_points_gives_minimum_norm_interpolant():
    # 6 points, degree 8: the standardized terms are linearly dependent and
    # the fit is the minimum-norm least-squares solution (alpha -> 0 of "l2")
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(6, 1))
    y = rng.normal(size=6)
    model = PolynomialCapacity(degree=8).fit(x, y)
    assert_allclose(model.predict(x), y, atol=1e-10)
    oracle = make_pipeline(
        PolynomialFeatures(8, include_bias=False), StandardScaler(), LinearRegression()
    ).fit(x, y)
    x_new = np.linspace(-1, 1, 7).reshape(-1, 1)
    assert_allclose(model.predict(x_new), oracle.predict(x_new), rtol=1e-6)


# ------------------------------------------------------------------ oracles
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.1, 10.0])
def test_l2_equals_standard_scaler_ridge_pipeline(alpha, weighted):
    X, y = _offset_data(0)
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.5, 2.0, size=len(y)) if weighted else None
    model = PolynomialCapacity(degree=4, alpha=alpha).fit(X, y, sample_weight=sw)
    oracle = make_pipeline(
        PolynomialFeatures(4, include_bias=False),
        StandardScaler(),
        Ridge(alpha=alpha) if alpha > 0 else LinearRegression(),
    )
    linear_step = oracle.steps[-1][0]
    fit_params = {
        "standardscaler__sample_weight": sw,
        f"{linear_step}__sample_weight": sw,
    }
    oracle.fit(X, y, **fit_params)
    assert_allclose(model.predict(X), oracle.predict(X), rtol=1e-8)
    scaler, linear = oracle[1], oracle[2]
    coef = linear.coef_ / scaler.scale_
    assert_allclose(model.coef_, coef, rtol=1e-6, atol=1e-8)
    intercept = linear.intercept_ - coef @ scaler.mean_
    assert model.intercept_ == pytest.approx(intercept, rel=1e-8)


# Coordinate descent stops at scikit-learn's default duality gap, tol=1e-4 times
# the (weighted) sum of squares of the centred y.  The objective is 1-strongly
# convex in the predictions, so their (weighted) RMS distance to the optimum's
# (the oracle runs to tol=1e-12) is at most sqrt(2 * tol) times the std of y.
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "penalty, l1_ratio, Oracle",
    [("l1", 1.0, Lasso), ("elasticnet", 0.3, ElasticNet)],
)
def test_sparse_penalties_equal_lasso_and_elasticnet(
    penalty, l1_ratio, Oracle, weighted
):
    X, y = _offset_data(2)
    rng = np.random.default_rng(3)
    sw = rng.integers(0, 4, size=len(y)).astype(float) if weighted else None
    n = len(y) if sw is None else sw.sum()
    alpha = 5.0
    model = PolynomialCapacity(
        degree=3, penalty=penalty, alpha=alpha, l1_ratio=l1_ratio
    )
    model.fit(X, y, sample_weight=sw)
    Z = _standardized(X, 3, sw)
    oracle = Oracle(alpha=alpha / n, tol=1e-12, max_iter=10**6)
    if penalty == "elasticnet":
        oracle.set_params(l1_ratio=l1_ratio)
    oracle.fit(Z, y, sample_weight=sw)
    assert_array_equal(model.coef_ == 0, oracle.coef_ == 0)
    assert np.any(model.coef_ == 0)  # the test is about zeros: there must be some
    difference = model.predict(X) - oracle.predict(Z)
    rms = np.sqrt(np.average(difference**2, weights=sw))
    std = np.sqrt(np.average((y - np.average(y, weights=sw)) ** 2, weights=sw))
    assert rms <= np.sqrt(2e-4) * std


def test_no_intercept_scales_terms_by_root_mean_square():
    X, y = _offset_data(4)
    model = PolynomialCapacity(degree=3, alpha=2.0, fit_intercept=False).fit(X, y)
    terms = _terms(X, 3)
    rms = np.sqrt(np.mean(terms**2, axis=0))
    ridge = Ridge(alpha=2.0, fit_intercept=False).fit(terms / rms, y)
    assert model.intercept_ == 0.0
    assert_allclose(model.coef_, ridge.coef_ / rms, rtol=1e-8)
    assert_allclose(model.predict(np.zeros((1, 2))), [0.0], atol=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        dict(penalty="l2", alpha=3.0, degree_power=1.5),
        dict(penalty="l1", alpha=3.0, degree_power=1.0),
        dict(penalty="elasticnet", alpha=3.0, l1_ratio=0.5, degree_power=2.0),
    ],
)
def test_degree_weighted_penalty_optimality(params):
    # KKT conditions on the standardized terms z, with w_k = k ** degree_power
    # and l1 the share of the L1 part:
    # z_k^T r / (alpha w_k) = (1 - l1) b_k + l1 sign(b_k)   if b_k != 0,
    # |z_k^T r| / (alpha w_k) <= l1                         if b_k == 0,
    # and the residuals r sum to zero (the intercept is not penalised).
    X, y = _offset_data(5)
    model = PolynomialCapacity(degree=3, **params).fit(X, y)
    l1 = {"l2": 0.0, "l1": 1.0, "elasticnet": params.get("l1_ratio")}[params["penalty"]]
    terms = _terms(X, 3)
    Z = StandardScaler().fit_transform(terms)
    b = model.coef_ * terms.std(axis=0)
    w = model.powers_.sum(axis=1) ** params["degree_power"]
    correlation = Z.T @ (y - model.predict(X)) / (params["alpha"] * w)
    active = b != 0
    expected = (1 - l1) * b + l1 * np.sign(b)
    # exact for the closed form; coordinate descent stops at a duality gap of
    # 1e-4 (relative), which leaves up to 2%
    atol = 1e-8 if params["penalty"] == "l2" else 2e-2
    assert_allclose(correlation[active], expected[active], atol=atol)
    assert np.all(np.abs(correlation[~active]) <= l1 + 1e-6)
    assert np.sum(y - model.predict(X)) == pytest.approx(0.0, abs=1e-8)


# ----------------------------------------------------------- acceptance 4
def test_degree_power_shrinks_high_degrees_more():
    # Stated case: 4 replicates of the 3 x 3 grid {-1, 0, 1}^2 and degree 2.  On
    # this design the five standardized terms (x0, x1, x0^2, x0 x1, x1^2) are
    # exactly orthogonal, so "l2" scales each standardized coefficient of the
    # least-squares fit by n / (n + alpha * k**degree_power), k its degree.
    rng = np.random.default_rng(0)
    grid = np.array([(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)], dtype=float)
    X = np.tile(grid, (4, 1))
    y = X[:, 0] + X[:, 1] ** 2 + X[:, 0] * X[:, 1] + rng.normal(scale=0.1, size=36)
    n, alpha = len(y), 36.0
    std = _terms(X, 2).std(axis=0)
    b_ols = PolynomialCapacity(degree=2).fit(X, y).coef_ * std
    degree = np.array([1, 1, 2, 2, 2])
    for degree_power in (0.0, 1.0, 2.0):
        model = PolynomialCapacity(degree=2, alpha=alpha, degree_power=degree_power)
        b = model.fit(X, y).coef_ * std
        expected = n / (n + alpha * degree.astype(float) ** degree_power)
        assert_allclose(b / b_ols, expected, rtol=1e-10)
    # degree_power=2 with alpha = n: degree-1 terms halved, degree-2 terms / 5
    assert_allclose(expected, [0.5, 0.5, 0.2, 0.2, 0.2])


def test_l1_gives_exact_zeros_and_degree_power_moves_them_to_high_degrees():
    # Stated case: 100 points, x uniform on [-1, 1], y = 1 - 2x + 3x^3 + noise
    # (sd 0.3), degree 9, "l1" with alpha=0.5.
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(100, 1))
    y = 1 - 2 * x[:, 0] + 3 * x[:, 0] ** 3 + rng.normal(scale=0.3, size=100)
    flat = PolynomialCapacity(degree=9, penalty="l1", alpha=0.5).fit(x, y)
    graded = PolynomialCapacity(degree=9, penalty="l1", alpha=0.5, degree_power=1.0)
    graded.fit(x, y)
    for model in (flat, graded):
        assert np.sum(model.coef_ == 0) >= 4
    # with degree_power=1 only the true terms x and x^3 are left
    assert_array_equal(np.flatnonzero(graded.coef_), [0, 2])
    assert np.any(flat.coef_[3:] != 0)  # some term of degree > 3 survives without


def test_convergence_warning_passes_through():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(60, 1))
    y = 1 - 2 * x[:, 0] + 3 * x[:, 0] ** 3 + rng.normal(scale=0.3, size=60)
    with pytest.warns(ConvergenceWarning):
        PolynomialCapacity(degree=12, penalty="l1", alpha=1e-6).fit(x, y)


# ------------------------------------------------- representation and basics
@pytest.mark.parametrize(
    "params",
    [
        dict(),  # unpenalized: the Chebyshev basis of centred inputs
        dict(alpha=0.3, degree_power=1.0),
        dict(penalty="l1", alpha=0.3),
        dict(alpha=0.3, fit_intercept=False),
    ],
)
@pytest.mark.parametrize("degree", [1, 3, 5])
def test_coef_in_raw_monomial_basis_reproduces_predict(params, degree):
    X, y = _offset_data(6, n_samples=200, n_features=3)
    model = PolynomialCapacity(degree=degree, **params).fit(X, y)
    from_coef = model.intercept_ + _terms(X, degree) @ model.coef_
    assert_allclose(from_coef, model.predict(X), rtol=1e-9)
    assert_array_equal(
        model.powers_, PolynomialFeatures(degree, include_bias=False).fit(X).powers_
    )


def test_input_scale_changes_nothing():
    # Scaling an input scales every term by a constant, which standardization
    # undoes: same predictions, coefficients rescaled by 10 ** -degree.
    X, y = _offset_data(7)
    for params in (dict(alpha=1.0, degree_power=2.0), dict(penalty="l1", alpha=1.0)):
        model = PolynomialCapacity(degree=3, **params).fit(X, y)
        scaled = PolynomialCapacity(degree=3, **params).fit(10 * X, y)
        assert_allclose(scaled.predict(10 * X), model.predict(X), rtol=1e-8)
        factor = 10.0 ** -model.powers_.sum(axis=1)
        assert_allclose(scaled.coef_, model.coef_ * factor, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        dict(),
        dict(alpha=2.0, degree_power=1.0),
        dict(penalty="l1", alpha=2.0),
        dict(penalty="elasticnet", alpha=2.0, degree_power=2.0),
        dict(alpha=2.0, fit_intercept=False),
    ],
)
def test_integer_sample_weight_equals_repetition(params):
    X, y = _offset_data(8, n_samples=40)
    sw = np.random.default_rng(9).integers(0, 4, size=40)
    weighted = PolynomialCapacity(degree=3, **params).fit(X, y, sample_weight=sw)
    repeated = PolynomialCapacity(degree=3, **params)
    repeated.fit(np.repeat(X, sw, axis=0), np.repeat(y, sw))
    assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-6)


@pytest.mark.parametrize(
    "params", [dict(alpha=1.0), dict(penalty="l1", alpha=1.0, degree_power=1.0)]
)
def test_multi_output_fits_each_target(params):
    X, y = _offset_data(10)
    Y = np.column_stack([y, -2 * y + X[:, 0]])
    model = PolynomialCapacity(degree=3, **params).fit(X, Y)
    assert model.coef_.shape == (2, 9) and model.intercept_.shape == (2,)
    for k in range(2):
        single = PolynomialCapacity(degree=3, **params).fit(X, Y[:, k])
        assert_allclose(model.coef_[k], single.coef_, rtol=1e-8, atol=1e-10)
        assert_allclose(model.predict(X)[:, k], single.predict(X), rtol=1e-8)


def test_degree_zero_fits_the_weighted_mean():
    X, y = _offset_data(11)
    sw = np.random.default_rng(12).uniform(size=len(y))
    model = PolynomialCapacity(degree=0).fit(X, y, sample_weight=sw)
    assert model.coef_.shape == (0,)
    assert_allclose(model.predict(X), np.average(y, weights=sw), rtol=1e-12)


def test_terms_constant_on_the_data_get_zero_coefficients():
    # x in {-1, 1}: x^2 == 1 is constant, x^3 == x; least squares in x only
    x = np.array([-1.0, 1.0, 1.0, -1.0, 1.0]).reshape(-1, 1)
    y = np.array([0.0, 2.0, 2.5, 0.5, 1.5])
    model = PolynomialCapacity(degree=3).fit(x, y)
    assert model.coef_[1] == 0.0
    assert_allclose(model.predict(x), [0.25, 2.0, 2.0, 0.25, 2.0], rtol=1e-12)


def test_feature_names_out_match_polynomial_features():
    pd = pytest.importorskip("pandas")
    X, y = _offset_data(13, n_features=3)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = PolynomialCapacity(degree=3).fit(frame, y)
    expected = PolynomialFeatures(3, include_bias=False).fit(frame)
    assert_array_equal(model.get_feature_names_out(), expected.get_feature_names_out())
    assert "a^2 b" in model.get_feature_names_out()
    unnamed = PolynomialCapacity(degree=2).fit(X, y).get_feature_names_out()
    assert_array_equal(unnamed, ["x0", "x1", "x2", "x0^2", "x0 x1", "x0 x2",
                                 "x1^2", "x1 x2", "x2^2"])  # fmt: skip


@pytest.mark.parametrize("n_features, degree", [(10, 40), (1, 10**7)])
def test_a_degree_too_large_is_refused_before_its_terms_are_made(n_features, degree):
    """Degree 40 on 10 features enumerated 1e10 monomials one by one."""
    X = np.random.RandomState(0).rand(30, n_features)
    with pytest.raises(ValueError, match="Choose a smaller degree"):
        PolynomialCapacity(degree=degree).fit(X, X[:, 0])


def test_the_term_count_is_the_number_of_monomials(monkeypatch):
    import skreg._polynomial as polynomial

    X = np.random.RandomState(0).rand(30, 3)
    model = PolynomialCapacity(degree=4).fit(X, X[:, 0])
    assert polynomial.check_term_count(30, 3, 4) == len(model.powers_) == 34
    monkeypatch.setattr(polynomial, "MAX_TERM_FLOATS", 30 * 34 - 1)
    with pytest.raises(ValueError, match="makes 34 terms"):
        PolynomialCapacity(degree=4).fit(X, X[:, 0])


@pytest.mark.usefixtures("runtime_warnings_are_errors")
def test_a_degree_power_whose_weights_overflow_is_refused():
    # degree_power=1e3 gave numpy's "overflow encountered in power"
    X = np.random.RandomState(0).rand(50, 2)
    y = X.sum(axis=1)
    model = PolynomialCapacity(degree=3, degree_power=1e3, alpha=1.0)
    with pytest.raises(ValueError, match=r"degree_power must be at most 314\.4"):
        model.fit(X, y)
    assert model.set_params(degree_power=300).fit(X, y).score(X, y) > 0.5
