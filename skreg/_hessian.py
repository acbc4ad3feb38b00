r"""Hessian-vector products of the data term by the R-operator (Pearlmutter, 1994).

For a direction :math:`v = (V^{(k)}, c^{(k)})` in parameter space the operator
:math:`R\{f\} = \frac{d}{dt} f(\theta + t v)\big|_{t=0}` is pushed through the
same forward and backward passes as ``_network`` (MATH.md section 1).  Applied
to the gradient it gives :math:`H v` exactly, with no step size to choose::

    forward   R z(k) = R x(k-1) W(k) + x(k-1) V(k) + c(k)       (R x(0) = 0)
              R x(k) = g'(z(k)) * R z(k)
    output    R delta(L) = s * J_g(z(L)) R z(L)   (J_g: Jacobian of the output
                                                   activation = Hessian of the
                                                   loss in the logits)
    backward  R grad_W(k) = R x(k-1)^T delta(k) + x(k-1)^T R delta(k)
              R grad_b(k) = sum over the batch of R delta(k)
              R delta(k-1) = g''(z(k-1)) * R z(k-1) * (delta(k) W(k)^T)
                             + g'(z(k-1)) * (R delta(k) W(k)^T + delta(k) V(k)^T)

Many directions are pushed through at once: every ``R`` array carries a leading
axis over the directions.  Like ``_network`` these functions see neither alpha
nor the ``1 / sum_i s_i`` scaling.
"""

import numpy as np

from ._activations import DERIVATIVES
from ._network import forward

# Largest number of floats in one R-array of a block of directions.
_BLOCK_FLOATS = 2**22


def _second_derivative(activation, x):
    """g''(z) written in terms of the output x = g(z)."""
    if activation == "logistic":  # g' = x (1 - x)
        return x * (1 - x) * (1 - 2 * x)
    if activation == "tanh":  # g' = 1 - x**2
        return -2 * x * (1 - x**2)
    return np.zeros_like(x)  # identity, relu (zero almost everywhere)


def _first_derivative(activation, x):
    """g'(z) in terms of x, from the table the backward pass uses."""
    d1 = np.ones_like(x)
    DERIVATIVES[activation](x, d1)
    return d1


def _output_jacobian_product(out_activation, prediction, R_logits):
    """J_g(z) R z for the output activation g (prediction = g(z))."""
    if out_activation == "identity":
        return R_logits
    if out_activation == "exp":
        return prediction * R_logits
    if out_activation == "logistic":
        return prediction * (1 - prediction) * R_logits
    if out_activation == "softmax":
        inner = np.sum(prediction * R_logits, axis=-1, keepdims=True)
        return prediction * (R_logits - inner)
    raise ValueError(f"Unknown output activation {out_activation!r}.")


def _unflatten(directions, coefs, intercepts):
    """Split (m, P) flat directions into per-layer (m, fan_in, fan_out), (m, 1, fo)."""
    m = directions.shape[0]
    sizes = [c.size for c in coefs] + [b.size for b in intercepts]
    parts = np.split(directions, np.cumsum(sizes)[:-1], axis=1)
    L = len(coefs)
    V = [p.reshape(m, *c.shape) for p, c in zip(parts[:L], coefs)]
    c = [p.reshape(m, 1, b.size) for p, b in zip(parts[L:], intercepts)]
    return V, c


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
        The output loss; ``loss.out_activation`` selects its Hessian.
    directions : ndarray of shape (n_directions, n_params)
        Flat directions, ordered as the coefficients then the intercepts, each
        layer row-major.

    Returns
    -------
    products : ndarray of shape (n_directions, n_params)
        Row j is ``H @ directions[j]`` (H is symmetric).
    """
    V, c = _unflatten(directions, coefs, intercepts)
    L = len(coefs)
    layers = forward(coefs, intercepts, X, activation)  # [X, x(1), ..., z(L)]
    d1 = [_first_derivative(activation, x) for x in layers[1:L]]
    d2 = [_second_derivative(activation, x) for x in layers[1:L]]

    # R-forward: R z(k) for every layer, R x(k) for the hidden ones.
    R_z, R_x = [], [None]
    for k in range(L):
        Rz = layers[k] @ V[k] + c[k]
        if k > 0:
            Rz += R_x[k] @ coefs[k]
        R_z.append(Rz)
        if k < L - 1:
            R_x.append(d1[k] * Rz)

    # Output delta s * (g(z) - y) and its R.
    prediction = loss.prediction(layers[-1])
    delta = prediction - Y
    R_delta = _output_jacobian_product(loss.out_activation, prediction, R_z[-1])
    if sample_weight is not None:
        delta *= sample_weight[:, np.newaxis]
        R_delta = R_delta * sample_weight[:, np.newaxis]

    # R-backward, from the output layer down.
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
    m = directions.shape[0]
    return np.concatenate(
        [g.reshape(m, -1) for g in R_grad_W] + [g.reshape(m, -1) for g in R_grad_b],
        axis=1,
    )


def full_hessian(coefs, intercepts, X, Y, sample_weight, activation, loss):
    """Hessian of ``sum_i s_i loss_i`` (unsymmetrised), one block of columns at a time.

    Returns
    -------
    H : ndarray of shape (n_params, n_params)
        Column j is ``H e_j``; it is symmetric up to rounding.
    """
    n_params = sum(c.size for c in coefs) + sum(b.size for b in intercepts)
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
