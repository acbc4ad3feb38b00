"""Finite-difference checks of the hand-written backprop (docs/network.rst)."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skreg._network import (
    ParameterLayout,
    Workspace,
    forward,
    loss_and_gradient,
    predict_output,
)
from skreg._network.activations import ACTIVATIONS as ACTIVATION_TABLE
from skreg._network.losses import LOSSES
from skreg._penalties import make_penalty
from skreg._solvers import Objective

ACTIVATIONS = list(ACTIVATION_TABLE)  # every activation the estimators offer
LAYERS = [5, 4, 3]  # input, hidden..., outputs are added per loss


def _targets(out_activation, rng, n, n_outputs):
    if out_activation == "identity":
        return rng.normal(size=(n, n_outputs))
    if out_activation == "exp":
        return rng.poisson(2.0, size=(n, n_outputs)).astype(float)
    if out_activation == "logistic":
        return (rng.random((n, n_outputs)) > 0.5).astype(float)
    return np.eye(n_outputs)[rng.integers(0, n_outputs, n)]


def _problem(out_activation, n_outputs, seed=0, n=9):
    rng = np.random.default_rng(seed)
    units = LAYERS + [n_outputs]
    coefs = [
        rng.normal(scale=0.7, size=(a, b))
        for a, b in zip(units[:-1], units[1:], strict=True)
    ]
    intercepts = [rng.normal(scale=0.3, size=b) for b in units[1:]]
    X = rng.normal(size=(n, units[0]))
    Y = _targets(out_activation, rng, n, n_outputs)
    sample_weight = rng.uniform(0.5, 2.0, n)
    return coefs, intercepts, X, Y, sample_weight


def _finite_difference(fun, theta, eps=1e-6):
    grad = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        grad[i] = (fun(theta + step)[0] - fun(theta - step)[0]) / (2 * eps)
    return grad


OUTPUTS = [
    ("identity", 2),
    ("exp", 2),
    ("logistic", 1),
    ("logistic", 3),
    ("softmax", 3),
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("out_activation, n_outputs", OUTPUTS)
@pytest.mark.parametrize("penalty", [None, "l2"])
def test_backprop_matches_finite_differences(
    activation, out_activation, n_outputs, penalty
):
    coefs, intercepts, X, Y, sw = _problem(out_activation, n_outputs)
    units = [X.shape[1]] + [W.shape[1] for W in coefs]
    objective = Objective(
        units, activation, LOSSES[out_activation], make_penalty(penalty), 0.3, X, Y, sw
    )
    theta = ParameterLayout(units).pack(coefs, intercepts, np.float64)
    _, analytic = objective.value_and_gradient(theta)
    numeric = _finite_difference(objective.value_and_gradient, theta)
    rel_error = np.linalg.norm(analytic - numeric) / np.linalg.norm(numeric)
    assert rel_error < 1e-6


def test_gradient_is_sum_over_samples_of_per_sample_gradients():
    # No loops over samples in backprop: the batch gradient equals the sum of
    # one-sample gradients computed separately.
    coefs, intercepts, X, Y, sw = _problem("softmax", 3)
    loss = LOSSES["softmax"]
    _, coef_grads, intercept_grads = loss_and_gradient(
        coefs, intercepts, X, Y, sw, "tanh", loss
    )
    total = [np.zeros_like(g) for g in coef_grads + intercept_grads]
    for i in range(X.shape[0]):
        _, cg, ig = loss_and_gradient(
            coefs, intercepts, X[i : i + 1], Y[i : i + 1], sw[i : i + 1], "tanh", loss
        )
        for acc, g in zip(total, cg + ig, strict=True):
            acc += g
    for acc, g in zip(total, coef_grads + intercept_grads, strict=True):
        assert_allclose(acc, g, rtol=1e-10, atol=1e-12)


def _gradient_copy(*args, **kwargs):
    value, coef_grads, intercept_grads = loss_and_gradient(*args, **kwargs)
    return value, [g.copy() for g in coef_grads + intercept_grads]


def test_reused_workspace_and_sparse_input_give_the_same_gradient():
    coefs, intercepts, X, Y, sw = _problem("identity", 2)
    X = np.where(np.abs(X) > 0.5, X, 0.0)
    loss = LOSSES["identity"]
    expected_value, expected = _gradient_copy(coefs, intercepts, X, Y, sw, "relu", loss)
    # a larger workspace, already used by another batch, and a sparse copy of X
    workspace = Workspace.for_params(coefs, 20)
    loss_and_gradient(coefs, intercepts, X[:3], Y[:3], sw[:3], "relu", loss, workspace)
    for data in (X, sp.csr_matrix(X), sp.csc_matrix(X)):
        value, grads = _gradient_copy(
            coefs, intercepts, data, Y, sw, "relu", loss, workspace
        )
        assert value == pytest.approx(expected_value, rel=1e-12)
        for a, b in zip(grads, expected, strict=True):
            assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_forward_returns_logits_and_prediction_applies_output_activation():
    coefs, intercepts, X, _, _ = _problem("softmax", 3)
    logits = forward(coefs, intercepts, X, "logistic")[-1]
    proba = predict_output(coefs, intercepts, X, "logistic", LOSSES["softmax"])
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(np.log(proba) - np.log(proba[:, :1]), logits - logits[:, :1])
