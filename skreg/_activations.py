"""Hidden-layer activations and their derivatives.

Each activation works in place on the pre-activation ``z`` and returns the
output ``x = g(z)``.  Each derivative multiplies a back-propagated gradient by
``g'(z)`` *written in terms of the output x*, so the backward pass never needs
to keep ``z`` (MATH.md section 1: the Jacobian dx/dz is diagonal, hence an
elementwise product).  ``scratch``, an array shaped like the gradient, holds
``g'(z)`` so that training allocates nothing per batch.
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


def _identity_derivative(x, delta, scratch=None):
    """g'(z) = 1."""


def _logistic_derivative(x, delta, scratch=None):
    """g'(z) = x (1 - x)."""
    delta *= x
    delta *= np.subtract(1, x, out=scratch)


def _tanh_derivative(x, delta, scratch=None):
    """g'(z) = 1 - x**2."""
    square = np.square(x, out=scratch)
    delta *= np.subtract(1, square, out=square)


def _relu_derivative(x, delta, scratch=None):
    """g'(z) = 1 where x > 0, else 0 (as 0.0/1.0, so no boolean temporary)."""
    if scratch is None:
        scratch = np.empty_like(delta)
    delta *= np.greater(x, 0, out=scratch)


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
