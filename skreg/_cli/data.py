"""Data for the command line: scikit-learn's bundled datasets and CSV files.

A CSV file is read, checked and planned for preprocessing by
:mod:`skreg._utils.tabular`, whose :class:`~skreg._utils.tabular.TableError`
names every column it cannot use; what is about the command line (the
options named in a message, the target, the folds) raises :class:`DataError`.
Both messages are one line that the command line prints as it is.
"""

from dataclasses import dataclass

import numpy as np
from sklearn import datasets

from .._utils import tabular
from .._utils.tabular import TableError

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


class DataError(ValueError):
    """A problem with the data given on the command line (one-line message)."""


@dataclass(frozen=True)
class Dataset:
    """A supervised dataset (a bundled one or a CSV file) and its task.

    ``X`` holds the features, as floats for a bundled dataset, as a CSV
    file's cells (strings) with the ``preprocessing``
    (:class:`~skreg._utils.tabular.TabularPreprocessing`) that makes them
    numbers; ``y`` class labels or floats; ``task`` is one of :data:`TASKS`.
    ``dropped_lines`` are the lines of a CSV file left out for their missing
    target, ``reading_note`` what was guessed of its format (None: nothing).
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: tuple
    target_name: str = "target"
    preprocessing: tabular.TabularPreprocessing | None = None
    dropped_lines: tuple = ()
    reading_note: str | None = None

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


# ------------------------------------------------------------------ CSV
def _column(table, name, option):
    """Check that ``table`` has a column ``name``, an error naming ``option``."""
    try:
        table.index(name)
    except TableError as exc:
        raise DataError(f"{option}: {exc}") from None


def load_csv(path, target, task=None):
    """Return the Dataset of a CSV file: column ``target``, the others features.

    Rows without a target value are left out; ``task`` None is guessed by
    :func:`~skreg._utils.tabular.infer_task`.  The features are checked
    (:func:`~skreg._utils.tabular.check_table`) and planned for imputation,
    one-hot encoding and scaling; the plan is fitted with the study's models.
    """
    table = tabular.read_csv(path)
    _column(table, target, "--target")
    if len(table.header) < 2:
        raise DataError(f"'{path}' has no feature column besides '{target}'")
    task = tabular.infer_task(table.column(target)) if task is None else task
    table, y, dropped = table.target(target, task)
    names = tuple(name for name in table.header if name != target)
    X = table.cells[:, [table.index(name) for name in names]]
    if task == "regression":
        tabular.check_magnitude(table.path, {target: y})
    tabular.check_table(X, names, table.path)
    plan = tabular.tabular_preprocessing(X, names)
    return Dataset(
        table.path, X, y, task, names, target, plan, dropped, table.reading_note()
    )


def load_csv_pair(path, feature, target):
    """Return the columns ``feature`` and ``target`` of a CSV file, and the name.

    ``feature`` None takes the only column besides ``target``, if there is one.
    Both must be numbers, with no missing value.
    """
    table = tabular.read_csv(path)
    _column(table, target, "--target")
    if feature is None:
        others = [name for name in table.header if name != target]
        if len(others) != 1:
            raise DataError(
                f"'{path}' has {len(others)} columns besides '{target}': "
                "choose one with --feature"
            )
        feature = others[0]
    _column(table, feature, "--feature")
    x = table.numbers(feature, "the feature")
    y = table.numbers(target, "the target")
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
