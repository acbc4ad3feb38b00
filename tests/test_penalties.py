"""Penalty values and proximal operators (docs/penalties.rst)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skreg._penalties import make_penalty

CASES = [(None, 0.5), ("l2", 0.5), ("l1", 0.5), ("elasticnet", 0.3)]


@pytest.mark.parametrize("name, l1_ratio", CASES)
def test_value_matches_formula(name, l1_ratio):
    rng = np.random.default_rng(0)
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    W = np.concatenate([c.ravel() for c in coefs])
    expected = {
        None: 0.0,
        "l2": 0.5 * W @ W,
        "l1": np.abs(W).sum(),
        "elasticnet": l1_ratio * np.abs(W).sum() + (1 - l1_ratio) / 2 * W @ W,
    }[name]
    assert make_penalty(name, l1_ratio).value(coefs) == pytest.approx(expected)


@pytest.mark.parametrize("name, l1_ratio", CASES)
@pytest.mark.parametrize("step", [0.05, 0.7])
def test_prox_is_the_brute_force_minimiser(name, l1_ratio, step):
    # prox(w) = argmin_v 1/2 (v - w)^2 + step * Omega(v), found on a fine grid
    penalty = make_penalty(name, l1_ratio)
    w = np.array([-2.0, -0.6, -0.02, 0.0, 0.03, 0.4, 1.5])
    grid = np.linspace(-3, 3, 600001)
    omega = penalty.l1 * np.abs(grid) + 0.5 * penalty.l2 * grid**2
    expected = [grid[np.argmin(0.5 * (grid - wi) ** 2 + step * omega)] for wi in w]
    assert_allclose(penalty.prox(w.copy(), step), expected, atol=2e-5)


def test_soft_threshold_gives_exact_zeros_with_per_coordinate_steps():
    penalty = make_penalty("l1")
    w = np.array([0.3, -0.3, 0.3, 2.0])
    steps = np.array([0.5, 0.5, 0.1, 0.5])  # Adam-like: one step per coordinate
    result = penalty.prox(w, steps)
    assert_allclose(result, [0.0, 0.0, 0.2, 1.5])
    assert result[0] == 0.0 and result[1] == 0.0  # exactly, not approximately


def test_smooth_gradient_is_weight_decay():
    penalty = make_penalty("l2")
    assert penalty.is_smooth and not make_penalty("l1").is_smooth
    coef = np.array([[1.0, -2.0]])
    grad = np.array([[0.5, 0.5]])
    penalty.add_gradient(coef, grad, strength=0.1)
    assert_allclose(grad, [[0.6, 0.3]])
