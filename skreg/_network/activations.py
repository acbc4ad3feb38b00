"""Hidden-layer activations g with their first and second derivatives, by name.

Each activation works in place on the pre-activation ``z`` and returns the
output ``x = g(z)``.  Each derivative multiplies a back-propagated gradient by
``g'(z)`` *written in terms of the output x*, so the backward pass never needs
to keep ``z`` (the Jacobian dx/dz is diagonal, hence an elementwise product;
see docs/network.rst).  ``scratch``, an array shaped like the
gradient, holds ``g'(z)`` so that training allocates nothing per batch.

The second derivatives ``g''(z)``, also in terms of x, serve the R-operator's
exact Hessian-vector products (``roperator``).
"""

from collections.abc import Callable
from dataclasses import dataclass

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


def _logistic_second_derivative(x):
    """g'' = x (1 - x) (1 - 2x), from g' = x (1 - x)."""
    return x * (1 - x) * (1 - 2 * x)


def _tanh_second_derivative(x):
    """g'' = -2 x (1 - x**2), from g' = 1 - x**2."""
    return -2 * x * (1 - x**2)


def _zero_second_derivative(x):
    """g'' = 0: identity, and relu away from its kink."""
    return np.zeros_like(x)


@dataclass(frozen=True)
class Activation:
    """One hidden activation: everything the package needs to know of it.

    The estimators' ``activation`` options, their docstrings, the passes, the
    R-operator and :mod:`skreg.onnx` all read this one record, so a new
    activation is one more entry of :data:`ACTIVATIONS`.

    Parameters
    ----------
    name : str
        The value of the estimators' ``activation`` parameter.
    forward : callable
        ``forward(z)`` applies g in place to the pre-activation and returns it.
    derivative : callable
        ``derivative(x, delta, scratch=None)`` multiplies ``delta`` in place by
        g'(z), written in terms of the output ``x = g(z)``.
    second_derivative : callable
        ``second_derivative(x)``: g''(z) in terms of x, a new array.
    onnx_op : str or None
        The ONNX operator that computes g (None for the identity: no node).
    """

    name: str
    forward: Callable
    derivative: Callable
    second_derivative: Callable
    onnx_op: str | None


ACTIVATIONS = {
    activation.name: activation
    for activation in (
        Activation(
            "identity", _identity, _identity_derivative, _zero_second_derivative,
            None,
        ),
        Activation(
            "logistic", _logistic, _logistic_derivative,
            _logistic_second_derivative, "Sigmoid",
        ),
        Activation(
            "tanh", _tanh, _tanh_derivative, _tanh_second_derivative, "Tanh"
        ),
        Activation(
            "relu", _relu, _relu_derivative, _zero_second_derivative, "Relu"
        ),
    )
}  # fmt: skip
"""The hidden activations by name, in the order the documentation lists them."""


def derivative_values(activation, x):
    """g'(z) as an array, in terms of the output x (a new array)."""
    values = np.ones_like(x)
    ACTIVATIONS[activation].derivative(x, values)
    return values
