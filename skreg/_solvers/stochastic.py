"""One epoch of mini-batch training with a penalty (docs/objective.rst).

A mini-batch B steps along

    (sum_{i in B} s_i grad loss_i) / (sum_{i in B} s_i)  +  alpha * grad Omega(W) / S

where S is the weight sum of the whole fit (or of the ``partial_fit`` call), so
that a given alpha means the same objective for every batch size and solver.
Penalties with a gradient enter through it (L2 = weight decay); the others
through their proximal operator after the step, with the step size the
optimizer used.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.utils import _safe_indexing


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
    params, objective, sample_idx, batch_size, *, optimizer, workspace, shuffled,
    dropout_rates=None, random_state=None,
):  # fmt: skip
    """Train one pass over the objective's data in mini-batches, updating params.

    ``params`` is the flat parameter vector laid out as ``workspace.layout``
    (weights first, then biases); the optimizer was built for ``[params]``.

    Returns
    -------
    EpochResult
        Data term and penalty term of the objective, accumulated over batches.
    """
    X, Y, sample_weight = objective.X, objective.Y, objective.sample_weight
    strength = objective.penalty_strength
    coefs, intercepts = workspace.layout.views(params)
    # the penalty term of the epoch is taken at the weights it starts from:
    # one evaluation per epoch, and for a single batch exactly the objective
    # at the point where its gradient is taken
    layer_scratch = workspace.layout.views(workspace.parameter_buffer(0))[0]
    penalty_value = objective.penalty_sum(coefs, layer_scratch)
    data_total = 0.0
    gather = _BatchGatherer(X, Y, sample_weight, workspace)
    step_penalty = _penalty_step(objective.penalty, params, workspace, strength)
    for batch in batch_slices(X.shape[0], batch_size):
        X_batch, Y_batch, sw_batch = gather(sample_idx[batch] if shuffled else batch)
        batch_weight = X_batch.shape[0] if sw_batch is None else float(sw_batch.sum())
        # the data gradient of a step is the batch's weighted mean
        scale = 1.0 / batch_weight if batch_weight > 0 else 0.0
        masks = draw_dropout_masks(dropout_rates, coefs, X_batch.shape[0], random_state)
        data_total += objective.data_sum_and_gradient(
            coefs, intercepts, X_batch, Y_batch, sw_batch, workspace,
            gradient_scale=scale, dropout=masks,
        )  # fmt: skip
        step_penalty(optimizer)
    if objective.weight_sum == 0:
        return EpochResult(0.0, 0.0)
    weight_sum = objective.weight_sum
    return EpochResult(data_total / weight_sum, penalty_value / weight_sum)


def batch_slices(n_rows, batch_size):
    """The batches of an epoch, as scikit-learn's ``gen_batches`` cuts them.

    Consecutive slices of ``batch_size`` rows, the last one shorter.  Not
    ``gen_batches`` itself: its parameter validation took 20 us per epoch,
    a tenth of an epoch of a (100,) network on 250 rows.
    """
    return [slice(start, min(start + batch_size, n_rows))
            for start in range(0, n_rows, batch_size)]  # fmt: skip


def _penalty_step(penalty, params, workspace, strength):
    """The optimizer step with the penalty: weight decay before it, or a prox after.

    Returns a function of the optimizer that takes one step.  A penalty with
    a gradient adds it to the data gradient; any other is applied by its
    proximal operator with the step size the optimizer just used.
    """
    layout = workspace.layout
    n_coef = layout.n_coef
    weights, weight_grad = params[:n_coef], workspace.gradient[:n_coef]
    if penalty.is_smooth:
        decay_scratch = workspace.parameter_buffer(0)[:n_coef]

        def smooth_step(optimizer):
            penalty.add_gradient(weights, weight_grad, strength, decay_scratch)
            optimizer.update([params], [workspace.gradient])

        return smooth_step
    # the prox's scratch: two flat buffers and their per-layer views
    buffers = workspace.parameter_buffer(0), workspace.parameter_buffer(1)
    flat_pair = tuple(buffer[:n_coef] for buffer in buffers)
    layer_pairs = list(
        zip(*(layout.views(buffer)[0] for buffer in buffers), strict=True)
    )
    coef_views = layout.views(params)[0]

    def proximal_step(optimizer):
        optimizer.update([params], [workspace.gradient])
        step = optimizer.step_size(0)
        flat_step = step[:n_coef] if np.ndim(step) else step
        per_layer = penalty.groups_rows and np.ndim(step)
        step_views = layout.views(step)[0] if per_layer else None
        penalty.prox_weights(
            weights, coef_views, flat_step, step_views, strength,
            (flat_pair, layer_pairs),
        )  # fmt: skip

    return proximal_step


def draw_dropout_masks(rates, coefs, n_rows, random_state):
    """Inverted-dropout masks for the hidden layers: 0 or 1 / (1 - rate).

    None when no hidden layer has dropout, so that a fit with zero rates draws
    no random numbers and is identical to one without dropout.
    """
    if rates is None or not any(rates):
        return None
    masks = []
    for rate, W in zip(rates, coefs[:-1], strict=True):
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
