"""Group lasso: one group per unit's outgoing weights (a row of each W(k))."""

import numpy as np

from .base import Penalty, scratch_pair


def _row_norms(W, scratch=None):
    """The norm of every row, as ``np.linalg.norm(W, axis=1)``, squares in scratch."""
    squares = np.square(W, out=scratch)
    return np.sqrt(squares.sum(axis=1))


class GroupLassoPenalty(Penalty):
    """Sum over layers and units of the norm of the unit's outgoing weights.

    A group is a row of ``W(k)``: in the first layer, all the weights leaving one
    input feature; in deeper layers, all the weights leaving one hidden unit.  Its
    proximal operator (block soft-thresholding) zeroes whole rows.
    """

    capabilities = frozenset({"prox"})
    groups_rows = True

    def value(self, coefs, scratch=None):
        """Return the sum of the row norms over all layers."""
        spaces = scratch or [None] * len(coefs)
        return float(
            sum(_row_norms(W, s).sum() for W, s in zip(coefs, spaces, strict=True))
        )

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
            inverse_square = np.reciprocal(step, out=scratch_pair(coef, scratch)[0])
            np.square(inverse_square, out=inverse_square)
            step = 1.0 / np.sqrt(np.mean(inverse_square, axis=1))
        threshold = scale * step
        norms = _row_norms(coef, scratch_pair(coef, scratch)[0])
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(norms > threshold, 1.0 - threshold / norms, 0.0)
        coef *= factor[:, np.newaxis].astype(coef.dtype, copy=False)
        return coef
