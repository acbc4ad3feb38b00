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

from .activations import ACTIVATIONS, derivative_values
from .layout import ParameterLayout, layer_units_of
from .passes import forward

# Largest number of floats in one R-array of a block of directions.
_BLOCK_FLOATS = 2**22


KINDS = ("hessian", "gauss_newton")


def _direction_views(directions, coefs):
    """Per-layer (m, fan_in, fan_out) and (m, 1, fan_out) views of the directions."""
    V, c = ParameterLayout(layer_units_of(coefs)).views(directions)
    return V, [part[:, np.newaxis, :] for part in c]


class Curvature:
    """Curvature-vector products of ``sum_i s_i loss_i`` at fixed parameters.

    ``kind="hessian"`` is the Hessian; ``kind="gauss_newton"`` the generalized
    Gauss-Newton matrix ``J^T H_out J`` (J the Jacobian of the logits, H_out
    the loss's Hessian in them), which drops the terms of the Hessian that
    carry the residual and the activations' curvature, and is positive
    semi-definite.  The forward pass and everything that does not depend on
    the direction (g', g'', the residual and its back-propagation) are
    computed once; each block of directions then costs one R-forward and one
    backward pass.

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
    kind : {"hessian", "gauss_newton"}
    """

    def __init__(self, coefs, intercepts, X, Y, sample_weight, activation, loss,
                 kind="hessian"):  # fmt: skip
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
        self.coefs, self.kind, self.loss = coefs, kind, loss
        self.layout = ParameterLayout(layer_units_of(coefs))
        L = len(coefs)
        self.layers = forward(coefs, intercepts, X, activation)  # [X, ..., z(L)]
        self.d1 = [derivative_values(activation, x) for x in self.layers[1:L]]
        self.prediction = loss.prediction(self.layers[-1])
        self.weights = None if sample_weight is None else sample_weight[:, np.newaxis]
        if kind == "hessian":
            self.d2 = [
                ACTIVATIONS[activation].second_derivative(x) for x in self.layers[1:L]
            ]
            self.deltas, self.backs = self._residual_backward(Y)

    def _residual_backward(self, Y):
        """The data gradient's deltas s (g(z) - y) and ``delta W^T`` per layer."""
        delta = self.prediction - Y
        if self.weights is not None:
            delta *= self.weights
        deltas, backs = [None] * len(self.coefs), [None] * len(self.coefs)
        for k in range(len(self.coefs) - 1, -1, -1):
            deltas[k] = delta
            if k > 0:
                backs[k] = delta @ self.coefs[k].T
                delta = self.d1[k - 1] * backs[k]
        return deltas, backs

    def products(self, directions):
        """Return ``directions @ C`` for the curvature C (symmetric).

        ``directions`` has shape (n_directions, n_params), ordered as the
        parameter layout (weights then biases, each layer row-major).
        """
        V, c = _direction_views(directions, self.coefs)
        R_z, R_x = _r_forward(self.layers, self.coefs, V, c, self.d1)
        R_delta = self.loss.hessian_product(self.prediction, R_z[-1])
        if self.weights is not None:
            R_delta = R_delta * self.weights
        if self.kind == "hessian":
            grads = _r_backward(self, V, R_z, R_x, R_delta)
        else:
            grads = _gauss_newton_backward(self, R_delta)
        m = directions.shape[0]
        return np.concatenate([g.reshape(m, -1) for g in grads], axis=1)

    def matrix(self):
        """The dense curvature matrix (unsymmetrised).

        The Gauss-Newton matrix is ``sum_i s_i J_i^T H_out J_i`` from the
        per-sample Jacobians, far cheaper than one product per parameter; the
        Hessian is built from products, a block of columns at a time.
        """
        if self.kind == "gauss_newton":
            return self._gauss_newton_matrix()
        n_params = self.layout.size
        block = min(n_params, self.directions_per_block())
        C = np.empty((n_params, n_params))
        for start in range(0, n_params, block):
            stop = min(start + block, n_params)
            directions = np.zeros((stop - start, n_params))
            directions[np.arange(stop - start), np.arange(start, stop)] = 1.0
            C[:, start:stop] = self.products(directions).T
        return C

    def directions_per_block(self):
        """How many directions one call of :meth:`products` should take.

        Each direction carries an R-array as large as all the layers
        together; a block of them stays within _BLOCK_FLOATS floats.
        """
        rows = self.layers[0].shape[0]
        widest = sum(x.shape[1] for x in self.layers)
        return max(1, _BLOCK_FLOATS // max(1, rows * widest))

    def _gauss_newton_matrix(self, rows_per_block=512):
        """``sum_i s_i J_i^T H_out,i J_i``, summed over blocks of rows."""
        n_params = self.layout.size
        G = np.zeros((n_params, n_params))
        for start in range(0, self.layers[0].shape[0], rows_per_block):
            rows = slice(start, start + rows_per_block)
            J = self._jacobian(rows)  # (n, n_out, P)
            # H_out applied along the outputs: the loss wants them last
            HJ = self.loss.hessian_product(
                self.prediction[rows][:, np.newaxis, :], np.swapaxes(J, 1, 2)
            )  # (n, P, n_out)
            if self.weights is not None:
                HJ = HJ * self.weights[rows][:, :, np.newaxis]
            G += np.tensordot(J, HJ, axes=([0, 1], [0, 2]))
        return G

    def _jacobian(self, rows):
        """``d z_o / d theta`` of the given rows (cached forward pass)."""
        layers = [x[rows] for x in self.layers]
        d1 = [d[rows] for d in self.d1]
        return jacobian_from_layers(self.coefs, layers, d1)


def jacobian_from_layers(coefs, layers, d1):
    """Per-sample Jacobian of the logits from a forward pass's layers and g'.

    Returns an array of shape (n_rows, n_outputs, n_params), in the parameter
    layout; a backward pass from each output's unit vector, per sample.
    """
    L, n_rows, n_out = len(coefs), layers[0].shape[0], coefs[-1].shape[1]
    delta = np.broadcast_to(np.eye(n_out), (n_rows, n_out, n_out))
    weights, biases = [None] * L, [None] * L
    for k in range(L - 1, -1, -1):
        # a weight's derivative is the input of its layer times the delta
        outer = layers[k][:, np.newaxis, :, np.newaxis] * delta[:, :, np.newaxis, :]
        weights[k] = outer.reshape(n_rows, n_out, -1)
        biases[k] = delta
        if k > 0:
            delta = (delta @ coefs[k].T) * d1[k - 1][:, np.newaxis, :]
    return np.concatenate(weights + biases, axis=2)


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
    curvature = Curvature(coefs, intercepts, X, Y, sample_weight, activation, loss)
    return curvature.products(directions)


def _r_forward(layers, coefs, V, c, d1):
    """R z(k) for every layer and R x(k) for the hidden ones (R x(0) = 0)."""
    R_z, R_x = [], [None]
    for k in range(len(coefs)):
        if V[k].any():
            Rz = layers[k] @ V[k] + c[k]
        else:  # e.g. the intercepts' unit vectors: no product with zero weights
            Rz = np.broadcast_to(c[k], (V[k].shape[0], *layers[k + 1].shape)).copy()
        if k > 0:
            Rz += R_x[k] @ coefs[k]
        R_z.append(Rz)
        if k < len(coefs) - 1:
            R_x.append(d1[k] * Rz)
    return R_z, R_x


def _r_backward(curvature, V, R_z, R_x, R_delta):
    """R of every gradient, from the output layer down: weights then biases."""
    layers, coefs, d1, d2 = (
        curvature.layers,
        curvature.coefs,
        curvature.d1,
        curvature.d2,
    )
    L = len(coefs)
    R_grad_W, R_grad_b = [None] * L, [None] * L
    for k in range(L - 1, -1, -1):
        R_grad_W[k] = layers[k].T @ R_delta
        if k > 0:
            R_grad_W[k] += np.swapaxes(R_x[k], 1, 2) @ curvature.deltas[k]
        R_grad_b[k] = R_delta.sum(axis=1)
        if k > 0:
            delta = curvature.deltas[k]
            R_back = R_delta @ coefs[k].T + delta @ np.swapaxes(V[k], 1, 2)
            R_delta = d2[k - 1] * R_z[k - 1] * curvature.backs[k] + d1[k - 1] * R_back
    return R_grad_W + R_grad_b


def _gauss_newton_backward(curvature, R_delta):
    """``J^T`` of the output-space vectors ``R_delta``: a plain backward pass."""
    layers, coefs, d1 = curvature.layers, curvature.coefs, curvature.d1
    L = len(coefs)
    grad_W, grad_b = [None] * L, [None] * L
    for k in range(L - 1, -1, -1):
        grad_W[k] = layers[k].T @ R_delta
        grad_b[k] = R_delta.sum(axis=1)
        if k > 0:
            R_delta = d1[k - 1] * (R_delta @ coefs[k].T)
    return grad_W + grad_b


def full_hessian(coefs, intercepts, X, Y, sample_weight, activation, loss):
    """Hessian of ``sum_i s_i loss_i`` (unsymmetrised), one block of columns at a time.

    Returns
    -------
    H : ndarray of shape (n_params, n_params)
        Column j is ``H e_j``; it is symmetric up to rounding.
    """
    return Curvature(coefs, intercepts, X, Y, sample_weight, activation, loss).matrix()
