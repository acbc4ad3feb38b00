"""Validation of curvature matrices and strengths, and their eigendecomposition."""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, aslinearoperator

EPS = float(np.finfo(np.float64).eps)
# H is accepted as symmetric when max|H - H^T| <= SYMMETRY_RTOL * max|H|.
SYMMETRY_RTOL = 1e-8
# By default, eigenvalues down to -NEGATIVE_RTOL * scale count as rounding of a
# computed positive semi-definite H, scale the size of the matrix H was
# computed from (at least its largest |eigenvalue|); more negative ones
# reject H, unless H is positive semi-definite by construction.
NEGATIVE_RTOL = float(np.sqrt(EPS))
# The largest matrix built densely from products or from a sparse matrix
# (10,000 x 10,000 float64 is 800 MB); larger sparse ones are used as operators.
DENSE_LIMIT = 10_000


def check_nonnegative(value, name):
    """``value`` as a finite float >= 0, or a ValueError naming it."""
    if not np.isscalar(value) or isinstance(value, bool | str):
        raise ValueError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}.")
    return value


def check_alpha(alpha):
    return check_nonnegative(alpha, "alpha")


def _check_real(H, name="H"):
    """A ValueError for complex input, which a float cast would truncate."""
    dtype = getattr(H, "dtype", None)
    if dtype is None:
        dtype = np.asarray(H).dtype
    if np.issubdtype(dtype, np.complexfloating):
        raise ValueError(f"{name} must be real, got complex dtype {dtype}.")


def _check_square(shape, what):
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
        raise ValueError(f"H must be a non-empty square {what}, got shape {shape}.")


def _check_symmetric(scale, asymmetry):
    if asymmetry > SYMMETRY_RTOL * scale:
        raise ValueError(
            f"H must be symmetric: max|H - H.T| = {asymmetry:.3g} exceeds "
            f"{SYMMETRY_RTOL:g} * max|H| = {SYMMETRY_RTOL * scale:.3g}. "
            "Symmetrise it with (H + H.T) / 2 if the asymmetry is rounding."
        )


def check_sparse(H):
    """A scipy sparse H checked as :func:`check_hessian` checks arrays (CSR)."""
    _check_real(H)
    _check_square(H.shape, "matrix")
    H = sp.csr_array(H, dtype=np.float64)
    if not np.isfinite(H.data).all():
        raise ValueError("H contains NaN or infinity.")
    scale = float(abs(H).max())
    _check_symmetric(scale, float(abs(H - H.T).max()))
    return ((H + H.T) / 2).tocsr()


def check_hessian(H):
    """A finite, symmetric (to rounding) square float64 array, symmetrised.

    A scipy sparse matrix is densified up to DENSE_LIMIT rows; the functions
    that need this matrix (an eigendecomposition) refuse a larger one.
    """
    if sp.issparse(H):
        H = check_sparse(H)
        if H.shape[0] > DENSE_LIMIT:
            raise ValueError(
                f"H is a sparse {H.shape[0]} x {H.shape[0]} matrix; this function "
                f"needs its dense matrix, built up to {DENSE_LIMIT} rows. The "
                "spectral functions take it (or aslinearoperator(H)) as an operator."
            )
        return H.toarray()
    _check_real(H)
    H = np.asarray(H, dtype=np.float64)
    _check_square(H.shape, "2-D array")
    if not np.isfinite(H).all():
        raise ValueError("H contains NaN or infinity.")
    _check_symmetric(np.abs(H).max(), np.abs(H - H.T).max())
    return (H + H.T) / 2


def check_operator(H):
    """A real square LinearOperator, as it is; a large sparse matrix wrapped."""
    if sp.issparse(H):
        return aslinearoperator(check_sparse(H))
    _check_real(H)
    _check_square(H.shape, "operator")
    return H


def curvature_kind(H):
    """The kind ("gauss_newton" or "hessian") of skreg's operators, else None."""
    return getattr(H, "curvature_kind", None)


def is_operator(H):
    return isinstance(H, LinearOperator)


def check_n_penalized(n_penalized, n_params):
    if not isinstance(n_penalized, int | np.integer) or not (
        0 < n_penalized <= n_params
    ):
        raise ValueError(
            f"n_penalized must be an integer in [1, {n_params}], got {n_penalized!r}."
        )
    return int(n_penalized)


