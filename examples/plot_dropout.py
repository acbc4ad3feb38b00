"""
=============================================
Dropout and class weights as regularizers
=============================================

Dropout zeroes each hidden unit's output with probability ``dropout`` during
training (and scales the others by ``1 / (1 - dropout)``), so no unit can rely
on a few others: like a penalty, it trades training fit for generalization.
Here a wide network overfits 100 training samples; dropout narrows the gap
between the training and validation log-loss, and ``validation_loss_curve_``
shows it epoch by epoch.  ``class_weight="balanced"`` is the other
long-requested option: it reweights the data term so that a rare class counts
as much as a frequent one.
"""

# %%
# A wide network on few samples
# -----------------------------
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.metrics import balanced_accuracy_score, log_loss  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from skreg import RegularizedMLPClassifier  # noqa: E402

X, y = make_classification(
    n_samples=200, n_features=20, n_informative=5, random_state=1
)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.5, random_state=0)

models = {}
for rate in (0.0, 0.3, 0.5):
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(256,), dropout=rate, alpha=0.0, max_iter=500, random_state=0
    )
    models[rate] = clf.fit(X_train, y_train)
    train = log_loss(y_train, clf.predict_proba(X_train))
    val = log_loss(y_val, clf.predict_proba(X_val))
    print(
        f"dropout {rate:.1f}: log-loss train {train:.3f}, validation {val:.3f}, "
        f"gap {val - train:.3f}, validation accuracy {clf.score(X_val, y_val):.3f}"
    )

# %%
# The validation loss, epoch by epoch
# -----------------------------------
# With ``early_stopping=True`` the estimator holds out ``validation_fraction``
# of the data and records the data term there after every epoch.  Training
# stops once the validation accuracy has not improved for ``n_iter_no_change``
# epochs; a patience of 100 epochs lets the curves run on past the best epoch,
# where the validation loss turns up, more steeply without dropout.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
for rate in (0.0, 0.5):
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(256,),
        dropout=rate,
        alpha=0.0,
        max_iter=500,
        early_stopping=True,
        validation_fraction=0.3,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X, y)
    left.plot(clf.data_loss_curve_, label=f"train, dropout {rate}")
    left.plot(clf.validation_loss_curve_, "--", label=f"validation, dropout {rate}")
left.set(xlabel="epoch", ylabel="log-loss", title="training and validation loss")
left.legend()

# %%
# Class weights on a 95/5 problem
# -------------------------------
X, y = make_classification(
    n_samples=2000,
    n_features=10,
    n_informative=4,
    weights=[0.95, 0.05],
    flip_y=0.0,
    class_sep=0.6,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
scores = {}
for weight in (None, "balanced"):
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(16,),
        solver="lbfgs",
        alpha=1.0,
        max_iter=2000,
        class_weight=weight,
        random_state=0,
    )
    clf.fit(X_train, y_train)
    scores[str(weight)] = balanced_accuracy_score(y_test, clf.predict(X_test))
    print(f"class_weight={weight}: balanced accuracy {scores[str(weight)]:.3f}")
right.bar(list(scores), list(scores.values()), color=["tab:gray", "tab:blue"])
right.set(ylabel="balanced accuracy", title="95/5 classes", ylim=(0.5, 1))
fig.tight_layout()
