r"""The data's own scale of penalty strengths, :math:`\alpha_{\max}`.

``alpha_max = max |X_c^T S Y_c|`` (centred inputs and targets, ``S`` the
diagonal of the sample weights) is the smallest alpha at which all-zero
weights are optimal for a linear model with an L1 penalty, in skreg's scaling
``(sum_i s_i loss_i + alpha |W|) / sum_i s_i``.  For networks it is where the
grids of :func:`skreg.default_alphas` start, and the yardstick by which an
alpha is absurdly large.
"""

import numpy as np


def alpha_max(X, Y, sample_weight=None):
    """``max |X^T S (Y - Y_w)|``, or 1 when it is 0.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        The inputs, used as they are (a sparse matrix is never densified).
    Y : ndarray of shape (n_samples, n_outputs)
        The targets (class indicators for a classifier).
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights; ``Y_w`` is the weighted mean, so that integer weights
        give the ``alpha_max`` of the repeated samples.

    Returns
    -------
    alpha_max : float
    """
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    weights = np.asarray(weights, dtype=np.float64).reshape(-1, 1)
    # The weighted centred targets sum to zero over the samples, so the
    # weighted column means of X drop out: X_c^T S Y_c = X^T S Y_c.  X is
    # never centred, which would densify a sparse X (and copy a dense one).
    centred = Y - (weights * Y).sum(axis=0) / weights.sum()
    with np.errstate(over="ignore", invalid="ignore"):
        correlation = np.asarray(X.T @ (weights * centred))
    largest = float(np.abs(correlation).max()) if correlation.size else 0.0
    return largest if largest > 0 else 1.0
