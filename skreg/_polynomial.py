"""Polynomial regression whose capacity is set by its degree or by a penalty.

The model is a polynomial in the inputs, fitted by penalized least squares on
standardized terms (docs/objective.rst, docs/capacity.rst).  Three
representations of the same polynomial are involved:

- the *terms*: the monomials of the raw inputs up to total degree ``degree``,
  in the order of :class:`~sklearn.preprocessing.PolynomialFeatures`; the
  penalty is defined on their standardized coefficients and ``coef_`` is given
  in this basis;
- the *internal basis* the estimator solves and predicts in: the same
  monomials of inputs scaled to [-1, 1] (exactly equivalent, since scaling an
  input does not change a standardized term), or, for unpenalized fits,
  products of Chebyshev polynomials of centred and scaled inputs, which are far
  better conditioned at high degree and span the same polynomials;
- the expansion of the internal basis into the raw monomials, exact by the
  binomial theorem, which gives ``coef_`` and ``intercept_``.
"""

import itertools
import math
from dataclasses import dataclass
from math import comb, prod
from numbers import Integral, Real

import numpy as np
from numpy.polynomial import chebyshev, polynomial
from scipy import linalg, sparse
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.linear_model import Lasso
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _assert_all_finite,
    _check_feature_names_in,
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._penalties import make_penalty
from ._utils.callbacks import CallbackSupportMixin, end_fit, start_fit
from ._utils.state import AtomicSetParamsMixin, restore_state_on_error

_EPS = np.finfo(np.float64).eps

# Coordinate descent of the "l1" and "elasticnet" penalties (scikit-learn's
# Lasso, with its default tolerance on the duality gap).  Standardized
# polynomial terms are strongly correlated, which makes coordinate descent
# slow: the iteration budget is 100 times Lasso's default, and the Gram matrix
# is precomputed when there are more rows than terms.
_LASSO_MAX_ITER = 100_000
_LASSO_TOL = 1e-4


# --------------------------------------------------------------------- terms
# Largest terms matrix (rows times terms) a fit builds: 2**27 floats, 1 GiB.
MAX_TERM_FLOATS = 2**27


def check_term_count(n_samples, n_features, degree):
    """Refuse at once a degree whose terms would not fit in MAX_TERM_FLOATS.

    There are ``C(n_features + degree, degree) - 1`` monomials of total
    degree 1 to ``degree``; counting them first avoids enumerating 1e10 of
    them one by one (degree 40 on 10 features).
    """
    n_terms = math.comb(n_features + degree, degree) - 1
    if n_terms * max(n_samples, 1) > MAX_TERM_FLOATS:
        raise ValueError(
            f"degree={degree} on {n_features} feature(s) makes {n_terms:.3g} terms "
            f"(C(n_features + degree, degree) - 1); with {n_samples} samples "
            f"their matrix would exceed {MAX_TERM_FLOATS:,} floats. Choose a "
            "smaller degree."
        )
    return n_terms


def _term_powers(n_features, degree):
    """Exponents of every monomial of total degree 1..degree.

    Row ``j`` holds the power of each input in term ``j``; the order is that
    of ``PolynomialFeatures(degree, include_bias=False)``.
    """
    if degree == 0:
        return np.zeros((0, n_features), dtype=int)
    powers = []
    for total in range(1, degree + 1):
        for combination in itertools.combinations_with_replacement(
            range(n_features), total
        ):
            powers.append(np.bincount(combination, minlength=n_features))
    return np.asarray(powers, dtype=int)


def _term_name(powers, names):
    """Readable name of one term, e.g. ``"x0^2 x1"``."""
    factors = [
        name if power == 1 else f"{name}^{power}"
        for name, power in zip(names, powers, strict=True)
        if power > 0
    ]
    return " ".join(factors)


_VANDER = {"monomial": polynomial.polyvander, "chebyshev": chebyshev.chebvander}


