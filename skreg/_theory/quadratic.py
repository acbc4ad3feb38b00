r"""The quadratic model near a minimum: L2 shrinkage and L1 soft-thresholding.

The closed forms of the user guide's "Theory" page, on an explicit matrix H.
"""

import numpy as np

from .._penalties import soft_threshold
from .checks import (
    check_alpha,
    check_hessian,
    check_n_penalized,
    check_vector,
    eigen,
    shrinkage_factors,
)


def l2_shrinkage(H, alpha, *, tol=None):
    r"""Compute the eigenvalues of H and the factor L2 scales each eigendirection by.

    With :math:`H = Q \Lambda Q^\top`, the L2-penalised minimiser of the quadratic
    model is :math:`Q\, \mathrm{diag}(f)\, Q^\top w^*` with

    .. math:: f_i = \frac{\lambda_i}{\lambda_i + \alpha}:

    directions of high curvature (:math:`\lambda_i \gg \alpha`) are kept, flat
    ones (:math:`\lambda_i \ll \alpha`) are shrunk towards zero.

    Parameters
    ----------
    H : {array-like, sparse matrix} of shape (n_params, n_params)
        Real, symmetric positive semi-definite Hessian of the data term at its
        minimum (a sparse matrix is densified, up to 10,000 rows).
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
    alpha = check_alpha(alpha)
    eigenvalues, _, _ = eigen(check_hessian(H), tol)
    return eigenvalues, shrinkage_factors(eigenvalues, alpha)


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
    alpha = check_alpha(alpha)
    H = check_hessian(H)
    w_star = check_vector(w_star, "w_star", H.shape[0])
    eigenvalues, Q, _ = eigen(H, tol)
    factors = shrinkage_factors(eigenvalues, alpha)
    rotated = Q.T @ w_star
    scaled = factors * rotated.T  # broadcasts over the targets' axis
    return Q @ scaled.T


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
    H = check_hessian(H)
    n_penalized = check_n_penalized(n_penalized, H.shape[0])
    A = H[:n_penalized, :n_penalized]
    B = H[:n_penalized, n_penalized:]
    C = H[n_penalized:, n_penalized:]
    if C.size == 0:
        return A.copy()
    S = A - B @ np.linalg.pinv(C, hermitian=True) @ B.T
    return (S + S.T) / 2


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
    alpha = check_alpha(alpha)
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


def exact_effective_parameters(H, alpha, tol=None, scale=0.0, kind=None):
    """Sum of the shrinkage factors over the eigenvalues of the array H.

    ``scale`` and ``kind``: the rounding level of H and where it came from
    (see ``checks.zero_rounding``).
    """
    eigenvalues, _, _ = eigen(check_hessian(H), tol, scale, kind)
    return float(shrinkage_factors(eigenvalues, check_alpha(alpha)).sum())
