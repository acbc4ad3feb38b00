r"""Spectral quantities of a curvature: exact for arrays, stochastic for operators.

For a symmetric positive semi-definite :math:`H` (an array, or a
``LinearOperator`` such as :func:`curvature_operator`'s):

- :func:`effective_parameters`, :math:`\gamma = \sum_i \lambda_i/(\lambda_i+\alpha)`;
- :func:`log_det`, :math:`\log\det(H + \alpha D)`;
- :func:`top_eigenvalues`, by Lanczos (``scipy.sparse.linalg.eigsh``);
- :func:`spectral_density`, by stochastic Lanczos quadrature.

Stochastic Lanczos quadrature (SLQ): for a probe :math:`v` with Rademacher
entries, :math:`m` steps of Lanczos from :math:`v` give a tridiagonal matrix
whose eigenvalues :math:`\theta_j` and squared first eigenvector components
:math:`\tau_j^2` are the nodes and weights of a Gauss quadrature of the
spectral measure seen from :math:`v`, so that
:math:`v^\top f(H) v \approx \lVert v\rVert^2 \sum_j \tau_j^2 f(\theta_j)`;
averaged over probes this estimates :math:`\mathrm{tr}\, f(H)` (Hutchinson).
The probes run side by side, one block product per Lanczos step, with full
reorthogonalisation.  Hutchinson's estimator with conjugate-gradient solves,
:math:`\gamma = P - \alpha\,\mathrm{tr}(H+\alpha I)^{-1}`, is the alternative
(``method="hutchinson"``); ``benchmarks/curvature.py`` compares their error
per curvature-vector product.
"""

import numbers

import numpy as np
import scipy.sparse as sp
from scipy.linalg import eigh_tridiagonal
from scipy.sparse.linalg import ArpackError, aslinearoperator, eigsh
from sklearn.utils import check_random_state

from . import checks
from .checks import (
    check_alpha,
    check_hessian,
    check_operator,
    curvature_kind,
    eigen,
    is_operator,
    psd_advice,
    zero_rounding,
)
from .operators import penalized_block
from .quadratic import exact_effective_parameters

METHODS = ("auto", "exact", "slq", "hutchinson")
# Adaptive settings of the stochastic traces (``n_probes`` or ``lanczos_steps``
# None).  A probe's Lanczos stops when its quadrature changed by less than
# STEP_RTOL (relative) over the last CHECK_EVERY steps, after MAX_STEPS at
# most: how many steps are needed depends on how the spectrum spreads compared
# to alpha (25 were plenty on a 2,400-parameter network and 27% off on a
# 60,000-parameter one).  Probes are added PROBE_BATCH at a time until the
# standard error of their mean is below PROBE_RTOL of it, MAX_PROBES at most.
STEP_RTOL, CHECK_EVERY, MAX_STEPS = 1e-3, 5, 200
PROBE_RTOL, PROBE_BATCH, MAX_PROBES = 0.01, 5, 50
# fixed settings of the spectral density
DENSITY_PROBES, DENSITY_STEPS = 10, 30
# relative residual at which conjugate gradients stop, and their step budget
_CG_TOL, _CG_MAXITER = 1e-6, 1000


# ------------------------------------------------------------- quadrature
def rademacher(n, m, rng):
    """``m`` probe vectors of length ``n`` with independent +-1 entries.

    Parameters
    ----------
    n, m : int
        Length and number of the probes.
    rng : numpy.random.RandomState
        The random stream they are drawn from.

    Returns
    -------
    probes : ndarray of shape (n, m)
        Rademacher probes, one per column: ``E[v v^T] = I``, so that
        ``E[v^T M v] = tr M`` (Hutchinson).
    """
    return rng.choice([-1.0, 1.0], size=(n, m))


