"""alpha chosen by the evidence against alpha chosen by 5-fold cross-validation.

On diabetes (regression, targets standardized on the training part) and
breast_cancer (classification), 70/30 splits, (8,) and (16,) networks fitted
by L-BFGS: ``GridSearchCV`` over 11 alphas, ``np.logspace(-2, 3, 11)``,
5-fold, refitted on the training part, against ``alpha="evidence"`` with one
prior precision per weight matrix (skreg's) and with one for all the weights
(MacKay's single-alpha variant, ``_evidence_per_layer = False``).  Each row is
the median over three random starts of the wall time of the fit and of the
held-out score (R^2 or accuracy); "speed-up" is the grid search's time over
the evidence's.

Run: ``python benchmarks/evidence.py``.
"""

import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    train_test_split,
)
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

ALPHAS = np.logspace(-2, 3, 11)
SEEDS = (0, 1, 2)


def _diabetes():
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    mean, scale = y_train.mean(), y_train.std()
    return (scaler.transform(X_train), scaler.transform(X_test),
            (y_train - mean) / scale, (y_test - mean) / scale)  # fmt: skip


def _breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def _timed(make, X_train, y_train, X_test, y_test):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model = make().fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return seconds, model.score(X_test, y_test), model


def _evidence(cls, hidden, per_layer, seed):
    def make():
        model = cls(hidden_layer_sizes=hidden, alpha="evidence", solver="lbfgs",
                    max_iter=3000, random_state=seed)  # fmt: skip
        model._evidence_per_layer = per_layer
        return model

    return make


def _grid(cls, hidden, seed, folds):
    def make():
        model = cls(hidden_layer_sizes=hidden, solver="lbfgs", max_iter=3000,
                    random_state=seed)  # fmt: skip
        return GridSearchCV(model, {"alpha": ALPHAS}, cv=folds)

    return make


def run(name, cls, data, hidden, folds):
    X_train, X_test, y_train, y_test = data
    methods = {
        "grid search, 5-fold x 11 alphas": lambda seed: _grid(cls, hidden, seed, folds),
        "evidence, alpha per layer": lambda seed: _evidence(cls, hidden, True, seed),
        "evidence, one alpha": lambda seed: _evidence(cls, hidden, False, seed),
    }
    results = {}
    for method, factory in methods.items():
        runs = [
            _timed(factory(seed), X_train, y_train, X_test, y_test) for seed in SEEDS
        ]
        seconds = float(np.median([r[0] for r in runs]))
        score = float(np.median([r[1] for r in runs]))
        chosen = runs[0][2]
        alpha = (chosen.best_params_["alpha"] if hasattr(chosen, "best_params_")
                 else np.round(chosen.alpha_, 4))  # fmt: skip
        results[method] = (seconds, score, alpha)
    base_seconds, base_score, _ = results["grid search, 5-fold x 11 alphas"]
    for method, (seconds, score, alpha) in results.items():
        print(f"| {name} {hidden} | {method} | {seconds:.2f} | "
              f"{base_seconds / seconds:.1f}x | {score:.3f} | "
              f"{score - base_score:+.3f} | {alpha} |")  # fmt: skip


def main():
    print("| data, network | method | s (median) | speed-up | held-out score | "
          "vs grid search | alpha (first seed) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    diabetes, cancer = _diabetes(), _breast_cancer()
    for hidden in ((8,), (16,)):
        run("diabetes R^2", RegularizedMLPRegressor, diabetes, hidden,
            KFold(5, shuffle=True, random_state=0))  # fmt: skip
    run("breast_cancer accuracy", RegularizedMLPClassifier, cancer, (16,),
        StratifiedKFold(5, shuffle=True, random_state=0))  # fmt: skip


if __name__ == "__main__":
    main()
