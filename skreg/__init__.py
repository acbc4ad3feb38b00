"""skreg: regularized multi-layer perceptrons for scikit-learn."""

from . import theory  # the public submodule skreg.theory
from ._capacity import CapacityCurve, capacity_curve
from ._cv import RegularizedMLPClassifierCV, RegularizedMLPRegressorCV
from ._mlp import RegularizedMLPClassifier, RegularizedMLPRegressor
from ._path import RegularizationPath, default_alphas, regularization_path
from ._polynomial import PolynomialCapacity

__version__ = "0.1.0"

__all__ = [
    "CapacityCurve",
    "PolynomialCapacity",
    "RegularizationPath",
    "RegularizedMLPClassifier",
    "RegularizedMLPClassifierCV",
    "RegularizedMLPRegressor",
    "RegularizedMLPRegressorCV",
    "__version__",
    "capacity_curve",
    "default_alphas",
    "regularization_path",
    "theory",
]
