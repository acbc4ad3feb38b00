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
here needs pandas: :func:`read_csv` reads a CSV file into an object array,
and :func:`check_table` lists, in one :class:`TableError`, every column the
preprocessing cannot use.
"""

import csv
import difflib
import io
import itertools
import math
import numbers
import re
from dataclasses import dataclass, replace

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

# A target is taken as class labels when all its values are integers and it
# has at most this many distinct values (and fewer than half the rows).
MAX_INFERRED_CLASSES = 20

# The magnitude check leaves room for errors of predictions up to this many
# times the range of a column (the scores square and sum them too).
_MAGNITUDE_HEADROOM = 100.0

# A message lists at most this many of the cells at fault in a column.
_CELLS_SHOWN = 3
_COLUMNS_SHOWN = 8

# The field separators read_csv recognises, the first preferred on a tie: a
# spreadsheet in a locale whose decimal mark is the comma writes ";".
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = ("a comma", "a semicolon", "a tab", "'|'")
# The records (the header and the first data rows) the delimiter is judged on.
_DELIMITER_SAMPLE = 20
# A number written with a decimal comma ("0,5", "-1,25e3"), and an integer.
_DECIMAL_COMMA = re.compile(r"[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


class TableError(ValueError):
    """A table that cannot be used as it is.

    Its message is one line that names the file, every column at fault and
    what to do about it.
    """


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
        The numbers, with NaN for every missing value; C-contiguous whatever
        the layout of ``X`` (selecting columns gives a Fortran-ordered array,
        and a matrix product's rounding depends on the layout).

    Raises
    ------
    ValueError
        If a value is neither missing nor a number.
    """
    X = np.asarray(X)
    if X.dtype.kind in "biuf":
        return X.astype(np.float64, order="C")
    X = X.astype(object)
    missing = missing_mask(X)
    cells = np.where(missing, np.nan, X)
    try:
        return cells.astype(np.float64, order="C")
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

    def summary(self):
        """One line per distinct action: the columns it is done to, then the action.

        Shorter than :meth:`describe` for a wide table whose columns are mostly
        treated alike; every column is still named.

        Returns
        -------
        lines : list of str
            ``"name, name, ...: action"``, in the order of each action's first
            column.
        """
        groups = {}
        for column in self.columns:
            groups.setdefault(column.action, []).append(column.name)
        return [f"{', '.join(names)}: {action}" for action, names in groups.items()]


