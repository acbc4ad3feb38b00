"""One epoch of mini-batch training with a penalty (MATH.md section 2).

A mini-batch B steps along

    (sum_{i in B} s_i grad loss_i) / (sum_{i in B} s_i)  +  alpha * grad Omega(W) / S

where S is the weight sum of the whole fit (or of the ``partial_fit`` call), so
that a given alpha means the same objective for every batch size and solver.
Smooth penalties enter through their gradient (L2 = weight decay, section 3);
the others through their proximal operator after the step, with the step size
the optimizer used (section 5).
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.utils import _safe_indexing, gen_batches

from ._network import loss_and_gradient


class EpochResult:
    """Sums over an epoch, each already divided by the fit's weight sum S."""

    def __init__(self, data_loss, penalty):
        self.data_loss = data_loss
        self.penalty = penalty

    @property
    def loss(self):
        return self.data_loss + self.penalty


def resolve_batch_size(batch_size, n_samples):
    """``"auto"`` is min(200, n_samples); larger sizes are clipped with a warning."""
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warnings.warn(
            "Got `batch_size` less than 1 or larger than sample size. "
            "It is going to be clipped",
            stacklevel=4,
        )
    return int(np.clip(batch_size, 1, n_samples))


def run_epoch(
    params, X, Y, sample_weight, sample_idx, batch_size, *,
    activation, loss, penalty, alpha, optimizer, workspace, shuffled,
    dropout_rates=None, random_state=None,
):  # fmt: skip
    """Train one pass over the data in mini-batches, updating params in place.

    ``params`` is the flat parameter vector laid out as ``workspace.layout``
    (weights first, then biases); the optimizer was built for ``[params]``.

    Returns
    -------
    EpochResult
        Data term and penalty term of the objective, accumulated over batches.
    """
    n_samples = X.shape[0]
    weight_sum = n_samples if sample_weight is None else float(sample_weight.sum())
    strength = alpha / weight_sum if weight_sum > 0 else 0.0
    coefs, intercepts = workspace.layout.views(params)
    n_coef = workspace.layout.n_coef
    weights, weight_grad = params[:n_coef], workspace.gradient[:n_coef]
    scratch = workspace.parameter_buffer(0)[:n_coef]
    layer_scratch = workspace.layout.views(workspace.parameter_buffer(0))[0]
    # the penalty term of the epoch is taken at the weights it starts from:
    # one evaluation per epoch, and for a single batch exactly the objective
    # at the point where its gradient is taken
    penalty_value = alpha * penalty.value(coefs, layer_scratch) if alpha else 0.0
    data_total = 0.0
    gather = _BatchGatherer(X, Y, sample_weight, workspace)
    for batch in gen_batches(n_samples, batch_size):
        X_batch, Y_batch, sw_batch = gather(sample_idx[batch] if shuffled else batch)
        batch_weight = X_batch.shape[0] if sw_batch is None else float(sw_batch.sum())
        # the data gradient of a step is the batch's weighted mean
        scale = 1.0 / batch_weight if batch_weight > 0 else 0.0
        masks = draw_dropout_masks(dropout_rates, coefs, X_batch.shape[0], random_state)
        data, _, _ = loss_and_gradient(
            coefs, intercepts, X_batch, Y_batch, sw_batch, activation, loss,
            workspace, gradient_scale=scale, dropout=masks,
        )  # fmt: skip
        data_total += data
        if penalty.is_smooth:
            penalty.add_gradient(weights, weight_grad, strength, scratch)
        optimizer.update([params], [workspace.gradient])
        if not penalty.is_smooth:
            _proximal_step(penalty, params, optimizer.step_size(0), strength, workspace)
    if weight_sum == 0:
        return EpochResult(0.0, 0.0)
    return EpochResult(data_total / weight_sum, penalty_value / weight_sum)


def _proximal_step(penalty, params, step, strength, workspace):
    """The penalty's prox on the weights, with the step the optimizer just took.

    Elementwise penalties see all the weights as one slice; group lasso needs
    each layer's matrix, since its groups are rows.
    """
    layout = workspace.layout
    buffers = workspace.parameter_buffer(0), workspace.parameter_buffer(1)
    if not penalty.groups_rows:
        n_coef = layout.n_coef
        step = step[:n_coef] if np.ndim(step) else step
        pair = tuple(buffer[:n_coef] for buffer in buffers)
        penalty.prox(params[:n_coef], step, strength, pair)
        return
    coefs = layout.views(params)[0]
    steps = layout.views(step)[0] if np.ndim(step) else [step] * len(coefs)
    pairs = zip(*(layout.views(buffer)[0] for buffer in buffers))
    for coef, coef_step, pair in zip(coefs, steps, pairs):
        penalty.prox(coef, coef_step, strength, pair)


def draw_dropout_masks(rates, coefs, n_rows, random_state):
    """Inverted-dropout masks for the hidden layers: 0 or 1 / (1 - rate).

    None when no hidden layer has dropout, so that a fit with zero rates draws
    no random numbers and is identical to one without dropout.
    """
    if rates is None or not any(rates):
        return None
    masks = []
    for rate, W in zip(rates, coefs[:-1]):
        if not rate:
            masks.append(None)
            continue
        keep = 1.0 - rate
        kept = random_state.random_sample((n_rows, W.shape[1])) >= rate
        masks.append((kept.astype(W.dtype) / np.asarray(keep, W.dtype), keep))
    return masks


class _BatchGatherer:
    """The rows ``idx`` of X, Y and the weights, without per-batch allocation.

    Slices are views; index arrays (shuffled epochs) are gathered into buffers
    reused across batches (sparse X is indexed as usual).
    """

    def __init__(self, X, Y, sample_weight, workspace):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        arrays = {"Y": Y} if sp.issparse(X) else {"X": X, "Y": Y}
        if sample_weight is not None:
            arrays["sw"] = sample_weight
        self.buffers = {
            name: (array, workspace.batch_buffer(name, array.shape[1:], array.dtype))
            for name, array in arrays.items()
        }

    def __call__(self, idx):
        if isinstance(idx, slice):
            sw = None if self.sample_weight is None else self.sample_weight[idx]
            return self.X[idx], self.Y[idx], sw
        rows = len(idx)
        gathered = {
            name: array.take(idx, axis=0, out=buffer[:rows], mode="clip")
            for name, (array, buffer) in self.buffers.items()
        }
        X_batch = gathered["X"] if "X" in gathered else _safe_indexing(self.X, idx)
        return X_batch, gathered["Y"], gathered.get("sw")