def _gauss_sum(nodes, weights, f):
    """``sum_j tau_j^2 f(theta_j)`` over the nodes of positive weight.

    A weight that underflowed to 0 carries no measure; leaving it out keeps
    ``0 * f = 0`` where f is infinite (``log 0`` at alpha = 0), not NaN.
    """
    kept = weights > 0
    return float(weights[kept] @ f(nodes[kept]))


def _quadrature(diag, off, f):
    """``sum_j tau_j^2 f(theta_j)`` of one tridiagonal matrix."""
    nodes, vectors = eigh_tridiagonal(diag, off)
    return _gauss_sum(np.maximum(nodes, 0.0), vectors[0] ** 2, f)


def _settled(diag, off, lengths, j, f, previous):
    """Stop the probes whose quadrature of f settled; update ``previous``."""
    for i in np.flatnonzero(lengths > j + 1):
        value = _quadrature(diag[: j + 1, i], off[:j, i], f)
        # equal covers -inf twice (a zero node at alpha = 0), where - gives NaN
        if value == previous[i] or abs(value - previous[i]) <= STEP_RTOL * abs(value):
            lengths[i] = j + 1
        previous[i] = value


def _lanczos_block(op, probes, steps, f=None):
    """Lanczos from every column of ``probes`` at once (full reorthogonalisation).

    Returns, per probe, the diagonal and off-diagonal of its tridiagonal
    matrix.  A probe stops early when its Krylov space is exhausted (its
    quadrature is then exact) or, given ``f``, when its quadrature of f
    settled (checked every CHECK_EVERY steps).
    """
    n, m = probes.shape
    steps = min(steps, n)
    basis = np.zeros((steps, n, m))
    diag, off = np.zeros((steps, m)), np.zeros((steps, m))
    lengths, previous = np.full(m, steps), np.full(m, np.inf)
    q = probes / np.linalg.norm(probes, axis=0)
    q_prev, beta_prev = np.zeros_like(q), np.zeros(m)
    for j in range(steps):
        basis[j] = q
        w = np.asarray(op @ q)
        diag[j] = np.einsum("nm,nm->m", q, w)
        w -= diag[j] * q + beta_prev * q_prev
        for _ in range(2):  # "twice is enough" to keep the basis orthogonal
            w -= np.einsum("jnm,jm->nm", basis[: j + 1],
                           np.einsum("jnm,nm->jm", basis[: j + 1], w))  # fmt: skip
        beta = np.linalg.norm(w, axis=0)
        scale = np.abs(diag[: j + 1]).max(axis=0) + beta_prev
        exhausted = (beta <= 1e-10 * np.maximum(scale, 1e-300)) & (lengths > j + 1)
        lengths[exhausted] = j + 1
        off[j] = beta
        if f is not None and (j + 1) % CHECK_EVERY == 0:
            _settled(diag, off, lengths, j, f, previous)
        if (lengths <= j + 1).all():
            break
        q_prev, beta_prev = q, beta
        q = np.where(lengths > j + 1, w / np.where(beta > 0, beta, 1.0), 0.0)
    return [(diag[:L, i], off[: L - 1, i]) for i, L in enumerate(lengths)]


def _rules(H, tridiagonals, scale=0.0, kind=None):
    """Nodes and weights of each probe's Gauss quadrature, rounding zeroed.

    The nodes are Ritz values of H: as its eigenvalues are in
    ``checks.eigen``, those within rounding of zero are set to 0 (a null
    space the Lanczos reached: ``log det`` is then -inf at alpha = 0, as
    the exact one) and one below the rounding rejects H.  The rounding is
    relative to the largest node, to ``scale`` and to the profiled
    operator's products (``rounding_scale``).
    """
    rules = []
    for diag, off in tridiagonals:
        nodes, vectors = eigh_tridiagonal(diag, off)
        rules.append((nodes, vectors[0] ** 2))
    scale = rounding_scale(H, scale)
    nodes = np.concatenate([x for x, _ in rules])
    _, tol = zero_rounding(nodes, H.shape[0], scale, kind=kind, takes_tol=False)
    return [(np.where(np.abs(x) <= tol, 0.0, x), w) for x, w in rules]


