"""Forward and backward passes of a multi-layer perceptron (docs/network.rst).

These are pure functions of the parameters and the data: they compute the data
term ``sum_i s_i loss_i`` and its gradient, and never see ``alpha`` (the penalty
lives in ``skreg._penalties``, the objective that combines them in
``skreg._solvers.objective``).  Buffers for activations, deltas and gradients
can be preallocated once in a :class:`Workspace` and reused for every
mini-batch.
"""

import numpy as np

from .activations import ACTIVATIONS
from .layout import ParameterLayout, layer_units_of


class Workspace:
    """Reusable buffers for batches of up to ``max_rows`` samples.

    Parameters
    ----------
    layer_units : list of int
        Units of every layer, input first.
    max_rows : int
        Largest batch the buffers must hold.
    dtype : numpy dtype
        Floating dtype of the network.
    """

    def __init__(self, layer_units, max_rows, dtype):
        self.max_rows = max_rows
        fan_outs = layer_units[1:]
        self.activations = [np.empty((max_rows, u), dtype) for u in fan_outs]
        self.deltas = [np.empty((max_rows, u), dtype) for u in fan_outs]
        # g'(z) of each hidden layer, and per-row sums of the loss
        self.derivatives = [np.empty((max_rows, u), dtype) for u in fan_outs[:-1]]
        self.row_sums = (np.empty(max_rows, dtype), np.empty(max_rows, dtype))
        # column sums as ones @ delta: a BLAS product, much faster than np.sum
        self.ones = np.ones(max_rows, dtype)
        # the gradient is one flat vector laid out as the parameters
        self.layout = ParameterLayout(layer_units)
        self.gradient = np.empty(self.layout.size, dtype)
        self.coef_grads, self.intercept_grads = self.layout.views(self.gradient)
        self._buffers = {}

    def parameter_buffer(self, index):
        """A reusable array shaped like the flat parameter vector (scratch)."""
        key = ("parameters", index)
        if key not in self._buffers:
            self._buffers[key] = np.empty_like(self.gradient)
        return self._buffers[key]

    def batch_buffer(self, name, tail_shape, dtype):
        """A reusable (max_rows, *tail_shape) array, e.g. for gathered batches."""
        key = (name, tuple(tail_shape), np.dtype(dtype))
        if key not in self._buffers:
            self._buffers[key] = np.empty((self.max_rows, *tail_shape), dtype)
        return self._buffers[key]

    @classmethod
    def for_params(cls, coefs, n_rows):
        return cls(layer_units_of(coefs), n_rows, coefs[0].dtype)


def _dot_into(a, b, out=None):
    """Return a @ b, written into ``out`` (no allocation for dense ``a``)."""
    if out is None:
        return np.asarray(a @ b)
    if isinstance(a, np.ndarray):  # a C-level check, unlike scipy.sparse.issparse
        np.matmul(a, b, out=out)
    else:
        out[...] = a @ b
    return out


def forward(coefs, intercepts, X, activation, workspace=None, dropout=None):
    """Forward pass: ``z(k) = x(k-1) W(k) + b(k)``, ``x(k) = g(z(k))``.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Weights ``W(k)`` of shape (fan_in, fan_out) and biases ``b(k)``.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input ``x(0)``.
    activation : str
        Name of the hidden activation.
    workspace : Workspace, default=None
        Buffers to write into; new arrays are allocated when None.
    dropout : list of (ndarray, float) or None, default=None
        For each hidden layer, None or ``(mask, keep_prob)``: inverted dropout
        multiplies the layer's output by ``mask``, whose entries are 0 or
        ``1 / keep_prob``.

    Returns
    -------
    layers : list of ndarray
        ``[X, x(1), ..., x(L-1), z(L)]``: the hidden outputs (after dropout)
        and, last, the output layer's pre-activation (logits), from which the
        loss is computed.
    """
    n_rows = X.shape[0]
    hidden = ACTIVATIONS[activation].forward
    layers = [X]
    last = len(coefs) - 1
    for k, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        out = None if workspace is None else workspace.activations[k][:n_rows]
        z = _dot_into(layers[-1], W, out)
        z += b
        if k < last:
            hidden(z)
            if dropout is not None and dropout[k] is not None:
                z *= dropout[k][0]
        layers.append(z)
    return layers


def backward(coefs, layers, delta_out, activation, workspace, dropout=None):
    """Backward pass from the output delta ``dJ/dz(L)``.

    ``grad_W(k) = x(k-1)^T delta(k)``, ``grad_b(k) = sum_rows delta(k)``,
    ``delta(k-1) = g'(z(k-1)) * (delta(k) W(k)^T)``, times the dropout mask of
    layer k-1 when there is one (the same ``dropout`` as the forward pass).

    Returns
    -------
    coef_grads, intercept_grads : list of ndarray
        Views into the workspace's gradient buffers.
    """
    derivative = ACTIVATIONS[activation].derivative
    n_rows = delta_out.shape[0]
    delta = delta_out
    for k in range(len(coefs) - 1, -1, -1):
        x_prev = layers[k]
        grad_W = workspace.coef_grads[k]
        if isinstance(x_prev, np.ndarray):
            np.matmul(x_prev.T, delta, out=grad_W)
        else:  # sparse input
            grad_W[...] = x_prev.T @ delta
        np.matmul(workspace.ones[:n_rows], delta, out=workspace.intercept_grads[k])
        if k > 0:
            prev_delta = workspace.deltas[k - 1][:n_rows]
            _back_product(delta, coefs[k].T, prev_delta)
            scratch = workspace.derivatives[k - 1][:n_rows]
            _hidden_derivative(
                derivative, layers[k], prev_delta, dropout, k - 1, scratch
            )
            delta = prev_delta
    return workspace.coef_grads, workspace.intercept_grads


