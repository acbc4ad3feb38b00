"""
=====================================================
skreg as a drop-in replacement for scikit-learn's MLP
=====================================================

A typical scikit-learn script trains an ``MLPClassifier`` on the digits data:
split, scale, fit, score.  This example runs that script twice, unchanged,
except for one line: the import.

* ``from sklearn.neural_network import MLPClassifier``
* ``from skreg import RegularizedMLPClassifier as MLPClassifier``

Both runs use the same parameters, the same data and the same ``random_state``,
so both networks start from the same initial weights.  With the default
``penalty="l2"`` skreg's objective is scikit-learn's except for how ``alpha`` is
scaled in mini-batches (skreg divides the penalty by the number of training
samples, scikit-learn by the batch size, see the README); with the default tiny
``alpha=1e-4`` this hardly matters, and the two test accuracies agree.
"""

import os

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

# %%
# The data
# --------
# Split the digits once; both runs see exactly the same arrays.
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)


# %%
# The typical script
# ------------------
# The function body is what a scikit-learn user writes.  It refers to the name
# ``MLPClassifier`` and so uses whichever class was imported under that name.
def typical_script():
    clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=0)
    clf.fit(X_train, y_train)
    return clf, clf.score(X_test, y_test)


# %%
# Run it with scikit-learn
# ------------------------
from sklearn.neural_network import MLPClassifier  # noqa: E402

sklearn_clf, sklearn_accuracy = typical_script()
print(f"scikit-learn MLPClassifier: test accuracy {sklearn_accuracy:.4f}")

# %%
# Run it with skreg: only the import changes
# ------------------------------------------
from skreg import RegularizedMLPClassifier as MLPClassifier  # noqa: E402, F811

skreg_clf, skreg_accuracy = typical_script()
print(f"skreg RegularizedMLPClassifier: test accuracy {skreg_accuracy:.4f}")

# %%
# The two accuracies agree within one percentage point, and the fitted models
# expose the same attributes (skreg adds a few, such as ``sparsity_``).
gap = abs(sklearn_accuracy - skreg_accuracy)
print(f"difference: {100 * gap:.2f} percentage points")
assert gap <= 0.01, (sklearn_accuracy, skreg_accuracy)
assert sklearn_clf.n_layers_ == skreg_clf.n_layers_
assert [W.shape for W in sklearn_clf.coefs_] == [W.shape for W in skreg_clf.coefs_]

# %%
# Loss curves and accuracies
# --------------------------
# The figure needs matplotlib (``pip install -e ".[plot]"`` in skreg's
# checkout); without a display it is drawn with the non-interactive Agg
# backend.
try:
    import matplotlib
except ImportError:  # the comparison above does not need it
    matplotlib = None

if matplotlib is not None:
    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax_loss.plot(sklearn_clf.loss_curve_, label="scikit-learn")
    ax_loss.plot(skreg_clf.loss_curve_, "--", label="skreg")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training loss")
    ax_loss.set_yscale("log")
    ax_loss.legend()
    names = ["scikit-learn", "skreg"]
    accuracies = [sklearn_accuracy, skreg_accuracy]
    bars = ax_acc.bar(names, accuracies, color=["tab:blue", "tab:orange"])
    ax_acc.bar_label(bars, fmt="%.3f")
    ax_acc.set_ylim(min(accuracies) - 0.05, 1.0)
    ax_acc.set_ylabel("test accuracy")
    fig.suptitle("Same script, two imports")
    fig.tight_layout()
    plt.show()
