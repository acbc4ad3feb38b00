"""A practitioner's preprocessing of a table: impute, one-hot encode, scale.

:func:`tabular_preprocessing` looks at a table (a 2-D numpy array, of objects
or of numbers, with its column names, or a pandas DataFrame) and returns an
unfitted scikit-learn :class:`~sklearn.compose.ColumnTransformer` together
with a plain-language account of what it does to every column:

- a numeric column has its missing values filled with the median of the
  training data, then is standardised (:class:`~sklearn.preprocessing.StandardScaler`);
- a categorical column has its missing values filled with its most frequent
  level in the training data, then is one-hot encoded; a level first seen at
  transform time gives a row of zeros.

Columns are numeric when every value that is not missing reads as a number,
categorical otherwise, unless the caller says which are categorical.  A value
is missing when it is None, a float NaN, pandas' NA or NaT, or a string in
:data:`MISSING_STRINGS` (what a CSV file writes for an empty cell).  Nothing
here needs pandas: the command line reads CSV files into object arrays.
"""

import numbers
from dataclasses import dataclass

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

NUMERIC = "numeric"
CATEGORICAL = "categorical"

# Strings that stand for a missing value (compared after stripping blanks).
MISSING_STRINGS = frozenset(
    {"", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "<NA>"}
)

# A categorical column with more distinct levels than this fraction of its
# non-missing values (and at least _MIN_IDENTIFIER_LEVELS levels) is flagged
# in the description as looking like an identifier.
_IDENTIFIER_FRACTION = 0.9
_MIN_IDENTIFIER_LEVELS = 20


def _is_missing(value):
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in MISSING_STRINGS
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return value != value
    # pandas' NA and NaT, without importing pandas
    return type(value).__name__ in ("NAType", "NaTType")


_missing_cells = np.frompyfunc(_is_missing, 1, 1)


def missing_mask(values):
    """Which cells of an array are missing.

    Parameters
    ----------
    values : ndarray
        An array of numbers or of objects.

    Returns
    -------
    mask : ndarray of bool
        True where the value is None, NaN, pandas' NA or NaT, or a string of
        :data:`MISSING_STRINGS`; same shape as ``values``.
    """
    values = np.asarray(values)
    if values.dtype.kind in "biu":
        return np.zeros(values.shape, dtype=bool)
    if values.dtype.kind in "fc":
        return np.isnan(values)
    return _missing_cells(values).astype(bool)


def _to_float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _first_non_number(column, missing):
    """Index of the first non-missing value that is not a number, or None."""
    if column.dtype.kind in "biuf":
        return None
    for index in np.flatnonzero(~missing):
        if _to_float(column[index]) is None:
            return index
    return None


def numeric_values(X):
    """The cells of numeric columns as floats, missing values as NaN.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_columns)
        Numbers, or objects that read as numbers (``float(value)`` works), or
        missing values.

    Returns
    -------
    values : ndarray of shape (n_samples, n_columns), dtype float64
        The numbers, with NaN for every missing value.

    Raises
    ------
    ValueError
        If a value is neither missing nor a number.
    """
    X = np.asarray(X)
    if X.dtype.kind in "biuf":
        return X.astype(np.float64)
    X = X.astype(object)
    missing = missing_mask(X)
    cells = np.where(missing, np.nan, X)
    try:
        return cells.astype(np.float64)
    except (TypeError, ValueError):
        flat, present = X.ravel(), np.flatnonzero(~missing.ravel())
        bad = [flat[i] for i in present if _to_float(flat[i]) is None]
        shown = repr(bad[0]) if bad else "a value"
        raise ValueError(f"{shown} in a numeric column is not a number") from None


def category_values(X):
    """The cells of categorical columns as strings, missing values as NaN.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_columns)
        The levels: strings, numbers or any objects, or missing values.

    Returns
    -------
    values : ndarray of shape (n_samples, n_columns), dtype object
        ``str(value)`` of every level (so that ``3`` and ``"3"`` are the same
        level) and NaN for every missing value.
    """
    X = np.asarray(X, dtype=object)
    values = np.vectorize(str, otypes=[object])(X) if X.size else X.copy()
    values[missing_mask(X)] = np.nan
    return values