def rounding_scale(H, scale=0.0):
    """The size H's rounding is relative to, at least ``scale``.

    A :class:`~skreg._theory.operators.ProfiledOperator` records the size of
    the terms its products subtract; read it after the products.
    """
    return max(scale, getattr(H, "product_scale", 0.0))


def lanczos_quadrature(H, n_probes, steps, random_state, f=None):
    """The Gauss quadrature rules (nodes, weights) of ``n_probes`` probes."""
    rng = check_random_state(random_state)
    probes = rademacher(H.shape[0], n_probes, rng)
    return _rules(H, _lanczos_block(H, probes, steps, f), kind=curvature_kind(H))


def slq_trace(H, f, n_probes, steps, random_state, scale=0.0, kind=None):
    """SLQ estimate of ``tr f(H)``; Rademacher probes have ``||v||^2 = n``.

    Parameters
    ----------
    H : LinearOperator or ndarray of shape (n, n)
        Symmetric positive semi-definite.
    f : callable
        Applied to the quadrature nodes (those within rounding of zero set
        to 0).
    n_probes, steps : int or None
        Probes and Lanczos steps per probe; None is adaptive (see the
        settings above).
    random_state : int, RandomState instance or None
        Draws the probes.
    scale : float, default=0.0
        The size of the matrix H was computed from, when larger than H's
        (see ``checks.zero_rounding``).
    kind : {"gauss_newton", "hessian"} or None, default=None
        H's curvature: a Gauss-Newton one's negative nodes are rounding.

    Returns
    -------
    trace : float
        The mean over the probes of ``n * sum_j tau_j^2 f(theta_j)``; -inf
        as soon as one probe's is (a zero eigenvalue at ``f = log``).
    """
    rng = check_random_state(random_state)
    n = H.shape[0]
    batch = PROBE_BATCH if n_probes is None else n_probes
    values = []
    while True:
        probes = rademacher(n, batch, rng)
        tridiagonals = _lanczos_block(H, probes, steps or MAX_STEPS,
                                      f if steps is None else None)  # fmt: skip
        rules = _rules(H, tridiagonals, scale, kind)
        values += [n * _gauss_sum(x, w, f) for x, w in rules]
        if n_probes is not None or len(values) >= MAX_PROBES:
            break
        # a singular H at alpha = 0: log det is -inf whatever the other probes
        if not np.isfinite(values).all():
            break
        error = np.std(values, ddof=1) / np.sqrt(len(values))
        if error <= PROBE_RTOL * abs(np.mean(values)):
            break
    return float(np.mean(values))


