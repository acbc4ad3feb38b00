r"""Penalties on the weights (never the biases), MATH.md section 2.

A penalty knows its value, the gradient of its smooth part (smooth penalties
only) and its proximal operator; it does not know alpha or the sample-weight
scaling, which the solver supplies as ``strength`` or folds into ``step``.

Every penalty of the elastic-net family is

.. math:: \Omega(W) = \ell_1 \sum |W| + \frac{\ell_2}{2} \sum W^2

with ``(l1, l2)`` = (0, 0) for None, (0, 1) for "l2", (1, 0) for "l1" and
``(l1_ratio, 1 - l1_ratio)`` for "elasticnet".  "l0" (the number of non-zero
weights) and "group_lasso" (row norms) are applied by their prox only, so only
the stochastic solvers support them.
"""

import numpy as np


class ElasticNetPenalty:
    """``l1 * sum|W| + l2/2 * sum W**2`` for every weight matrix.

    Parameters
    ----------
    l1, l2 : float
        Weights of the L1 and squared-L2 parts.
    """

    supports_lbfgs = True
    groups_rows = False

    def __init__(self, l1, l2):
        self.l1 = l1
        self.l2 = l2

    @property
    def is_smooth(self):
        """True when the penalty is differentiable everywhere (no L1 part)."""
        return self.l1 == 0

    def value(self, coefs, scratch=None):
        """Return Omega(W) summed over all layers.

        ``scratch``, arrays shaped like ``coefs``, avoids temporaries.
        """
        total = 0.0
        for W, space in zip(coefs, scratch or [None] * len(coefs)):
            if self.l1:
                total += self.l1 * float(np.abs(W, out=space).sum())
            if self.l2:
                flat = W.ravel()
                total += 0.5 * self.l2 * float(flat @ flat)
        return total

    def add_gradient(self, coef, grad, strength, scratch=None):
        """grad += strength * d Omega / dW  (smooth penalties only: weight decay).

        ``scratch``, an array shaped like ``coef``, avoids a temporary.
        """
        if self.l2:
            grad += np.multiply(coef, strength * self.l2, out=scratch)

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: ``argmin_v 1/2 ||v - coef||^2 + t * Omega(v)``.

        ``t = scale * step``, where ``step`` is a scalar or an array shaped
        like ``coef`` (Adam's per-coordinate steps).  The L1 part
        soft-thresholds, leaving exact zeros; the L2 part then scales by
        ``1 / (1 + t * l2)``.  ``scratch``, two arrays shaped like ``coef``,
        avoids temporaries.
        """
        low, high = _scratch_pair(coef, scratch)
        if self.l1:
            threshold = _scaled(step, scale * self.l1, high)
            # w - clip(w, -t, t) = sign(w) * max(|w| - t, 0), exactly 0 when |w| <= t
            clipped = np.minimum(coef, threshold, out=low)
            np.maximum(clipped, _negated(threshold), out=clipped)
            coef -= clipped
        if self.l2:
            shrink = _scaled(step, scale * self.l2, high)
            shrink += 1
            coef /= shrink
        return coef


def _row_norms(W, scratch=None):
    """The norm of every row, as ``np.linalg.norm(W, axis=1)``, squares in scratch."""
    squares = np.square(W, out=scratch)
    return np.sqrt(squares.sum(axis=1))


def _scratch_pair(coef, scratch):
    if scratch is None:
        return np.empty_like(coef), np.empty_like(coef)
    return scratch


def _negated(value):
    """-value, in place for arrays (scratch space)."""
    if np.ndim(value):
        return np.negative(value, out=value)
    return -value


def _scaled(step, factor, out):
    """``step * factor``, into ``out`` when step is an array."""
    if np.ndim(step):
        return np.multiply(step, factor, out=out)
    return step * factor


class L0Penalty:
    """Number of non-zero weights, applied by hard thresholding (not smooth)."""

    is_smooth = False
    supports_lbfgs = False
    groups_rows = False

    def value(self, coefs, scratch=None):
        return float(sum(np.count_nonzero(W) for W in coefs))

    def add_gradient(self, coef, grad, strength, scratch=None):
        raise TypeError("the L0 penalty has no gradient; use its prox")

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: keep ``w`` where ``w**2 > 2 * t``, else 0 (``t = scale * step``).

        This is ``argmin_v 1/2 (v - w)^2 + t * [v != 0]``: keeping ``w`` costs
        ``t``, zeroing it costs ``w**2 / 2``.
        """
        square, threshold = _scratch_pair(coef, scratch)
        np.square(coef, out=square)
        keep = np.greater(square, _scaled(step, 2 * scale, threshold), out=square)
        coef *= keep  # 1.0 where kept, 0.0 where zeroed
        return coef


class GroupLassoPenalty:
    """Sum over layers and units of the norm of the unit's outgoing weights.

    A group is a row of ``W(k)``: in the first layer, all the weights leaving one
    input feature; in deeper layers, all the weights leaving one hidden unit.  Its
    proximal operator (block soft-thresholding) zeroes whole rows.
    """

    is_smooth = False
    supports_lbfgs = False
    groups_rows = True

    def value(self, coefs, scratch=None):
        spaces = scratch or [None] * len(coefs)
        return float(sum(_row_norms(W, s).sum() for W, s in zip(coefs, spaces)))

    def add_gradient(self, coef, grad, strength, scratch=None):
        raise TypeError("the group-lasso penalty is not smooth; use its prox")

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: ``row *= max(1 - t / ||row||, 0)`` for every row.

        ``t = scale * step``.  With per-coordinate steps (Adam), a block prox
        needs one step per group: each row uses the root-mean-square of its
        inverse steps, ``1 / sqrt(mean(1 / step**2))``, i.e. a step from the
        row's mean squared gradient.  A plain mean would be dominated by
        coordinates whose gradient is near zero (Adam gives them huge steps)
        and wipe out rows.
        """
        if np.ndim(step):
            inverse_square = np.reciprocal(step, out=_scratch_pair(coef, scratch)[0])
            np.square(inverse_square, out=inverse_square)
            step = 1.0 / np.sqrt(np.mean(inverse_square, axis=1))
        threshold = scale * step
        norms = _row_norms(coef, _scratch_pair(coef, scratch)[0])
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(norms > threshold, 1.0 - threshold / norms, 0.0)
        coef *= factor[:, np.newaxis].astype(coef.dtype, copy=False)
        return coef


_L1_L2_WEIGHTS = {
    None: (0.0, 0.0),
    "l2": (0.0, 1.0),
    "l1": (1.0, 0.0),
}

PENALTY_NAMES = ("l2", "l1", "elasticnet", "l0", "group_lasso")

SOLVERS_FOR_PROX_ONLY_PENALTIES = ("sgd", "adam")


def make_penalty(name, l1_ratio=0.5):
    """Return the penalty object for the ``penalty`` parameter's value."""
    if name == "l0":
        return L0Penalty()
    if name == "group_lasso":
        return GroupLassoPenalty()
    if name == "elasticnet":
        return ElasticNetPenalty(l1_ratio, 1.0 - l1_ratio)
    return ElasticNetPenalty(*_L1_L2_WEIGHTS[name])
