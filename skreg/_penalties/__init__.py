r"""The only home of :math:`\Omega(W)`: values, smooth gradients, proxes, L1 splits.

``base`` states the contract every penalty follows; ``elastic_net``, ``l0``,
``group_lasso`` and ``sparse_group_lasso`` are the built-in penalties, which
:func:`make_penalty` builds from the estimators' ``penalty`` and ``l1_ratio``
parameters.
"""

from .base import CAPABILITIES, Penalty, soft_threshold
from .elastic_net import ElasticNetPenalty
from .group_lasso import GroupLassoPenalty
from .l0 import L0Penalty
from .scaled_l2 import ScaledL2Penalty
from .sparse_group_lasso import SparseGroupLassoPenalty

__all__ = [
    "CAPABILITIES",
    "PENALTY_NAMES",
    "ElasticNetPenalty",
    "GroupLassoPenalty",
    "L0Penalty",
    "Penalty",
    "ScaledL2Penalty",
    "SparseGroupLassoPenalty",
    "make_penalty",
    "soft_threshold",
]

PENALTY_NAMES = ("l2", "l1", "elasticnet", "l0", "group_lasso", "sparse_group_lasso")
"""The names the ``penalty`` parameter accepts (besides None and Penalty objects)."""

_L1_L2_WEIGHTS = {
    None: (0.0, 0.0),
    "l2": (0.0, 1.0),
    "l1": (1.0, 0.0),
}


def make_penalty(name, l1_ratio=0.5):
    """Return the penalty object for the ``penalty`` parameter's value.

    A :class:`Penalty` instance is returned as it is.  "group_lasso" leaves
    its groups unweighted and "sparse_group_lasso" weights them by the square
    root of their size (docs/penalties.rst, "Sparse group lasso"); the penalty
    objects take either weighting.
    """
    if isinstance(name, Penalty):
        return name
    if name == "l0":
        return L0Penalty()
    if name == "group_lasso":
        return GroupLassoPenalty()
    if name == "sparse_group_lasso":
        return SparseGroupLassoPenalty(l1_ratio)
    if name == "elasticnet":
        return ElasticNetPenalty(l1_ratio, 1.0 - l1_ratio)
    return ElasticNetPenalty(*_L1_L2_WEIGHTS[name])