def block_cg(op, B, shift, tol=_CG_TOL, maxiter=_CG_MAXITER, kind=None, scale=0.0):
    """Solve ``(op + shift I) X = B`` column by column, all columns at once.

    Parameters
    ----------
    op : LinearOperator or ndarray of shape (n, n)
        Symmetric; ``op + shift I`` positive definite.
    B : ndarray of shape (n, m)
        The right-hand sides.
    shift : float
        Added to the diagonal.
    tol : float, default=1e-6
        Relative residual at which a column stops.
    maxiter : int, default=1000
        Largest number of steps (one block product each).
    kind : {"gauss_newton", "hessian"} or None, default=None
        op's curvature: a Gauss-Newton one's negative curvature is rounding.
    scale : float, default=0.0
        The size of the matrix op was computed from, when larger than op's
        (see ``checks.zero_rounding``).

    Returns
    -------
    X : ndarray of shape (n, m)
        The solutions.

    Raises
    ------
    ValueError
        When a search direction p shows that op is not positive semi-definite
        (see :func:`_check_curvature`): conjugate gradients then diverge, and
        their steps overflow into NaN.
    """
    X = np.zeros_like(B)
    R = B.copy()
    P = R.copy()
    rr = np.einsum("nm,nm->m", R, R)
    target = (tol**2) * rr
    largest = scale  # and the largest Rayleigh quotient met: op's size
    for _ in range(maxiter):
        active = rr > target  # converged columns stay where they are
        if not active.any():
            break
        AP = np.asarray(op @ P)
        Pa = P[:, active]  # p^T r = r^T r > 0: no active direction is zero
        quotients = np.einsum("nm,nm->m", Pa, AP[:, active]) / np.einsum(
            "nm,nm->m", Pa, Pa
        )
        largest = max(largest, float(np.abs(quotients).max()), rounding_scale(op))
        _check_curvature(quotients, shift, largest, kind)
        AP += shift * P
        curvature = np.einsum("nm,nm->m", P, AP)
        step = np.where(active, rr / np.where(active, curvature, 1.0), 0.0)
        X += step * P
        R -= step * AP
        rr_new = np.einsum("nm,nm->m", R, R)
        P = R + (rr_new / np.maximum(rr, 1e-300)) * P
        rr = rr_new
    return X


def _check_curvature(quotients, shift, largest, kind):
    """A ValueError if a Rayleigh quotient ``v^T H v / v^T v`` shows H not PSD.

    A quotient below the rounding of a PSD H (``-NEGATIVE_RTOL * largest``,
    as for the exact eigenvalues) proves a negative eigenvalue; one at or
    below ``-shift`` leaves ``H + shift I`` singular or indefinite, where the
    steps diverge, which even a Gauss-Newton H cannot be let through.
    """
    smallest = float(quotients.min())
    rounding = -checks.NEGATIVE_RTOL * largest
    if smallest > -shift and (smallest >= rounding or kind == "gauss_newton"):
        return
    raise ValueError(
        "H must be positive semi-definite: conjugate gradients on H + alpha I "
        f"(alpha={shift:.3g}) met a direction v with v^T H v / v^T v = "
        f"{smallest:.3g}, so H has an eigenvalue of at most {smallest:.3g} "
        f"(rounding would stay above {rounding:.3g}). " + psd_advice(kind, tol=False)
    )


# ---------------------------------------------------------------- helpers
def _as_operator_or_array(H):
    """H checked: an operator as it is, an array (or small sparse matrix) dense.

    A sparse matrix beyond ``checks.DENSE_LIMIT`` rows is used through its
    products, as an operator.
    """
    if is_operator(H) or (sp.issparse(H) and H.shape[0] > checks.DENSE_LIMIT):
        return check_operator(H)
    return check_hessian(H)


def _penalized(H, n_penalized):
    """H checked, its penalised block, the block's rounding scale and kind.

    The rounding of an array's block is relative to the whole array (its
    Schur complement can vanish where H does not); an operator's is read from
    its products (:func:`rounding_scale`).
    """
    H = _as_operator_or_array(H)
    scale = 0.0 if is_operator(H) else float(np.abs(H).max())
    return H, penalized_block(H, n_penalized), scale, curvature_kind(H)


def _method(method, H):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}.")
    if method == "auto":
        return "slq" if is_operator(H) else "exact"
    return method


def _dense(H):
    """The matrix of a (small) operator, for ``method="exact"``."""
    if not is_operator(H):
        return H
    if H.shape[0] > checks.DENSE_LIMIT:
        raise ValueError(
            f"method='exact' builds the {H.shape[0]} x {H.shape[0]} matrix of "
            "the operator; use a stochastic method for one this large."
        )
    M = np.asarray(H @ np.eye(H.shape[0]))
    return check_hessian((M + M.T) / 2)


