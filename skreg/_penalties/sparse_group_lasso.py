r"""Sparse group lasso: L1 plus the group lasso's rows, mixed by ``l1_ratio``.

.. math::

   \Omega(W) = \rho \sum_k \sum_{ij} \lvert W^{(k)}_{ij} \rvert
     + (1 - \rho) \sum_k c_k \sum_j \lVert W^{(k)}_{j,:} \rVert_2

with :math:`\rho` = ``l1_ratio`` and :math:`c_k = \sqrt{p_k}`, the square root
of the size of layer k's groups (``group_weights="sqrt_size"``, the default,
as in Scardapane et al. 2017), or 1.  The groups are those of the group lasso
(``group_lasso``): one per unit's outgoing weights.  The L1 part zeroes single
weights, the group part whole rows, which removes input features and hidden
units.  ``l1_ratio=1`` is ``penalty="l1"``; ``l1_ratio=0`` is the group lasso
with the same ``group_weights``.
"""

import numpy as np

from .base import Penalty, scaled, scratch_pair, soft_threshold
from .group_lasso import (
    block_soft_threshold,
    check_group_weights,
    group_weight,
    weighted_row_norms,
)


class SparseGroupLassoPenalty(Penalty):
    """``l1_ratio * sum|W| + (1 - l1_ratio) * sum_k c_k sum_j ||W(k)[j, :]||``.

    Parameters
    ----------
    l1_ratio : float, default=0.5
        Share of the L1 part, in [0, 1].
    group_weights : {"sqrt_size", "none"}, default="sqrt_size"
        Weight ``c_k`` of each group's norm: the square root of the group's
        size (the number of units of the next layer), or 1.
    """

    groups_rows = True

    def __init__(self, l1_ratio=0.5, group_weights="sqrt_size"):
        self.l1_ratio = l1_ratio
        self.group_weights = check_group_weights(group_weights)
        self.l1, self.group = l1_ratio, 1.0 - l1_ratio
        # L-BFGS-B takes an L1 part on split weights, but the norm of a row
        # has a kink where the whole row is zero that no split of the weights
        # removes: only the pure L1 end (l1_ratio=1) has a route besides the
        # prox, the one of penalty="l1".
        split = {"l1_split"} if self.group == 0 else set()
        self.capabilities = frozenset({"prox", *split})

    def value(self, coefs, scratch=None):
        """Return Omega(W) summed over all layers.

        ``scratch``, arrays shaped like ``coefs``, avoids temporaries.
        """
        total = 0.0
        if self.l1:
            spaces = scratch or [None] * len(coefs)
            absolute = (
                np.abs(W, out=s).sum() for W, s in zip(coefs, spaces, strict=True)
            )
            total += self.l1 * float(sum(absolute))
        if self.group:
            total += self.group * weighted_row_norms(coefs, self.group_weights, scratch)
        return total

    def smooth_value_and_gradient(self, weights, grad, strength, scratch=None):
        """No smooth part: with ``l1_ratio=1`` (capability "l1_split") Omega is L1."""
        return 0.0

    def l1_coefficients(self, n_weights):
        """The same L1 coefficient, ``l1_ratio``, for every weight."""
        return self.l1

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: soft-thresholding, then block soft-thresholding of the rows.

        For a scalar step this composition is the exact proximal operator of
        the sum (Friedman, Hastie and Tibshirani 2010, "A note on the group
        lasso and a sparse group lasso"): ``t = scale * step`` thresholds each
        weight by ``t * l1_ratio`` and then each row of one layer's ``coef``
        by ``t * (1 - l1_ratio) * c``.  With Adam's per-coordinate steps the
        L1 part uses each weight's step and the group part one step per row,
        as the group lasso does (``group_lasso.row_steps``).  ``scratch``,
        two arrays shaped like ``coef``, avoids temporaries.
        """
        low, high = scratch_pair(coef, scratch)
        if self.l1:
            soft_threshold(coef, scaled(step, scale * self.l1, high), out=low)
        if self.group:
            weight = group_weight(coef, self.group_weights)
            block_soft_threshold(coef, step, scale * self.group * weight, (low, high))
        return coef
