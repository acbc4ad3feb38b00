"""The Jacobian of the network's outputs with respect to its parameters."""

from .activations import derivative_values
from .passes import forward
from .roperator import jacobian_from_layers


def output_jacobian(coefs, intercepts, X, activation):
    """``d z_o(x_i) / d theta`` for every row i and output o (the logits).

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Network parameters.
    X : ndarray of shape (n_samples, n_features)
        Dense input.
    activation : str
        Hidden activation.

    Returns
    -------
    J : ndarray of shape (n_samples, n_outputs, n_params)
        In the parameter layout: every layer's weights (row-major), then
        every layer's biases.
    """
    layers = forward(coefs, intercepts, X, activation)
    d1 = [derivative_values(activation, x) for x in layers[1 : len(coefs)]]
    return jacobian_from_layers(coefs, layers, d1)