def _check_width(width):
    """None, or ``width`` as a finite float > 0."""
    if width is None:
        return None
    if not isinstance(width, numbers.Real) or isinstance(width, bool):
        raise ValueError(
            f"width must be a positive real number or None, got {width!r}."
        )
    if not (np.isfinite(width) and width > 0):
        raise ValueError(f"width must be finite and > 0 (or None), got {width!r}.")
    return float(width)


def _stochastic_settings(n_probes, lanczos_steps):
    """Checked settings; None stays None (adaptive)."""
    for name, value in (("n_probes", n_probes), ("lanczos_steps", lanczos_steps)):
        if value is not None and (not isinstance(value, int | np.integer) or value < 1):
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return n_probes, lanczos_steps


# ----------------------------------------------------------------- public
def effective_parameters(
    H, alpha, *, n_penalized=None, method="auto", n_probes=None,
    lanczos_steps=None, random_state=None, tol=None,
):  # fmt: skip
    r"""Effective number of parameters under an L2 penalty.

    .. math:: \gamma(\alpha) = \sum_i \frac{\lambda_i}{\lambda_i + \alpha}

    Each eigendirection counts as one parameter when the data determine it well
    (:math:`\lambda_i \gg \alpha`) and as none when the penalty dominates
    (:math:`\lambda_i \ll \alpha`).  :math:`\gamma(0)` is the rank of H, and
    :math:`\gamma` decreases strictly with :math:`\alpha` (for H not zero),
    towards 0.  For ridge regression it is the degrees of freedom
    :math:`\mathrm{tr}\, X (X^\top X + \alpha I)^{-1} X^\top`.

    With ``n_penalized`` the count is over the penalised weights only, the
    unpenalised intercepts being minimised out: the eigenvalues are those of
    :func:`profile_hessian`'s :math:`S`, and equivalently
    :math:`\gamma = P_w - \alpha\, \mathrm{tr}[(H + \alpha D)^{-1}]_{ww}` with
    :math:`D` the 0/1 diagonal of the penalised coordinates.

    Parameters
    ----------
    H : {array-like, sparse matrix} or LinearOperator of shape (n_params, n_params)
        Real, symmetric positive semi-definite curvature of the data term,
        e.g. from :func:`loss_hessian` or :func:`curvature_operator`.  A scipy
        sparse matrix is used as its dense matrix up to 10,000 rows and through
        its products, as an operator, beyond.  Negative eigenvalues within
        rounding of the size of H (also when the profiled block nearly
        vanishes, as for a network its penalty emptied) count as zero; a
        Gauss-Newton :func:`curvature_operator` is positive semi-definite by
        construction, so all of its negative ones do.
    alpha : float
        L2 strength in the scale of H: for a skreg estimator,
        ``estimator.alpha / sum(sample_weight)``.  Must be positive for the
        stochastic methods.
    n_penalized : int, default=None
        Number of penalised parameters, first in H (for a skreg estimator,
        ``sum(W.size for W in estimator.coefs_)``); None counts them all.
    method : {"auto", "exact", "slq", "hutchinson"}, default="auto"
        "exact" by eigendecomposition (an operator's matrix is built);
        "slq", stochastic Lanczos quadrature of :math:`f(\lambda) =
        \lambda/(\lambda+\alpha)`; "hutchinson", Hutchinson's trace estimate of
        :math:`(H + \alpha I)^{-1}` by conjugate gradients, which raises a
        ValueError when they meet a direction of negative curvature beyond
        rounding (H is then not positive semi-definite).  "auto" is "exact"
        for arrays and "slq" for operators.
    n_probes : int, default=None
        Random probes of the stochastic methods.  None adds probes, five at a
        time, until the standard error of their mean is below 1% of it (50
        probes at most; 10 for "hutchinson").
    lanczos_steps : int, default=None
        Lanczos steps per probe for "slq".  None runs each probe until its
        quadrature changes by less than 0.1% over five steps (200 at most):
        the steps needed grow as the spectrum spreads compared to ``alpha``.
    random_state : int, RandomState instance or None, default=None
        Draws the probes.
    tol : float, default=None
        Zero tolerance of the eigenvalues for "exact", see
        :func:`l2_shrinkage`.

    Returns
    -------
    gamma : float
        The sum of the shrinkage factors, between 0 and rank(H).

    See Also
    --------
    l2_shrinkage : The factors themselves.
    curvature_operator : The curvature of a network of any size.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.theory import effective_parameters
    >>> H = np.diag([4.0, 1.0, 0.0])
    >>> effective_parameters(H, 0.0), effective_parameters(H, 1.0)
    (2.0, 1.3)
    >>> from scipy.sparse.linalg import aslinearoperator
    >>> H = np.diag(np.linspace(0.0, 10.0, 200))
    >>> exact = effective_parameters(H, 1.0)
    >>> estimate = effective_parameters(aslinearoperator(H), 1.0, random_state=0)
    >>> bool(abs(estimate - exact) < 0.05 * exact)
    True
    """
    alpha = check_alpha(alpha)
    _, S, scale, kind = _penalized(H, n_penalized)
    method = _method(method, S)
    if method == "exact":
        M = _dense(S)  # before rounding_scale: it reads the products' sizes
        return exact_effective_parameters(
            M, alpha, tol=tol, scale=rounding_scale(S, scale), kind=kind
        )
    if alpha == 0:
        raise ValueError(
            "alpha=0 counts the rank of H, which a stochastic estimate cannot "
            "resolve; use method='exact' or a positive alpha."
        )
    S = S if is_operator(S) else aslinearoperator(S)
    n_probes, steps = _stochastic_settings(n_probes, lanczos_steps)
    if method == "slq":
        return slq_trace(
            S, lambda x: x / (x + alpha), n_probes, steps, random_state, scale, kind
        )
    rng = check_random_state(random_state)
    probes = rademacher(S.shape[0], n_probes or DENSITY_PROBES, rng)
    solved = block_cg(S, probes, alpha, kind=kind, scale=scale)
    trace = float(np.einsum("nm,nm->m", probes, solved).mean())
    return S.shape[0] - alpha * trace


