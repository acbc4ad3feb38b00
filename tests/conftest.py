"""Fixtures shared by the test files: each data set loaded and prepared once.

The data fixtures are session-scoped and every array they return is
read-only, so a test that changed one would change it for every later test:
it raises instead.  A test that needs to write takes a copy.

Names say what was done to the data: ``digits`` and ``iris`` are as
scikit-learn loads them, ``_standardized`` means ``StandardScaler`` on the
features (and, for ``diabetes_standardized``, the target centred and divided
by its standard deviation), ``digits_unit`` divides the pixels by 16.
"""

import warnings

import pytest
from sklearn.datasets import load_diabetes, load_digits, load_iris, make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def _read_only(*arrays):
    for array in arrays:
        array.flags.writeable = False
    return arrays


# ------------------------------------------------------------------ diabetes
@pytest.fixture(scope="session")
def diabetes_standardized():
    """442 x 10: standardized features, target centred and scaled to unit std."""
    X, y = load_diabetes(return_X_y=True)
    return _read_only(StandardScaler().fit_transform(X), (y - y.mean()) / y.std())


@pytest.fixture(scope="session")
def diabetes_raw_target():
    """442 x 10: standardized features, the target as loaded (25 to 346)."""
    X, y = load_diabetes(return_X_y=True)
    return _read_only(StandardScaler().fit_transform(X), y)


@pytest.fixture(scope="session")
def diabetes_unscaled():
    """442 x 10 as recorded (``scaled=False``): ages, BMI, blood pressures..."""
    return _read_only(*load_diabetes(return_X_y=True, scaled=False))


@pytest.fixture(scope="session")
def diabetes_split():
    """X_train, X_test, y_train, y_test: 70/30, scaled by the training part."""
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    mean, scale = y_train.mean(), y_train.std()
    return _read_only(scaler.transform(X_train), scaler.transform(X_test),
                      (y_train - mean) / scale, (y_test - mean) / scale)  # fmt: skip


# -------------------------------------------------------------------- digits
@pytest.fixture(scope="session")
def digits():
    """1797 x 64 pixels from 0 to 16, ten classes."""
    return _read_only(*load_digits(return_X_y=True))


@pytest.fixture(scope="session")
def digits_unit(digits):
    """All the digits, pixels divided by 16 (from 0 to 1)."""
    X, y = digits
    return _read_only(X / 16.0, y)


@pytest.fixture(scope="session")
def digits_standardized(digits):
    """All the digits, standardized."""
    X, y = digits
    return _read_only(StandardScaler().fit_transform(X), y)


@pytest.fixture(scope="session")
def digits_split(digits_standardized):
    """X_train, X_test, y_train, y_test of the standardized digits (75/25)."""
    X, y = digits_standardized
    return _read_only(*train_test_split(X, y, random_state=0, stratify=y))


@pytest.fixture(scope="session")
def digits_400(digits):
    """The first 400 digits, pixels from 0 to 16."""
    X, y = digits
    return _read_only(X[:400], y[:400])


@pytest.fixture(scope="session")
def digits_300_standardized(digits):
    """The first 300 digits, standardized on those 300."""
    X, y = digits
    return _read_only(StandardScaler().fit_transform(X[:300]), y[:300])


@pytest.fixture(scope="session")
def digits_600_standardized(digits):
    """The first 600 digits, standardized on those 600."""
    X, y = digits
    return _read_only(StandardScaler().fit_transform(X[:600]), y[:600])


# ---------------------------------------------------------------------- iris
@pytest.fixture(scope="session")
def iris():
    """150 x 4, three classes of 50, as loaded."""
    return _read_only(*load_iris(return_X_y=True))


@pytest.fixture(scope="session")
def iris_standardized(iris):
    """Iris with standardized features."""
    X, y = iris
    return _read_only(StandardScaler().fit_transform(X), y)


# ---------------------------------------------------------------- imbalanced
@pytest.fixture(scope="session")
def imbalanced():
    """X_train, X_test, y_train, y_test of a stated 95/5 split (2000 x 10), 50/50."""
    X, y = make_classification(
        n_samples=2000,
        n_features=10,
        n_informative=4,
        weights=[0.95, 0.05],
        flip_y=0.0,
        class_sep=0.6,
        random_state=0,
    )
    return _read_only(
        *train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)
    )


# ------------------------------------------------------------------ warnings
@pytest.fixture
def runtime_warnings_are_errors():
    """Every RuntimeWarning (numpy's overflow, invalid value...) raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield
