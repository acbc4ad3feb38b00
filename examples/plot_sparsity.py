"""
=====================================================
Structured sparsity: L1, L0 and group lasso compared
=====================================================

On a task where only the first 5 of 50 features carry signal, fit the same
network with each sparse penalty and look at which weights survive.  L1 and L0
zero individual weights; the group lasso zeroes whole rows of a weight matrix,
which removes input features (first layer) and hidden units (deeper layers).
``compact()`` then cuts the dead units out of the network.
"""

# %%
# Data and models
# ---------------
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skreg import RegularizedMLPClassifier  # noqa: E402

X, y = make_classification(
    n_samples=1000,
    n_features=50,
    n_informative=5,
    n_redundant=0,
    shuffle=False,
    random_state=0,
)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)

# Adam trains each network until its training loss stops improving; the L1
# fit takes the longest, a few hundred epochs.
common = dict(
    hidden_layer_sizes=(32,),
    solver="adam",
    learning_rate_init=0.01,
    max_iter=1000,
    random_state=0,
)
settings = {"l2": 1.0, "l1": 3.0, "l0": 0.3, "group_lasso": 8.0}
models = {
    name: RegularizedMLPClassifier(penalty=name, alpha=alpha, **common).fit(
        X_train, y_train
    )
    for name, alpha in settings.items()
}

# %%
# Scores, zeros and features in use
# ---------------------------------
print(
    f"{'penalty':12s} {'test acc':>8s} {'zeros L1':>8s} {'zeros L2':>8s} "
    f"{'features':>8s} {'units':>5s}"
)
for name, model in models.items():
    used = int((model.feature_importances_ > 0).sum())
    units = int(np.any(model.coefs_[1] != 0, axis=1).sum())
    print(
        f"{name:12s} {model.score(X_test, y_test):8.3f} "
        f"{model.sparsity_[0]:8.2f} {model.sparsity_[1]:8.2f} {used:8d} {units:5d}"
    )

# %%
# Compaction
# ----------
group = models["group_lasso"]
small = group.compact(drop_features=True)
kept = small.selected_features_
same = np.allclose(small.predict_proba(X_test[:, kept]), group.predict_proba(X_test))
print(
    f"compact(): hidden units {group.hidden_layer_sizes} -> {small.hidden_layer_sizes},"
    f" features 50 -> {len(kept)}, same predictions: {same}"
)

# %%
# Which first-layer weights survive
# ---------------------------------
fig, axes = plt.subplots(1, len(models), figsize=(14, 4), sharey=True)
for ax, (name, model) in zip(axes, models.items(), strict=True):
    ax.imshow(
        model.coefs_[0] != 0,
        aspect="auto",
        cmap="Greys",
        interpolation="none",
        vmin=0,
        vmax=1,
    )
    ax.axhline(4.5, color="tab:red", lw=1)
    ax.set(title=name, xlabel="hidden unit")
axes[0].set_ylabel("input feature (first 5 informative)")
fig.suptitle("Non-zero first-layer weights (black)")
fig.tight_layout()