def log_det(
    H, alpha, *, n_penalized=None, method="auto", n_probes=None,
    lanczos_steps=None, random_state=None,
):  # fmt: skip
    r"""Log-determinant of the curvature plus an L2 penalty's.

    .. math:: \log\det(H + \alpha D)

    with :math:`D` the 0/1 diagonal of the penalised coordinates (the first
    ``n_penalized``; all of them when None).  With intercepts profiled out it
    is :math:`\log\det C + \log\det(S + \alpha I)`, :math:`C` the block of the
    unpenalised coordinates and :math:`S` the Schur complement of
    :func:`profile_hessian`.  This is the term of the Laplace approximation of
    the evidence that penalises a model for the volume of its posterior.  A
    singular :math:`C` (a softmax output's biases can all shift together; a
    dead hidden unit's bias does nothing) enters by its pseudo-determinant,
    the product of its positive eigenvalues: those flat directions do not
    depend on :math:`\alpha`.

    Parameters
    ----------
    H : {array-like, sparse matrix} or LinearOperator of shape (n_params, n_params)
        Real, symmetric positive semi-definite curvature, as in
        :func:`effective_parameters`.
    alpha : float
        L2 strength in the scale of H, > 0 (or H positive definite).
    n_penalized : int, default=None
        Number of penalised parameters, first in H; None penalises all.
    method : {"auto", "exact", "slq"}, default="auto"
        "exact" by eigendecomposition, "slq" by stochastic Lanczos quadrature
        of :math:`\log(\lambda + \alpha)` ("auto": exact for arrays).
    n_probes : int, default=None
        Random probes of "slq" (None: adaptive, as in
        :func:`effective_parameters`).
    lanczos_steps : int, default=None
        Lanczos steps per probe (None: adaptive, as in
        :func:`effective_parameters`).
    random_state : int, RandomState instance or None, default=None
        Draws the probes.

    Returns
    -------
    logdet : float
        The log-determinant; ``-inf`` when the matrix is singular.  "slq"
        gives ``-inf`` when a probe's quadrature has a node at zero (to
        rounding), as "exact" does for an eigenvalue, which happens once a
        probe's Krylov space is exhausted.  With fewer Lanczos steps, Gauss
        quadrature overestimates each probe's :math:`v^\top \log(H)\, v`, so
        a finite estimate at ``alpha=0`` bounds from above a value that may
        be ``-inf``: use "exact" or ``alpha > 0`` for an H that may be
        singular.

    See Also
    --------
    effective_parameters : The other spectral sum the evidence needs.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.theory import log_det
    >>> round(float(np.exp(log_det(np.diag([3.0, 1.0]), 1.0))), 12)
    8.0
    """
    alpha = check_alpha(alpha)
    H, S, scale, kind = _penalized(H, n_penalized)
    method = _method(method, S)
    if method == "hutchinson":
        raise ValueError("log_det has methods 'auto', 'exact' and 'slq'.")
    block = 0.0
    if n_penalized is not None and n_penalized < H.shape[0]:
        C = S.C if is_operator(S) else H[n_penalized:, n_penalized:]
        block = _log_pseudo_det(C, kind)
    if method == "exact":
        M = _dense(S)  # before rounding_scale: it reads the products' sizes
        return block + _exact_log_det(M, alpha, rounding_scale(S, scale), kind)
    S = S if is_operator(S) else aslinearoperator(S)
    n_probes, steps = _stochastic_settings(n_probes, lanczos_steps)
    with np.errstate(divide="ignore"):  # log 0 = -inf: a singular H at alpha = 0
        trace = slq_trace(
            S, lambda x: np.log(x + alpha), n_probes, steps, random_state, scale, kind
        )
    return block + trace