def _as_table(X, column_names):
    """(2-D object array, tuple of names) from an array or a DataFrame."""
    if column_names is None and hasattr(X, "columns"):
        column_names = [str(name) for name in X.columns]
    values = X.to_numpy(dtype=object) if hasattr(X, "to_numpy") else np.asarray(X)
    if values.ndim != 2:
        raise TableError(f"expected a 2-D table, got an array of shape {values.shape}")
    if values.shape[1] == 0:
        raise TableError("the table has no columns: there is nothing to learn from")
    if values.shape[0] == 0:
        raise TableError("the table has no rows")
    if column_names is None:
        column_names = [f"x{j}" for j in range(values.shape[1])]
    column_names = tuple(str(name) for name in column_names)
    if len(column_names) != values.shape[1]:
        raise TableError(
            f"{len(column_names)} column names for a table of {values.shape[1]} columns"
        )
    if len(set(column_names)) != len(column_names):
        raise TableError("the column names are not unique")
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
        raise TableError(f"no column named {', '.join(map(repr, unknown))}")
    kinds = {}
    for j, name in enumerate(names):
        if name in listed:
            kinds[name] = CATEGORICAL
            continue
        row = _first_non_number(values[:, j], missing[:, j])
        if row is not None:
            raise TableError(
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
        raise TableError(f"no column at position {column}: the table has {len(names)}")
    return names[column]


def _check_not_empty(names, missing):
    empty = [names[j] for j in np.flatnonzero(missing.all(axis=0))]
    if empty:
        raise TableError(_all_missing(empty))


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
    TableError
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


# ------------------------------------------------------------- CSV files
@dataclass(frozen=True)
class CsvTable:
    """The cells of a CSV file with a header row, stripped of blanks.

    Attributes
    ----------
    path : str
        The file, as given: the error messages start with it.
    header : tuple of str
        The column names.
    cells : ndarray of shape (n_rows, n_columns), dtype object
        The fields, as strings (blank lines are not rows).
    line_numbers : ndarray of shape (n_rows,), dtype int
        The line of the file each row comes from.
    delimiter : str, default=","
        The field separator the file was read with.
    decimal_comma_columns : tuple of str, default=()
        The columns whose decimal commas were read as points (in
        :attr:`cells`).
    """

    path: str
    header: tuple
    cells: np.ndarray
    line_numbers: np.ndarray
    delimiter: str = ","
    decimal_comma_columns: tuple = ()

    def reading_note(self):
        """What was guessed about the file's format, or None for a plain CSV file.

        Returns
        -------
        note : str or None
            The delimiter when it is not the comma, and the columns whose
            decimal commas were read as points.
        """
        notes = []
        if self.delimiter != ",":
            notes.append(f"fields separated by {self.delimiter!r} (detected)")
        if self.decimal_comma_columns:
            columns = _columns_phrase(self.decimal_comma_columns)[0]
            notes.append(f"decimal commas read as points in {columns}")
        return "; ".join(notes) or None

    def index(self, name):
        """The position of a column.

        Parameters
        ----------
        name : str
            The column's name.

        Returns
        -------
        index : int
            Its position in :attr:`header`.

        Raises
        ------
        TableError
            If there is no such column: the message suggests the closest name
            (one that differs in case only first) and lists the columns, or
            asks for the delimiter when the header has a single column.
        """
        if name in self.header:
            return self.header.index(name)
        if len(self.header) == 1:
            delimiters = ", ".join(_DELIMITER_NAMES[:-1])
            raise TableError(
                f"'{self.path}' has no column '{name}': the header has one column, "
                f"'{self.header[0]}': are the columns separated by another "
                f"character than {delimiters} or {_DELIMITER_NAMES[-1]}?"
            )
        closest = _closest_name(name, self.header)
        hint = f": did you mean '{closest}'?" if closest else ""
        names = ", ".join(self.header[:_COLUMNS_SHOWN])
        hidden = len(self.header) - _COLUMNS_SHOWN
        more = f", ... and {hidden} more" if hidden > 0 else ""
        raise TableError(
            f"'{self.path}' has no column '{name}'{hint} "
            f"({len(self.header)} columns: {names}{more})"
        )

    def column(self, name):
        """The cells of column ``name`` (ndarray of str)."""
        return self.cells[:, self.index(name)]

    def numbers(self, name, what):
        """Column ``name`` as floats, when every cell is a finite number.

        Parameters
        ----------
        name : str
            The column's name.
        what : str
            What the column is, for the message (``"the target"``).

        Returns
        -------
        values : ndarray of shape (n_rows,), dtype float64
            The numbers.

        Raises
        ------
        TableError
            If a cell is missing or not a finite number: the message counts
            them and shows the first ones with their lines.
        """
        cells = self.column(name)
        values = finite_numbers(cells)
        bad = np.flatnonzero(np.isnan(values))
        if not len(bad):
            return values
        shown = ", ".join(
            f"{_cell_text(cells[i])} (line {self.line_numbers[i]})"
            for i in bad[:_CELLS_SHOWN]
        )
        count = f"{len(bad)} values are not finite numbers"
        if len(bad) == 1:
            count = "1 value is not a finite number"
        more = ", ..." if len(bad) > _CELLS_SHOWN else ""
        raise TableError(
            f"'{self.path}', column '{name}': {count}: {shown}{more} "
            f"({what} must be numeric)"
        )

    def target(self, name, task):
        """Column ``name`` as a target, with the rows where it is missing left out.

        Parameters
        ----------
        name : str
            The target column.
        task : {"classification", "regression"}
            What predicting it is (:func:`infer_task` tells).

        Returns
        -------
        table : CsvTable
            The rows with a value of the target.
        y : ndarray of shape (table's rows,)
            Floats for regression; class labels for classification, as floats
            when they are all numbers, else as strings.
        dropped : tuple of int
            The lines of the rows left out.

        Raises
        ------
        TableError
            If every value of the target is missing, or a regression target
            is not a finite number somewhere or has a single value.
        """
        missing = missing_mask(self.column(name))
        if missing.all():
            raise TableError(
                f"'{self.path}': every value of the target '{name}' is missing"
            )
        table = self.rows(~missing)
        dropped = tuple(self.line_numbers[missing].tolist())
        if task == "regression":
            y = table.numbers(name, "a regression target")
            if np.ptp(y) == 0:
                raise TableError(
                    f"'{self.path}': the target '{name}' has the single value "
                    f"{y[0]:g}: there is nothing to predict"
                )
            return table, y, dropped
        labels = table.column(name)
        numbers = finite_numbers(labels)
        return table, labels if np.isnan(numbers).any() else numbers, dropped

    def rows(self, keep):
        """The table of the rows where ``keep`` (a boolean mask) is True."""
        return replace(
            self, cells=self.cells[keep], line_numbers=self.line_numbers[keep]
        )


def _closest_name(name, names):
    """The name in ``names`` that differs from ``name`` in case only, else the
    closest spelling (difflib's, case ignored), else None."""
    folded = {}
    for candidate in names:
        folded.setdefault(candidate.casefold(), candidate)
    key = name.casefold()
    if key in folded:
        return folded[key]
    close = difflib.get_close_matches(key, list(folded), n=1)
    return folded[close[0]] if close else None


def _finite_number(value):
    number = _to_float(value)
    return number if number is not None and math.isfinite(number) else math.nan


def finite_numbers(values):
    """The finite numbers in a sequence of cells, NaN for any other cell.

    Parameters
    ----------
    values : sequence
        Numbers or strings (a CSV file's cells).

    Returns
    -------
    numbers : ndarray of shape (len(values),), dtype float64
        ``float(value)`` where it is a finite number; NaN where the value is
        missing, infinite or not a number.
    """
    return np.array([_finite_number(value) for value in values], dtype=np.float64)


def _cell_text(cell):
    return "a missing value" if _is_missing(cell) else repr(cell)


def read_csv(path):
    """Read a CSV file with a header row (UTF-8, with a byte order mark or not).

    The fields are separated by one of :data:`DELIMITERS`, found by
    :func:`detect_delimiter`.  In a file not separated by commas (a locale
    whose decimal mark is the comma writes ';'), a column whose every number
    is an integer or has one decimal comma has its commas read as points.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    table : CsvTable
        Its header and cells, without the blank lines, and how they were read.

    Raises
    ------
    TableError
        If the file cannot be read or is not a CSV file, is empty, has an
        empty or repeated column name, no data rows, or a row whose number of
        fields is not the header's.
    """
    text = _read_text(path)
    delimiter = detect_delimiter(text)
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableError(f"'{path}' is not a valid CSV file: {exc}") from None
    numbered = [(n, line) for n, line in enumerate(lines, 1) if any(line)]
    if not numbered:
        raise TableError(f"'{path}' is empty")
    header = tuple(name.strip() for name in numbered[0][1])
    _check_header(path, header, numbered[1:])
    cells = np.array(
        [[field.strip() for field in line] for _, line in numbered[1:]], dtype=object
    ).reshape(-1, len(header))
    line_numbers = np.array([n for n, _ in numbered[1:]], dtype=int)
    converted = ()
    if delimiter != ",":
        cells, converted = _read_decimal_commas(cells, header)
    return CsvTable(str(path), header, cells, line_numbers, delimiter, converted)


def _read_text(path):
    """The text of a UTF-8 file, or a TableError that says why it cannot be read."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            return file.read()
    except FileNotFoundError:
        raise TableError(f"no such file: '{path}'") from None
    except IsADirectoryError:
        raise TableError(f"'{path}' is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise TableError(f"'{path}' is not a UTF-8 text file") from None
    except OSError as exc:
        raise TableError(f"cannot read '{path}': {exc.strerror}") from None


def _read_decimal_commas(cells, header):
    """``cells`` with decimal commas as points, and the names of those columns.

    Only the columns whose every value (missing ones aside) is an integer or
    a number with one decimal comma, at least one with the comma: a text
    column with a comma stays as it is.
    """
    cells, converted = cells.copy(), []
    for j, name in enumerate(header):
        present = [cell for cell in cells[:, j] if not _is_missing(cell)]
        commas = [bool(_DECIMAL_COMMA.fullmatch(cell)) for cell in present]
        numbers = all(
            comma or _INTEGER.fullmatch(cell)
            for comma, cell in zip(commas, present, strict=True)
        )
        if any(commas) and numbers:
            cells[:, j] = [cell.replace(",", ".") for cell in cells[:, j]]
            converted.append(name)
    return cells, tuple(converted)


def detect_delimiter(text):
    """The field separator of a CSV file's text, among :data:`DELIMITERS`.

    Each delimiter splits the header and the next data records (quotes
    respected); one that splits every one of them into as many fields as the
    header comes before one that does not, then the one that gives the header
    the most fields, then the earlier in :data:`DELIMITERS`.  Column names
    rarely hold a delimiter, so a comma-separated file stays so whatever its
    cells hold (a semicolon in a text, decimal commas in a ';' file).

    Parameters
    ----------
    text : str
        The file's text.

    Returns
    -------
    delimiter : str
        The comma when no delimiter splits the header (one column).
    """
    best, best_key = DELIMITERS[0], None
    for delimiter in DELIMITERS:
        records = _first_records(text, delimiter)
        if not records or len(records[0]) < 2:
            continue
        n_fields = len(records[0])
        consistent = all(len(record) == n_fields for record in records[1:])
        key = (consistent, n_fields)
        if best_key is None or key > best_key:  # ties keep the earlier delimiter
            best, best_key = delimiter, key
    return best


def _first_records(text, delimiter):
    """The first non-blank records of ``text`` split by ``delimiter`` (or [])."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(itertools.islice(filter(any, reader), _DELIMITER_SAMPLE))
    except csv.Error:  # reading with the chosen delimiter will say what is wrong
        return []


def _check_header(path, header, numbered_rows):
    """Refuse empty or repeated column names, rows of another length, no rows."""
    if any(not name for name in header):
        raise TableError(f"'{path}': the header has an empty column name")
    repeated = [name for j, name in enumerate(header) if name in header[:j]]
    if repeated:
        raise TableError(f"'{path}': the column name '{repeated[0]}' appears twice")
    for line_number, line in numbered_rows:
        if len(line) != len(header):
            raise TableError(
                f"'{path}', line {line_number}: {len(line)} fields, expected "
                f"{len(header)} as in the header"
            )
    if not numbered_rows:
        raise TableError(f"'{path}' has a header but no data rows")


# ------------------------------------------------------------ the checks
def infer_task(values):
    """Whether a target holds class labels or a continuous quantity.

    Labels are values that are not all finite numbers, or integers with at
    most :data:`MAX_INFERRED_CLASSES` distinct values (and fewer than half as
    many as the values).  Missing values are left aside.

    Parameters
    ----------
    values : array-like of shape (n_values,)
        The target's values (numbers, or strings such as a CSV file's).

    Returns
    -------
    task : {"classification", "regression"}
        What predicting the target is.
    """
    values = np.asarray(values, dtype=object)
    numbers = finite_numbers(values[~missing_mask(values)])
    if np.isnan(numbers).any():
        return "classification"
    n_distinct = len(np.unique(numbers))
    few = n_distinct <= MAX_INFERRED_CLASSES and 2 * n_distinct < len(numbers)
    integers = bool(np.all(numbers == np.round(numbers)))
    return "classification" if integers and few else "regression"


def _columns_phrase(names):
    """("column 'a'", "has", "it") or ("columns 'a', 'b'", "have", "them")."""
    listed = ", ".join(f"'{name}'" for name in names)
    if len(names) == 1:
        return f"column {listed}", "has", "it"
    return f"columns {listed}", "have", "them"


def _standardizable(values):
    """Whether ``values`` (NaN ignored) can be standardized in float64.

    On any subset of rows the squared deviations from the mean sum to at most
    ``n_samples * range**2``; that is kept finite, with headroom for the
    squared errors of predictions.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    if not len(values):
        return True
    with np.errstate(over="ignore", invalid="ignore"):
        spread = np.ptp(values) * _MAGNITUDE_HEADROOM
        squares = len(values) * spread * spread
        total = np.sum(np.abs(values))
    return bool(np.isfinite(squares) and np.isfinite(total))


def _too_large(columns):
    """The problem of the columns (name: floats) too large to standardize, or None."""
    bad = [name for name, values in columns.items() if not _standardizable(values)]
    if not bad:
        return None
    largest = max(np.nanmax(np.abs(columns[name])) for name in bad)
    what, has, it = _columns_phrase(bad)
    return (
        f"{what} {has} values too large in magnitude to standardize "
        f"(up to {largest:.3g}): rescale {it}"
    )


def check_magnitude(name, columns):
    """Refuse columns whose values are too large to standardize in float64.

    Parameters
    ----------
    name : str
        The table's name, which starts the message.
    columns : dict
        ``{column name: array of floats}`` (NaN for missing values).

    Raises
    ------
    TableError
        Naming every such column, if any.
    """
    problem = _too_large(columns)
    if problem is not None:
        raise TableError(f"{name}: {problem}")


def table_problems(X, column_names):
    """Everything in a table that the preprocessing cannot use.

    Columns whose values are all missing (nothing to impute from), numeric
    columns with infinite values or values too large to standardize, and a
    table whose every column holds a single value (nothing to learn from).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_columns)
        The table (numbers, strings, missing values).
    column_names : sequence of str
        Names of the columns.

    Returns
    -------
    problems : list of str
        One sentence per problem, naming all the columns that have it and
        saying what to do; empty for a table the preprocessing can use.
    """
    values, names = _as_table(X, column_names)
    missing = missing_mask(values)
    empty = [names[j] for j in np.flatnonzero(missing.all(axis=0))]
    problems = [_all_missing(empty)] if empty else []
    problems += _numeric_problems(values, names)
    counts = [_n_values(values[:, j], missing[:, j]) for j in range(len(names))]
    if len(empty) < len(names) and max(counts) <= 1:
        problems.append("every column holds a single value: there is nothing to learn")
    return problems


def _all_missing(names):
    what, _, them = _columns_phrase(names)
    reason = "there is nothing to impute from"
    return f"every value is missing in {what}: {reason}; drop {them}"


def _numeric_problems(values, names):
    """The numeric columns with infinite values, then those too large to scale."""
    kinds = infer_column_kinds(values, names)
    numeric = [j for j, name in enumerate(names) if kinds[name] == NUMERIC]
    floats = numeric_values(values[:, numeric]).T
    columns = {names[j]: column for j, column in zip(numeric, floats, strict=True)}
    infinite = [name for name, column in columns.items() if np.isinf(column).any()]
    problems = []
    if infinite:
        what, has, _ = _columns_phrase(infinite)
        problems.append(
            f"{what} {has} infinite values: replace them with numbers, or empty "
            "those cells to have them imputed"
        )
    finite = {name: columns[name] for name in columns if name not in infinite}
    return problems + [problem for problem in [_too_large(finite)] if problem]


def _n_values(column, missing):
    """Number of distinct values of a column, missing values aside."""
    return len(set(category_values(column[~missing][:, None]).ravel()))


def check_table(X, column_names, name):
    """Refuse a table the preprocessing cannot use, naming all its problems.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_columns)
        The table (numbers, strings, missing values).
    column_names : sequence of str
        Names of the columns.
    name : str
        The table's name, which starts the message.

    Raises
    ------
    TableError
        With every sentence of :func:`table_problems`, if there is any.
    """
    problems = table_problems(X, column_names)
    if problems:
        raise TableError(f"{name}: " + "; ".join(problems))
