"""scikit-learn's estimator checks, every one, for each penalty.

The full-batch case of every stochastic check is exercised with "lbfgs" and with
"adam"; no check is marked as an expected failure.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

# the checks fit with few iterations on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PENALTIES = [None, "l2", "l1", "elasticnet"]


def _instances():
    for penalty in PENALTIES:
        for Estimator in (RegularizedMLPClassifier, RegularizedMLPRegressor):
            yield Estimator(penalty=penalty, solver="lbfgs", max_iter=100)
    yield RegularizedMLPClassifier(penalty="l1", max_iter=100)
    yield RegularizedMLPRegressor(penalty="elasticnet", max_iter=100)
    yield RegularizedMLPClassifier(penalty="group_lasso", max_iter=100)
    yield RegularizedMLPRegressor(penalty="l0", max_iter=100)
    yield RegularizedMLPClassifier(penalty="sparse_group_lasso", max_iter=100)
    yield RegularizedMLPRegressor(penalty="sparse_group_lasso", max_iter=100)
    yield RegularizedMLPRegressor(
        penalty="sparse_group_lasso", l1_ratio=1.0, solver="lbfgs", max_iter=100
    )


@parametrize_with_checks(list(_instances()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