def _log_pseudo_det(C, kind=None):
    """Sum of the logs of C's positive eigenvalues (rounding zeros left out)."""
    eigenvalues, _, _ = eigen(check_hessian(C), None, kind=kind)
    return float(np.log(eigenvalues[eigenvalues > 0]).sum())


def _exact_log_det(H, alpha, scale=0.0, kind=None):
    eigenvalues, _, _ = eigen(check_hessian(H), None, scale, kind)
    with np.errstate(divide="ignore"):
        return float(np.log(eigenvalues + alpha).sum())


def top_eigenvalues(H, k=6, *, random_state=None):
    """The k largest eigenvalues of a symmetric curvature, in descending order.

    Parameters
    ----------
    H : {array-like, sparse matrix} or LinearOperator of shape (n_params, n_params)
        Real symmetric curvature (an operator needs only products; a sparse
        matrix is used as in :func:`effective_parameters`).
    k : int, default=6
        How many; fewer than ``n_params`` for an operator.
    random_state : int, RandomState instance or None, default=None
        Draws the starting vector of Lanczos (operators only).

    Returns
    -------
    eigenvalues : ndarray of shape (k,)
        Largest first; exact for arrays (``numpy.linalg.eigvalsh``), by
        implicitly restarted Lanczos for operators
        (``scipy.sparse.linalg.eigsh``, to machine precision).  A zero
        operator, on which ARPACK cannot start, has ``k`` zeros.

    See Also
    --------
    spectral_density : The whole spectrum, smoothed.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.theory import top_eigenvalues
    >>> top_eigenvalues(np.diag([1.0, 5.0, 3.0, 2.0]), k=2)
    array([5., 3.])
    """
    H = _as_operator_or_array(H)
    if not isinstance(k, int | np.integer) or not 1 <= k <= H.shape[0]:
        raise ValueError(f"k must be an integer in [1, {H.shape[0]}], got {k!r}.")
    if not is_operator(H):
        return np.linalg.eigvalsh(H)[::-1][:k].copy()
    if k >= H.shape[0]:
        raise ValueError("k must be smaller than n_params for an operator.")
    rng = check_random_state(random_state)
    v0 = rng.uniform(-1.0, 1.0, H.shape[0])
    try:
        eigenvalues = eigsh(H, k=int(k), which="LA", v0=v0, return_eigenvectors=False)
    except ArpackError:
        # ARPACK fails ("starting vector is zero") when H v0 = 0: for a random
        # v0 that means H = 0, whose eigenvalues are all zero
        if np.any(np.asarray(H @ v0)):
            raise
        return np.zeros(int(k))
    return np.sort(eigenvalues)[::-1]


