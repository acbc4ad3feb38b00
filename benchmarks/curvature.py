"""Curvature of real networks: accuracy per product, and time at scale.

Part 1 (accuracy): on digits with a (32,) classifier (2,410 parameters), the
relative error of the stochastic estimates of the effective number of
parameters (the weights, intercepts profiled out) against the exact value,
for stochastic Lanczos quadrature (SLQ) and for Hutchinson's estimator with
conjugate gradients, by the number of Gauss-Newton-vector products spent
(median over seeds).

Part 2 (scale): a (256, 128) network on 10,000 rows of 100 features (about
59,000 parameters, 10 classes): wall time, products and peak traced memory of
``effective_parameters`` (default settings, with and without the intercepts
profiled out) and ``top_eigenvalues(k=10)`` on ``curvature_operator``.

Run: ``python benchmarks/curvature.py`` (``--only accuracy`` or ``scale``).
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier
from skreg.theory import (
    curvature_operator,
    effective_parameters,
    loss_hessian,
    top_eigenvalues,
)

SEEDS = range(5)


def _fit(X, y, hidden, max_iter):
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=hidden, solver="lbfgs", alpha=1.0, max_iter=max_iter,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


def _estimate(op, alpha, n_w, method, **settings):
    """Median relative error is computed by the caller; products per estimate."""
    estimates, products = [], []
    for seed in SEEDS:
        op.n_products = 0
        estimates.append(
            effective_parameters(
                op, alpha, n_penalized=n_w, method=method, random_state=seed, **settings
            )
        )
        products.append(op.n_products)
    return np.array(estimates), int(np.median(products))


def accuracy():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = _fit(X, y, (32,), 300)
    n_w, alpha = sum(W.size for W in model.coefs_), model.alpha / X.shape[0]
    exact = effective_parameters(
        loss_hessian(model, X, y, kind="gauss_newton"), alpha, n_penalized=n_w
    )
    op = curvature_operator(model, X, y)
    print(f"digits (32,): exact effective parameters (weights) {exact:.2f}\n")
    print("| method | probes | steps | products | median relative error | max |")
    print("|---|---|---|---|---|---|")
    for probes, steps in ((5, 10), (5, 20), (10, 20), (10, 40), (20, 40), (40, 40)):
        estimates, products = _estimate(
            op, alpha, n_w, "slq", n_probes=probes, lanczos_steps=steps
        )
        errors = np.abs(estimates / exact - 1)
        print(f"| slq | {probes} | {steps} | {products} | "
              f"{np.median(errors):.4f} | {errors.max():.4f} |")  # fmt: skip
    estimates, products = _estimate(op, alpha, n_w, "slq")
    errors = np.abs(estimates / exact - 1)
    print(f"| slq (adaptive defaults) | - | - | {products} | "
          f"{np.median(errors):.4f} | {errors.max():.4f} |")  # fmt: skip
    for probes in (5, 10, 20, 40):
        estimates, products = _estimate(op, alpha, n_w, "hutchinson", n_probes=probes)
        errors = np.abs(estimates / exact - 1)
        print(f"| hutchinson (CG to 1e-6) | {probes} | - | {products} | "
              f"{np.median(errors):.4f} | {errors.max():.4f} |")  # fmt: skip


def _timed(function):
    tracemalloc.start()
    start = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return value, seconds, peak


def scale():
    X, y = make_classification(
        n_samples=10_000, n_features=100, n_informative=60, n_classes=10,
        random_state=0,
    )  # fmt: skip
    X = StandardScaler().fit_transform(X)
    model = _fit(X, y, (256, 128), 50)
    n_params = sum(W.size + b.size for W, b in zip(model.coefs_, model.intercepts_,
                                                 strict=True))  # fmt: skip
    n_w, alpha = sum(W.size for W in model.coefs_), model.alpha / X.shape[0]
    print(f"\n(256, 128) on 10,000 x 100, 10 classes: {n_params:,} parameters, "
          f"{n_params**2 * 8 / 2**30:.0f} GiB as a dense matrix\n")  # fmt: skip
    print("| computation | result | seconds | products | peak traced MiB |")
    print("|---|---|---|---|---|")
    op, seconds, peak = _timed(lambda: curvature_operator(model, X, y))
    print(f"| curvature_operator (forward pass) | - | {seconds:.1f} | 0 | {peak:.0f} |")
    tasks = {
        "effective_parameters (all)": lambda: effective_parameters(
            op, alpha, random_state=0
        ),
        "effective_parameters (weights)": lambda: effective_parameters(
            op, alpha, n_penalized=n_w, random_state=0
        ),
        "top_eigenvalues(k=10)": lambda: top_eigenvalues(op, k=10, random_state=0)[0],
    }
    for name, task in tasks.items():
        op.n_products = 0
        value, seconds, peak = _timed(task)
        print(f"| {name} | {value:.4g} | {seconds:.1f} | {op.n_products} | "
              f"{peak:.0f} |")  # fmt: skip
    # The quadrature's bias with a fixed number of steps, on this wide spectrum
    # (the same 4 probes each time: only the steps change).
    print("\n| SLQ, 4 probes | effective parameters (all) | products |")
    print("|---|---|---|")
    for steps in (25, 50, 100):
        op.n_products = 0
        value = effective_parameters(
            op, alpha, n_probes=4, lanczos_steps=steps, random_state=0
        )
        print(f"| {steps} steps | {value:.1f} | {op.n_products} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("accuracy", "scale"))
    args = parser.parse_args()
    if args.only in (None, "accuracy"):
        accuracy()
    if args.only in (None, "scale"):
        scale()


if __name__ == "__main__":
    main()
