"""Choosing alpha: RegularizedMLPClassifierCV against GridSearchCV, same grid.

Digits, a stratified 70/30 split (inputs scaled to [0, 1] by 16, the pixel
range), a (64,) network fitted by Adam with ``max_iter=100``, 8 alphas from 100
down to 0.01 on a log scale, 5-fold stratified cross-validation.
``GridSearchCV`` fits every (fold, alpha) from a fresh initialisation and
refits the best alpha once; the CV estimator fits each fold along the alphas
with warm starts and refits along the path down to the chosen alpha.  Both
run with ``n_jobs=1`` and with ``n_jobs=2`` (joblib's worker processes are
started, and skreg imported in them, before timing).  Each row is the median
over three seeds (the networks' ``random_state``) of the wall time and the
held-out accuracy on the 30%; "speed-up" is the grid search's time over the
CV estimator's, in the same run.

Run: ``python benchmarks/cv.py`` (``--quick``: one seed).
"""

import argparse
import time
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

from skreg import RegularizedMLPClassifier, RegularizedMLPClassifierCV

ALPHAS = np.geomspace(100, 0.01, 8)
NETWORK = {"hidden_layer_sizes": (64,), "solver": "adam", "max_iter": 100}


def _data():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, train_size=0.7, stratify=y, random_state=0)


def _grid_search(seed, n_jobs):
    model = RegularizedMLPClassifier(**NETWORK, random_state=seed)
    return GridSearchCV(model, {"alpha": ALPHAS}, cv=StratifiedKFold(5), n_jobs=n_jobs)


def _cv_estimator(seed, n_jobs):
    return RegularizedMLPClassifierCV(
        **NETWORK, alphas=ALPHAS, cv=StratifiedKFold(5), n_jobs=n_jobs,
        random_state=seed,
    )  # fmt: skip


def _chosen_alpha(model):
    if hasattr(model, "best_params_"):  # GridSearchCV
        return model.best_params_["alpha"]
    return model.alpha_


def _timed(make, seed, n_jobs, data):
    X_train, X_test, y_train, y_test = data
    with warnings.catch_warnings():
        # 100 epochs stop the strongest alphas early in both, by design
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model = make(seed, n_jobs).fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return seconds, model.score(X_test, y_test), _chosen_alpha(model)


def _warm_up_workers(n_jobs):
    Parallel(n_jobs=n_jobs)(delayed(_import_skreg)() for _ in range(n_jobs))


def _import_skreg():
    import skreg  # noqa: F401


def run(seeds):
    data = _data()
    rows = []
    for n_jobs in (1, 2):
        if n_jobs > 1:
            _warm_up_workers(n_jobs)
        grid = [_timed(_grid_search, s, n_jobs, data) for s in seeds]
        path = [_timed(_cv_estimator, s, n_jobs, data) for s in seeds]
        rows.append((n_jobs, np.median(grid, axis=0), np.median(path, axis=0)))
    return rows


def _print(rows):
    print(
        f"{'n_jobs':>6}  {'GridSearchCV s':>14}  {'CV estimator s':>14}  "
        f"{'speed-up':>8}  {'grid acc':>8}  {'CV acc':>8}  {'grid alpha':>10}  "
        f"{'CV alpha':>8}"
    )
    for n_jobs, grid, path in rows:
        print(
            f"{n_jobs:>6}  {grid[0]:>14.2f}  {path[0]:>14.2f}  "
            f"{grid[0] / path[0]:>7.1f}x  {grid[1]:>8.3f}  {path[1]:>8.3f}  "
            f"{grid[2]:>10.3g}  {path[2]:>8.3g}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed")
    args = parser.parse_args()
    _print(run((0,) if args.quick else (0, 1, 2)))


if __name__ == "__main__":
    main()
