"""Full-batch training with scipy's L-BFGS-B.

Smooth penalties (None, "l2") are minimised directly.  Penalties with an L1
part are made smooth by splitting every weight into positive and negative parts,
``W = U - V`` with ``U, V >= 0``, so that ``|W| = U + V`` at the optimum; the
bounds are handled by L-BFGS-B and weights that reach ``U = V = 0`` are exactly
zero, which a subgradient method would never give.
"""

import warnings

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from ._flat import ParameterLayout, layer_units_of
from ._network import Workspace, loss_and_gradient

# scipy's default relative-decrease tolerance.  A tight ``tol`` tightens it to
# tol**2 (the objective changes quadratically near the optimum), so that a tight
# tol is not cut short by the decrease test; the default tol leaves it as is.
_SCIPY_DEFAULT_FTOL = 2.220446049250313e-09


class _Packing:
    """Maps the parameter lists to one flat vector and back.

    The vector holds the coefficients (twice, as ``U`` then ``V``, when
    ``split``) and then the intercepts, each layer row-major: unsplit, it is
    the network's own flat layout (``_flat.ParameterLayout``).
    """

    def __init__(self, coefs, intercepts, split):
        self.layout = ParameterLayout(layer_units_of(coefs))
        self.n_coef = self.layout.n_coef
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

    def unpack(self, theta):
        """Copies of the per-layer arrays (float64)."""
        flat = self.network_vector(theta, np.float64).copy()
        return self.layout.views(flat)

    def bounds(self):
        if not self.split:
            return None
        n_free = self.layout.size - self.n_coef
        return [(0, None)] * (2 * self.n_coef) + [(None, None)] * n_free


class _Objective:
    """``J(theta) = (sum_i s_i loss_i + alpha * Omega(W)) / sum_i s_i``."""

    def __init__(self, packing, X, Y, sample_weight, activation, loss, penalty, alpha):
        self.packing = packing
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.activation, self.loss = activation, loss
        self.penalty, self.alpha = penalty, alpha
        self.weight_sum = (
            X.shape[0] if sample_weight is None else float(sample_weight.sum())
        )
        self.dtype = None
        self.workspace = None
        self.params = None
        self.data_value = np.nan

    def __call__(self, theta):
        layout = self.packing.layout
        if self.workspace is None:
            self.workspace = Workspace(layout.layer_units, self.X.shape[0], self.dtype)
            self.params = np.empty(layout.size, self.dtype)
        params = self.packing.network_vector(theta, self.dtype, out=self.params)
        coefs, intercepts = layout.views(params)
        data, _, _ = loss_and_gradient(
            coefs, intercepts, self.X, self.Y, self.sample_weight,
            self.activation, self.loss, self.workspace,
        )  # fmt: skip
        self.data_value = data / self.weight_sum
        # a new array each call: scipy keeps the gradients it is given
        gradient = self.workspace.gradient.astype(np.float64)
        value = self._add_penalty(data, gradient, theta)
        scale = 1.0 / self.weight_sum
        return value * scale, self._full_gradient(gradient) * scale

    def _add_penalty(self, data, gradient, theta):
        """The objective's value; adds the L2 gradient to ``gradient``."""
        n = self.packing.n_coef
        W = self.packing.weights(theta)
        l1, l2 = self.penalty.l1 * self.alpha, self.penalty.l2 * self.alpha
        value = data + 0.5 * l2 * float(W @ W)
        if l2:
            gradient[:n] += l2 * W
        if not self.packing.split:
            return value
        return value + l1 * float(theta[: 2 * n].sum())

    def _full_gradient(self, gradient):
        """d J / d theta from d J / d (W, b): with U, V, ``[g + l1, l1 - g, g_b]``."""
        if not self.packing.split:
            return gradient
        n = self.packing.n_coef
        l1 = self.penalty.l1 * self.alpha
        grad_W = gradient[:n]
        return np.concatenate([grad_W + l1, l1 - grad_W, gradient[n:]])


def fit_lbfgs(
    coefs, intercepts, X, Y, sample_weight, *, activation, loss, penalty, alpha,
    max_iter, max_fun, tol, verbose=False, on_iteration=None,
):  # fmt: skip
    """Minimise the regularized objective from the given starting point.

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
    packing = _Packing(coefs, intercepts, split=not penalty.is_smooth)
    objective = _Objective(
        packing, X, Y, sample_weight, activation, loss, penalty, alpha
    )
    objective.dtype = dtype
    theta0 = packing.pack(coefs, intercepts).astype(np.float64)
    curve, data_curve = [], []

    def record(intermediate_result):
        curve.append(float(intermediate_result.fun))
        data_curve.append(float(objective.data_value))
        if verbose:
            W = packing.weights(intermediate_result.x)
            zeros = float(np.mean(W == 0))
            print(progress_line(len(curve), curve[-1], data_curve[-1], zeros))
        if on_iteration is not None:  # may raise StopIteration to stop scipy
            coefs, intercepts = packing.unpack(intermediate_result.x)
            on_iteration(
                [c.astype(dtype) for c in coefs], [b.astype(dtype) for b in intercepts]
            )

    with np.errstate(all="ignore"):  # a non-finite objective is reported below
        result = _minimize(objective, theta0, packing, max_iter, max_fun, tol, record)
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
    coefs, intercepts = packing.unpack(result.x)
    coefs = [c.astype(dtype) for c in coefs]
    intercepts = [b.astype(dtype) for b in intercepts]
    info = {
        "n_iter": n_iter,
        "loss": float(result.fun),
        "loss_curve": curve,
        "data_loss_curve": data_curve,
    }
    return coefs, intercepts, info


def _minimize(objective, theta0, packing, max_iter, max_fun, tol, record):
    return scipy.optimize.minimize(
        objective, theta0, method="L-BFGS-B", jac=True, bounds=packing.bounds(),
        options={
            "maxfun": max_fun, "maxiter": max_iter, "gtol": tol,
            "ftol": min(_SCIPY_DEFAULT_FTOL, tol**2),
        },
        callback=record,
    )  # fmt: skip


def progress_line(iteration, loss, data_loss, zero_fraction):
    """The ``verbose`` line of an epoch or iteration."""
    return (
        f"Iteration {iteration}, loss = {loss:.8f} (data {data_loss:.8f}, "
        f"penalty {loss - data_loss:.8f}, zero weights {zero_fraction:.1%})"
    )


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
