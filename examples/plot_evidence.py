r"""
=========================================================
Choosing alpha without cross-validation: the evidence
=========================================================

An L2 penalty is a Gaussian prior on the weights, and the squared error a
Gaussian likelihood.  MacKay's evidence, the probability of the training
data under the model with the weights integrated out (here by the Laplace
approximation around the fit), is highest where the penalty is strong enough
to stop the network from fitting the noise and weak enough to let it fit the
signal.  ``alpha="evidence"`` climbs to that point by a fixed-point iteration,
from the training data alone.  This example shows, on the diabetes data:

* the log evidence and the held-out :math:`R^2` against ``alpha``, with the
  alpha chosen by the evidence and by 5-fold cross-validation;
* the effective number of parameters :math:`\gamma` against ``alpha``;
* what ``alpha="evidence"`` chooses with one ``alpha`` per weight matrix, and
  how long it takes against a grid search;

and, on a one-dimensional problem, the predictive standard deviation of the
linearised Laplace posterior as a :math:`\pm 2\sigma` band.
"""

# %%
# Evidence, held-out score and effective parameters along alpha
# --------------------------------------------------------------
# The same (8,) network is fitted at every alpha of a grid, each fit starting
# from the previous one.  :func:`skreg.theory.log_evidence` is the Laplace
# approximation of the log evidence of each fit (with the noise level at its
# own fixed point); :func:`skreg.theory.effective_parameters` counts the
# weights that the data determine.
import time

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPRegressor
from skreg.theory import effective_parameters, log_evidence, loss_hessian

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
mean, scale = y_train.mean(), y_train.std()
y_train, y_test = (y_train - mean) / scale, (y_test - mean) / scale
n = X_train.shape[0]

alphas = np.logspace(-2, 3, 21)
network = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=3000, random_state=0)
model = RegularizedMLPRegressor(**network, warm_start=True)
evidence, held_out, gamma = [], [], []
for alpha in alphas:
    model.set_params(alpha=alpha).fit(X_train, y_train)
    evidence.append(log_evidence(model, X_train, y_train))
    held_out.append(model.score(X_test, y_test))
    n_weights = sum(W.size for W in model.coefs_)
    G = loss_hessian(model, X_train, y_train, kind="gauss_newton")
    gamma.append(effective_parameters(G, alpha / n, n_penalized=n_weights))

start = time.perf_counter()
search = GridSearchCV(
    RegularizedMLPRegressor(**network), {"alpha": alphas[::2]},
    cv=KFold(5, shuffle=True, random_state=0),
).fit(X_train, y_train)  # fmt: skip
grid_seconds = time.perf_counter() - start
alpha_cv = search.best_params_["alpha"]
alpha_evidence = alphas[int(np.argmax(evidence))]
print(f"evidence's alpha on the grid: {alpha_evidence:.3g}, cross-validation's: "
      f"{alpha_cv:.3g}")  # fmt: skip

# %%
# One alpha per weight matrix
# ---------------------------
# A single alpha is not invariant to rescaling the inputs (MacKay): each
# weight matrix gets its own prior precision.  The fit alternates MAP fits and
# evidence updates until no alpha moves by more than ``evidence_tol``.
start = time.perf_counter()
chosen = RegularizedMLPRegressor(**{**network, "alpha": "evidence"}).fit(
    X_train, y_train
)
evidence_seconds = time.perf_counter() - start
n_weights = sum(W.size for W in chosen.coefs_)
print(f"alpha='evidence': alpha_ = {np.round(chosen.alpha_, 4)}, "
      f"gamma = {chosen.effective_parameters_:.1f} of {n_weights} weights, "
      f"held-out R^2 {chosen.score(X_test, y_test):.3f}, "
      f"{evidence_seconds:.2f} s")  # fmt: skip
print(f"5-fold grid search over 11 alphas: held-out R^2 "
      f"{search.score(X_test, y_test):.3f}, {grid_seconds:.2f} s")  # fmt: skip

import matplotlib.pyplot as plt  # noqa: E402

fig, (ax_evidence, ax_gamma) = plt.subplots(1, 2, figsize=(11, 4))
ax_evidence.plot(alphas, evidence, marker="o", color="tab:blue", label="log evidence")
ax_evidence.set(xscale="log", xlabel="alpha", ylabel="log evidence (Laplace)")
ax_evidence.axvline(alpha_evidence, color="tab:blue", ls="--",
                    label="evidence's choice")  # fmt: skip
ax_score = ax_evidence.twinx()
ax_score.plot(alphas, held_out, marker="s", color="tab:green", label="held-out R^2")
ax_score.axvline(alpha_cv, color="tab:green", ls=":", label="5-fold CV's choice")
ax_score.axhline(chosen.score(X_test, y_test), color="tab:red", lw=1,
                 label="alpha='evidence' (per layer)")  # fmt: skip
ax_score.set_ylabel("held-out R^2")
lines = ax_evidence.get_legend_handles_labels()
more = ax_score.get_legend_handles_labels()
ax_evidence.legend(
    lines[0] + more[0], lines[1] + more[1], fontsize=7, loc="lower center"
)
ax_evidence.set_title("The evidence and the held-out score along alpha")
ax_gamma.plot(alphas, gamma, marker="o")
ax_gamma.set(xscale="log", xlabel="alpha", ylabel="effective parameters gamma",
             title="Weights the data determine")  # fmt: skip
fig.tight_layout()

# %%
# The predictive standard deviation
# ---------------------------------
# After an evidence fit, ``predict(X, return_std=True)`` adds the spread of
# the linearised Laplace posterior of the weights, :math:`g(x)^\top \Sigma\,
# g(x)`, to the noise variance :math:`1/\beta`.  Away from the data the band
# widens: the posterior does not pin the network down there.
rng = np.random.default_rng(0)
x = np.sort(np.r_[rng.uniform(-3, -0.5, 40), rng.uniform(0.5, 3, 40)])
target = np.sin(2 * x) + 0.2 * rng.standard_normal(x.size)
curve = RegularizedMLPRegressor(
    hidden_layer_sizes=(16,), activation="tanh", solver="lbfgs", alpha="evidence",
    max_iter=5000, random_state=0,
).fit(x[:, None], target)  # fmt: skip
grid = np.linspace(-4, 4, 400)
prediction, std = curve.predict(grid[:, None], return_std=True)
print(
    f"noise std 1/sqrt(beta) = {1 / np.sqrt(curve.noise_precision_):.3f} "
    "(the data's is 0.2)"
)

fig, ax = plt.subplots(figsize=(7, 4))
ax.fill_between(grid, prediction - 2 * std, prediction + 2 * std, color="tab:blue",
                alpha=0.2, label="+-2 std")  # fmt: skip
ax.plot(grid, prediction, color="tab:blue", label="prediction")
ax.plot(grid, np.sin(2 * grid), color="k", ls=":", label="sin(2x)")
ax.scatter(x, target, s=10, color="tab:orange", label="training data")
ax.set(
    xlabel="x", ylabel="y", title="alpha='evidence': prediction and its +-2 std band"
)
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
