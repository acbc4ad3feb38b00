"""Exact single-step arithmetic of the stochastic optimizers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skreg._solvers.optimizers import AdamOptimizer, SGDOptimizer


def _param_and_grad():
    return [np.array([1.0, -2.0, 3.0])], [np.array([0.5, -0.25, 4.0])]


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_steps(nesterov):
    params, grads = _param_and_grad()
    p0, g = params[0].copy(), grads[0]
    opt = SGDOptimizer(params, 0.1, momentum=0.9, nesterov=nesterov)
    opt.update(params, grads)
    v1 = -0.1 * g
    assert_allclose(params[0], p0 + (0.9 * v1 - 0.1 * g if nesterov else v1))
    p1 = params[0].copy()
    opt.update(params, grads)
    v2 = 0.9 * v1 - 0.1 * g
    assert_allclose(params[0], p1 + (0.9 * v2 - 0.1 * g if nesterov else v2))
    assert opt.step_size(0) == pytest.approx(0.1 / (1 - 0.9))


def test_sgd_schedules():
    params, _ = _param_and_grad()
    opt = SGDOptimizer(params, 0.1, lr_schedule="invscaling", power_t=0.5)
    opt.iteration_ends(time_step=99)
    assert opt.learning_rate == pytest.approx(0.1 / 10)
    adaptive = SGDOptimizer(params, 0.1, lr_schedule="adaptive")
    assert adaptive.trigger_stopping()[0] is False
    assert adaptive.learning_rate == pytest.approx(0.02)
    assert SGDOptimizer(params, 0.1).trigger_stopping()[0] is True


def test_adam_first_two_steps():
    params, grads = _param_and_grad()
    p0, g = params[0].copy(), grads[0]
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = AdamOptimizer(params, lr, b1, b2, eps)
    opt.update(params, [g.copy()])  # grads are scratch for Adam
    m, v = (1 - b1) * g, (1 - b2) * g**2
    lr_t = lr * np.sqrt(1 - b2) / (1 - b1)
    step = lr_t / (np.sqrt(v) + eps)
    assert_allclose(params[0], p0 - step * m, rtol=1e-12)
    assert_allclose(opt.step_size(0), step, rtol=1e-12)
    p1 = params[0].copy()
    opt.update(params, [g.copy()])  # grads are scratch for Adam
    m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    lr_t = lr * np.sqrt(1 - b2**2) / (1 - b1**2)
    assert_allclose(params[0], p1 - lr_t * m / (np.sqrt(v) + eps), rtol=1e-12)


@pytest.mark.parametrize("n_rows, batch_size", [(250, 200), (200, 200), (7, 3), (1, 5)])
def test_batch_slices_are_those_of_gen_batches(n_rows, batch_size):
    from sklearn.utils import gen_batches

    from skreg._solvers.stochastic import batch_slices

    assert batch_slices(n_rows, batch_size) == list(gen_batches(n_rows, batch_size))
