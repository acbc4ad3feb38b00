"""skreg: regularized multi-layer perceptrons for scikit-learn."""

from ._mlp import RegularizedMLPClassifier, RegularizedMLPRegressor

__version__ = "0.1.0"

__all__ = ["RegularizedMLPClassifier", "RegularizedMLPRegressor", "__version__"]
