"""Warm-started path fits against cold fits, per penalty, in the study's setting.

Digits (standardized), the command-line study's networks and solvers for each
penalty (``skreg._cli.study.make_cv_estimator``: a (32,) network, L-BFGS for
the smooth penalties, Adam otherwise), the study's alphas, 3 stratified
folds.  For alpha 1 and 0.1 it prints the CV estimator's mean held-out
accuracy along its paths and that of cold fits (``cross_validate`` of the
plain estimator at that alpha), and the fraction of zero weights of both.

Run: ``python benchmarks/paths.py``.
"""

import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier
from skreg._cli.study import DEFAULT_ALPHAS, make_cv_estimator, mlp_params
from skreg._network.layout import zero_fraction

PENALTIES = ("l2", "group_lasso", "l1", "elasticnet", "l0")
SHOWN_ALPHAS = (1.0, 0.1)


def _cold(penalty, alpha, X, y, cv):
    model = make_pipeline(
        StandardScaler(),
        RegularizedMLPClassifier(
            penalty=penalty, alpha=alpha, random_state=0, **mlp_params(penalty)
        ),
    )
    out = cross_validate(model, X, y, cv=cv, return_estimator=True)
    zeros = np.mean([zero_fraction(e[-1].coefs_) for e in out["estimator"]])
    return out["test_score"].mean(), zeros


def main():
    X, y = load_digits(return_X_y=True)
    cv = StratifiedKFold(3)
    print("penalty      alpha  cold fits  path   zeros, cold / path")
    for penalty in PENALTIES:
        estimator = make_cv_estimator("classification", (penalty,), DEFAULT_ALPHAS, cv)
        results = estimator.fit(X, y)[-1].cv_results_
        for alpha in SHOWN_ALPHAS:
            k = int(np.argmin(np.abs(results["param_alpha"] - alpha)))
            score, zeros = _cold(penalty, alpha, X, y, cv)
            print(
                f"{penalty:12s} {alpha:5g}  {score:.3f}      "
                f"{results['mean_test_score'][k]:.3f}  "
                f"{zeros:.2f} / {results['mean_zero_fraction'][k]:.2f}"
            )


if __name__ == "__main__":
    with warnings.catch_warnings():
        # the study's budgets are short on purpose (as in the study itself)
        warnings.simplefilter("ignore")
        main()
