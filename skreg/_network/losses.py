"""Losses paired with their output activation.

Each pair is a canonical link: the gradient of the loss with respect to the
output pre-activation ``z`` is simply ``prediction - target``
(docs/network.rst).  That is why the output layer needs no derivative of its
own, and why the loss's Hessian in ``z`` is the Jacobian of the output
activation (:meth:`_Loss.hessian_product`).

Losses are computed from ``z`` (logits) rather than from the prediction, so they
stay finite and exact at extreme logits (log-sum-exp, ``logaddexp``).  A loss of a
sample is summed over its outputs: the multi-output squared error is
``1/2 * sum_j (z_j - y_j)**2``, whose gradient is exactly ``z - y`` (the loss and
its gradient agree, unlike scikit-learn's MLP, issue 8349).
"""

import functools

import numpy as np
from scipy.special import expit, logit, xlogy


class _Loss:
    """A loss ``L(z, y)`` per sample, with its output activation ``g``."""

    out_activation = None

    def prediction(self, z, out=None):
        """Return g(z), written into ``out`` when given."""
        raise NotImplementedError

    def per_sample(self, z, prediction, Y):
        """Return the loss of every sample, shape (n_samples,)."""
        raise NotImplementedError

    def value(self, z, Y, sample_weight=None):
        """Return sum_i s_i L(z_i, y_i)."""
        losses = self.per_sample(z, self.prediction(z), Y)
        return _weighted_sum(losses, sample_weight)

    def value_and_delta(self, z, Y, sample_weight, delta, row_sums=None):
        """Return sum_i s_i L_i and write s_i * (g(z_i) - y_i) into ``delta``.

        ``row_sums``, two arrays of shape (n_samples,), are scratch space for
        the per-sample losses (allocated when None).
        """
        prediction = self.prediction(z, out=delta)
        losses = self.per_sample(z, prediction, Y)
        delta -= Y
        return _weigh(delta, sample_weight, losses)

    def link(self, prediction):
        """The logits z with g(z) = ``prediction``: the canonical link, g's inverse.

        The constant that minimises a canonical-link loss over a sample is
        the (weighted) mean of its targets, so ``link(mean)`` is the best
        constant logit.  Predictions at the ends of g's range (0 for the
        exponential, 0 or 1 for the logistic) are taken one float away.
        """
        raise NotImplementedError

    def prediction_is_finite(self, z):
        """True when g(z) is finite; for most outputs, when the logits are."""
        return bool(np.isfinite(z).all())

    def hessian_product(self, prediction, direction):
        """``d^2 L / dz^2 @ direction`` per sample, from the prediction g(z).

        With the canonical link this is the Jacobian of g times the direction;
        ``direction`` may carry leading axes (several directions at once).
        """
        raise NotImplementedError

    def hessian_root(self, prediction):
        """A square root ``R`` of the loss's Hessian in z, per sample.

        ``R_i^T R_i = d^2 L_i / dz^2``, of shape (n_samples, n_rows, n_outputs):
        the Gauss-Newton matrix is then ``sum_i (R_i J_i)^T (R_i J_i)``, a sum
        of squares, positive semi-definite by construction.  The diagonal
        Hessians (all but the softmax's) take their square root entry-wise.
        """
        diagonal = self.hessian_product(prediction, np.ones_like(prediction))
        n_samples, n_outputs = prediction.shape
        root = np.zeros((n_samples, n_outputs, n_outputs))
        indices = np.arange(n_outputs)
        root[:, indices, indices] = np.sqrt(np.maximum(diagonal, 0.0))
        return root


def _weigh(delta, sample_weight, losses):
    """Scale each row of ``delta`` by its weight; return sum_i s_i losses_i."""
    if sample_weight is not None:
        delta *= sample_weight[:, np.newaxis]
    return _weighted_sum(losses, sample_weight)


def _weighted_sum(losses, sample_weight):
    if sample_weight is None:
        return float(losses.sum())
    return float(losses @ sample_weight)


def row_max(z, out):
    """``z.max(axis=1)`` into ``out``; column by column when there are few.

    numpy reduces short rows slowly: for 10 classes a loop over the columns
    is ~3x faster than ``np.max(axis=1)``, with the same result.
    """
    if z.shape[1] > 32:
        return np.max(z, axis=1, out=out)
    np.copyto(out, z[:, 0])
    for j in range(1, z.shape[1]):
        np.maximum(out, z[:, j], out=out)
    return out


@functools.lru_cache(maxsize=32)
def _ones(n, dtype):
    """A read-only vector of ones: ``A @ ones`` sums rows faster than np.sum."""
    ones = np.ones(n, dtype)
    ones.flags.writeable = False
    return ones


def _row_buffers(z, row_sums):
    if row_sums is None:
        return np.empty(z.shape[0], z.dtype), np.empty(z.shape[0], z.dtype)
    return row_sums


