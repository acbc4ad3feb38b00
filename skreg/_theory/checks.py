"""Validation of curvature matrices and strengths, and their eigendecomposition."""

import numpy as np
from scipy.sparse.linalg import LinearOperator

# H is accepted as symmetric when max|H - H^T| <= SYMMETRY_RTOL * max|H|.
SYMMETRY_RTOL = 1e-8
# By default, eigenvalues down to -NEGATIVE_RTOL * max|lambda| count as rounding
# of a computed positive semi-definite H; more negative ones reject H.
NEGATIVE_RTOL = float(np.sqrt(np.finfo(np.float64).eps))


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


def check_hessian(H):
    """A finite, symmetric (to rounding) square float64 array, symmetrised."""
    H = np.asarray(H, dtype=np.float64)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(
            f"H must be a non-empty square 2-D array, got shape {H.shape}."
        )
    if not np.isfinite(H).all():
        raise ValueError("H contains NaN or infinity.")
    scale = np.abs(H).max()
    asymmetry = np.abs(H - H.T).max()
    if asymmetry > SYMMETRY_RTOL * scale:
        raise ValueError(
            f"H must be symmetric: max|H - H.T| = {asymmetry:.3g} exceeds "
            f"{SYMMETRY_RTOL:g} * max|H| = {SYMMETRY_RTOL * scale:.3g}. "
            "Symmetrise it with (H + H.T) / 2 if the asymmetry is rounding."
        )
    return (H + H.T) / 2


def check_operator(H):
    """A square LinearOperator, as it is."""
    if H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"H must be a non-empty square operator, got shape {H.shape}.")
    return H


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
    w = np.asarray(w, dtype=np.float64)
    if w.ndim not in (1, 2) or w.shape[0] != length:
        raise ValueError(
            f"{name} must have shape ({length},) or ({length}, n_targets) to match "
            f"H, got shape {w.shape}."
        )
    if not np.isfinite(w).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return w


def eigen(H, tol, scale=0.0):
    """Ascending eigenvalues (zeroed within tol), eigenvectors and tol.

    ``scale``, the size of the matrix H was computed from (the full curvature
    of a profiled block), sets the rounding level when it is larger than H's
    own largest eigenvalue: a Schur complement that nearly vanishes carries
    the rounding of the matrix it was subtracted from.
    """
    eigenvalues, Q = np.linalg.eigh(H)
    largest = max(np.abs(eigenvalues).max(), scale)
    most_negative = -min(eigenvalues[0], 0.0)
    if tol is None:
        if most_negative > NEGATIVE_RTOL * largest:
            raise_not_psd(eigenvalues[0], NEGATIVE_RTOL * largest)
        # A PSD matrix's negative eigenvalues are rounding: they show its size.
        tol = max(H.shape[0] * np.finfo(np.float64).eps * largest, most_negative)
    elif most_negative > check_nonnegative(tol, "tol"):
        raise_not_psd(eigenvalues[0], tol)
    eigenvalues[np.abs(eigenvalues) <= tol] = 0.0
    return eigenvalues, Q, tol


def raise_not_psd(smallest, bound):
    raise ValueError(
        "H must be positive semi-definite: its smallest eigenvalue is "
        f"{smallest:.3g}, below -{bound:.3g}. The Hessian of a network's data "
        "term is indefinite in general, also at a regularized optimum, where "
        "its gradient is not zero; use loss_hessian(..., kind='gauss_newton') "
        "or curvature_operator(...), whose Gauss-Newton curvature is positive "
        "semi-definite by construction, or pass tol to treat eigenvalues of "
        "|lambda| <= tol as zero."
    )


def shrinkage_factors(eigenvalues, alpha):
    """lambda / (lambda + alpha); at alpha = 0, 1 where lambda > 0 and 0 where 0."""
    if alpha == 0:
        return (eigenvalues > 0).astype(np.float64)
    return eigenvalues / (eigenvalues + alpha)
