"""skreg: regularized multi-layer perceptrons for scikit-learn."""

from . import theory  # the public submodule skreg.theory
from ._mlp import RegularizedMLPClassifier, RegularizedMLPRegressor
from ._path import RegularizationPath, regularization_path

__version__ = "0.1.0"

__all__ = [
    "RegularizationPath",
    "RegularizedMLPClassifier",
    "RegularizedMLPRegressor",
    "__version__",
    "regularization_path",
    "theory",
]
