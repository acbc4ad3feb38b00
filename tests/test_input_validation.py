"""Input validation: hostile input fits finitely or fails with a clear error.

The property-based tests draw shapes (empty, one sample, one feature, more
features than samples), values (NaN, inf, 1e300, -0.0, subnormals, constant
columns, all-equal targets, a single class), dtypes (int, bool, float16/32/64,
object, strings, complex) and containers (lists, every scipy.sparse format) for
both networks and for ``PolynomialCapacity``.  Each case must either fit a
model whose predictions are finite, or raise a ValueError or TypeError whose
message names one of the problems the case contains.  Cases with a problem
that no model can be fitted through (NaN, infinity, complex numbers, words,
empty arrays...) must raise.  The last test of the module prints how many
cases were tried (it must stay after the property tests).

Sample weights that are negative or sum to zero are rejected too.
"""

import re
import warnings
from collections import Counter
from contextlib import contextmanager

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from skreg import (
    PolynomialCapacity,
    RegularizedMLPClassifier,
    RegularizedMLPRegressor,
)

# On a failure hypothesis imports libcst to suggest a patch; libcst 1.0 warns on
# import (DeprecationWarning from mypy_extensions), which the project's
# filterwarnings turns into a pytest INTERNALERROR.  Import it here, quietly.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:  # libcst is not installed: nothing to import
        pass

# Examples per estimator: about 15 s for the three property tests when they
# pass (shrinking a failing case takes longer).
MAX_EXAMPLES = 200
# The report at the end fails if a property test that found no failing case
# ran fewer cases than this (a failure stops the search early).
MIN_CASES = 150
CASES_TRIED = Counter()
CASES_FAILED = Counter()

HYPOTHESIS_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every CI run
    database=None,  # no .hypothesis folder in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ------------------------------------------------------------------ problems
# What an error message must mention for each problem a case can contain.
MESSAGES = {
    "no samples": r"0 sample|Expected 2D array",
    "no features": r"0 feature",
    "nan": r"NaN",
    "inf": r"infinity",
    "huge": r"large value|too large|non-finite|overflow",
    "complex": r"[Cc]omplex",
    "word": r"could not convert string|string",
    "sparse": r"[Ss]parse",
    "labels": r"[Ll]abel|[Cc]lass|[Mm]ix",
}
# Problems that leave nothing to fit: the estimator must raise.
FATAL = set(MESSAGES) - {"huge"}

SPECIALS = [np.nan, np.inf, -np.inf, 1e300, -1e300, -0.0, 5e-324, 1e-300, 1e10]
SPARSE_FORMATS = [
    sp.csr_matrix, sp.csr_array, sp.csc_matrix, sp.csc_array, sp.coo_array,
    sp.lil_matrix, sp.dok_array, sp.bsr_matrix, sp.dia_array,
]  # fmt: skip
X_DTYPES = [
    "float64", "float32", "float16", "int64", "int8", "uint8", "bool",
    "object", "str", "complex",
]  # fmt: skip
# dtypes scipy.sparse can hold
SPARSE_DTYPES = {"float64", "float32", "int64", "int8", "uint8", "bool", "complex"}


def _value_problems(values):
    """Problems of a float array: NaN, infinity, magnitudes above 1e10."""
    found = set()
    if np.isnan(values).any():
        found.add("nan")
    if np.isinf(values).any():
        found.add("inf")
    finite = values[np.isfinite(values)]
    if finite.size and np.abs(finite).max() > 1e10:
        found.add("huge")
    # tiny non-zero magnitudes overflow the raw polynomial coefficients (1/x**k):
    # an error naming the overflow is as acceptable as for huge values
    tiny = np.abs(finite[finite != 0])
    if tiny.size and tiny.min() < 1e-150:
        found.add("huge")
    return found


# --------------------------------------------------------------- strategies
_finite = st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=True)