def _evaluate_terms(U, powers, kind):
    """Matrix of the terms at the scaled inputs ``U``, one column per term.

    ``kind="monomial"`` gives ``prod_f U[:, f] ** powers[j, f]``;
    ``kind="chebyshev"`` replaces each power ``u**k`` by the Chebyshev
    polynomial ``T_k(u)`` of the same degree.
    """
    terms = np.ones((U.shape[0], powers.shape[0]))
    degree = int(powers.max(initial=0))
    for f in np.flatnonzero(powers.any(axis=0)):
        terms *= _VANDER[kind](U[:, f], degree)[:, powers[:, f]]
    return terms


def _chebyshev_to_powers(size):
    """Entry ``[m, k]``: coefficient of ``u**m`` in ``T_k(u)``, for k < size.

    From the recurrence ``T_{k+1} = 2 u T_k - T_{k-1}``.
    """
    matrix = np.zeros((size, size))
    matrix[0, 0] = 1.0
    if size > 1:
        matrix[1, 1] = 1.0
    for k in range(1, size - 1):
        matrix[1:, k + 1] = 2 * matrix[:-1, k]
        matrix[:, k + 1] -= matrix[:, k - 1]
    return matrix


def _power_expansion(kind, degree, center, scale):
    """Coefficients of the 1-D basis in the powers of the raw input.

    Entry ``[q, k]`` is the coefficient of ``x**q`` in the k-th basis function
    of ``u = (x - center) / scale``: ``u**k`` or ``T_k(u)``.
    """
    size = degree + 1
    binomial = np.zeros((size, size))  # [q, m]: coefficient of x**q in u**m
    for m in range(size):
        for q in range(m + 1):
            binomial[q, m] = comb(m, q) * (-center) ** (m - q) / scale**m
    if kind == "monomial":
        return binomial
    return binomial @ _chebyshev_to_powers(size)


# ------------------------------------------------------------ internal model
@dataclass(frozen=True)
class _InternalPolynomial:
    """A fitted polynomial in the internal basis.

    ``predict(X) = intercept + terms((X - center) / scale) @ coef.T`` with
    ``coef`` of shape (n_targets, n_terms).
    """

    kind: str
    center: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def predict(self, X, powers):
        terms = _evaluate_terms((X - self.center) / self.scale, powers, self.kind)
        return terms @ self.coef.T + self.intercept

    def raw_coefficients(self, powers):
        """Intercept and coefficients in the monomials of the raw inputs.

        Every internal term of exponents ``p`` expands (binomial theorem per
        input) into the raw monomials of exponents ``q <= p``, which are terms
        of the model too.  Uncentred monomials only need their scale divided
        out, which keeps zero coefficients exactly zero.
        """
        if self.kind == "monomial" and not self.center.any():
            term_scale = np.prod(self.scale**powers, axis=1)
            return self.intercept, self.coef / term_scale
        n_features = powers.shape[1]
        degree = int(powers.max(initial=0))
        expansions = [
            _power_expansion(self.kind, degree, self.center[f], self.scale[f]).tolist()
            for f in range(n_features)
        ]
        column = {tuple(p): j + 1 for j, p in enumerate(powers.tolist())}
        column[(0,) * n_features] = 0
        rows, cols, values = [], [], []
        for j, p in enumerate(powers.tolist()):
            active = [f for f in range(n_features) if p[f] > 0]
            for sub in itertools.product(*(range(p[f] + 1) for f in active)):
                q = [0] * n_features
                for f, q_f in zip(active, sub, strict=True):
                    q[f] = q_f
                rows.append(column[tuple(q)])
                cols.append(j)
                values.append(prod(expansions[f][q[f]][p[f]] for f in active))
        expansion = sparse.coo_array(
            (values, (rows, cols)), shape=(powers.shape[0] + 1, powers.shape[0])
        ).tocsr()
        raw = (expansion @ self.coef.T).T
        raw[:, 0] += self.intercept
        return raw[:, 0], raw[:, 1:]


