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

    def __init__(self, l1, l2):
        self.l1 = l1
        self.l2 = l2

    @property
    def is_smooth(self):
        """True when the penalty is differentiable everywhere (no L1 part)."""
        return self.l1 == 0

    def value(self, coefs):
        """Return Omega(W) summed over all layers."""
        total = 0.0
        for W in coefs:
            if self.l1:
                total += self.l1 * float(np.abs(W).sum())
            if self.l2:
                flat = W.ravel()
                total += 0.5 * self.l2 * float(flat @ flat)
        return total

    def add_gradient(self, coef, grad, strength):
        """grad += strength * d Omega / dW  (smooth penalties only: weight decay)."""
        if self.l2:
            grad += (strength * self.l2) * coef

    def prox(self, coef, step):
        """In place: ``argmin_v 1/2 ||v - coef||^2 + step * Omega(v)``.

        ``step`` is a scalar or an array shaped like ``coef`` (Adam's
        per-coordinate steps).  The L1 part soft-thresholds, leaving exact zeros;
        the L2 part then scales by ``1 / (1 + step * l2)``.
        """
        if self.l1:
            threshold = step * self.l1
            # w - clip(w, -t, t) = sign(w) * max(|w| - t, 0), exactly 0 when |w| <= t
            coef -= np.clip(coef, -threshold, threshold)
        if self.l2:
            coef /= 1 + step * self.l2
        return coef


class L0Penalty:
    """Number of non-zero weights, applied by hard thresholding (not smooth)."""

    is_smooth = False
    supports_lbfgs = False

    def value(self, coefs):
        return float(sum(np.count_nonzero(W) for W in coefs))

    def add_gradient(self, coef, grad, strength):
        raise TypeError("the L0 penalty has no gradient; use its prox")

    def prox(self, coef, step):
        """In place: keep ``w`` where ``w**2 > 2 * step``, else set it to 0.

        This is ``argmin_v 1/2 (v - w)^2 + step * [v != 0]``: keeping ``w`` costs
        ``step``, zeroing it costs ``w**2 / 2``.
        """
        coef[coef * coef <= 2 * step] = 0.0
        return coef


class GroupLassoPenalty:
    """Sum over layers and units of the norm of the unit's outgoing weights.

    A group is a row of ``W(k)``: in the first layer, all the weights leaving one
    input feature; in deeper layers, all the weights leaving one hidden unit.  Its
    proximal operator (block soft-thresholding) zeroes whole rows.
    """

    is_smooth = False
    supports_lbfgs = False

    def value(self, coefs):
        return float(sum(np.linalg.norm(W, axis=1).sum() for W in coefs))

    def add_gradient(self, coef, grad, strength):
        raise TypeError("the group-lasso penalty is not smooth; use its prox")

    def prox(self, coef, step):
        """In place: ``row *= max(1 - step / ||row||, 0)`` for every row.

        With per-coordinate steps (Adam), a block prox needs one step per
        group: each row uses the root-mean-square of its inverse steps,
        ``1 / sqrt(mean(1 / step**2))``, i.e. a step from the row's mean squared
        gradient.  A plain mean would be dominated by coordinates whose
        gradient is near zero (Adam gives them huge steps) and wipe out rows.
        """
        if np.ndim(step):
            step = 1.0 / np.sqrt(np.mean(np.reciprocal(step) ** 2, axis=1))
        norms = np.linalg.norm(coef, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(norms > step, 1.0 - step / norms, 0.0)
        coef *= scale[:, np.newaxis].astype(coef.dtype, copy=False)
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
