r"""
=====================================================
L2 regularization through the Hessian's eigenvalues
=====================================================

Near a minimum :math:`w^*` of the data term, an L2 penalty scales the weights
along every eigenvector of the Hessian :math:`H` by
:math:`\lambda_i / (\lambda_i + \alpha')`: directions of high curvature are
kept, flat ones are shrunk towards zero.  This example fits
a small network without a penalty, computes :math:`H` with
:func:`skreg.theory.loss_hessian`, and shows

* the shrinkage factors against the eigenvalues, for several ``alpha``;
* the effective number of parameters, the sum of the factors;
* how well the quadratic model predicts the weights of an L2 refit;
* the weight-decay identity of one SGD step.

The estimators minimise :math:`(\sum_i \mathrm{loss}_i + \alpha\,\Omega(W)) / n`,
so on the scale of the data term's Hessian the strength is
:math:`\alpha' = \alpha / n`.
"""

# %%
# An unregularized network at its minimum
# ---------------------------------------
# The targets come from a network of the same shape plus noise, so the fitted
# minimum is well determined.  Intercepts are never penalised:
# :func:`~skreg.theory.profile_hessian` minimises them out of :math:`H`, which
# leaves the Hessian of the 15 weights.
import copy

import numpy as np

from skreg import RegularizedMLPRegressor
from skreg.theory import (
    effective_parameters,
    flat_parameters,
    l2_shrinkage,
    l2_solution,
    loss_hessian,
    profile_hessian,
)

rng = np.random.default_rng(0)
n, d, hidden = 300, 4, 3
X = rng.normal(size=(n, d))
W1, w2 = rng.normal(size=(d, hidden)) / np.sqrt(d), rng.normal(size=hidden)
y = np.tanh(X @ W1) @ w2 + 0.1 * rng.normal(size=n)

network = dict(hidden_layer_sizes=(hidden,), activation="tanh", random_state=0)
unregularized = RegularizedMLPRegressor(
    **network, solver="lbfgs", penalty=None, tol=1e-10, max_iter=3000
).fit(X, y)

H = loss_hessian(unregularized, X, y)
n_weights = sum(W.size for W in unregularized.coefs_)
H_weights = profile_hessian(H, n_weights)
w_star = flat_parameters(unregularized)[:n_weights]
eigenvalues, _ = l2_shrinkage(H_weights, 0.0)
print(f"{H.shape[0]} parameters, {n_weights} of them penalised weights")
print("eigenvalues of the weights' Hessian:")
print(np.array2string(eigenvalues, precision=4, max_line_width=80))

# %%
# Shrinkage factors and effective parameters
# ------------------------------------------
# Each factor is the fraction of :math:`w^*`'s component along one eigenvector
# that survives the penalty.  The factors of the first figure are printed here.
alphas = [0.1, 1.0, 10.0, 100.0]
factors = {alpha: l2_shrinkage(H_weights, alpha / n)[1] for alpha in alphas}
print("\nshrinkage factor lambda / (lambda + alpha / n) per eigenvalue")
print(f"{'lambda':>10} " + " ".join(f"{f'alpha={a:g}':>11}" for a in alphas))
for i, lam in enumerate(eigenvalues):
    print(f"{lam:10.4g} " + " ".join(f"{factors[a][i]:11.4f}" for a in alphas))

alpha_grid = np.logspace(-2, 4, 61)
gamma = [effective_parameters(H_weights, alpha / n) for alpha in alpha_grid]
print("\neffective parameters (second panel):")
print(f"  alpha = 0: {effective_parameters(H_weights, 0.0):g} (the rank)")
for alpha in [0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0]:
    print(f"  alpha = {alpha:g}: {effective_parameters(H_weights, alpha / n):.3f}")

# %%
# The quadratic model against L2 refits
# -------------------------------------
# Refit with ``penalty="l2"`` starting from :math:`w^*` and compare with
# ``l2_solution``.  The model is exact for least squares; for a network it is
# accurate while the weights stay where the data term is nearly quadratic, so
# the error grows with ``alpha``.
print("\nalpha   weights moved   quadratic-model error (relative to the move)")
for alpha in [0.001, 0.01, 0.1, 1.0]:
    predicted = l2_solution(H_weights, w_star, alpha / n)
    refit = copy.deepcopy(unregularized).set_params(
        penalty="l2", alpha=alpha, warm_start=True
    )
    fitted = flat_parameters(refit.fit(X, y))[:n_weights]
    move = np.linalg.norm(fitted - w_star)
    error = np.linalg.norm(predicted - fitted) / move
    print(f"{alpha:<7g} {move / np.linalg.norm(w_star):13.2%} {error:15.2%}")

