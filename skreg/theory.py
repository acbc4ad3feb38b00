r"""The notes' derivations of L2 and L1 regularization as checkable tools.

Near a minimum :math:`w^*` of the data term :math:`J` of the objective
(user guide, "Theory: how the penalties act near a minimum"), :math:`J` is the quadratic

.. math:: J(w) \approx J(w^*) + \tfrac12 (w - w^*)^\top H (w - w^*),

and adding a penalty has a closed-form effect:

* L2, :math:`\tfrac{\alpha}{2}\lVert w \rVert^2`: the minimiser is
  :math:`(H + \alpha I)^{-1} H w^*`; in the eigenbasis :math:`H = Q \Lambda Q^\top`
  every coordinate is scaled by :math:`\lambda_i / (\lambda_i + \alpha)`
  (:func:`l2_solution`, :func:`l2_shrinkage`, :func:`effective_parameters`);
* L1, :math:`\alpha \lVert w \rVert_1`, with a diagonal :math:`H`: every weight is
  soft-thresholded by :math:`\alpha / H_{ii}` (:func:`l1_solution`).

:func:`loss_hessian` computes :math:`H` of a fitted skreg estimator, so the formulas
apply to real fits.  All functions work on the *data term*
:math:`J = \sum_i s_i \mathrm{loss}_i / \sum_i s_i` (user guide, "The
regularized objective").  The estimators minimise
:math:`J + \alpha\,\Omega(W) / \sum_i s_i`, so the ``alpha`` to pass here is
the estimator's ``alpha`` divided by the sample-weight sum (``n_samples``
without weights).
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._network import ParameterLayout, layer_units_of
from ._network.roperator import full_hessian
from ._penalties import soft_threshold

__all__ = [
    "effective_parameters",
    "flat_parameters",
    "l1_solution",
    "l2_shrinkage",
    "l2_solution",
    "loss_hessian",
    "profile_hessian",
]

MAX_HESSIAN_PARAMS = 2000
"""Default limit on the parameters of a model given to :func:`loss_hessian`."""

# H is accepted as symmetric when max|H - H^T| <= _SYMMETRY_RTOL * max|H|.
_SYMMETRY_RTOL = 1e-8
# By default, eigenvalues down to -_NEGATIVE_RTOL * max|lambda| count as rounding
# of a computed positive semi-definite H; more negative ones reject H.
_NEGATIVE_RTOL = float(np.sqrt(np.finfo(np.float64).eps))


# ------------------------------------------------------------------ validation
def _check_nonnegative(value, name):
    if not np.isscalar(value) or isinstance(value, bool | str):
        raise ValueError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}.")
    return value


def _check_alpha(alpha):
    return _check_nonnegative(alpha, "alpha")


def _check_hessian(H):
    H = np.asarray(H, dtype=np.float64)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(
            f"H must be a non-empty square 2-D array, got shape {H.shape}."
        )
    if not np.isfinite(H).all():
        raise ValueError("H contains NaN or infinity.")
    scale = np.abs(H).max()
    asymmetry = np.abs(H - H.T).max()
    if asymmetry > _SYMMETRY_RTOL * scale:
        raise ValueError(
            f"H must be symmetric: max|H - H.T| = {asymmetry:.3g} exceeds "
            f"{_SYMMETRY_RTOL:g} * max|H| = {_SYMMETRY_RTOL * scale:.3g}. "
            "Symmetrise it with (H + H.T) / 2 if the asymmetry is rounding."
        )
    return (H + H.T) / 2


def _check_vector(w, name, length):
    w = np.asarray(w, dtype=np.float64)
    if w.ndim not in (1, 2) or w.shape[0] != length:
        raise ValueError(
            f"{name} must have shape ({length},) or ({length}, n_targets) to match "
            f"H, got shape {w.shape}."
        )
    if not np.isfinite(w).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return w


def _eigen(H, tol):
    """Ascending eigenvalues (zeroed within tol), eigenvectors and tol."""
    eigenvalues, Q = np.linalg.eigh(H)
    largest = np.abs(eigenvalues).max()
    most_negative = -min(eigenvalues[0], 0.0)
    if tol is None:
        if most_negative > _NEGATIVE_RTOL * largest:
            _raise_not_psd(eigenvalues[0], _NEGATIVE_RTOL * largest)
        # A PSD matrix's negative eigenvalues are rounding: they show its size.
        tol = max(H.shape[0] * np.finfo(np.float64).eps * largest, most_negative)
    elif most_negative > _check_nonnegative(tol, "tol"):
        _raise_not_psd(eigenvalues[0], tol)
    eigenvalues[np.abs(eigenvalues) <= tol] = 0.0
    return eigenvalues, Q, tol


def _raise_not_psd(smallest, bound):
    raise ValueError(
        "H must be positive semi-definite (the Hessian at a minimum): its "
        f"smallest eigenvalue is {smallest:.3g}, below -{bound:.3g}. Fit the "
        "model to convergence, or pass tol to treat eigenvalues of "
        "|lambda| <= tol as zero."
    )


def _factors(eigenvalues, alpha):
    """lambda / (lambda + alpha); at alpha = 0, 1 where lambda > 0 and 0 where 0."""
    if alpha == 0:
        return (eigenvalues > 0).astype(np.float64)
    return eigenvalues / (eigenvalues + alpha)


# ------------------------------------------------------------------------- L2
def l2_shrinkage(H, alpha, *, tol=None):
    r"""Compute the eigenvalues of H and the factor L2 scales each eigendirection by.

    With :math:`H = Q \Lambda Q^\top`, the L2-penalised minimiser of the quadratic
    model is :math:`Q\, \mathrm{diag}(f)\, Q^\top w^*` with

    .. math:: f_i = \frac{\lambda_i}{\lambda_i + \alpha}:

    directions of high curvature (:math:`\lambda_i \gg \alpha`) are kept, flat
    ones (:math:`\lambda_i \ll \alpha`) are shrunk towards zero.

    Parameters
    ----------
    H : array-like of shape (n_params, n_params)
        Symmetric positive semi-definite Hessian of the data term at its minimum.
    alpha : float
        L2 strength in the scale of H: for a skreg estimator with data-term
        Hessian from :func:`loss_hessian`, ``estimator.alpha / sum(sample_weight)``.
    tol : float, default=None
        Eigenvalues with :math:`|\lambda| \le` ``tol`` are rounding noise and are
        set to exactly 0; this clips the small negative eigenvalues that a
        singular H acquires through rounding, and fixes the rank of H (the
        number of eigenvalues above ``tol``).  An eigenvalue below ``-tol``
        raises a ValueError: H is not the Hessian at a minimum.  None means
        ``max(n_params * eps * max|lambda|, -min(lambda_min, 0))``: the default
        rank tolerance of :func:`numpy.linalg.matrix_rank`, raised to the size of
        the most negative eigenvalue, which measures the rounding error of a
        computed H; in that case only an eigenvalue below
        ``-sqrt(eps) * max|lambda|`` (about :math:`-1.5 \cdot 10^{-8}` of the
        largest) raises.

    Returns
    -------
    eigenvalues : ndarray of shape (n_params,)
        Eigenvalues of H in ascending order, the ones within ``tol`` of zero set
        to 0.
    factors : ndarray of shape (n_params,)
        :math:`\lambda_i / (\lambda_i + \alpha)`, in [0, 1].  A zero eigenvalue
        has factor 0.  At ``alpha=0`` the factor is 1 for :math:`\lambda_i > 0`
        and 0 for :math:`\lambda_i = 0` (the limit :math:`\alpha \to 0^+`), so
        that ``factors.sum()`` is the rank of H.

    See Also
    --------
    l2_solution : The shrunk weights themselves.
    effective_parameters : The sum of the factors.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.theory import l2_shrinkage
    >>> eigenvalues, factors = l2_shrinkage(np.diag([4.0, 0.0, 1.0]), alpha=1.0)
    >>> eigenvalues
    array([0., 1., 4.])
    >>> factors
    array([0. , 0.5, 0.8])
    """
    alpha = _check_alpha(alpha)
    eigenvalues, _, _ = _eigen(_check_hessian(H), tol)
    return eigenvalues, _factors(eigenvalues, alpha)


def l2_solution(H, w_star, alpha, *, tol=None):
    r"""Minimiser of the quadratic model plus an L2 penalty.

    .. math::

        \hat w = \arg\min_w \tfrac12 (w - w^*)^\top H (w - w^*)
                 + \tfrac{\alpha}{2} \lVert w \rVert^2
               = (H + \alpha I)^{-1} H w^*
               = Q (\Lambda + \alpha I)^{-1} \Lambda Q^\top w^*.

    It is computed through the eigendecomposition :math:`H = Q \Lambda Q^\top`,
    which stays stable when H is singular: a component of :math:`w^*` in the
    null space of H is set to zero.  At ``alpha=0`` this gives
    the projection of :math:`w^*` on the range of H, the limit
    :math:`\alpha \to 0^+` (the minimum-norm minimiser).  For least squares the
    model is exact: ``l2_solution(X.T @ X, w_ols, alpha)`` is the ridge
    solution.

    Parameters
    ----------
    H : array-like of shape (n_params, n_params)
        Symmetric positive semi-definite Hessian of the data term at ``w_star``.
    w_star : array-like of shape (n_params,) or (n_params, n_targets)
        Unpenalised minimiser (one column per target for several).
    alpha : float
        L2 strength in the scale of H (for a skreg estimator,
        ``estimator.alpha / sum(sample_weight)``).
    tol : float, default=None
        Zero tolerance for the eigenvalues, see :func:`l2_shrinkage`.

    Returns
    -------
    w : ndarray of the shape of ``w_star``
        The L2-penalised minimiser.

    See Also
    --------
    profile_hessian : The Hessian of the weights when the intercepts, which are
        not penalised, are minimised out.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.theory import l2_solution
    >>> l2_solution(np.diag([3.0, 1.0]), [1.0, 1.0], alpha=1.0)
    array([0.75, 0.5 ])
    """
    alpha = _check_alpha(alpha)
    H = _check_hessian(H)
    w_star = _check_vector(w_star, "w_star", H.shape[0])
    eigenvalues, Q, _ = _eigen(H, tol)
    factors = _factors(eigenvalues, alpha)
    rotated = Q.T @ w_star
    scaled = factors * rotated.T  # broadcasts over the targets' axis
    return Q @ scaled.T


def effective_parameters(H, alpha, *, tol=None):
    r"""Effective number of parameters under an L2 penalty.

    .. math:: \gamma(\alpha) = \sum_i \frac{\lambda_i}{\lambda_i + \alpha}

    Each eigendirection counts as one parameter when the data determine it well
    (:math:`\lambda_i \gg \alpha`) and as none when the penalty dominates
    (:math:`\lambda_i \ll \alpha`).  :math:`\gamma(0)` is the rank of H, and
    :math:`\gamma` decreases strictly with :math:`\alpha` (for H not zero),
    towards 0.  For ridge regression it is the degrees of freedom
    :math:`\mathrm{tr}\, X (X^\top X + \alpha I)^{-1} X^\top`.

    Parameters
    ----------
    H : array-like of shape (n_params, n_params)
        Symmetric positive semi-definite Hessian of the data term.
    alpha : float
        L2 strength in the scale of H.
    tol : float, default=None
        Zero tolerance for the eigenvalues (hence the rank), see
        :func:`l2_shrinkage`.

    Returns
    -------
    gamma : float
        The sum of the shrinkage factors, between 0 and rank(H).

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.theory import effective_parameters
    >>> H = np.diag([4.0, 1.0, 0.0])
    >>> effective_parameters(H, 0.0), effective_parameters(H, 1.0)
    (2.0, 1.3)
    """
    _, factors = l2_shrinkage(H, alpha, tol=tol)
    return float(factors.sum())


def profile_hessian(H, n_penalized):
    r"""Hessian of the penalised parameters once the others are minimised out.

    skreg penalises the weights but never the intercepts.  Ordering the
    parameters as :func:`loss_hessian` does (weights first),

    .. math::

        H = \begin{pmatrix} A & B \\ B^\top & C \end{pmatrix}, \qquad
        S = A - B C^{+} B^\top

    is the Hessian of the quadratic model in the weights alone after
    minimising it over the intercepts for every value of the weights (the
    Schur complement; :math:`C^{+}` is the pseudo-inverse).  Because the
    penalty does not involve the intercepts, ``l2_solution(S, w_star, alpha)``
    is the weight part of the penalised minimiser of the full quadratic model.
    For a linear model S is the Gram matrix of the centred inputs,
    :math:`X_c^\top X_c / n`.

    Parameters
    ----------
    H : array-like of shape (n_params, n_params)
        Symmetric Hessian, penalised parameters first.
    n_penalized : int
        Number of penalised parameters (for a skreg estimator,
        ``sum(W.size for W in estimator.coefs_)``).

    Returns
    -------
    S : ndarray of shape (n_penalized, n_penalized)
        The profiled (symmetric) Hessian.
    """
    H = _check_hessian(H)
    n_params = H.shape[0]
    if not isinstance(n_penalized, int | np.integer) or not (
        0 < n_penalized <= n_params
    ):
        raise ValueError(
            f"n_penalized must be an integer in [1, {n_params}], got {n_penalized!r}."
        )
    A = H[:n_penalized, :n_penalized]
    B = H[:n_penalized, n_penalized:]
    C = H[n_penalized:, n_penalized:]
    if C.size == 0:
        return A.copy()
    S = A - B @ np.linalg.pinv(C, hermitian=True) @ B.T
    return (S + S.T) / 2


# ------------------------------------------------------------------------- L1
def l1_solution(w_star, h_diag, alpha):
    r"""Minimiser of a diagonal quadratic model plus an L1 penalty.

    With a diagonal Hessian :math:`H = \mathrm{diag}(h)` (uncorrelated inputs,
    e.g. after a PCA) the problem

    .. math::

        \min_w \sum_i \tfrac12 h_i (w_i - w^*_i)^2 + \alpha \lvert w_i \rvert

    splits into one problem per weight, solved by the soft-threshold:

    .. math::

        w_i = \operatorname{sign}(w^*_i)\,
              \max\bigl(\lvert w^*_i \rvert - \alpha / h_i,\ 0\bigr).

    Weights with :math:`\lvert w^*_i \rvert \le \alpha / h_i` are exactly zero.
    A coordinate with :math:`h_i = 0` does not affect the data term, so the
    penalty alone sets it: :math:`w_i = 0` for :math:`\alpha > 0`, and
    :math:`w_i = w^*_i` at :math:`\alpha = 0`.

    Parameters
    ----------
    w_star : array-like of shape (n_params,)
        Unpenalised minimiser.
    h_diag : array-like of shape (n_params,)
        Diagonal of the Hessian of the data term, all :math:`\ge 0`.
    alpha : float
        L1 strength in the scale of ``h_diag`` (for a skreg estimator,
        ``estimator.alpha / sum(sample_weight)``).

    Returns
    -------
    w : ndarray of shape (n_params,)
        The soft-thresholded weights, with exact zeros.

    Examples
    --------
    >>> from skreg.theory import l1_solution
    >>> l1_solution([3.0, -0.5, 2.0, 1.0], [1.0, 1.0, 2.0, 0.0], alpha=1.0)
    array([2. , 0. , 1.5, 0. ])
    """
    alpha = _check_alpha(alpha)
    w_star = np.asarray(w_star, dtype=np.float64)
    h_diag = np.asarray(h_diag, dtype=np.float64)
    if w_star.ndim != 1 or h_diag.shape != w_star.shape:
        raise ValueError(
            "w_star and h_diag must be 1-D arrays of the same length, got shapes "
            f"{w_star.shape} and {h_diag.shape}."
        )
    if not (np.isfinite(w_star).all() and np.isfinite(h_diag).all()):
        raise ValueError("w_star and h_diag must be finite.")
    if (h_diag < 0).any():
        raise ValueError(
            "h_diag must be >= 0 (the curvature at a minimum), got a minimum of "
            f"{h_diag.min():.3g}."
        )
    flat = h_diag == 0
    threshold = np.full_like(w_star, np.inf if alpha > 0 else 0.0)
    np.divide(alpha, h_diag, out=threshold, where=~flat)
    # the L1 prox with threshold alpha / h_i: exactly 0 where |w*_i| <= it
    return soft_threshold(w_star.copy(), threshold, out=np.empty_like(w_star))


# -------------------------------------------------------------------- Hessian
def flat_parameters(estimator):
    """Return the parameters of a fitted skreg estimator as one vector.

    The order is the one of :func:`loss_hessian`: every ``coefs_[k]`` then every
    ``intercepts_[k]``, layer by layer, each flattened row-major.  The first
    ``sum(W.size for W in estimator.coefs_)`` entries are the penalised weights.

    Parameters
    ----------
    estimator : RegularizedMLPRegressor or RegularizedMLPClassifier
        A fitted estimator.

    Returns
    -------
    theta : ndarray of shape (n_params,)
        The parameters, as float64.
    """
    check_is_fitted(estimator, ["coefs_", "intercepts_"])
    layout = ParameterLayout(layer_units_of(estimator.coefs_))
    return layout.pack(estimator.coefs_, estimator.intercepts_, np.float64)


def _targets(estimator, X, y):
    """Validated dense X and the 2-D float targets the network is trained on."""
    X, y = validate_data(
        estimator, X, y, accept_sparse=["csr", "csc"], multi_output=True,
        y_numeric=not is_classifier(estimator), dtype=np.float64, reset=False,
    )  # fmt: skip
    if sp.issparse(X):
        X = X.toarray()
    if is_classifier(estimator):
        unknown = np.setdiff1d(unique_labels(y), estimator.classes_)
        if unknown.size:
            raise ValueError(
                f"y has classes {unknown} that the estimator was not fitted on "
                f"(classes_ = {estimator.classes_})."
            )
    return X, estimator._encode_targets(y)


def loss_hessian(estimator, X, y, sample_weight=None, *, max_params=MAX_HESSIAN_PARAMS):
    r"""Hessian of the data term of a fitted estimator's objective.

    .. math::

        H = \nabla^2_\theta J(\theta), \qquad
        J(\theta) = \frac{\sum_i s_i\, \mathrm{loss}_i(\theta)}{\sum_i s_i}

    at the fitted parameters :math:`\theta`, without the penalty.
    :math:`\theta` holds all parameters, ordered as
    :func:`flat_parameters`: ``coefs_`` then ``intercepts_``, layer by layer,
    each row-major.  Adding the L2 penalty's Hessian,
    :math:`\alpha / \sum_i s_i` on the diagonal of the weights, gives the
    Hessian of the whole objective.

    The columns :math:`H e_j` are exact Hessian-vector products, computed by
    pushing Pearlmutter's R-operator through the hand-written forward and
    backward passes (no finite differences, no step size).  For ReLU the second
    derivative of the activation is taken as 0 (it is, except at the kink).
    The result is symmetrised; before that it is symmetric up to rounding.

    Parameters
    ----------
    estimator : RegularizedMLPRegressor or RegularizedMLPClassifier
        A fitted estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input data (a sparse matrix is densified).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets: real numbers for a regressor, labels among ``classes_`` for a
        classifier.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights :math:`s_i`; all ones when None.
    max_params : int, default=2000
        Largest number of parameters accepted.  H is a dense
        ``(n_params, n_params)`` matrix built from ``n_params`` passes over
        the data, so a larger model raises a ValueError instead of exhausting
        memory; raise the limit deliberately if you have the resources.

    Returns
    -------
    H : ndarray of shape (n_params, n_params)
        The symmetric Hessian of the data term, in float64.

    Notes
    -----
    For a linear model (``hidden_layer_sizes=()``) with the squared error and
    one output,

    .. math::

        H = \frac{1}{\sum_i s_i}
            \begin{pmatrix} X^\top S X & X^\top s \\ s^\top X & \sum_i s_i
            \end{pmatrix},
        \qquad S = \mathrm{diag}(s).

    At a minimum :math:`\theta^*` of an unpenalised fit, H is the Hessian of
    the quadratic model of the objective: pass it (or :func:`profile_hessian`
    of it, to minimise the unpenalised intercepts out) to :func:`l2_solution`,
    :func:`l2_shrinkage` and :func:`effective_parameters` with
    ``alpha = estimator.alpha / sum(sample_weight)``.
    """
    check_is_fitted(estimator, ["coefs_", "intercepts_"])
    coefs = [np.asarray(W, dtype=np.float64) for W in estimator.coefs_]
    intercepts = [np.asarray(b, dtype=np.float64) for b in estimator.intercepts_]
    n_params = sum(p.size for p in coefs + intercepts)
    if n_params > max_params:
        raise ValueError(
            f"The estimator has {n_params} parameters; loss_hessian builds a "
            f"dense {n_params} x {n_params} matrix and accepts at most "
            f"max_params={max_params}. Use a smaller network, or pass a larger "
            "max_params if the memory and time allow."
        )
    X, Y = _targets(estimator, X, y)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
    objective = estimator._objective(X, Y, sample_weight)
    if not objective.weight_sum > 0:
        raise ValueError("The sample weights must have a positive sum.")
    H = full_hessian(
        coefs, intercepts, X, Y, sample_weight, objective.activation, objective.loss
    )
    H /= objective.weight_sum
    return (H + H.T) / 2
