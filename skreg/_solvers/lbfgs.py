"""Full-batch training with scipy's L-BFGS-B.

Penalties with capability "gradient" (None, "l2") are minimised directly.
Penalties with an L1 part ("l1_split") are made smooth by splitting every
weight into positive and negative parts, ``W = U - V`` with ``U, V >= 0``, so
that ``c |W| = c (U + V)`` at the optimum; the bounds are handled by L-BFGS-B
and weights that reach ``U = V = 0`` are exactly zero, which a subgradient
method would never give.  The penalty supplies its smooth part and its L1
coefficients ``c``; the split itself is this solver's business.
"""

import warnings

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from .._network import Workspace, zero_fraction
from .progress import NON_FINITE_WEIGHTS, progress_line

# scipy's default relative-decrease tolerance.  A tight ``tol`` tightens it to
# tol**2 (the objective changes quadratically near the optimum), so that a tight
# tol is not cut short by the decrease test; the default tol leaves it as is.
_SCIPY_DEFAULT_FTOL = 2.220446049250313e-09


class _SplitVector:
    """L-BFGS-B's vector theta and the network's flat parameters.

    theta holds the weights (twice, as ``U`` then ``V``, when ``split``) and
    then the biases; unsplit, it is the network's own flat layout.
    """

    def __init__(self, layout, split):
        self.layout = layout
        self.n_coef = layout.n_coef
        self.split = split

    def pack(self, coefs, intercepts):
        flat = self.layout.pack(coefs, intercepts, np.float64)
        if not self.split:
            return flat
        W, b = flat[: self.n_coef], flat[self.n_coef :]
        return np.concatenate([np.maximum(W, 0), np.maximum(-W, 0), b])

    def weights(self, theta):
        """The flat weight vector W (U - V when split)."""
        n = self.n_coef
        if self.split:
            return theta[:n] - theta[n : 2 * n]
        return theta[:n]

    def network_vector(self, theta, dtype, out=None):
        """theta in the network's layout and dtype (theta itself when it is)."""
        if not self.split and theta.dtype == dtype:
            return theta
        if out is None:
            out = np.empty(self.layout.size, dtype)
        n = self.n_coef
        if self.split:
            np.subtract(theta[:n], theta[n : 2 * n], out=out[:n])
            out[n:] = theta[2 * n :]
        else:
            out[...] = theta
        return out

    def unpack(self, theta, dtype):
        """Copies of the per-layer arrays, in ``dtype``."""
        flat = self.network_vector(theta, np.float64).copy()
        coefs, intercepts = self.layout.views(flat)
        return [c.astype(dtype) for c in coefs], [b.astype(dtype) for b in intercepts]

    def bounds(self):
        if not self.split:
            return None
        n_free = self.layout.size - self.n_coef
        return [(0, None)] * (2 * self.n_coef) + [(None, None)] * n_free


class _SplitObjective:
    """The objective as a function of theta, for scipy: ``(value, gradient)``."""

    def __init__(self, objective, vector, dtype):
        self.objective, self.vector = objective, vector
        self.workspace = Workspace(
            objective.layout.layer_units, objective.X.shape[0], dtype
        )
        self.params = np.empty(objective.layout.size, dtype)
        self.data_value = np.nan

    def __call__(self, theta):
        objective = self.objective
        params = self.vector.network_vector(theta, self.params.dtype, out=self.params)
        coefs, intercepts = objective.layout.views(params)
        data = objective.data_sum_and_gradient(
            coefs, intercepts, objective.X, objective.Y, objective.sample_weight,
            self.workspace,
        )  # fmt: skip
        self.data_value = data / objective.weight_sum
        # a new array each call: scipy keeps the gradients it is given
        gradient = self.workspace.gradient.astype(np.float64)
        n = self.vector.n_coef
        value = data + objective.smooth_penalty(
            self.vector.weights(theta), gradient[:n]
        )
        if self.vector.split:
            value, gradient = self._add_l1_part(value, gradient, theta)
        scale = 1.0 / objective.weight_sum
        return value * scale, gradient * scale

    def _add_l1_part(self, value, gradient, theta):
        """``+ c (U + V)``; d/d(U, V, b) from d/d(W, b) is ``[g + c, c - g, g_b]``."""
        n = self.vector.n_coef
        l1 = self.objective.l1_coefficients()
        if np.ndim(l1):
            value += float(l1 @ theta[:n]) + float(l1 @ theta[n : 2 * n])
        else:
            value += l1 * float(theta[: 2 * n].sum())
        grad_W = gradient[:n]
        return value, np.concatenate([grad_W + l1, l1 - grad_W, gradient[n:]])