# %%
# L2 is weight decay
# ------------------
# One full-batch SGD step (no momentum) with the L2 penalty equals shrinking the
# weights by :math:`1 - \eta\alpha'` and then taking the unregularized step:
# the two steps from the same weights differ by :math:`-\eta\alpha' w`.
eta, alpha_decay = 0.1, 30.0
sgd = RegularizedMLPRegressor(
    **network, solver="sgd", penalty=None, learning_rate_init=eta,
    momentum=0.0, batch_size=n, shuffle=False,
)  # fmt: skip
sgd.partial_fit(X, y)  # any starting weights will do: one step from the init
w0 = flat_parameters(sgd)
plain = flat_parameters(copy.deepcopy(sgd).partial_fit(X, y))
decayed_model = copy.deepcopy(sgd).set_params(penalty="l2", alpha=alpha_decay)
decayed = flat_parameters(decayed_model.partial_fit(X, y))
alpha_prime = alpha_decay / n
decay = eta * alpha_prime
shrink = 1 - decay
expected = shrink * w0[:n_weights] + (plain - w0)[:n_weights]
print(f"\neta = {eta:g}, alpha = {alpha_decay:g}, alpha' = alpha / n = {alpha_prime:g}")
print(f"shrink factor 1 - eta * alpha' = {shrink:.6f}")
print(
    "max |decayed step - (shrink * w + plain step)| = "
    f"{np.abs(decayed[:n_weights] - expected).max():.2e}"
)
print(
    "intercepts identical in both steps:",
    np.array_equal(decayed[n_weights:], plain[n_weights:]),
)
slope = np.polyfit(w0[:n_weights], (decayed - plain)[:n_weights], 1)[0]
print(f"slope of (decayed - plain) against w (second figure): {slope:.6f}")

# %%
# Figures
# -------
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is None:
    print("matplotlib is not installed: skipping the figures.")
else:
    fig, (ax_factor, ax_gamma) = plt.subplots(1, 2, figsize=(10, 4))
    positive = eigenvalues[eigenvalues > 0]
    lam_grid = np.logspace(np.log10(positive.min()) - 1, np.log10(positive.max()) + 1)
    for alpha in alphas:
        (line,) = ax_factor.plot(lam_grid, lam_grid / (lam_grid + alpha / n))
        ax_factor.plot(
            eigenvalues, factors[alpha], "o", color=line.get_color(),
            label=f"alpha={alpha:g}",
        )  # fmt: skip
    ax_factor.set_xscale("log")
    ax_factor.set_xlabel("eigenvalue of the weights' Hessian")
    ax_factor.set_ylabel("shrinkage factor")
    ax_factor.set_title("lambda / (lambda + alpha / n)")
    ax_factor.legend()
    ax_gamma.semilogx(alpha_grid, gamma)
    ax_gamma.axhline(n_weights, color="gray", linestyle="--", label="rank of H")
    ax_gamma.set_xlabel("alpha")
    ax_gamma.set_ylabel("effective parameters")
    ax_gamma.set_title("sum of the shrinkage factors")
    ax_gamma.legend()
    fig.tight_layout()

    fig2, ax = plt.subplots(figsize=(5, 4))
    ax.plot(w0[:n_weights], (decayed - plain)[:n_weights], "o", label="weights")
    w_line = np.array([w0[:n_weights].min(), w0[:n_weights].max()])
    ax.plot(w_line, -decay * w_line, label=f"-eta * alpha' * w (slope {-decay:g})")
    ax.locator_params(axis="x", nbins=5)  # fewer ticks: the labels do not overlap
    ax.set_xlabel("weight w before the step")
    ax.set_ylabel("L2 step minus unregularized step")
    ax.set_title("One SGD step: L2 is weight decay")
    ax.legend()
    fig2.tight_layout()
    if plt.get_backend().lower() != "agg":
        plt.show()
