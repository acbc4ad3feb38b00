"""Hidden-layer activations and their derivatives.

Each activation works in place on the pre-activation ``z`` and returns the
output ``x = g(z)``.  Each derivative multiplies a back-propagated gradient by
``g'(z)`` *written in terms of the output x*, so the backward pass never needs
to keep ``z`` (MATH.md section 1: the Jacobian dx/dz is diagonal, hence an
elementwise product).
"""

import numpy as np
from scipy.special import expit


def _identity(z):
    return z


def _logistic(z):
    return expit(z, out=z)


def _tanh(z):
    return np.tanh(z, out=z)


def _relu(z):
    return np.maximum(z, 0, out=z)


def _identity_derivative(x, delta):
    """g'(z) = 1."""


def _logistic_derivative(x, delta):
    """g'(z) = x (1 - x)."""
    delta *= x
    delta *= 1 - x


def _tanh_derivative(x, delta):
    """g'(z) = 1 - x**2."""
    delta *= 1 - x**2


def _relu_derivative(x, delta):
    """g'(z) = 1 where x > 0, else 0."""
    np.multiply(delta, x > 0, out=delta)


ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
}

DERIVATIVES = {
    "identity": _identity_derivative,
    "logistic": _logistic_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
}