@st.composite
def _float_matrix(draw, n_rows, n_cols):
    """Finite values with a few special values injected and constant columns."""
    values = draw(hnp.arrays(np.float64, (n_rows, n_cols), elements=_finite))
    if n_rows and n_cols:
        spots = st.tuples(
            st.integers(0, n_rows - 1),
            st.integers(0, n_cols - 1),
            st.sampled_from(SPECIALS),
        )
        for i, j, value in draw(st.lists(spots, max_size=2)):
            values[i, j] = value
        constant = st.sampled_from([0.0, -0.0, 1.0, 1e300])
        for j in draw(st.lists(st.integers(0, n_cols - 1), max_size=2)):
            values[:, j] = draw(constant)
    return values


@st.composite
def inputs(draw, accept_sparse):
    """An input matrix X in some dtype and container, and its problems."""
    n_samples = draw(st.sampled_from([0, 1, 2, 3, 6]))
    n_features = draw(st.sampled_from([0, 1, 2, 8]))  # 8 > n_samples: wide
    dtype = draw(st.sampled_from(X_DTYPES))
    shape = (n_samples, n_features)
    problems = set()
    if dtype in ("int64", "int8", "uint8", "bool"):
        X = draw(hnp.arrays(dtype, shape))
        problems |= _value_problems(X.astype(np.float64))
    else:
        values = draw(_float_matrix(n_samples, n_features))
        with np.errstate(over="ignore"):  # 1e300 becomes inf in float16/32
            X = values.astype("float64" if dtype in ("object", "str") else dtype)
        if dtype == "complex":
            X = X + 1j * draw(st.sampled_from([0.0, 1.0]))
            problems.add("complex")
        problems |= _value_problems(X.real.astype(np.float64))
        if dtype in ("object", "str"):
            X = X.astype(object if dtype == "object" else str)
            if X.size and draw(st.booleans()):
                intruder = draw(st.sampled_from([None, "abc"]))
                if dtype == "str" and intruder is None:
                    intruder = "nan"
                X[draw(st.integers(0, n_samples - 1)), 0] = intruder
                problems.add("word" if intruder == "abc" else "nan")
    container = draw(st.sampled_from(["ndarray", "list", "sparse"]))
    if container == "sparse" and dtype in SPARSE_DTYPES:
        X = draw(st.sampled_from(SPARSE_FORMATS))(X)
        if not accept_sparse:
            problems.add("sparse")
    elif container == "list":
        X = X.tolist()
    if n_samples == 0:
        problems.add("no samples")
    if n_features == 0:
        problems.add("no features")
    return X, n_samples, problems


@st.composite
def regression_targets(draw, n_samples):
    """Real targets: possibly all equal, with special values, or two outputs."""
    n_outputs = draw(st.sampled_from([None, 2]))
    shape = (n_samples,) if n_outputs is None else (n_samples, n_outputs)
    y = draw(hnp.arrays(np.float64, shape, elements=_finite))
    if n_samples and draw(st.booleans()):
        y[...] = draw(st.sampled_from([0.0, -0.0, 3.0, 1e300]))  # all equal
    problems = set()
    if n_samples and draw(st.booleans()):
        special = draw(st.sampled_from([np.nan, np.inf, 1e300, None]))
        if special is None:  # a missing value in an object array
            y = y.astype(object)
        y.flat[draw(st.integers(0, n_samples - 1))] = special
    problems |= _value_problems(np.asarray(y, dtype=np.float64))  # None: NaN
    return y, problems


LABEL_SETS = {
    "int": [0, 1, 2],
    "bool": [False, True],
    "float": [0.0, 1.0],
    "str": ["a", "b", "c"],
}
# labels (alternating over the samples) that are not classes, with the
# problems of the first label alone and of both
BROKEN_LABELS = [
    ([0.5, 1.5], {"labels"}, {"labels"}),  # continuous
    ([np.nan, 1.0], {"nan", "labels"}, {"nan", "labels"}),
    ([np.inf, 0.0], {"inf", "labels"}, {"inf", "labels"}),
    (["a", 1], set(), {"labels"}),  # strings mixed with numbers
    ([None, "a"], {"nan", "labels"}, {"nan", "labels"}),
]


