"""
==========================================
Regularization paths: lasso and a network
==========================================

``skreg.regularization_path`` fits a model along a decreasing grid of alpha,
each fit warm-started from the previous one.  For a linear model with the L1
penalty this is the lasso path (and matches scikit-learn's ``lasso_path``); for
a network with the group lasso it shows input features entering as the penalty
weakens, and the validation score that chooses among them.
"""

# %%
# The lasso path of a linear model
# --------------------------------
# L-BFGS stops each fit when the projected gradient is below ``tol``: at
# ``tol=1e-8`` the coefficients agree with coordinate descent to about 1e-7,
# while a much smaller ``tol`` would ask for a decrease of the objective below
# its rounding error.  ``lasso_path`` gets the iterations that its tight
# ``tol`` needs.
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_diabetes, make_classification  # noqa: E402
from sklearn.linear_model import lasso_path  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skreg import (  # noqa: E402
    RegularizedMLPClassifier,
    RegularizedMLPRegressor,
    regularization_path,
)

X, y = load_diabetes(return_X_y=True)
X = StandardScaler().fit_transform(X)
X, y = X - X.mean(axis=0), (y - y.mean()) / y.std()
linear = RegularizedMLPRegressor(
    hidden_layer_sizes=(), solver="lbfgs", penalty="l1", tol=1e-8, max_iter=5000,
    random_state=0,
)  # fmt: skip
path = regularization_path(linear, X, y, n_alphas=20, validation_fraction=0)
coefs = np.array([c[0].ravel() for c in path.coefs])
_, reference, _ = lasso_path(
    X, y, alphas=path.alphas / len(X), tol=1e-12, max_iter=10_000
)
print("non-zero coefficients along the path:", path.n_nonzero[:, 0])
print(f"largest difference from lasso_path: {np.abs(coefs - reference.T).max():.2e}")

# %%
# A network with the group lasso
# ------------------------------
# Adam runs each fit until the training loss stops improving; some fits of the
# path need a few hundred epochs.
X, y = make_classification(
    n_samples=1000,
    n_features=50,
    n_informative=5,
    n_redundant=0,
    shuffle=False,
    random_state=0,
)
X = StandardScaler().fit_transform(X)
network = RegularizedMLPClassifier(
    hidden_layer_sizes=(32,),
    penalty="group_lasso",
    learning_rate_init=0.01,
    max_iter=300,
    random_state=0,
)
net_path = regularization_path(
    network, X, y, alphas=[32, 16, 8, 4, 2, 1, 0.5], random_state=0
)
for alpha, n_feat, score in zip(
    net_path.alphas,
    net_path.n_selected_features,
    net_path.validation_scores,
    strict=True,
):
    print(f"alpha {alpha:5.1f}: {n_feat:2d} input features, validation {score:.3f}")

# %%
# Plots
# -----
fig, axes = plt.subplots(1, 3, figsize=(15, 4))
axes[0].plot(path.alphas, coefs)
axes[0].set(xscale="log", xlabel="alpha", ylabel="coefficient", title="lasso path")
net_path.plot(axes=axes[1:])
fig.tight_layout()