@dataclass(frozen=True)
class ColumnTreatment:
    """What the preprocessing does to one column of the table.

    Attributes
    ----------
    name : str
        The column's name.
    kind : {"numeric", "categorical"}
        How the column is treated.
    n_missing : int
        Number of missing values in the table the plan was made from.
    n_levels : int or None
        Number of distinct levels of a categorical column in that table
        (None for a numeric column).
    n_rows : int
        Number of rows of that table.
    """

    name: str
    kind: str
    n_missing: int
    n_levels: int | None
    n_rows: int

    @property
    def action(self):
        """What is done to the column, in plain language (str)."""
        if self.kind == NUMERIC:
            fill = "the training median"
            last = "standardised (mean 0 and standard deviation 1 in training)"
        else:
            fill = "the most frequent training level"
            last = (
                f"one-hot encoded ({self.n_levels} levels in this table; a level "
                "first seen at prediction time gives all zeros)"
            )
        plural = "s" if self.n_missing > 1 else ""
        steps = [f"{self.n_missing} missing value{plural} filled with {fill}", last]
        text = f"{self.kind}: " + ", then ".join(steps[0 if self.n_missing else 1 :])
        if self.looks_like_identifier:
            text += "; nearly every value is distinct: is it an identifier?"
        return text

    @property
    def looks_like_identifier(self):
        """Whether a categorical column has about one level per row (bool)."""
        present = self.n_rows - self.n_missing
        return (
            self.kind == CATEGORICAL
            and self.n_levels >= _MIN_IDENTIFIER_LEVELS
            and self.n_levels > _IDENTIFIER_FRACTION * present
        )


@dataclass(frozen=True)
class TabularPreprocessing:
    """An unfitted column transformer and what it does to every column.

    Attributes
    ----------
    transformer : sklearn.compose.ColumnTransformer
        Unfitted; it selects columns by position, so it takes the same kind
        of table it was planned from (an array with the columns in the same
        order, or a DataFrame) and returns a dense float array: the numeric
        columns first, then the one-hot columns.
    columns : tuple of ColumnTreatment
        One entry per column of the table, in its order.
    """

    transformer: ColumnTransformer
    columns: tuple

    @property
    def numeric(self):
        """Names of the numeric columns (tuple of str)."""
        return tuple(c.name for c in self.columns if c.kind == NUMERIC)

    @property
    def categorical(self):
        """Names of the categorical columns (tuple of str)."""
        return tuple(c.name for c in self.columns if c.kind == CATEGORICAL)

    def describe(self):
        """One line per column: its name and what is done to it.

        Returns
        -------
        lines : list of str
            ``"name: action"`` for every column, in the table's order.
        """
        return [f"{column.name}: {column.action}" for column in self.columns]


def _as_table(X, column_names):
    """(2-D object array, tuple of names) from an array or a DataFrame."""
    if column_names is None and hasattr(X, "columns"):
        column_names = [str(name) for name in X.columns]
    values = X.to_numpy(dtype=object) if hasattr(X, "to_numpy") else np.asarray(X)
    if values.ndim != 2:
        raise ValueError(f"expected a 2-D table, got an array of shape {values.shape}")
    if values.shape[1] == 0:
        raise ValueError("the table has no columns: there is nothing to learn from")
    if values.shape[0] == 0:
        raise ValueError("the table has no rows")
    if column_names is None:
        column_names = [f"x{j}" for j in range(values.shape[1])]
    column_names = tuple(str(name) for name in column_names)
    if len(column_names) != values.shape[1]:
        raise ValueError(
            f"{len(column_names)} column names for a table of {values.shape[1]} columns"
        )
    if len(set(column_names)) != len(column_names):
        raise ValueError("the column names are not unique")
    return values, column_names


def _column_kind(column, missing):
    return NUMERIC if _first_non_number(column, missing) is None else CATEGORICAL


def infer_column_kinds(X, column_names=None):
    """Numeric or categorical, for every column of a table.

    A column is numeric when its dtype is a number or every value that is not
    missing reads as a number (``float(value)`` works, as for ``"2.5"``);
    otherwise it is categorical.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_columns) or DataFrame
        The table.
    column_names : sequence of str, default=None
        Names of the columns; by default a DataFrame's, else ``x0``, ``x1``...

    Returns
    -------
    kinds : dict
        ``{name: "numeric" or "categorical"}`` in the table's column order.
    """
    values, names = _as_table(X, column_names)
    missing = missing_mask(values)
    return {
        name: _column_kind(values[:, j], missing[:, j]) for j, name in enumerate(names)
    }


