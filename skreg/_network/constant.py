"""A network emptied by its penalty: its constant output, fitted exactly.

When a strong penalty shrinks every weight towards zero, the network's output
no longer depends on its input, and the only parameters that still matter are
the output intercepts, which are not penalised.  For every canonical-link loss
(:mod:`skreg._network.losses`) the best constant prediction is the weighted
mean of the targets, so the optimum of those intercepts is known in closed
form.  An iterative solver does not always reach it: under ``alpha=1e100``
the penalty term dwarfs the data term in L-BFGS's stopping rule, and the fit
stopped with a diabetes model predicting 0.14 for a target mean of 1.98.
"""

import numpy as np
from scipy import sparse

from .passes import forward_logits

# A network whose logits vary over the training rows by at most this
# (relative to their size, at least 1) is a constant function: a strong L2
# fit that shrank every weight towards zero (say to 1e-5, outputs varying by
# 1e-8) sits at the saddle point of the origin, where the gradient vanishes.
CONSTANT_SPREAD = 1e-6


def _largest_row_norm(X):
    if sparse.issparse(X):
        return float(np.sqrt(X.multiply(X).sum(axis=1).max())) if X.shape[0] else 0.0
    return float(np.sqrt(np.einsum("ij,ij->i", X, X).max())) if X.shape[0] else 0.0


def _lipschitz_bound(coefs):
    """A bound on the network's slope: the product of ``||W||_F >= ||W||_2``.

    Every hidden activation has a slope of at most 1, so each layer moves its
    output by at most ``||W||_2`` times the change of its input.
    """
    lipschitz = 1.0
    for W in coefs:
        lipschitz *= float(np.linalg.norm(W))
        if lipschitz == 0.0:
            break
    return lipschitz


def fit_constant_output(coefs, intercepts, X, Y, sample_weight, activation, loss):
    """Set the output intercepts of a constant network to their optimum.

    Does nothing unless the network's logits are provably constant (within
    :data:`CONSTANT_SPREAD`) over ``X``: its slope bound times the largest
    distance between two rows (at most twice the largest row norm) is that
    small, which for a trained network fails already on the first row's
    norm, a lower bound on the largest.  Loose: it proves a network constant
    only when its weights are tiny.  Then the
    logits of any row are those of every row, and shifting them by
    ``loss.link(mean) - logits`` makes the prediction the weighted mean of
    ``Y``, the best constant.

    Returns
    -------
    changed : bool
        Whether the intercepts were set (in place).
    """
    if X.shape[0] == 0:
        return False
    logits = forward_logits(coefs, intercepts, X[:1], activation)[0]
    tolerance = CONSTANT_SPREAD * max(1.0, float(np.abs(logits).max()))
    slope = 2.0 * _lipschitz_bound(coefs)
    # the first row first: a trained network is told apart without a pass
    # over X (partial_fit calls this every call)
    if slope * _largest_row_norm(X[:1]) > tolerance:
        return False
    if slope * _largest_row_norm(X) > tolerance:
        return False
    mean = np.average(Y, axis=0, weights=sample_weight)
    intercepts[-1] += (loss.link(mean) - logits).astype(intercepts[-1].dtype)
    return True