class SquaredError(_Loss):
    """Half squared error with the identity output."""

    out_activation = "identity"

    def prediction(self, z, out=None):
        if out is None:
            return z.copy()
        out[...] = z
        return out

    def per_sample(self, z, prediction, Y):
        residual = z - Y
        return 0.5 * np.einsum("ij,ij->i", residual, residual)

    def value_and_delta(self, z, Y, sample_weight, delta, row_sums=None):
        losses = _row_buffers(z, row_sums)[0]
        residual = np.subtract(z, Y, out=delta)
        np.einsum("ij,ij->i", residual, residual, out=losses)
        losses *= 0.5
        return _weigh(delta, sample_weight, losses)

    def link(self, prediction):
        return np.array(prediction, dtype=float)

    def hessian_product(self, prediction, direction):
        """The identity: the squared error's Hessian in z is I."""
        return direction


class HalfPoisson(_Loss):
    """Half Poisson deviance with the log link (exponential output)."""

    out_activation = "exp"

    def prediction(self, z, out=None):
        return np.exp(z, out=out)

    def prediction_is_finite(self, z):
        """exp(z) is finite when z is finite and below log(largest float)."""
        if not np.isfinite(z).all():
            return False
        return z.size == 0 or bool(z.max() < np.log(np.finfo(z.dtype).max))

    def per_sample(self, z, prediction, Y):
        # y log(y / mu) - y + mu with mu = exp(z), written through z to avoid log(0).
        return (xlogy(Y, Y) - Y * z - Y + prediction).sum(axis=1)

    def link(self, prediction):
        return np.log(np.maximum(prediction, np.finfo(float).tiny))

    def hessian_product(self, prediction, direction):
        """``exp(z) * direction``."""
        return prediction * direction


class BinaryLogLoss(_Loss):
    """Log-loss of independent logistic outputs (binary and multilabel)."""

    out_activation = "logistic"

    def prediction(self, z, out=None):
        return expit(z, out=out)

    def per_sample(self, z, prediction, Y):
        # -y log p - (1 - y) log(1 - p) = log(1 + e^z) - y z
        return (np.logaddexp(0, z) - Y * z).sum(axis=1)

    def link(self, prediction):
        eps = np.finfo(float).eps
        return logit(np.clip(prediction, eps, 1 - eps))

    def hessian_product(self, prediction, direction):
        """``p (1 - p) * direction``, output by output."""
        return prediction * (1 - prediction) * direction


class MultinomialLogLoss(_Loss):
    """Cross-entropy with the softmax output (multiclass)."""

    out_activation = "softmax"

    def prediction(self, z, out=None):
        if out is None:
            out = np.empty_like(z)
        np.subtract(z, z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    def per_sample(self, z, prediction, Y):
        # log-sum-exp written out: scipy's logsumexp is general but slow here
        top = z.max(axis=1)
        log_norm = np.log(np.exp(z - top[:, np.newaxis]).sum(axis=1)) + top
        return log_norm - np.einsum("ij,ij->i", Y, z)

    def value_and_delta(self, z, Y, sample_weight, delta, row_sums=None):
        # the softmax and the log-sum-exp share exp(z - max): computed once
        top, norm = _row_buffers(z, row_sums)
        row_max(z, out=top)
        np.subtract(z, top[:, np.newaxis], out=delta)
        np.exp(delta, out=delta)
        np.matmul(delta, _ones(z.shape[1], z.dtype), out=norm)
        delta /= norm[:, np.newaxis]
        log_norm = np.log(norm, out=norm)
        log_norm += top
        delta -= Y
        if sample_weight is None:  # only the sum is needed: sum_i y_i.z_i at once
            return float(log_norm.sum()) - float(np.vdot(Y, z))
        losses = np.subtract(log_norm, np.einsum("ij,ij->i", Y, z, out=top), out=top)
        return _weigh(delta, sample_weight, losses)

    def link(self, prediction):
        """Log-probabilities: the softmax is the same for any shift of z."""
        return np.log(np.maximum(prediction, np.finfo(float).tiny))

    def hessian_product(self, prediction, direction):
        """``(diag(p) - p p^T) @ direction``."""
        inner = np.sum(prediction * direction, axis=-1, keepdims=True)
        return prediction * (direction - inner)

    def hessian_root(self, prediction):
        """``(I - r r^T) diag(r)`` with ``r = sqrt(p)``, a unit vector.

        ``I - r r^T`` is a projection, so the square of this root is
        ``diag(r) (I - r r^T) diag(r) = diag(p) - p p^T``.
        """
        r = np.sqrt(np.maximum(prediction, 0.0))
        root = -r[:, :, np.newaxis] * prediction[:, np.newaxis, :]
        indices = np.arange(prediction.shape[1])
        root[:, indices, indices] += r
        return root


LOSSES = {
    "identity": SquaredError(),
    "exp": HalfPoisson(),
    "logistic": BinaryLogLoss(),
    "softmax": MultinomialLogLoss(),
}
"""Loss by the name of its output activation (``out_activation_``)."""
