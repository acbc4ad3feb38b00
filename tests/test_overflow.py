"""Extreme logits and inputs: finite losses, activations and probabilities.

No RuntimeWarning (overflow, invalid value) reaches the user on the way: the
``runtime_warnings_are_errors`` fixture makes one an error.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skreg import RegularizedMLPClassifier
from skreg._network.activations import ACTIVATIONS
from skreg._network.losses import LOSSES

EXTREME_LOGITS = [-1e300, -1e4, -745.0, -710.0, -40.0, 0.0, 40.0, 710.0, 1e4, 1e300]


@pytest.mark.parametrize("out_activation", ["logistic", "softmax"])
def test_log_losses_are_finite_at_extreme_logits(out_activation):
    loss = LOSSES[out_activation]
    z = np.array([[800.0, -800.0, 0.0]])
    Y = np.array([[0.0, 1.0, 0.0]])
    delta = np.empty_like(z)
    value = loss.value_and_delta(z, Y, None, delta)
    assert np.isfinite(value) and value > 1000
    assert np.isfinite(delta).all()


@pytest.mark.usefixtures("runtime_warnings_are_errors")
def test_logistic_log_loss_at_extreme_logits():
    loss = LOSSES["logistic"]
    z = np.array(EXTREME_LOGITS)[:, None]
    for target in (0.0, 1.0):
        Y = np.full_like(z, target)
        delta = np.empty_like(z)
        value = loss.value_and_delta(z, Y, None, delta)
        per_sample = loss.per_sample(z, loss.prediction(z), Y)
        assert np.isfinite(value) and np.isfinite(per_sample).all()
        assert (per_sample >= 0).all()
        assert np.isfinite(delta).all() and (np.abs(delta) <= 1).all()
    probability = loss.prediction(z)
    assert ((probability >= 0) & (probability <= 1)).all()
    # the loss of the right answer at a huge margin is exactly zero
    assert loss.per_sample(z[-1:], probability[-1:], np.ones((1, 1)))[0] == 0.0


@pytest.mark.usefixtures("runtime_warnings_are_errors")
def test_softmax_cross_entropy_at_extreme_logits():
    loss = LOSSES["softmax"]
    logits = np.array(EXTREME_LOGITS)
    z = np.array([[a, b, 0.0] for a in logits for b in logits])
    Y = np.zeros_like(z)
    Y[:, 0] = 1.0
    probability = loss.prediction(z)
    assert np.isfinite(probability).all()
    np.testing.assert_allclose(probability.sum(axis=1), 1.0, rtol=1e-12)
    per_sample = loss.per_sample(z, probability, Y)
    assert np.isfinite(per_sample).all() and (per_sample >= 0).all()
    delta = np.empty_like(z)
    assert np.isfinite(loss.value_and_delta(z, Y, None, delta))
    assert np.isfinite(delta).all()


@pytest.mark.usefixtures("runtime_warnings_are_errors")
@pytest.mark.parametrize("name", ["logistic", "tanh", "relu", "identity"])
def test_hidden_activations_at_extreme_inputs(name):
    z = np.array(EXTREME_LOGITS)
    out = ACTIVATIONS[name].forward(z.copy())
    assert np.isfinite(out).all()


@pytest.mark.usefixtures("runtime_warnings_are_errors")
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_proba_at_extreme_logits(solver, n_classes):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 4))
    y = np.arange(60) % n_classes
    X[:, 0] += 3 * y
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver=solver, max_iter=300, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    for scale in (1e3, 1e8, 1e100):  # the logits grow with the inputs
        probability = model.predict_proba(scale * X)
        assert np.isfinite(probability).all()
        np.testing.assert_allclose(probability.sum(axis=1), 1.0, rtol=1e-12)
        assert np.isin(model.predict(scale * X), model.classes_).all()
        model.predict_log_proba(scale * X)  # log(0) = -inf, without a warning