# ------------------------------------------------------------------ solvers
def _standardize(terms, sample_weight, positive, center_terms):
    """Weighted standardization of the term matrix.

    Returns the standardized matrix, the reference row subtracted (the
    weighted mean of each term, or zeros without intercept), the scale of
    each term (weighted standard deviation, or root mean square without
    intercept) and the mask of terms that are not constant on the samples of
    positive weight.  Constant terms get scale 1 and a zero column.
    """
    total = sample_weight.sum()
    if center_terms:
        reference = sample_weight @ terms / total
    else:
        reference = np.zeros(terms.shape[1])
    centred = terms - reference
    scale = np.sqrt(sample_weight @ centred**2 / total)
    magnitude = np.abs(terms[positive]).max(axis=0, initial=0.0)
    varying = scale > 10 * positive.sum() * _EPS * magnitude
    scale[~varying] = 1.0
    centred[:, ~varying] = 0.0
    return centred / scale, reference, scale, varying


def _ridge(A, Z, alpha):
    """Minimise ``||A C - Z||^2 + alpha ||C||^2`` through the SVD of ``A``.

    Singular values below ``max(A.shape) * eps`` times the largest are treated
    as zero, so ``alpha=0`` gives the minimum-norm least-squares solution (the
    limit of the ridge solution as ``alpha`` tends to 0).  Also returns the
    numerical rank of ``A``.
    """
    if A.size == 0:
        return np.zeros((A.shape[1], Z.shape[1])), 0
    U, sigma, Vt = linalg.svd(A, full_matrices=False, check_finite=False)
    kept = sigma > max(A.shape) * _EPS * sigma[0]
    factor = np.zeros_like(sigma)
    factor[kept] = sigma[kept] / (sigma[kept] ** 2 + alpha)
    return Vt.T @ (factor[:, None] * (U.T @ Z)), int(kept.sum())


def _lasso(A, Z, l1, l2, weights):
    """Minimise ``1/2 ||A b - Z||^2 + sum_k weights_k (l1 |b_k| + l2/2 b_k^2)``.

    With ``c = weights * b`` the L1 part has unit weights: coordinate descent
    (:class:`~sklearn.linear_model.Lasso`) runs on the columns ``A / weights``,
    with the L2 part as extra (sparse) rows ``sqrt(l2 / weights_k) e_k`` of
    target 0.  Lasso divides its data term by the number of rows, hence its
    alpha.  Each target is fitted separately.
    """
    if A.shape[1] == 0:
        return np.zeros((0, Z.shape[1]))
    design = A / weights
    target = Z
    if l2 > 0:
        ridge_rows = sparse.diags(np.sqrt(l2 / weights))
        design = sparse.vstack([sparse.csr_array(design), ridge_rows], format="csc")
        target = np.vstack([Z, np.zeros((A.shape[1], Z.shape[1]))])
    lasso = Lasso(
        alpha=l1 / design.shape[0],
        fit_intercept=False,
        precompute=design.shape[0] > design.shape[1],
        max_iter=_LASSO_MAX_ITER,
        tol=_LASSO_TOL,
    )
    lasso.fit(design, target[:, 0] if target.shape[1] == 1 else target)
    coef = lasso.coef_.reshape(Z.shape[1], -1).T
    return coef / weights[:, None]


def _fit_internal(
    kind, X, Y, sample_weight, powers, center, scale, solve, center_terms
):
    """Standardize the terms, solve for their coefficients, return the model.

    ``solve(A, Z, varying)`` receives the row-weighted standardized terms that
    are not constant and the row-weighted centred targets, and returns their
    coefficients (or None to give up).
    """
    positive = sample_weight > 0
    terms = _evaluate_terms((X - center) / scale, powers, kind)
    standardized, reference, term_scale, varying = _standardize(
        terms, sample_weight, positive, center_terms
    )
    total = sample_weight.sum()
    y_offset = sample_weight @ Y / total if center_terms else np.zeros(Y.shape[1])
    root_weight = np.sqrt(sample_weight)[:, None]
    A = root_weight * standardized[:, varying]
    Z = root_weight * (Y - y_offset)
    solution = solve(A, Z, varying)
    if solution is None:
        return None
    coef = np.zeros((powers.shape[0], Y.shape[1]))
    coef[varying] = solution
    coef = (coef / term_scale[:, None]).T
    intercept = y_offset - coef @ reference
    return _InternalPolynomial(kind, center, scale, coef, intercept)


