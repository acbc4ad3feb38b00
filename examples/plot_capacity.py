"""
=====================================================
Capacity: what is the largest degree of a polynomial?
=====================================================

The classic example of capacity asks, for ``y = a_n x^n + ... + a_1 x + a_0``,
what the largest ``n`` should be.  A polynomial of degree ``n - 1`` goes exactly
through ``n`` points, so the training error can always be driven to zero by raising the
degree: it cannot choose the capacity.  This example shows the three ways out
with :class:`skreg.PolynomialCapacity` and :func:`skreg.capacity_curve`:

1. the training error falls to zero with the degree while the validation error
   turns up, so the degree is chosen on the validation error (with the
   one-standard-error rule, the simplest degree as good as the best);
2. a penalty that grows with the degree of each term lets a high-degree
   polynomial keep a small capacity, chosen the same way over ``alpha``;
3. the same study applies to any estimator, here the hidden layer of a
   :class:`skreg.RegularizedMLPRegressor`.
"""

# %%
# Twenty noisy points of a cubic
# ------------------------------
# ``y = 0.5 + x - 2 x^2 + 3 x^3`` plus Gaussian noise of standard deviation 0.3,
# at 20 points drawn uniformly on [-1, 1].
import numpy as np
from sklearn.model_selection import KFold

from skreg import PolynomialCapacity, RegularizedMLPRegressor, capacity_curve

rng = np.random.default_rng(0)
n_samples = 20
cubic = [0.5, 1.0, -2.0, 3.0]
X = np.sort(rng.uniform(-1, 1, size=n_samples)).reshape(-1, 1)
y = np.polynomial.polynomial.polyval(X[:, 0], cubic)
y += rng.normal(scale=0.3, size=n_samples)

# %%
# Degree n - 1 fits n points exactly
# ----------------------------------
# The training error of the fits of degree 1, 3, 9 and 19: at degree 19 the
# polynomial interpolates the 20 points, noise included.
degrees_shown = [1, 3, 9, n_samples - 1]
fits = {d: PolynomialCapacity(degree=d).fit(X, y) for d in degrees_shown}
print("training mean squared error on all 20 points")
for degree, model in fits.items():
    mse = np.mean((model.predict(X) - y) ** 2)
    print(f"  degree {degree:2d}: {mse:.3g}")

# %%
# Choosing the degree by cross-validation
# ---------------------------------------
# Five folds: each model is fitted on 16 points and scored on the other 4.  The
# degrees are listed from the simplest to the most complex, which the
# one-standard-error rule relies on.  Degree 15 interpolates every training
# part.
cv = KFold(n_splits=5, shuffle=True, random_state=0)
degree_curve = capacity_curve(
    PolynomialCapacity(), X, y, param_range=range(16), cv=cv,
    scoring="neg_mean_squared_error",
)  # fmt: skip
train_mse = -degree_curve.train_scores_mean
validation_mse = -degree_curve.validation_scores_mean
print("\ndegree  training MSE  validation MSE")
for degree, train, validation in zip(
    degree_curve.param_range, train_mse, validation_mse, strict=True
):
    print(f"{degree:6d}  {train:12.3g}  {validation:14.3g}")
print(
    f"best degree: {degree_curve.best_param_}; "
    f"one-standard-error degree: {degree_curve.one_se_param_}"
)

# %%
# A penalty that grows with the degree
# ------------------------------------
# Keep degree 15, enough to interpolate every training part, and penalise the
# standardized coefficient of a term of degree ``k`` with weight
# ``alpha * k**2`` (``degree_power=2``).  ``alpha`` is listed from the
# strongest penalty (the simplest model) to the weakest.
alphas = np.logspace(2, -4, 13)
penalized = PolynomialCapacity(degree=15, alpha=1.0, degree_power=2.0)
alpha_curve = capacity_curve(
    penalized, X, y, param_name="alpha", param_range=alphas, cv=cv,
    scoring="neg_mean_squared_error",
)  # fmt: skip
best = alpha_curve.best_index_
print(
    f"\ndegree 15, degree_power=2: best alpha {alpha_curve.best_param_:.3g} "
    f"(validation MSE {-alpha_curve.validation_scores_mean[best]:.3g}); "
    f"one-standard-error alpha {alpha_curve.one_se_param_:.3g}"
)

