"""A network with no hidden layer is a linear model: compare with scikit-learn's
convex solvers (docs/objective.rst, "Linear models as a check").

With n samples, our objective (sum_i loss_i + alpha * Omega(W)) / n converts to
    Ridge(alpha)                          (sum of squares + alpha ||w||^2, times 1/2)
    Lasso(alpha / n)                      (mean of squares / 2 + alpha/n |w|)
    ElasticNet(alpha / n, l1_ratio)
    LogisticRegression(C = 1 / alpha)     (C sum log-loss + ||w||^2 / 2)
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

TIGHT = dict(hidden_layer_sizes=(), solver="lbfgs", tol=1e-12, max_iter=20000)


@pytest.fixture
def regression_data():
    X, y = make_regression(
        n_samples=120, n_features=8, n_informative=4, noise=5.0, random_state=0
    )
    return StandardScaler().fit_transform(X), y / 10 + 3.0


def _linear_fit(X, y, **params):
    model = RegularizedMLPRegressor(**TIGHT, random_state=0, **params).fit(X, y)
    return model.coefs_[0].ravel(), model.intercepts_[0][0], model


@pytest.mark.parametrize("alpha", [0.5, 10.0, 200.0])
def test_l2_linear_regressor_equals_ridge(regression_data, alpha):
    X, y = regression_data
    coef, intercept, _ = _linear_fit(X, y, penalty="l2", alpha=alpha)
    ridge = Ridge(alpha=alpha).fit(X, y)
    assert_allclose(coef, ridge.coef_, rtol=1e-4)
    assert intercept == pytest.approx(ridge.intercept_, rel=1e-4)


@pytest.mark.parametrize("alpha", [5.0, 40.0])
def test_l1_linear_regressor_equals_lasso_with_same_zeros(regression_data, alpha):
    X, y = regression_data
    n = X.shape[0]
    coef, intercept, model = _linear_fit(X, y, penalty="l1", alpha=alpha)
    lasso = Lasso(alpha=alpha / n, tol=1e-14, max_iter=100000).fit(X, y)
    assert_array_equal(coef == 0, lasso.coef_ == 0)
    assert (coef == 0).sum() >= 2  # the test is about zeros: there must be some
    assert_allclose(coef, lasso.coef_, rtol=1e-4, atol=1e-8)
    assert intercept == pytest.approx(lasso.intercept_, rel=1e-4)
    assert model.sparsity_[0] == pytest.approx(np.mean(lasso.coef_ == 0))


@pytest.mark.parametrize("l1_ratio", [0.2, 0.7])
def test_elasticnet_linear_regressor_equals_elasticnet(regression_data, l1_ratio):
    X, y = regression_data
    n, alpha = X.shape[0], 30.0
    coef, intercept, _ = _linear_fit(
        X, y, penalty="elasticnet", alpha=alpha, l1_ratio=l1_ratio
    )
    enet = ElasticNet(
        alpha=alpha / n, l1_ratio=l1_ratio, tol=1e-14, max_iter=100000
    ).fit(X, y)
    assert_array_equal(coef == 0, enet.coef_ == 0)
    assert_allclose(coef, enet.coef_, rtol=1e-4, atol=1e-8)
    assert intercept == pytest.approx(enet.intercept_, rel=1e-4)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("alpha", [0.1, 5.0])
def test_l2_linear_classifier_equals_logistic_regression(n_classes, alpha):
    X, y = make_classification(
        n_samples=150, n_features=6, n_informative=4, n_classes=n_classes,
        random_state=1,
    )  # fmt: skip
    clf = RegularizedMLPClassifier(**TIGHT, penalty="l2", alpha=alpha, random_state=1)
    clf.fit(X, y)
    logreg = LogisticRegression(C=1 / alpha, tol=1e-12, max_iter=20000).fit(X, y)
    assert_allclose(clf.predict_proba(X), logreg.predict_proba(X), rtol=1e-4)
    if n_classes == 2:  # one logistic output: the same parametrisation
        assert_allclose(clf.coefs_[0].ravel(), logreg.coef_.ravel(), rtol=1e-4)
    else:  # softmax with K outputs: the same (symmetric) multinomial model
        assert_allclose(clf.coefs_[0].T, logreg.coef_, rtol=1e-4)
