r"""Penalties on the weights (never the biases), MATH.md section 2.

Every penalty of the elastic-net family is

.. math:: \Omega(W) = \ell_1 \sum |W| + \frac{\ell_2}{2} \sum W^2

with ``(l1, l2)`` = (0, 0) for None, (0, 1) for "l2", (1, 0) for "l1" and
``(l1_ratio, 1 - l1_ratio)`` for "elasticnet".  A penalty knows its value, the
gradient of its smooth part and its proximal operator; it does not know alpha
or the sample-weight scaling, which the solver supplies as ``strength``.
"""

import numpy as np


class ElasticNetPenalty:
    """``l1 * sum|W| + l2/2 * sum W**2`` for every weight matrix.

    Parameters
    ----------
    l1, l2 : float
        Weights of the L1 and squared-L2 parts.
    """

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


_L1_L2_WEIGHTS = {
    None: lambda l1_ratio: (0.0, 0.0),
    "l2": lambda l1_ratio: (0.0, 1.0),
    "l1": lambda l1_ratio: (1.0, 0.0),
    "elasticnet": lambda l1_ratio: (l1_ratio, 1.0 - l1_ratio),
}

PENALTY_NAMES = tuple(name for name in _L1_L2_WEIGHTS if name is not None)


def make_penalty(name, l1_ratio=0.5):
    """Return the penalty object for the ``penalty`` parameter's value."""
    l1, l2 = _L1_L2_WEIGHTS[name](l1_ratio)
    return ElasticNetPenalty(l1, l2)
