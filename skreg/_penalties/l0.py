"""The L0 penalty: the number of non-zero weights, applied by hard thresholding."""

import numpy as np

from .base import Penalty, scaled, scratch_pair


class L0Penalty(Penalty):
    """Number of non-zero weights, applied by hard thresholding (not smooth)."""

    capabilities = frozenset({"prox"})

    def value(self, coefs, scratch=None):
        """Return the number of non-zero weights over all layers."""
        return float(sum(np.count_nonzero(W) for W in coefs))

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: keep ``w`` where ``w**2 > 2 * t``, else 0 (``t = scale * step``).

        This is ``argmin_v 1/2 (v - w)^2 + t * [v != 0]``: keeping ``w`` costs
        ``t``, zeroing it costs ``w**2 / 2``.
        """
        square, threshold = scratch_pair(coef, scratch)
        np.square(coef, out=square)
        keep = np.greater(square, scaled(step, 2 * scale, threshold), out=square)
        coef *= keep  # 1.0 where kept, 0.0 where zeroed
        return coef