def _positive_range(X, positive):
    """Minimum and maximum of each input over the samples of positive weight."""
    return X[positive].min(axis=0), X[positive].max(axis=0)


# The largest weight of a term: past it the penalised solve loses every term
# of that degree to rounding long before the weight overflows float64.
MAX_DEGREE_WEIGHT = 1e150


def _degree_weights(powers, degree_power):
    """``k ** degree_power`` for every term's degree k, refused if it overflows."""
    degrees = powers.sum(axis=1).astype(float)
    top = float(degrees.max(initial=1.0))
    if top > 1 and degree_power * np.log(top) > np.log(MAX_DEGREE_WEIGHT):
        usable = np.log(MAX_DEGREE_WEIGHT) / np.log(top)
        raise ValueError(
            f"degree_power={degree_power:g} makes the weight of degree-{top:g} "
            f"terms {top:g}**{degree_power:g}, past {MAX_DEGREE_WEIGHT:g}: "
            f"with degree {top:g}, degree_power must be at most {usable:.4g}."
        )
    return degrees**degree_power


class PolynomialCapacity(
    CallbackSupportMixin, RegressorMixin, AtomicSetParamsMixin, BaseEstimator
):
    r"""Polynomial regression with a penalty that can grow with the degree.

    The model is a polynomial of total degree at most ``degree`` in the
    inputs, ``y = intercept_ + sum_j coef_[j] * prod_f x_f ** powers_[j, f]``,
    fitted by least squares with a penalty on the coefficients of the
    standardized terms.  Its capacity is limited either by ``degree`` (choose
    it by cross-validation, e.g. with :func:`skreg.capacity_curve`) or by
    ``alpha``, and ``degree_power > 0`` penalises terms of high degree more
    than those of low degree.

    Read more in the :ref:`capacity` page of the documentation.

    Parameters
    ----------
    degree : int, default=3
        Maximum total degree of the terms: every monomial of the inputs of
        total degree 1 to ``degree`` is a term, as in
        ``PolynomialFeatures(degree, include_bias=False)``.  ``degree=0``
        fits a constant.

    penalty : {"l2", "l1", "elasticnet"} or None, default="l2"
        The penalty on the standardized coefficients ``b``: ``1/2 sum w b**2``,
        ``sum w |b|``, their mix
        ``sum w (l1_ratio |b| + (1 - l1_ratio)/2 b**2)``, or none, where ``w``
        is the weight of each term's degree (see ``degree_power``).  "l2" is
        solved in closed form; "l1" and "elasticnet" by coordinate descent,
        which gives coefficients that are exactly zero.

    alpha : float, default=0.0
        Strength of the penalty.  0 (or ``penalty=None``) gives ordinary least
        squares: when the terms are linearly dependent on the training data,
        for instance ``degree >= n_samples`` in one dimension, the solution of
        minimum weighted norm ``sum w b**2``, the limit of the "l2" fit as
        ``alpha`` tends to 0.

    l1_ratio : float, default=0.5
        Share of the L1 part of the "elasticnet" penalty, in [0, 1].

    degree_power : float, default=0.0
        The penalty weight of a term of total degree ``k`` is
        ``w = k ** degree_power``: 0 treats every term alike; positive values
        shrink the terms of high degree more (the "penalty for having a higher
        degree" of the classic polynomial example of capacity).

    fit_intercept : bool, default=True
        Whether to fit an unpenalized intercept.  Without it the polynomial
        has no constant term (``intercept_ == 0``), the terms are not centred
        and are scaled by their root mean square.

    Attributes
    ----------
    coef_ : ndarray of shape (n_terms,) or (n_targets, n_terms)
        Coefficients of the terms, in the monomials of the raw inputs (the
        columns of ``PolynomialFeatures(degree, include_bias=False)``).  Zero
        standardized coefficients are exactly zero here too.

    intercept_ : float or ndarray of shape (n_targets,)
        The constant term (0.0 when ``fit_intercept=False``).

    powers_ : ndarray of shape (n_terms, n_features)
        ``powers_[j, f]`` is the exponent of input ``f`` in term ``j``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during ``fit``.  Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    skreg.capacity_curve : Training and validation scores over a range of
        degrees (or any other parameter).
    sklearn.preprocessing.PolynomialFeatures : The terms, as a transformer.

    Notes
    -----
    With sample weights ``s_i`` (all ones by default), terms
    ``t_j(x) = prod_f x_f ** powers_[j, f]`` standardized over the training
    data, ``z_ij = (t_j(x_i) - mean_j) / std_j`` (weighted mean and standard
    deviation), and a term of total degree ``k_j`` weighted by
    ``w_j = k_j ** degree_power``, the estimator minimises, as the networks of
    skreg do (biases, here the intercept, are never penalised),

    .. math::

        \frac{\sum_i s_i \bigl(y_i - c - \sum_j b_j z_{ij}\bigr)^2 / 2
              + \alpha\, \Omega_w(b)}{\sum_i s_i}

    over the intercept ``c`` and the standardized coefficients ``b``, with
    ``Omega_w`` the ``penalty`` above.  With ``degree_power=0`` the "l2" fit is
    therefore the pipeline ``PolynomialFeatures(degree, include_bias=False)``,
    ``StandardScaler()``, ``Ridge(alpha)``, and the "l1" and "elasticnet" fits
    are ``Lasso(alpha / n)`` and ``ElasticNet(alpha / n, l1_ratio=l1_ratio)``
    on the standardized terms (``n`` the sum of the sample weights).
    Terms that are constant on the training data are dropped (coefficient 0).
    As for that pipeline, the penalized fit depends on the origin of the
    inputs: centre them first (e.g. with a ``StandardScaler``) when the origin
    has no meaning.

    A polynomial of degree ``n - 1`` in one input interpolates ``n`` distinct
    points: the training error alone cannot choose the degree.  To stay
    accurate at high degree, every input is divided by its largest absolute
    value before the terms are formed (which changes no standardized term), the
    least-squares problems are solved through a singular value decomposition,
    and unpenalized fits with an intercept use products of Chebyshev
    polynomials of inputs centred and scaled to [-1, 1] (the same polynomials,
    in a well-conditioned basis).  Predictions use this internal basis;
    ``coef_`` and ``intercept_`` are its exact expansion in the raw monomials,
    whose coefficients are themselves ill-conditioned at high degree.  The
    error at the training points is then about machine precision times the
    largest value the polynomial takes between them: tiny for well-spread
    points, but an interpolant of noisy values at clustered points can be
    1e8 times larger than the data between them.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import PolynomialCapacity
    >>> x = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> y = 1 - 2 * x.ravel() + 3 * x.ravel() ** 3
    >>> model = PolynomialCapacity(degree=3).fit(x, y)
    >>> np.round(model.coef_, 6) + 0.0
    array([-2.,  0.,  3.])
    >>> model.get_feature_names_out()
    array(['x0', 'x0^2', 'x0^3'], dtype=object)
    >>> sparse = PolynomialCapacity(degree=6, penalty="l1", alpha=0.1).fit(x, y)
    >>> bool(np.any(sparse.coef_ == 0))
    True
    """

    _parameter_constraints: dict = {
        "degree": [Interval(Integral, 0, None, closed="left")],
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "degree_power": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
    }

    def __init__(
        self,
        degree=3,
        *,
        penalty="l2",
        alpha=0.0,
        l1_ratio=0.5,
        degree_power=0.0,
        fit_intercept=True,
    ):
        self.degree = degree
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.degree_power = degree_power
        self.fit_intercept = fit_intercept

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the polynomial to data matrix X and target(s) y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; the objective is normalised by their sum.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with restore_state_on_error(self):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        X, y = validate_data(
            self, X, y, multi_output=True, y_numeric=True, dtype=np.float64
        )
        _assert_all_finite(y, input_name="y")
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        Y = y.reshape(X.shape[0], -1)
        callbacks = start_fit(self, X, y, max_subtasks=0)  # one closed-form task
        check_term_count(X.shape[0], X.shape[1], self.degree)
        self.powers_ = _term_powers(X.shape[1], self.degree)
        l1, l2 = self._penalty_strengths()
        model = None
        if l1 == 0 and l2 == 0 and self.fit_intercept:
            model = self._fit_chebyshev(X, Y, sample_weight)
        if model is None:
            model = self._fit_monomial(X, Y, sample_weight, l1, l2)
        self._model = model
        with np.errstate(all="ignore"):
            intercept, coef = model.raw_coefficients(self.powers_)
        if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
            raise ValueError(
                "The polynomial's coefficients overflow: X or y hold values too "
                "large (or too close together) for this degree; scale the data."
            )
        if not self.fit_intercept:
            intercept = np.zeros_like(intercept)
        if y.ndim == 1:
            self.coef_, self.intercept_ = coef[0], float(intercept[0])
        else:
            self.coef_, self.intercept_ = coef, intercept
        end_fit(callbacks, self, X, y)
        return self

    def _penalty_strengths(self):
        """Strengths of the L1 and L2 parts of the penalty (the penalty's own)."""
        return make_penalty(self.penalty, self.l1_ratio).strengths(self.alpha)

    def _fit_chebyshev(self, X, Y, sample_weight):
        """Unpenalized least squares in the Chebyshev basis; None if rank-deficient.

        With terms that are linearly independent on the data the solution does
        not depend on the basis; otherwise the minimum-norm tie-break is defined
        on the standardized monomials, so ``_fit_monomial`` takes over.
        """
        low, high = _positive_range(X, sample_weight > 0)
        half_range = (high - low) / 2
        center = low + half_range
        scale = np.where(half_range > 0, half_range, 1.0)

        def solve(A, Z, varying):
            if not varying.all():
                return None
            coef, rank = _ridge(A, Z, 0.0)
            return coef if rank == A.shape[1] else None

        return _fit_internal(
            "chebyshev", X, Y, sample_weight, self.powers_, center, scale, solve,
            center_terms=True,
        )  # fmt: skip

    def _fit_monomial(self, X, Y, sample_weight, l1, l2):
        """Penalized least squares in the monomials of the inputs scaled to [-1, 1]."""
        low, high = _positive_range(X, sample_weight > 0)
        largest = np.maximum(np.abs(low), np.abs(high))
        scale = np.where(largest > 0, largest, 1.0)
        center = np.zeros(X.shape[1])
        weights = _degree_weights(self.powers_, self.degree_power)

        def solve(A, Z, varying):
            w = weights[varying]
            if l1 > 0:
                return _lasso(A, Z, l1, l2, w)
            root_w = np.sqrt(w)
            coef, _ = _ridge(A / root_w, Z, l2)
            return coef / root_w[:, None]

        return _fit_internal(
            "monomial", X, Y, sample_weight, self.powers_, center, scale, solve,
            center_terms=self.fit_intercept,
        )  # fmt: skip

    def predict(self, X):
        """Predict using the fitted polynomial.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            The predicted values.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        y = self._model.predict(X, self.powers_)
        return y.ravel() if np.ndim(self.coef_) == 1 else y

    def get_feature_names_out(self, input_features=None):
        """Return the names of the terms, e.g. ``"x0^2 x1"``, in ``coef_`` order.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Names of the inputs: ``feature_names_in_`` when fitted on a
            DataFrame, else ``["x0", "x1", ...]``.

        Returns
        -------
        names : ndarray of str objects
            The name of every term.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray([_term_name(p, names) for p in self.powers_], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