def _declared_kinds(values, names, missing, categorical):
    """The kinds when the caller lists the categorical columns."""
    listed = {_column_name(names, c) for c in categorical}
    unknown = sorted(listed - set(names))
    if unknown:
        raise ValueError(f"no column named {', '.join(map(repr, unknown))}")
    kinds = {}
    for j, name in enumerate(names):
        if name in listed:
            kinds[name] = CATEGORICAL
            continue
        row = _first_non_number(values[:, j], missing[:, j])
        if row is not None:
            raise ValueError(
                f"column {name!r} is not numeric (row {row} holds "
                f"{values[row, j]!r}); list it among the categorical columns"
            )
        kinds[name] = NUMERIC
    return kinds


def _column_name(names, column):
    """The name of a column given by name or by position."""
    if not isinstance(column, numbers.Integral):
        return str(column)
    if not -len(names) <= column < len(names):
        raise ValueError(f"no column at position {column}: the table has {len(names)}")
    return names[column]


def _check_not_empty(names, missing):
    empty = [names[j] for j in np.flatnonzero(missing.all(axis=0))]
    if empty:
        raise ValueError(
            f"every value is missing in column(s) {', '.join(map(repr, empty))}: "
            "there is nothing to impute from; drop them"
        )


@dataclass(frozen=True)
class _ColumnNames:
    """The ``feature_names_out`` of a cleaning step: the table's own names.

    Columns are selected by position, so for an array the transformer would
    otherwise call them ``x0``, ``x1``...; these names reach
    ``get_feature_names_out`` (``numeric__age``, ``categorical__sex_female``).
    """

    names: tuple

    def __call__(self, transformer, input_features):
        return np.asarray(self.names, dtype=object)


def _branch(kinds, kind):
    """The positions and the cleaning step of the columns of one kind."""
    names = [name for name, k in kinds.items() if k == kind]
    positions = [list(kinds).index(name) for name in names]
    clean = numeric_values if kind == NUMERIC else category_values
    step = FunctionTransformer(clean, feature_names_out=_ColumnNames(tuple(names)))
    return positions, step


def _build_transformer(kinds):
    numeric, clean_numbers = _branch(kinds, NUMERIC)
    categorical, clean_levels = _branch(kinds, CATEGORICAL)
    parts = []
    if numeric:
        steps = (clean_numbers, SimpleImputer(strategy="median"), StandardScaler())
        parts.append((NUMERIC, make_pipeline(*steps), numeric))
    if categorical:
        encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        steps = (clean_levels, SimpleImputer(strategy="most_frequent"), encoder)
        parts.append((CATEGORICAL, make_pipeline(*steps), categorical))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)


def tabular_preprocessing(X, column_names=None, categorical=None):
    """Plan the preprocessing of a table: impute, one-hot encode, standardise.

    Numeric columns: missing values are filled with the training median, then
    the column is standardised.  Categorical columns: missing values are
    filled with the most frequent training level, then the column is one-hot
    encoded, a level unseen in training giving all zeros.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_columns) or DataFrame
        The table the plan is made from (usually the training data): a 2-D
        numpy array of numbers or objects, or a pandas DataFrame.
    column_names : sequence of str, default=None
        Names of the columns; by default a DataFrame's, else ``x0``, ``x1``...
    categorical : sequence of str or int, default=None
        The categorical columns, by name or position; every other column must
        then be numeric.  None infers the kinds (:func:`infer_column_kinds`).

    Returns
    -------
    plan : TabularPreprocessing
        The unfitted ``transformer`` and the ``columns``' treatments
        (``plan.describe()`` for a report).

    Raises
    ------
    ValueError
        If the table has no rows or no columns, the names do not match the
        columns, every value of a column is missing, a listed column does not
        exist, or a column that is not listed as categorical is not numeric.
    """
    values, names = _as_table(X, column_names)
    missing = missing_mask(values)
    _check_not_empty(names, missing)
    if categorical is None:
        kinds = infer_column_kinds(values, names)
    else:
        kinds = _declared_kinds(values, names, missing, categorical)
    columns = tuple(
        _treatment(name, kinds[name], values[:, j], missing[:, j])
        for j, name in enumerate(names)
    )
    return TabularPreprocessing(_build_transformer(kinds), columns)


def _treatment(name, kind, column, missing):
    levels = None
    if kind == CATEGORICAL:
        levels = len(set(category_values(column[~missing][:, None]).ravel()))
    return ColumnTreatment(name, kind, int(missing.sum()), levels, len(column))
