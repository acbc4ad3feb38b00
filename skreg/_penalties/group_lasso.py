r"""Group lasso: one group per unit's outgoing weights (a row of each W(k)).

.. math:: \Omega(W) = \sum_k c_k \sum_j \lVert W^{(k)}_{j,:} \rVert_2

with :math:`c_k = 1` (``group_weights="none"``, the default of
``penalty="group_lasso"``) or :math:`c_k = \sqrt{p_k}`, the square root of the
group's size (``group_weights="sqrt_size"``, as in Scardapane et al. 2017).
A row of ``W(k)`` has one weight per unit of the next layer, so every group of
a layer has the same size :math:`p_k`: the weighting is one factor per layer
(docs/penalties.rst says which default and why).  This module also owns the
block soft-thresholding that the sparse group lasso reuses.
"""

import numpy as np

from .base import Penalty, scratch_pair

GROUP_WEIGHTS = ("none", "sqrt_size")
"""How a group's norm is weighted: by 1, or by the square root of its size."""


def check_group_weights(group_weights):
    """``group_weights`` if it is one of GROUP_WEIGHTS, else a ValueError."""
    if group_weights not in GROUP_WEIGHTS:
        raise ValueError(
            f"group_weights must be one of {', '.join(map(repr, GROUP_WEIGHTS))}; "
            f"got {group_weights!r}."
        )
    return group_weights


def group_weight(coef, group_weights):
    """The weight of every row group of ``coef``: 1, or sqrt of the row's length."""
    if group_weights == "sqrt_size":
        return float(np.sqrt(coef.shape[1]))
    return 1.0


def _row_norms(W, scratch=None):
    """The norm of every row, as ``np.linalg.norm(W, axis=1)``, squares in scratch."""
    squares = np.square(W, out=scratch)
    return np.sqrt(squares.sum(axis=1))


def weighted_row_norms(coefs, group_weights, scratch=None):
    """``sum_k c_k sum_j ||W(k)[j, :]||``: the group term over all layers."""
    spaces = scratch or [None] * len(coefs)
    return float(
        sum(
            group_weight(W, group_weights) * _row_norms(W, space).sum()
            for W, space in zip(coefs, spaces, strict=True)
        )
    )


def row_steps(step, scratch):
    """One step per row from Adam's per-coordinate steps.

    Each row uses the root-mean-square of its inverse steps,
    ``1 / sqrt(mean(1 / step**2))``, i.e. a step from the row's mean squared
    gradient.  A plain mean would be dominated by coordinates whose gradient
    is near zero (Adam gives them huge steps) and wipe out rows.  ``scratch``
    is an array shaped like ``step``.
    """
    inverse_square = np.reciprocal(step, out=scratch)
    np.square(inverse_square, out=inverse_square)
    return 1.0 / np.sqrt(np.mean(inverse_square, axis=1))


def block_soft_threshold(coef, step, scale, scratch=None):
    """In place: ``row *= max(1 - t / ||row||, 0)`` for every row, ``t = scale * step``.

    The proximal operator of ``t * sum_j ||row_j||``: rows whose norm is at
    most ``t`` become exactly zero.  ``step`` is a scalar or Adam's steps
    shaped like ``coef`` (see :func:`row_steps`); ``scratch``, two arrays
    shaped like ``coef``, avoids temporaries.
    """
    space = scratch_pair(coef, scratch)[0]
    if np.ndim(step):
        step = row_steps(step, space)
    threshold = scale * step
    norms = _row_norms(coef, space)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(norms > threshold, 1.0 - threshold / norms, 0.0)
    coef *= factor[:, np.newaxis].astype(coef.dtype, copy=False)
    return coef


class GroupLassoPenalty(Penalty):
    """Sum over layers and units of the norm of the unit's outgoing weights.

    A group is a row of ``W(k)``: in the first layer, all the weights leaving one
    input feature; in deeper layers, all the weights leaving one hidden unit.  Its
    proximal operator (block soft-thresholding) zeroes whole rows.

    Parameters
    ----------
    group_weights : {"none", "sqrt_size"}, default="none"
        Weight of each group's norm: 1, or the square root of the group's
        size (the number of units of the next layer).
    """

    capabilities = frozenset({"prox"})
    groups_rows = True

    def __init__(self, group_weights="none"):
        self.group_weights = check_group_weights(group_weights)

    def value(self, coefs, scratch=None):
        """Return the weighted sum of the row norms over all layers."""
        return weighted_row_norms(coefs, self.group_weights, scratch)

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: block soft-thresholding of the rows of one layer's ``coef``.

        ``t = scale * c * step`` with ``c`` the layer's group weight; with
        per-coordinate steps (Adam) each row uses one step (see
        :func:`row_steps`).
        """
        weight = group_weight(coef, self.group_weights)
        return block_soft_threshold(coef, step, scale * weight, scratch)
