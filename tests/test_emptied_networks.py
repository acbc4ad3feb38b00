"""Penalties too strong for the data: the emptied network and an absurd alpha.

A network its penalty emptied is a constant, and the constant it predicts is
the one its unpenalised output intercepts make best: the weighted mean of the
targets (class frequencies for a classifier).  An alpha so large that the
penalty's terms overflow is refused as too large, not blamed on the data.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes, load_iris

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg._network.losses import LOSSES


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X, y / y.std()


def _quiet_fit(model, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the empty network's warnings
        return model.fit(X, y, **fit_params)


@pytest.mark.parametrize("alpha", [1e6, 1e100, 1e150])
def test_an_l2_emptied_regressor_predicts_the_weighted_mean(diabetes, alpha):
    # L-BFGS stopped with the intercept unfitted: alpha=1e100 predicted 0.14
    # for a mean of 1.98 (as scikit-learn's MLP does)
    X, y = diabetes
    weights = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), solver="lbfgs", alpha=alpha, random_state=0
    )
    _quiet_fit(model, X, y, sample_weight=weights)
    assert_allclose(model.predict(X), np.average(y, weights=weights), rtol=1e-10)
    assert model.loss_ == pytest.approx(
        0.5 * np.average((y - np.average(y, weights=weights)) ** 2, weights=weights),
        rel=1e-6,
    )


def test_an_emptied_poisson_regressor_predicts_the_mean(diabetes):
    X, y = diabetes
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), solver="lbfgs", loss="poisson", alpha=1e100,
        random_state=0,
    )  # fmt: skip
    _quiet_fit(model, X, y)
    assert_allclose(model.predict(X), y.mean(), rtol=1e-10)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_an_emptied_classifier_predicts_the_class_frequencies(solver):
    X, y = load_iris(return_X_y=True)
    X, y = X[:120], y[:120]  # classes 50, 50, 20
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver=solver, penalty="l1", alpha=1e100,
        max_iter=20, random_state=0,
    )  # fmt: skip
    _quiet_fit(model, X, y)
    assert_allclose(model.predict_proba(X[:3]), [[5 / 12, 5 / 12, 1 / 6]] * 3)
    binary = _quiet_fit(model, X[:70], y[:70])  # 50 and 20
    assert_allclose(binary.predict_proba(X[:1]), [[5 / 7, 2 / 7]])


def test_a_trained_network_keeps_its_intercepts(diabetes):
    X, y = diabetes
    params = dict(hidden_layer_sizes=(8,), solver="lbfgs", alpha=1.0, random_state=0)
    model = _quiet_fit(RegularizedMLPRegressor(**params), X, y)
    assert np.std(model.predict(X)) > 0.3  # not a constant: untouched


@pytest.mark.parametrize("out_activation", ["identity", "exp", "logistic", "softmax"])
def test_the_link_inverts_the_output_activation(out_activation):
    loss = LOSSES[out_activation]
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 3))
    prediction = loss.prediction(z)
    recovered = loss.prediction(loss.link(prediction))
    assert_allclose(recovered, prediction, rtol=1e-12)


@pytest.mark.parametrize(
    "solver, penalty, alpha",
    [
        ("lbfgs", "l2", 1e160),
        ("sgd", "l2", 1e200),
        ("adam", "l2", 1e308),
        ("lbfgs", "l1", 1e300),
        ("lbfgs", "elasticnet", 1e300),
    ],
)
def test_an_overflowing_alpha_is_called_too_large(diabetes, solver, penalty, alpha):
    # they raised "non-finite weights ... input data may contain large values"
    X, y = diabetes
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), solver=solver, penalty=penalty, alpha=alpha,
        max_iter=20, random_state=0,
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"alpha=1e\+\d+ is too large.*alpha_max"):
        _quiet_fit(model, X, y)


def test_scikit_learns_mlp_leaves_the_intercept_unfitted(diabetes):
    # the documented difference (docs/differences.rst), side by side
    from sklearn.neural_network import MLPRegressor

    X, y = diabetes
    params = dict(hidden_layer_sizes=(8,), solver="lbfgs", alpha=1e100, random_state=0)
    theirs = _quiet_fit(MLPRegressor(**params), X, y)
    ours = _quiet_fit(RegularizedMLPRegressor(**params), X, y)
    assert abs(theirs.predict(X[:1])[0] - y.mean()) > 0.5
    assert ours.predict(X[:1])[0] == pytest.approx(y.mean(), rel=1e-12)