def spectral_density(
    H, *, n_probes=None, lanczos_steps=None, n_points=200, width=None,
    random_state=None,
):  # fmt: skip
    r"""Smoothed eigenvalue density of a curvature, by stochastic Lanczos quadrature.

    .. math::

        \rho(x) \approx \frac{1}{n_\text{probes}} \sum_{v} \sum_j \tau_{vj}^2\,
        \frac{1}{\sigma\sqrt{2\pi}}
        \exp\!\Big(-\frac{(x - \theta_{vj})^2}{2\sigma^2}\Big)

    (nodes :math:`\theta` and weights :math:`\tau^2` of each probe's Gauss
    quadrature), normalised to integrate to 1 over the returned grid.

    Parameters
    ----------
    H : {array-like, sparse matrix} or LinearOperator of shape (n_params, n_params)
        Real symmetric positive semi-definite curvature (a sparse matrix is
        used as in :func:`effective_parameters`).
    n_probes : int, default=None
        Random probes (None: 10).
    lanczos_steps : int, default=None
        Lanczos steps per probe (None: 30).
    n_points : int, default=200
        Points of the grid.
    width : float, default=None
        The Gaussian's standard deviation :math:`\sigma`, finite and > 0 (a
        ValueError otherwise); None is 1/100 of the range of the nodes, or a
        thousandth of the largest (at least 1e-3) when they all coincide.
    random_state : int, RandomState instance or None, default=None
        Draws the probes.

    Returns
    -------
    grid : ndarray of shape (n_points,)
        Evenly spaced from the smallest node minus 3 sigma to the largest plus
        3 sigma.
    density : ndarray of shape (n_points,)
        Non-negative, with ``numpy.trapezoid(density, grid) == 1``.

    See Also
    --------
    top_eigenvalues : The largest eigenvalues, accurately.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.theory import spectral_density
    >>> grid, density = spectral_density(np.diag(np.arange(100.0)), random_state=0)
    >>> round(float(np.trapezoid(density, grid)), 6)
    1.0
    """
    H = _as_operator_or_array(H)
    H = H if is_operator(H) else aslinearoperator(H)
    n_probes, steps = _stochastic_settings(n_probes, lanczos_steps)
    if not isinstance(n_points, int | np.integer) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2, got {n_points!r}.")
    width = _check_width(width)
    rules = lanczos_quadrature(
        H, n_probes or DENSITY_PROBES, steps or DENSITY_STEPS, random_state
    )
    nodes = np.concatenate([x for x, _ in rules])
    weights = np.concatenate([w for _, w in rules]) / len(rules)
    if width is None:
        # 1/100 of the nodes' range, or a small width when all coincide
        sigma = float(nodes.max() - nodes.min()) / 100
        sigma = sigma if sigma > 0 else max(abs(float(nodes.max())), 1.0) * 1e-3
    else:
        sigma = width
    grid = np.linspace(nodes.min() - 3 * sigma, nodes.max() + 3 * sigma, n_points)
    kernel = np.exp(-0.5 * ((grid[:, np.newaxis] - nodes) / sigma) ** 2)
    density = kernel @ weights
    return grid, density / np.trapezoid(density, grid)
