"""
=============================================
Weights of an MLP under each penalty
=============================================

Fit :class:`skreg.RegularizedMLPClassifier` on the digits dataset with no
penalty and with the "l2", "l1" and "elasticnet" penalties, all at the same
``alpha``, and compare the test accuracy, the fraction of weights that are
exactly zero and the distribution of the first-layer weights.

L2 shrinks all weights towards zero but leaves none at zero; L1 sets most of
them to exactly zero and keeps a few large ones; the elastic net lies in
between.
"""

# %%
# Data and models
# ---------------
# The 8x8 digit images are standardised inside a pipeline.  Full-batch L-BFGS
# runs each fit to convergence, where the L1 weights are exactly zero; the
# elastic net needs the most iterations, a few thousand.
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

alpha = 10.0
penalties = [None, "l2", "l1", "elasticnet"]
models = {}
for penalty in penalties:
    mlp = RegularizedMLPClassifier(
        hidden_layer_sizes=(32,),
        solver="lbfgs",
        penalty=penalty,
        alpha=alpha,
        max_iter=5000,
        random_state=0,
    )
    models[penalty] = make_pipeline(StandardScaler(), mlp).fit(X_train, y_train)

# %%
# Scores and sparsity
# -------------------
# ``sparsity_`` holds the fraction of exactly-zero weights of each layer; the
# overall fraction counts every weight of every layer (biases excluded).
print(f"alpha = {alpha:g}")
print(f"{'penalty':<11} {'train':>6} {'test':>6} {'zeros':>6}  zeros per layer")
for penalty, model in models.items():
    coefs = model[-1].coefs_
    zeros = sum(np.count_nonzero(W == 0) for W in coefs) / sum(W.size for W in coefs)
    per_layer = ", ".join(f"{s:.2f}" for s in model[-1].sparsity_)
    print(
        f"{str(penalty):<11} {model.score(X_train, y_train):6.3f} "
        f"{model.score(X_test, y_test):6.3f} {zeros:6.3f}  [{per_layer}]"
    )

# %%
# First-layer weights
# -------------------
# One histogram per penalty, on a logarithmic count scale so that both the
# spike of exact zeros and the tails are visible.
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is None:
    print("matplotlib is not installed: skipping the histograms.")
else:
    all_weights = np.concatenate([m[-1].coefs_[0].ravel() for m in models.values()])
    bins = np.linspace(all_weights.min(), all_weights.max(), 61)
    fig, axes = plt.subplots(2, 2, figsize=(9, 6), sharex=True, sharey=True)
    for ax, (penalty, model) in zip(axes.ravel(), models.items(), strict=True):
        weights = model[-1].coefs_[0].ravel()
        ax.hist(weights, bins=bins, color="tab:blue")
        ax.set_yscale("log")
        ax.set_title(f"penalty={penalty!r}: {np.mean(weights == 0):.0%} zeros")
    for ax in axes[-1]:
        ax.set_xlabel("first-layer weight")
    for ax in axes[:, 0]:
        ax.set_ylabel("count")
    fig.suptitle(f"RegularizedMLPClassifier on digits, alpha={alpha:g}")
    fig.tight_layout()
    if plt.get_backend().lower() != "agg":
        plt.show()