@st.composite
def classification_targets(draw, n_samples):
    """Class labels: several types, a single class, or broken labels."""
    kind = draw(st.sampled_from([*LABEL_SETS, "single", "multilabel", "broken"]))
    if kind == "single":
        return np.full(n_samples, draw(st.sampled_from([7, "only"]))), set()
    if kind == "multilabel":
        indicator = hnp.arrays(np.int64, (n_samples, 2), elements=st.integers(0, 1))
        return draw(indicator), set()
    if kind == "broken":
        labels, alone, both = draw(st.sampled_from(BROKEN_LABELS))
        y = np.array([labels[i % 2] for i in range(n_samples)], dtype=object)
        return y, {0: set(), 1: alone}.get(n_samples, both)
    labels = st.sampled_from(LABEL_SETS[kind])
    return np.array(
        draw(st.lists(labels, min_size=n_samples, max_size=n_samples))
    ), set()


@st.composite
def networks(draw, estimator):
    """A small network in a random configuration (no early stopping)."""
    solver = draw(st.sampled_from(["lbfgs", "sgd", "adam"]))
    penalties = [None, "l2", "l1", "elasticnet"]
    if solver != "lbfgs":
        penalties += ["l0", "group_lasso", "sparse_group_lasso"]
    return estimator(
        hidden_layer_sizes=draw(st.sampled_from([(), (3,), (2, 2)])),
        activation=draw(st.sampled_from(["relu", "tanh", "logistic", "identity"])),
        solver=solver,
        penalty=draw(st.sampled_from(penalties)),
        alpha=draw(st.sampled_from([0.0, 1e-4, 10.0])),
        learning_rate_init=draw(st.sampled_from([1e-3, 0.5, 10.0])),
        max_iter=draw(st.sampled_from([1, 5])),
        random_state=0,
    )


@st.composite
def polynomials(draw):
    return PolynomialCapacity(
        degree=draw(st.integers(0, 3)),
        penalty=draw(st.sampled_from([None, "l2", "l1", "elasticnet"])),
        alpha=draw(st.sampled_from([0.0, 0.1, 10.0])),
        degree_power=draw(st.sampled_from([0.0, 1.0])),
        fit_intercept=draw(st.booleans()),
    )


# ---------------------------------------------------------------- the check
@contextmanager
def _counted(kind):
    """Count a case, and count it as failing if its check raises."""
    CASES_TRIED[kind] += 1
    try:
        yield
    except Exception:
        CASES_FAILED[kind] += 1
        raise


