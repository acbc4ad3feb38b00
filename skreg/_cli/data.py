"""Data for the command line: scikit-learn's bundled datasets and CSV files.

Every problem with the user's data (a missing file, a malformed CSV, an
unknown column, a non-numeric feature...) raises :class:`DataError`, whose
message is one line that the command line prints as it is.
"""

import csv
import math
from dataclasses import dataclass

import numpy as np
from sklearn import datasets

TASKS = ("classification", "regression")

# Datasets shipped inside scikit-learn (no download, sklearn.datasets.load_*),
# with their task.
BUILTIN_DATASETS = {
    "digits": "classification",
    "breast_cancer": "classification",
    "iris": "classification",
    "wine": "classification",
    "diabetes": "regression",
}

# The magnitude check leaves room for errors of predictions up to this many
# times the range of a column (the scores square and sum them too).
_MAGNITUDE_HEADROOM = 100.0

# A numeric target is taken as class labels when all its values are integers
# and it has at most this many distinct values (and fewer than half the rows).
MAX_INFERRED_CLASSES = 20

_MAX_LISTED_COLUMNS = 8


class DataError(ValueError):
    """A problem with the data given on the command line (one-line message)."""


@dataclass(frozen=True)
class Dataset:
    """A supervised dataset (a bundled one or a CSV file) and its task.

    ``X`` holds the features as floats, ``y`` class labels or floats; ``task``
    is one of :data:`TASKS`.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: tuple
    target_name: str = "target"

    @property
    def metric(self):
        """Name of the score: "accuracy" for classification, "R^2" otherwise."""
        return "accuracy" if self.task == "classification" else "R^2"

    def describe(self):
        """Return one line: samples, features and classes or target."""
        n_samples, n_features = self.X.shape
        if self.task == "classification":
            kind = f"{len(np.unique(self.y))} classes"
        else:
            kind = "continuous target"
        return (
            f"{self.name}: {n_samples} samples, {n_features} features, "
            f"{self.task} ({kind})"
        )


def load_builtin(name):
    """Return the dataset ``name`` of :data:`BUILTIN_DATASETS`."""
    bunch = getattr(datasets, f"load_{name}")()
    names = tuple(bunch.feature_names)
    task = BUILTIN_DATASETS[name]
    return Dataset(name, bunch.data.astype(float), bunch.target, task, names)


def _listed(names):
    """The first names of a list, comma-separated ("..." for the rest)."""
    listed = ", ".join(names[:_MAX_LISTED_COLUMNS])
    return listed + ", ..." if len(names) > _MAX_LISTED_COLUMNS else listed


# ------------------------------------------------------------------ CSV
@dataclass(frozen=True)
class CsvTable:
    """The fields of a CSV file with a header row, stripped of spaces.

    Blank lines are skipped; ``line_numbers`` (the line of each row) and
    ``path`` (as given) locate the errors.
    """

    path: str
    header: list
    rows: list
    line_numbers: list

    def column_index(self, name, option):
        """Return the index of column ``name``; DataError naming ``option`` if none."""
        if name in self.header:
            return self.header.index(name)
        raise DataError(
            f"{option}: '{self.path}' has no column '{name}' "
            f"(columns: {_listed(self.header)})"
        )

    def column(self, index):
        """Return the fields of column ``index``."""
        return [row[index] for row in self.rows]

    def field_error(self, row, index, problem):
        """Return a DataError locating a problem at one field."""
        return DataError(
            f"'{self.path}', line {self.line_numbers[row]}, column "
            f"'{self.header[index]}': {problem}"
        )

    def numeric_column(self, index, what):
        """Return column ``index`` as floats; DataError at the first that is not."""
        values = np.empty(len(self.rows))
        for i, field in enumerate(self.column(index)):
            value = _parse_number(field)
            if value is None:
                found = (
                    f"'{field}' is not a finite number" if field else "missing value"
                )
                raise self.field_error(i, index, f"{found} ({what} must be numeric)")
            values[i] = value
        return values


def read_csv(path):
    """Return the :class:`CsvTable` of a CSV file (UTF-8, a byte order mark or not)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            lines = list(csv.reader(file))
    except FileNotFoundError:
        raise DataError(f"no such file: '{path}'") from None
    except IsADirectoryError:
        raise DataError(f"'{path}' is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise DataError(f"'{path}' is not a UTF-8 text file") from None
    except csv.Error as exc:
        raise DataError(f"'{path}' is not a valid CSV file: {exc}") from None
    except OSError as exc:
        raise DataError(f"cannot read '{path}': {exc.strerror}") from None
    numbered = [(n, line) for n, line in enumerate(lines, 1) if any(line)]
    if not numbered:
        raise DataError(f"'{path}' is empty")
    header = [name.strip() for name in numbered[0][1]]
    _check_header(path, header, numbered[1:])
    rows = [[field.strip() for field in line] for _, line in numbered[1:]]
    return CsvTable(str(path), header, rows, [n for n, _ in numbered[1:]])


def _check_header(path, header, numbered_rows):
    """Refuse empty or repeated column names, rows of another length, no rows."""
    if any(not name for name in header):
        raise DataError(f"'{path}': the header has an empty column name")
    repeated = [name for j, name in enumerate(header) if name in header[:j]]
    if repeated:
        raise DataError(f"'{path}': the column name '{repeated[0]}' appears twice")
    for line_number, line in numbered_rows:
        if len(line) != len(header):
            raise DataError(
                f"'{path}', line {line_number}: {len(line)} fields, expected "
                f"{len(header)} as in the header"
            )
    if not numbered_rows:
        raise DataError(f"'{path}' has a header but no data rows")


def _parse_number(text):
    """The float in ``text``, or None when it is not a finite number."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def infer_task(values):
    """Return the task of a target's fields: "classification" for class labels.

    Labels are fields that are not all numbers, or integers with few distinct
    values (see :data:`MAX_INFERRED_CLASSES`).
    """
    numbers = [_parse_number(value) for value in values]
    if any(number is None for number in numbers):
        return "classification"
    n_distinct = len(set(numbers))
    few = n_distinct <= MAX_INFERRED_CLASSES and 2 * n_distinct < len(numbers)
    integers = all(number.is_integer() for number in numbers)
    return "classification" if integers and few else "regression"


def _target(table, index, task):
    if task == "regression":
        return table.numeric_column(index, "a regression target")
    labels = table.column(index)
    if "" in labels:
        raise table.field_error(labels.index(""), index, "missing class label")
    numbers = [_parse_number(label) for label in labels]
    if all(number is not None for number in numbers):
        return np.asarray(numbers)
    return np.asarray(labels, dtype=object)


def load_csv(path, target, task=None):
    """Return the Dataset of a CSV file: column ``target``, numeric features.

    Every other column is a feature; ``task`` None is guessed by
    :func:`infer_task`.
    """
    table = read_csv(path)
    index = table.column_index(target, "--target")
    if len(table.header) < 2:
        raise DataError(f"'{path}' has no feature column besides '{target}'")
    task = infer_task(table.column(index)) if task is None else task
    y = _target(table, index, task)
    features = [j for j in range(len(table.header)) if j != index]
    X = np.column_stack([table.numeric_column(j, "features") for j in features])
    names = tuple(table.header[j] for j in features)
    return Dataset(str(path), X, y, task, names, target)


def load_csv_pair(path, feature, target):
    """Return the columns ``feature`` and ``target`` of a CSV file, and the name.

    ``feature`` None takes the only column besides ``target``, if there is one.
    """
    table = read_csv(path)
    y_index = table.column_index(target, "--target")
    if feature is None:
        others = [name for name in table.header if name != target]
        if len(others) != 1:
            raise DataError(
                f"'{path}' has {len(others)} columns besides '{target}': "
                "choose one with --feature"
            )
        feature = others[0]
    x_index = table.column_index(feature, "--feature")
    x = table.numeric_column(x_index, "the feature")
    y = table.numeric_column(y_index, "the target")
    return x, y, feature


def check_folds(dataset, cv):
    """Raise DataError for too few rows, or classes, for ``cv`` (stratified) folds."""
    n_samples = dataset.X.shape[0]
    if n_samples < 2 * cv:
        raise DataError(
            f"{dataset.name} has {n_samples} rows: too few for {cv}-fold "
            "cross-validation (use --cv with fewer folds)"
        )
    if dataset.task != "classification":
        return
    labels, counts = np.unique(dataset.y.astype(str), return_counts=True)
    if len(labels) < 2:
        raise DataError(
            f"{dataset.name}: the target has a single class ('{labels[0]}'); "
            "use --task regression for a numeric target"
        )
    if counts.min() < cv:
        rare, n_rare = labels[np.argmin(counts)], counts.min()
        rows = "row" if n_rare == 1 else "rows"
        raise DataError(
            f"{dataset.name}: class '{rare}' has {n_rare} {rows}, fewer than "
            f"the {cv} folds (use --cv with fewer folds)"
        )


def _standardizable(values):
    """Whether ``values`` can be standardized in float64, on any subset of rows.

    The squared deviations from a subset's mean sum to at most
    ``n_samples * range**2``; that is kept finite, with headroom for the
    squared errors of predictions.
    """
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        spread = np.ptp(values) * _MAGNITUDE_HEADROOM
        squares = len(values) * spread * spread
        total = np.sum(np.abs(values))
    return bool(np.isfinite(squares) and np.isfinite(total))


def check_magnitude(name, columns):
    """Raise DataError naming the ``columns`` (name: values) too large to scale."""
    bad = [column for column, values in columns.items() if not _standardizable(values)]
    if not bad:
        return
    largest = max(np.max(np.abs(columns[column])) for column in bad)
    listed = _listed([f"'{column}'" for column in bad])
    if len(bad) == 1:
        what, has, it = f"column {listed}", "has", "it"
    else:
        what, has, it = f"columns {listed}", "have", "them"
    raise DataError(
        f"{name}: {what} {has} values too large in magnitude to standardize "
        f"(up to {largest:.3g}): rescale {it}"
    )


def check_scale(dataset):
    """Raise DataError when the features (or a regression's target) would overflow.

    The study standardizes them; values too large in magnitude become NaN.
    """
    columns = dict(zip(dataset.feature_names, dataset.X.T, strict=True))
    if dataset.task == "regression":
        columns[dataset.target_name] = dataset.y
    check_magnitude(dataset.name, columns)