def check_vector(w, name, length):
    _check_real(w, name)
    w = np.asarray(w, dtype=np.float64)
    if w.ndim not in (1, 2) or w.shape[0] != length:
        raise ValueError(
            f"{name} must have shape ({length},) or ({length}, n_targets) to match "
            f"H, got shape {w.shape}."
        )
    if not np.isfinite(w).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return w


def zero_rounding(values, n, scale=0.0, tol=None, kind=None, takes_tol=True):
    """Eigenvalues (or Ritz values) of an n x n H zeroed within tol, and tol.

    ``scale``, the size of the matrix H was computed from (the full curvature
    of a profiled block), sets the rounding level when it is larger than the
    values: a Schur complement that nearly vanishes carries the rounding of
    the matrix it was subtracted from, not its own.  A value below -tol
    rejects H, except that with tol None the negative values of a curvature
    positive semi-definite by construction (``kind="gauss_newton"``) are
    rounding whatever their size, and are clipped.  ``takes_tol``: whether
    the caller's method has a ``tol`` to advise.
    """
    values = np.asarray(values, dtype=np.float64)
    size = max(float(np.abs(values).max()), scale)
    smallest = float(values.min())
    most_negative = max(-smallest, 0.0)
    if tol is None:
        if most_negative > NEGATIVE_RTOL * size and kind != "gauss_newton":
            raise_not_psd(smallest, NEGATIVE_RTOL * size, kind, takes_tol)
        # A PSD matrix's negative eigenvalues are rounding: they show its size.
        tol = max(n * EPS * size, most_negative)
    elif most_negative > check_nonnegative(tol, "tol"):
        raise_not_psd(smallest, tol, kind)
    return np.where(np.abs(values) <= tol, 0.0, values), tol


def eigen(H, tol, scale=0.0, kind=None):
    """Ascending eigenvalues (zeroed within tol), eigenvectors and tol.

    ``scale`` and ``kind`` as in :func:`zero_rounding`.
    """
    eigenvalues, Q = np.linalg.eigh(H)
    eigenvalues, tol = zero_rounding(eigenvalues, H.shape[0], scale, tol, kind)
    return eigenvalues, Q, tol


def psd_advice(kind, tol=True):
    """What to do about a curvature that is not PSD, given where it came from.

    ``tol``: whether the method that found it takes a ``tol`` (the exact one).
    """
    if kind == "gauss_newton" and tol:
        return (
            "H is a Gauss-Newton curvature, positive semi-definite by "
            "construction: its negative eigenvalues are rounding, which tol=None "
            "(the default) treats as zero; an explicit tol must exceed them."
        )
    if kind == "gauss_newton":
        return (
            "H is a Gauss-Newton curvature, positive semi-definite by "
            "construction, so its negative curvature is rounding, here larger "
            "than alpha: use method='slq' or 'exact', which treat it as zero, "
            "or a larger alpha."
        )
    remedy = (
        "use curvature_operator(..., kind='gauss_newton') or loss_hessian(..., "
        "kind='gauss_newton'), positive semi-definite by construction"
    )
    remedy += (
        ", or pass tol to treat eigenvalues of |lambda| <= tol as zero." if tol else "."
    )
    if kind == "hessian":
        return (
            "H is the Hessian of a network's data term, indefinite in general "
            "(also at a regularized optimum, where its gradient is not zero); " + remedy
        )
    return (
        "If H is the Hessian of a network's data term (loss_hessian's default "
        "kind='hessian'), it is indefinite in general, also at a regularized "
        "optimum, where its gradient is not zero; " + remedy
    )


def raise_not_psd(smallest, bound, kind=None, tol=True):
    """The ValueError of an eigenvalue below -bound; see :func:`psd_advice`."""
    raise ValueError(
        "H must be positive semi-definite: its smallest eigenvalue is "
        f"{smallest:.3g}, below -{bound:.3g}. " + psd_advice(kind, tol)
    )


def shrinkage_factors(eigenvalues, alpha):
    """lambda / (lambda + alpha); at alpha = 0, 1 where lambda > 0 and 0 where 0."""
    if alpha == 0:
        return (eigenvalues > 0).astype(np.float64)
    return eigenvalues / (eigenvalues + alpha)