def fit_lbfgs(
    objective, coefs, intercepts, *, max_iter, max_fun, tol, verbose=False,
    on_iteration=None,
):  # fmt: skip
    """Minimise the objective from the given starting point.

    ``on_iteration(coefs, intercepts)``, when given, is called after every
    iteration with the current parameters; it may raise ``StopIteration``.

    Returns
    -------
    coefs, intercepts : list of ndarray
        The solution, in the dtype of the input parameters.
    result : dict
        ``n_iter``, ``loss`` (objective), ``loss_curve`` (objective per
        iteration) and ``data_loss_curve`` (data term per iteration).
    """
    dtype = coefs[0].dtype
    vector = _SplitVector(objective.layout, split=not objective.penalty.is_smooth)
    function = _SplitObjective(objective, vector, dtype)
    theta0 = vector.pack(coefs, intercepts).astype(np.float64)
    curve, data_curve = [], []

    def record(intermediate_result):
        curve.append(float(intermediate_result.fun))
        data_curve.append(float(function.data_value))
        if verbose:
            zeros = zero_fraction([vector.weights(intermediate_result.x)])
            print(progress_line(len(curve), curve[-1], data_curve[-1], zeros))
        if on_iteration is not None:  # may raise StopIteration to stop scipy
            on_iteration(*vector.unpack(intermediate_result.x, dtype))

    with np.errstate(all="ignore"):  # a non-finite objective is reported below
        result = _minimize(function, theta0, vector, max_iter, max_fun, tol, record)
    if not np.isfinite(result.fun) and result.nit == 0:
        # not one finite step: the starting point would pass for a fitted model
        raise ValueError(NON_FINITE_WEIGHTS)
    if not np.isfinite(result.fun):
        warnings.warn(
            "lbfgs diverged: the objective became non-finite. The input data may "
            "contain very large values and need to be scaled.",
            ConvergenceWarning,
            stacklevel=3,
        )
    n_iter = min(result.nit, max_iter)
    if result.status != 0:
        _warn_not_converged(result, n_iter, max_iter)
    coefs, intercepts = vector.unpack(result.x, dtype)
    info = {
        "n_iter": n_iter,
        "loss": float(result.fun),
        "loss_curve": curve,
        "data_loss_curve": data_curve,
    }
    return coefs, intercepts, info


def _minimize(function, theta0, vector, max_iter, max_fun, tol, record):
    return scipy.optimize.minimize(
        function, theta0, method="L-BFGS-B", jac=True, bounds=vector.bounds(),
        options={
            "maxfun": max_fun, "maxiter": max_iter, "gtol": tol,
            "ftol": min(_SCIPY_DEFAULT_FTOL, tol**2),
        },
        callback=record,
    )  # fmt: skip


def _warn_not_converged(result, n_iter, max_iter):
    message = (
        f"lbfgs failed to converge after {n_iter} iteration(s) "
        f"(status={result.status}):\n{result.message}\n"
    )
    if n_iter == max_iter:
        message += (
            "\nIncrease the number of iterations to improve the convergence "
            f"(max_iter={max_iter})."
        )
    warnings.warn(message, ConvergenceWarning, stacklevel=3)
