r"""
====================================================
The curvature of a real network and what L2 keeps
====================================================

The notes' picture of L2 regularization is that each eigen-direction of the
curvature is scaled by :math:`\lambda_i / (\lambda_i + \alpha')`: the data
keep the directions of high curvature, the penalty removes the flat ones, and
the sum of the factors, the effective number of parameters :math:`\gamma`,
measures what is left.  This example shows it on a network people train: a
(32,) classifier of the handwritten digits (2,410 parameters), with

* the spectrum of its Gauss-Newton curvature
  (:func:`skreg.theory.curvature_operator`, exact eigenvalues and the
  stochastic Lanczos density);
* the shrinkage factors over that spectrum, for several ``alpha``;
* :math:`\gamma` against ``alpha``, next to the held-out accuracy.

The Gauss-Newton matrix :math:`G = J^\top H_\text{out} J / n` is the Hessian
without its second-order terms: it is positive semi-definite at any weights,
where the Hessian of a network is not.  The estimators minimise
:math:`(\sum_i \mathrm{loss}_i + \alpha\,\Omega(W)) / n`, so on the curvature's
scale the strength is :math:`\alpha' = \alpha / n`.
"""

# %%
# A network and its curvature
# ---------------------------
# The intercepts are not penalised: the curvature of the weights is the one
# with the intercepts minimised out (``n_penalized``).
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier
from skreg.theory import (
    curvature_operator,
    effective_parameters,
    loss_hessian,
    profile_hessian,
    spectral_density,
    top_eigenvalues,
)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
n = X_train.shape[0]


def fit(alpha):
    return RegularizedMLPClassifier(
        hidden_layer_sizes=(32,), solver="lbfgs", alpha=alpha, max_iter=3000,
        random_state=0,
    ).fit(X_train, y_train)  # fmt: skip


model = fit(alpha=1.0)
n_weights = sum(W.size for W in model.coefs_)
G = curvature_operator(model, X_train, y_train)
print(f"{G.shape[0]} parameters, {n_weights} penalised weights")
print("largest eigenvalues (Lanczos):", np.round(top_eigenvalues(G, k=4), 4))

# For 2,410 parameters the dense matrix is cheap too, for exact eigenvalues.
S = profile_hessian(loss_hessian(model, X_train, y_train, kind="gauss_newton"),
                    n_weights)  # fmt: skip
eigenvalues = np.clip(np.linalg.eigvalsh(S), 0.0, None)
grid, density = spectral_density(G, random_state=0)

# %%
# The spectrum and the shrinkage factors
# --------------------------------------
# Most directions are almost flat: a few hundred eigenvalues carry the
# curvature.  An ``alpha`` keeps the directions whose eigenvalue is well above
# :math:`\alpha' = \alpha / n` and removes the others; the factor is 1/2
# where :math:`\lambda = \alpha'`.
import matplotlib.pyplot as plt  # noqa: E402

alphas = np.logspace(-1, 2, 7)
fig, (ax_spectrum, ax_factors) = plt.subplots(1, 2, figsize=(11, 4))
# eigenvalues within rounding of zero (the flat directions) are counted apart
floor = 1e-12 * eigenvalues.max()
curved = np.sort(eigenvalues[eigenvalues > floor])
ax_spectrum.hist(np.log10(curved), bins=50, color="tab:blue", alpha=0.7)
ax_spectrum.set(
    xlabel="log10(eigenvalue)", ylabel="number of eigenvalues",
    title=f"Gauss-Newton spectrum: {len(curved)} of {n_weights} above 1e-12 max",
)  # fmt: skip
inset = ax_spectrum.inset_axes([0.1, 0.45, 0.36, 0.42])
inset.plot(grid, density, color="tab:orange")
inset.set_title("SLQ density, linear scale", fontsize=8)
inset.tick_params(labelsize=7)
for alpha in alphas[::2]:
    factors = curved / (curved + alpha / n)
    ax_factors.plot(curved, factors, label=f"alpha={alpha:g}")
ax_factors.set(xscale="log", xlabel="eigenvalue", ylabel="lambda / (lambda + alpha')",
               title="What L2 keeps of each eigen-direction")  # fmt: skip
ax_factors.legend(fontsize=8)
fig.tight_layout()

# %%
# Effective parameters against alpha, and the held-out score
# ----------------------------------------------------------
# Each network is refitted at its alpha and its curvature taken at its own
# optimum; the stochastic estimate from the operator needs no dense matrix.
gammas, accuracies = [], []
for alpha in alphas:
    fitted = fit(alpha)
    curvature = curvature_operator(fitted, X_train, y_train)
    gamma = effective_parameters(
        curvature, alpha / n, n_penalized=n_weights, random_state=0
    )
    gammas.append(gamma)
    accuracies.append(fitted.score(X_test, y_test))
    print(f"alpha={alpha:8.2f}: gamma={gammas[-1]:7.1f} of {n_weights}, "
          f"held-out accuracy {accuracies[-1]:.3f}")  # fmt: skip

fig, ax_gamma = plt.subplots(figsize=(6.5, 4))
ax_gamma.plot(alphas, gammas, marker="o", color="tab:blue", label="gamma")
ax_gamma.set(xscale="log", xlabel="alpha", ylabel="effective parameters gamma",
             title="Capacity left by L2, and the generalization it buys")  # fmt: skip
ax_score = ax_gamma.twinx()
ax_score.plot(alphas, accuracies, marker="s", color="tab:green",
              label="held-out accuracy")  # fmt: skip
ax_score.set_ylabel("held-out accuracy", color="tab:green")
ax_score.axvline(alphas[int(np.argmax(accuracies))], color="tab:green", ls=":")
fig.legend(loc="lower left", bbox_to_anchor=(0.12, 0.15))
fig.tight_layout()
plt.show()
