"""The polynomial capacity study behind ``python -m skreg capacity``.

Polynomials of degree 0 to ``max_degree`` are cross-validated on one input and
one target (noisy values of a known polynomial, or two columns of a CSV file),
and the degree is chosen by the best score and by the one-standard-error rule
(docs/capacity_and_model_selection.rst).  Nothing here prints.
"""

from dataclasses import dataclass, field

import numpy as np
from numpy.polynomial import chebyshev
from sklearn.model_selection import KFold

from .._capacity import capacity_curve
from .._polynomial import PolynomialCapacity
from .data import DataError

DEFAULT_N_SAMPLES = 30
DEFAULT_TRUE_DEGREE = 3
DEFAULT_NOISE = 0.3
DEFAULT_MAX_DEGREE = 12
QUICK_MAX_DEGREE = 8
DEFAULT_CV = 5
QUICK_CV = 3
SCORING = "neg_mean_squared_error"


@dataclass(frozen=True)
class PolynomialData:
    """Noisy values ``y`` at inputs ``x`` of a known polynomial on [-1, 1].

    ``coef`` holds its Chebyshev coefficients, ``noise`` the noise's std.
    """

    x: np.ndarray
    y: np.ndarray
    coef: np.ndarray
    noise: float

    @property
    def true_degree(self):
        """Degree of the true polynomial."""
        return len(self.coef) - 1

    def true_function(self, x):
        """Values of the true polynomial (without noise) at ``x``."""
        return chebyshev.chebval(x, self.coef)


def make_polynomial_data(n_samples, true_degree, noise, random_state=0):
    """Draw ``n_samples`` noisy values of a random polynomial of ``true_degree``.

    The polynomial is ``sum_k c_k T_k(x)`` over the Chebyshev polynomials
    ``T_k`` of degree ``k <= true_degree``, with ``|c_k|`` uniform in
    [0.5, 1] and random signs, so that every degree contributes about as much;
    the inputs are uniform on [-1, 1], the noise Gaussian of std ``noise``.
    Returns a :class:`PolynomialData`.
    """
    rng = np.random.default_rng(random_state)
    size = true_degree + 1
    coef = rng.choice([-1.0, 1.0], size) * rng.uniform(0.5, 1.0, size)
    x = rng.uniform(-1.0, 1.0, n_samples)
    y = chebyshev.chebval(x, coef) + rng.normal(scale=noise, size=n_samples)
    return PolynomialData(x, y, coef, noise)


@dataclass(frozen=True)
class CapacityStudy:
    """Everything :func:`run_capacity` found.

    ``curve`` is the CapacityCurve of the scores (negated mean squared
    errors); ``fits`` maps the best, the one-standard-error and the largest
    degrees to their polynomials fitted on all the data; ``truth`` is the
    PolynomialData of synthetic data (None for a CSV file, named ``name``).
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    feature: str
    target: str
    curve: object
    fits: dict = field(repr=False)
    truth: PolynomialData | None = None

    @property
    def degrees(self):
        """The degrees tried, in increasing order."""
        return self.curve.param_range

    @property
    def train_error(self):
        """Mean training MSE over the folds, for every degree."""
        return -self.curve.train_scores_mean

    @property
    def validation_error(self):
        """Mean validation MSE over the folds, for every degree."""
        return -self.curve.validation_scores_mean


def fit_polynomial(x, y, degree, name="the data"):
    """Return a :class:`~skreg.PolynomialCapacity` of ``degree`` fitted to x, y.

    The data are finite (the CSV reader checked) and of a size the polynomial
    can take, so a ValueError of the fit is their scale (the coefficients
    overflow): it is raised as a :class:`DataError` after ``name``.
    """
    # The catch wraps this one fit and nothing else: a ValueError from the
    # cross-validation or from building the report is a bug and shows its
    # traceback.  (Inside the cross-validation a fold whose fit fails scores
    # NaN, and CapacityCurve ignores it.)
    X = np.asarray(x, dtype=float).reshape(-1, 1)
    try:
        return PolynomialCapacity(degree).fit(X, y)
    except ValueError as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{name}: degree {degree}: {message}") from exc


def run_capacity(
    x,
    y,
    *,
    max_degree=DEFAULT_MAX_DEGREE,
    cv=DEFAULT_CV,
    random_state=0,
    n_jobs=None,
    name="synthetic",
    feature="x",
    target="y",
    truth=None,
):
    """Cross-validate polynomials of degree 0 to ``max_degree`` on x and y.

    ``cv`` shuffled folds (seeded by ``random_state``), ``n_jobs`` fits in
    parallel; the names and ``truth`` go to the :class:`CapacityStudy`.
    """
    X = np.asarray(x, dtype=float).reshape(-1, 1)
    curve = capacity_curve(
        PolynomialCapacity(), X, y, param_name="degree",
        param_range=range(max_degree + 1), scoring=SCORING, n_jobs=n_jobs,
        cv=KFold(cv, shuffle=True, random_state=random_state),
    )  # fmt: skip
    shown = {curve.best_param_, curve.one_se_param_, max_degree}
    fits = {degree: fit_polynomial(X, y, degree, name) for degree in sorted(shown)}
    return CapacityStudy(name, X[:, 0], np.asarray(y), feature, target, curve,
                         fits, truth)  # fmt: skip