# The standardized coefficients of the chosen model, by degree: the terms of
# high degree are shrunk the most.
chosen = PolynomialCapacity(
    degree=15, alpha=alpha_curve.one_se_param_, degree_power=2.0
)
chosen.fit(X, y)
standardized = chosen.coef_ * (X ** chosen.powers_[:, 0]).std(axis=0)
print("standardized coefficients by degree at the one-standard-error alpha:")
print("  " + " ".join(f"{b:+.2f}" for b in standardized))

# %%
# The same study for a network
# ----------------------------
# ``capacity_curve`` works with any estimator: here the number of hidden units
# of a small network trained by L-BFGS, from none (a linear model) to 8.
# L-BFGS runs every fit to convergence (on 16 points it needs up to a few
# hundred iterations, more than the default ``max_iter=200``).
sizes = [(), (1,), (2,), (4,), (8,)]
mlp = RegularizedMLPRegressor(
    solver="lbfgs", activation="tanh", alpha=1e-4, max_iter=2000, random_state=0
)
mlp_curve = capacity_curve(
    mlp, X, y, param_name="hidden_layer_sizes", param_range=sizes, cv=cv,
    scoring="neg_mean_squared_error",
)  # fmt: skip
print("\nhidden_layer_sizes  training MSE  validation MSE")
for size, train, validation in zip(
    sizes, -mlp_curve.train_scores_mean, -mlp_curve.validation_scores_mean, strict=True
):
    print(f"{str(size):>18}  {train:12.3g}  {validation:14.3g}")
print(f"best: {mlp_curve.best_param_}; one standard error: {mlp_curve.one_se_param_}")

# %%
# Figures
# -------
# Top left, the fits of increasing degree; top right, the training and
# validation errors against the degree (log scale: the training error reaches
# rounding level at degree 15).  Bottom, :meth:`CapacityCurve.plot
# <skreg._capacity.CapacityCurve.plot>` draws the mean scores (negated mean
# squared errors) with a band of one standard deviation over the folds, and
# marks the best and the one-standard-error values: against ``alpha`` at
# degree 15, and against the hidden units of the network.
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is None:
    print("matplotlib is not installed: skipping the figures.")
else:
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    ax = axes[0, 0]
    grid = np.linspace(-1, 1, 400).reshape(-1, 1)
    ax.plot(X[:, 0], y, "ko", label="data")
    for degree, model in fits.items():
        ax.plot(grid[:, 0], model.predict(grid), label=f"degree {degree}")
    ax.set_ylim(y.min() - 1, y.max() + 1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Degree n - 1 fits n points")
    ax.legend(fontsize="small")

    ax = axes[0, 1]
    ax.semilogy(degree_curve.param_range, train_mse, "o-", label="training")
    ax.semilogy(degree_curve.param_range, validation_mse, "o-", label="validation")
    ax.axvline(degree_curve.one_se_param_, color="k", linestyle=":",
               label=f"one standard error: {degree_curve.one_se_param_}")  # fmt: skip
    ax.set_xlabel("degree")
    ax.set_ylabel("mean squared error")
    ax.set_title("Training error alone cannot choose the degree")
    ax.legend(fontsize="small")

    ax = alpha_curve.plot(axes[1, 0])
    ax.set_xscale("log")
    ax.set_ylim(-1.0, 0.05)
    ax.set_title("Degree 15 with a penalty alpha * k**2")

    ax = mlp_curve.plot(axes[1, 1])
    ax.set_ylim(-1.0, 0.05)
    ax.set_title("RegularizedMLPRegressor: hidden units")
    fig.tight_layout()
    if plt.get_backend().lower() != "agg":
        plt.show()
