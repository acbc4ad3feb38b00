r"""The elastic-net family: None, "l2", "l1" and "elasticnet".

.. math:: \Omega(W) = \ell_1 \sum |W| + \frac{\ell_2}{2} \sum W^2

with ``(l1, l2)`` = (0, 0) for None, (0, 1) for "l2", (1, 0) for "l1" and
``(l1_ratio, 1 - l1_ratio)`` for "elasticnet" (docs/penalties.rst).  L2 is
weight decay; the L1 part is applied by soft-thresholding, which leaves exact
zeros.
"""

import numpy as np

from .base import Penalty, scaled, scratch_pair, soft_threshold


class ElasticNetPenalty(Penalty):
    """``l1 * sum|W| + l2/2 * sum W**2`` for every weight matrix.

    Parameters
    ----------
    l1, l2 : float
        Weights of the L1 and squared-L2 parts.
    """

    def __init__(self, l1, l2):
        self.l1 = l1
        self.l2 = l2
        smooth = {"gradient"} if l1 == 0 else {"l1_split"}
        self.capabilities = frozenset({"prox", *smooth})

    def strengths(self, alpha):
        """``(alpha * l1, alpha * l2)``: the strengths of the two parts."""
        return alpha * self.l1, alpha * self.l2

    def value(self, coefs, scratch=None):
        """Return Omega(W) summed over all layers.

        ``scratch``, arrays shaped like ``coefs``, avoids temporaries.
        """
        total = 0.0
        for W, space in zip(coefs, scratch or [None] * len(coefs), strict=True):
            if self.l1:
                total += self.l1 * float(np.abs(W, out=space).sum())
            if self.l2:
                flat = W.ravel()
                total += 0.5 * self.l2 * float(flat @ flat)
        return total

    def add_gradient(self, coef, grad, strength, scratch=None):
        """grad += strength * d Omega_smooth / dW: weight decay.

        ``scratch``, an array shaped like ``coef``, avoids a temporary.
        """
        if self.l2:
            grad += np.multiply(coef, strength * self.l2, out=scratch)

    def smooth_value_and_gradient(self, weights, grad, strength, scratch=None):
        """``strength * l2/2 * ||W||^2``; adds its gradient (weight decay)."""
        l2 = self.l2 * strength
        value = 0.5 * l2 * float(weights @ weights)
        if l2:
            self.add_gradient(weights, grad, strength, scratch)
        return value

    def l1_coefficients(self, n_weights):
        """The same L1 coefficient, ``l1``, for every weight."""
        return self.l1

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: ``argmin_v 1/2 ||v - coef||^2 + t * Omega(v)``.

        ``t = scale * step``, where ``step`` is a scalar or an array shaped
        like ``coef`` (Adam's per-coordinate steps).  The L1 part
        soft-thresholds, leaving exact zeros; the L2 part then scales by
        ``1 / (1 + t * l2)``.  ``scratch``, two arrays shaped like ``coef``,
        avoids temporaries.
        """
        low, high = scratch_pair(coef, scratch)
        if self.l1:
            soft_threshold(coef, scaled(step, scale * self.l1, high), out=low)
        if self.l2:
            shrink = scaled(step, scale * self.l2, high)
            shrink += 1
            coef /= shrink
        return coef