def _check_case(model, X, y, problems):
    """Fit; then either finite predictions or an error naming a problem."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # see test_no_runtime_*
        warnings.filterwarnings("ignore", message=".*batch_size", category=UserWarning)
        try:
            model.fit(X, y)
        except (ValueError, TypeError) as error:
            message = str(error)
            expected = "|".join(MESSAGES[p] for p in sorted(problems))
            assert problems, f"unexpected {type(error).__name__}: {message}"
            assert re.search(expected, message), (
                f"the message does not name any of {sorted(problems)}: {message!r}"
            )
            return
        assert not problems & FATAL, f"fitted despite {sorted(problems & FATAL)}"
        prediction = _predictions(model, X)
    assert np.isfinite(prediction).all(), f"non-finite predictions {prediction}"


def _predictions(model, X):
    """Predicted values, or class probabilities (labels are always finite)."""
    if isinstance(model, RegularizedMLPClassifier):
        model.predict(X)
        return model.predict_proba(X)
    return model.predict(X)


@HYPOTHESIS_SETTINGS
@given(data=st.data())
def test_hostile_classifier(data):
    X, n_samples, x_problems = data.draw(inputs(accept_sparse=True), label="X")
    y, y_problems = data.draw(classification_targets(n_samples), label="y")
    model = data.draw(networks(RegularizedMLPClassifier), label="model")
    with _counted("classifier"):
        _check_case(model, X, y, x_problems | y_problems)


@HYPOTHESIS_SETTINGS
@given(data=st.data())
def test_hostile_regressor(data):
    X, n_samples, x_problems = data.draw(inputs(accept_sparse=True), label="X")
    y, y_problems = data.draw(regression_targets(n_samples), label="y")
    model = data.draw(networks(RegularizedMLPRegressor), label="model")
    with _counted("regressor"):
        _check_case(model, X, y, x_problems | y_problems)


@HYPOTHESIS_SETTINGS
@given(data=st.data())
def test_hostile_polynomial(data):
    X, n_samples, x_problems = data.draw(inputs(accept_sparse=False), label="X")
    y, y_problems = data.draw(regression_targets(n_samples), label="y")
    model = data.draw(polynomials(), label="model")
    with _counted("polynomial"):
        _check_case(model, X, y, x_problems | y_problems)


# Minimal cases found by the property tests, kept so that they run every time.
FOUND_CASES = {
    "labels mixing strings and numbers": (
        RegularizedMLPClassifier(hidden_layer_sizes=(), solver="lbfgs"),
        [[0.0], [0.0]], np.array(["a", 1], dtype=object), {"labels"},
    ),
    "labels with None": (
        RegularizedMLPClassifier(hidden_layer_sizes=(), solver="lbfgs"),
        [[0.0], [0.0]], np.array([None, "a"], dtype=object), {"nan", "labels"},
    ),
    "regression target None": (
        RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs"),
        [[0.0]], np.array([None], dtype=object), {"nan"},
    ),
    "polynomial target None": (
        PolynomialCapacity(degree=0, penalty=None, fit_intercept=False),
        [[0.0]], np.array([None], dtype=object), {"nan"},
    ),
    "sgd overflows in the last epoch (unscaled input)": (
        RegularizedMLPRegressor(
            hidden_layer_sizes=(2, 2), activation="identity", solver="sgd",
            penalty=None, alpha=0.0, max_iter=5, random_state=0,
        ),
        np.array([[0, 0, 0, 0, 0, 0, 0, -32]]), np.array([0.0]), set(),
    ),
    "sgd overflows in the last epoch (large rate)": (
        RegularizedMLPRegressor(
            hidden_layer_sizes=(3,), activation="identity", solver="sgd",
            penalty=None, alpha=0.0, learning_rate_init=0.5, max_iter=5,
            random_state=0,
        ),
        [[0.0]], np.array([182.0]), set(),
    ),
    "polynomial coefficients overflow": (
        PolynomialCapacity(degree=2, penalty=None, fit_intercept=False),
        [[1.0], [2.220446049250313e-09]], np.array([0.0, 1e300]), {"huge"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(FOUND_CASES))
def test_cases_found_by_hypothesis(case):
    model, X, y, problems = FOUND_CASES[case]
    _check_case(clone(model), X, y, problems)


# -------------------------------------------------------------- sample weights
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
@pytest.mark.parametrize(
    "weights, message",
    [(-1.0, "Negative values in data passed to"), (0.0, "at least one non-zero")],
)
def test_negative_or_zero_sum_weights_are_rejected(
    iris_standardized, solver, weights, message
):
    X, y = iris_standardized
    model = RegularizedMLPClassifier(hidden_layer_sizes=(4,), solver=solver)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y, sample_weight=np.full(len(y), weights))
    assert not hasattr(model, "coefs_")


def test_partial_fit_rejects_a_chunk_of_zero_weight(iris_standardized):
    X, y = iris_standardized
    model = RegularizedMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    model.partial_fit(X, y, classes=np.unique(y))
    with pytest.raises(ValueError, match="at least one non-zero"):
        model.partial_fit(X[:10], y[:10], sample_weight=np.zeros(10))


# ---------------------------------------------------------------------- report
def test_report_number_of_cases(capsys):
    """Print the number of hypothesis cases tried (runs after the tests above)."""
    if not CASES_TRIED:
        pytest.skip("no property-based test ran in this session")
    with capsys.disabled():
        print(
            f"\nhypothesis cases tried: {CASES_TRIED.total()} ("
            + ", ".join(
                f"{kind} {n} of which {CASES_FAILED[kind]} failing"
                for kind, n in sorted(CASES_TRIED.items())
            )
            + ")"
        )
    for kind, n in CASES_TRIED.items():
        if not CASES_FAILED[kind]:
            assert n >= MIN_CASES, f"only {n} {kind} cases were tried"