def _back_product(delta, W_T, out):
    """``delta @ W.T`` into ``out``.

    With one output unit this is an outer product, (rows, 1) @ (1, fan_in),
    which numpy's matmul computes in its own loop, not by BLAS: at (200, 1) @
    (1, 100) three times slower than ``np.dot`` (the same products, no sums,
    so the same numbers).  Wider layers go to BLAS either way, where matmul
    is as fast or faster.
    """
    if W_T.shape[0] == 1:
        np.dot(delta, W_T, out=out)
    else:
        np.matmul(delta, W_T, out=out)


def _hidden_derivative(derivative, output, delta, dropout, layer, scratch):
    """delta *= g'(z) for a hidden layer's output, through its dropout mask."""
    if dropout is None or dropout[layer] is None:
        derivative(output, delta, scratch)
        return
    mask, keep_prob = dropout[layer]
    delta *= mask
    # the stored output is g(z) * mask; where mask != 0 it is g(z) / keep_prob
    derivative(output * keep_prob, delta, scratch)


def loss_and_gradient(
    coefs, intercepts, X, Y, sample_weight, activation, loss, workspace=None,
    gradient_scale=1.0, dropout=None,
):  # fmt: skip
    """Data term ``sum_i s_i loss_i`` and its gradient (no penalty).

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Network parameters.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Targets (0/1 indicators for classification).
    sample_weight : ndarray of shape (n_samples,) or None
    activation : str
        Hidden activation.
    loss : _Loss
        The output loss (see ``_losses.LOSSES``).
    workspace : Workspace, default=None
    gradient_scale : float, default=1.0
        Factor applied to the gradient (not to the value), e.g. one over the
        batch's weight sum; applied to the output delta, so it costs nothing.
    dropout : list of (ndarray, float) or None, default=None
        Dropout masks of the hidden layers (see :func:`forward`).

    Returns
    -------
    value : float
    coef_grads, intercept_grads : list of ndarray
    """
    n_rows = X.shape[0]
    if workspace is None or workspace.max_rows < n_rows:
        workspace = Workspace.for_params(coefs, n_rows)
    layers = forward(coefs, intercepts, X, activation, workspace, dropout)
    delta_out = workspace.deltas[-1][:n_rows]
    row_sums = tuple(buffer[:n_rows] for buffer in workspace.row_sums)
    value = loss.value_and_delta(layers[-1], Y, sample_weight, delta_out, row_sums)
    if gradient_scale != 1.0:
        delta_out *= gradient_scale
    coef_grads, intercept_grads = backward(
        coefs, layers, delta_out, activation, workspace, dropout
    )
    return value, coef_grads, intercept_grads


def predict_output(coefs, intercepts, X, activation, loss):
    """Return the network's prediction g_out(z(L)) for X (allocates its result).

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Network parameters.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input; never written to.
    activation : str
        Name of the hidden activation.
    loss : _Loss
        The output loss, whose ``prediction`` is the output activation.

    Returns
    -------
    prediction : ndarray of shape (n_samples, n_outputs)
        A new array, bitwise equal to ``loss.prediction`` of the logits of
        :func:`forward`, computed with at most two hidden blocks alive.
    """
    logits = forward_logits(coefs, intercepts, X, activation)
    return loss.prediction(logits, out=logits)


def forward_logits(coefs, intercepts, X, activation):
    """The output logits z(L) of :func:`forward`, holding two blocks at most.

    :func:`forward` keeps every layer for the backward pass; prediction needs
    only the current layer and the next, like scikit-learn's
    ``_forward_pass_fast``.  The layer before the current one is dead by then,
    so its memory receives the next layer when they have the same size: no
    more is alive than in scikit-learn, and fewer fresh pages are touched.  The
    operations and their order are those of :func:`forward` (``x @ W`` into a
    C-contiguous array, ``+= b``, the activation in place), so the logits are
    bitwise the same.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Network parameters.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input; never written to, nor reused as a buffer.
    activation : str
        Name of the hidden activation.

    Returns
    -------
    logits : ndarray of shape (n_samples, n_outputs)
        A new array of its own (it never shares memory with a hidden layer).
    """
    hidden = ACTIVATIONS[activation].forward
    last = len(coefs) - 1
    # x is the current layer, memory the contiguous vector it lives in, spare
    # the vector of the layer before it (dead, free to overwrite)
    x, memory, spare = X, None, None
    for k, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        out = None if k == last else _block_in(spare, x, W)
        if out is None:
            spare = None  # freed before the new block is allocated
            z = _dot_into(x, W)
            z_memory = z.reshape(-1) if z.flags.c_contiguous else None
        else:
            z, z_memory = _dot_into(x, W, out), spare
        z += b
        if k < last:
            hidden(z)
        spare, memory, x = memory, z_memory, z
    return x


def _block_in(spare, x, W):
    """The (n_rows, fan_out) block ``x @ W`` as a view of ``spare``, or None.

    Only a spare of exactly the block's size is taken: a larger one would stay
    alive, larger than the layer it holds, beside the layer after it.
    """
    n_rows, n_units = x.shape[0], W.shape[1]
    dtype = np.result_type(x.dtype, W.dtype)
    if spare is None or spare.size != n_rows * n_units or spare.dtype != dtype:
        return None
    # a contiguous vector reshaped: C-contiguous, so matmul writes into it
    # directly, as into a fresh array
    return spare.reshape(n_rows, n_units)
