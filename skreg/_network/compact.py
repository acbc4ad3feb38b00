"""Remove the units of a network that cannot change its predictions.

A hidden unit whose outgoing weights (its row of the next layer's W) are all
zero contributes nothing.  A hidden unit whose incoming weights (its column of
W) are all zero outputs the constant ``g(b_j)``, which is folded into the next
layer's biases.  Both are cut out.  Input features whose first-layer row is
zero can be dropped too.
"""

import numpy as np

from .activations import ACTIVATIONS


def compact_network(coefs, intercepts, activation, drop_features=False):
    """Return an equivalent, smaller network.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The network's weights and biases (not modified).
    activation : str
        The hidden activation.
    drop_features : bool, default=False
        Whether to drop input features whose first-layer weights are all zero.

    Returns
    -------
    coefs, intercepts : list of ndarray
        The compacted network.  A hidden layer keeps at least one unit.
    kept_features : ndarray of int
        Indices of the input features the new network reads.
    """
    coefs = [W.copy() for W in coefs]
    intercepts = [b.copy() for b in intercepts]
    changed = True
    while changed:
        changed = False
        for k in range(len(coefs) - 1):
            changed |= _fold_constant_units(coefs, intercepts, k, activation)
            changed |= _remove_silent_units(coefs, intercepts, k)
    kept = np.arange(coefs[0].shape[0])
    if drop_features:
        kept = np.flatnonzero(np.any(coefs[0] != 0, axis=1))
        coefs[0] = coefs[0][kept]
    return coefs, intercepts, kept


def _fold_constant_units(coefs, intercepts, k, activation):
    """Units of hidden layer k with no incoming weights: fold g(b) into layer k+1."""
    constant = np.flatnonzero(~np.any(coefs[k] != 0, axis=0))
    constant = _leave_one(constant, coefs[k].shape[1])
    if constant.size == 0:
        return False
    outputs = ACTIVATIONS[activation].forward(intercepts[k][constant].copy())
    intercepts[k + 1] = intercepts[k + 1] + outputs @ coefs[k + 1][constant]
    _delete_units(coefs, intercepts, k, constant)
    return True


def _remove_silent_units(coefs, intercepts, k):
    """Units of hidden layer k whose outgoing weights are all zero."""
    silent = np.flatnonzero(~np.any(coefs[k + 1] != 0, axis=1))
    silent = _leave_one(silent, coefs[k].shape[1])
    if silent.size == 0:
        return False
    _delete_units(coefs, intercepts, k, silent)
    return True


def _leave_one(units, n_units):
    """Never empty a layer: keep its first unit (its contribution is then zero)."""
    return units[1:] if units.size == n_units else units


def _delete_units(coefs, intercepts, k, units):
    coefs[k] = np.delete(coefs[k], units, axis=1)
    intercepts[k] = np.delete(intercepts[k], units)
    coefs[k + 1] = np.delete(coefs[k + 1], units, axis=0)
