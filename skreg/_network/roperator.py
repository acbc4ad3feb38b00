r"""Hessian-vector products of the data term by the R-operator (Pearlmutter, 1994).

For a direction :math:`v = (V^{(k)}, c^{(k)})` in parameter space the operator
:math:`R\{f\} = \frac{d}{dt} f(\theta + t v)\big|_{t=0}` is pushed through the
same forward and backward passes as ``passes`` (docs/network.rst).
Applied to the gradient it gives :math:`H v` exactly, with no step size to
choose::

    forward   R z(k) = R x(k-1) W(k) + x(k-1) V(k) + c(k)       (R x(0) = 0)
              R x(k) = g'(z(k)) * R z(k)
    output    R delta(L) = s * H_out R z(L)   (H_out: the loss's Hessian in the
                                               logits, ``loss.hessian_product``)
    backward  R grad_W(k) = R x(k-1)^T delta(k) + x(k-1)^T R delta(k)
              R grad_b(k) = sum over the batch of R delta(k)
              R delta(k-1) = g''(z(k-1)) * R z(k-1) * (delta(k) W(k)^T)
                             + g'(z(k-1)) * (R delta(k) W(k)^T + delta(k) V(k)^T)

Many directions are pushed through at once: every ``R`` array carries a leading
axis over the directions.  Like ``passes`` these functions see neither alpha
nor the ``1 / sum_i s_i`` scaling.
"""

import numpy as np

from .activations import SECOND_DERIVATIVES, derivative_values
from .layout import ParameterLayout, layer_units_of
from .passes import forward

# Largest number of floats in one R-array of a block of directions.
_BLOCK_FLOATS = 2**22


def _direction_views(directions, coefs):
    """Per-layer (m, fan_in, fan_out) and (m, 1, fan_out) views of the directions."""
    V, c = ParameterLayout(layer_units_of(coefs)).views(directions)
    return V, [part[:, np.newaxis, :] for part in c]


def hessian_vector_products(
    coefs, intercepts, X, Y, sample_weight, activation, loss, directions
):
    """Return ``directions @ H`` for H the Hessian of ``sum_i s_i loss_i``.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Network parameters (float64).
    X : ndarray of shape (n_samples, n_features)
        Dense input.
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    activation : str
        Hidden activation.
    loss : _Loss
        The output loss; ``loss.hessian_product`` is its Hessian in the logits.
    directions : ndarray of shape (n_directions, n_params)
        Flat directions, ordered as the coefficients then the intercepts, each
        layer row-major (the network's :class:`~.layout.ParameterLayout`).

    Returns
    -------
    products : ndarray of shape (n_directions, n_params)
        Row j is ``H @ directions[j]`` (H is symmetric).
    """
    V, c = _direction_views(directions, coefs)
    L = len(coefs)
    layers = forward(coefs, intercepts, X, activation)  # [X, x(1), ..., z(L)]
    d1 = [derivative_values(activation, x) for x in layers[1:L]]
    d2 = [SECOND_DERIVATIVES[activation](x) for x in layers[1:L]]
    R_z, R_x = _r_forward(layers, coefs, V, c, d1)
    # output delta s * (g(z) - y) and its R
    prediction = loss.prediction(layers[-1])
    delta = prediction - Y
    R_delta = loss.hessian_product(prediction, R_z[-1])
    if sample_weight is not None:
        delta *= sample_weight[:, np.newaxis]
        R_delta = R_delta * sample_weight[:, np.newaxis]
    R_grads = _r_backward(layers, coefs, V, R_z, R_x, d1, d2, delta, R_delta)
    m = directions.shape[0]
    return np.concatenate([g.reshape(m, -1) for g in R_grads], axis=1)


def _r_forward(layers, coefs, V, c, d1):
    """R z(k) for every layer and R x(k) for the hidden ones (R x(0) = 0)."""
    R_z, R_x = [], [None]
    for k in range(len(coefs)):
        Rz = layers[k] @ V[k] + c[k]
        if k > 0:
            Rz += R_x[k] @ coefs[k]
        R_z.append(Rz)
        if k < len(coefs) - 1:
            R_x.append(d1[k] * Rz)
    return R_z, R_x


def _r_backward(layers, coefs, V, R_z, R_x, d1, d2, delta, R_delta):
    """R of every gradient, from the output layer down: weights then biases."""
    L = len(coefs)
    R_grad_W, R_grad_b = [None] * L, [None] * L
    for k in range(L - 1, -1, -1):
        R_grad_W[k] = layers[k].T @ R_delta
        if k > 0:
            R_grad_W[k] += np.swapaxes(R_x[k], 1, 2) @ delta
        R_grad_b[k] = R_delta.sum(axis=1)
        if k > 0:
            back = delta @ coefs[k].T
            R_back = R_delta @ coefs[k].T + delta @ np.swapaxes(V[k], 1, 2)
            R_delta = d2[k - 1] * R_z[k - 1] * back + d1[k - 1] * R_back
            delta = d1[k - 1] * back
    return R_grad_W + R_grad_b


def full_hessian(coefs, intercepts, X, Y, sample_weight, activation, loss):
    """Hessian of ``sum_i s_i loss_i`` (unsymmetrised), one block of columns at a time.

    Returns
    -------
    H : ndarray of shape (n_params, n_params)
        Column j is ``H e_j``; it is symmetric up to rounding.
    """
    n_params = ParameterLayout(layer_units_of(coefs)).size
    widest = X.shape[1] + sum(c.shape[1] for c in coefs)
    block = max(1, min(n_params, _BLOCK_FLOATS // max(1, X.shape[0] * widest)))
    H = np.empty((n_params, n_params))
    for start in range(0, n_params, block):
        stop = min(start + block, n_params)
        directions = np.zeros((stop - start, n_params))
        directions[np.arange(stop - start), np.arange(start, stop)] = 1.0
        H[:, start:stop] = hessian_vector_products(
            coefs, intercepts, X, Y, sample_weight, activation, loss, directions
        ).T
    return H
