r"""The curvature of a data term as SciPy ``LinearOperator`` objects.

:class:`CurvatureOperator` applies the curvature of
:math:`J = \sum_i s_i\,\mathrm{loss}_i / \sum_i s_i` (the Hessian, or the
Gauss-Newton matrix :math:`G = J_z^\top H_\text{out} J_z / \sum_i s_i`) by
exact R-operator products, without forming it; :class:`ProfiledOperator` is
the curvature of the penalised parameters with the unpenalised ones (the
intercepts) minimised out, the Schur complement
:math:`S = A - B C^{+} B^\top`.  They work on an objective's curvature products,
not on an estimator, so that the estimators' own evidence fit can use them.
"""

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .checks import check_hessian, check_n_penalized, is_operator
from .quadratic import profile_hessian


class CurvatureOperator(LinearOperator):
    """The curvature of a data term as a SciPy ``LinearOperator`` (float64).

    Products are exact, computed for a block of vectors at a time;
    ``n_products`` counts the curvature-vector products made so far, and
    ``curvature_kind`` says which curvature it is ("gauss_newton" is positive
    semi-definite by construction, so its negative eigenvalues are rounding).

    Parameters
    ----------
    curvature : Curvature
        The curvature products of ``sum_i s_i loss_i``.
    weight_sum : float
        ``sum_i s_i``: the products are divided by it.
    """

    def __init__(self, curvature, weight_sum):
        n_params = curvature.layout.size
        super().__init__(dtype=np.float64, shape=(n_params, n_params))
        self.curvature, self.weight_sum = curvature, weight_sum
        self.curvature_kind = curvature.kind
        self.n_products = 0
        self._block = curvature.directions_per_block()

    def _matmat(self, V):
        V = np.asarray(V, dtype=np.float64)
        out = np.empty((self.shape[0], V.shape[1]))
        for start in range(0, V.shape[1], self._block):
            stop = min(start + self._block, V.shape[1])
            out[:, start:stop] = self.curvature.products(V[:, start:stop].T).T
        self.n_products += V.shape[1]
        out /= self.weight_sum
        return out

    def _matvec(self, v):
        return self._matmat(np.reshape(v, (-1, 1)))[:, 0]

    def _rmatvec(self, v):
        return self._matvec(v)  # symmetric

    def _adjoint(self):
        return self


class ProfiledOperator(LinearOperator):
    r"""The Schur complement :math:`S = A - B C^{+} B^\top` of an operator.

    With the penalised parameters first, :math:`H = [[A, B], [B^\top, C]]`;
    the columns of the unpenalised block (the intercepts, a few hundred at
    most) are computed once, by products with unit vectors, so that every
    product with S costs one product with H.  ``product_scale``, the largest
    ``max(|A v|, |B C+ B^T v|) / |v|`` met so far, is the size of the terms
    every product subtracts, which sets its rounding: S can vanish (the
    weights of an emptied network) while A does not.  ``curvature_kind`` is
    H's (a Schur complement of a positive semi-definite H is one too).

    Parameters
    ----------
    H : LinearOperator of shape (n_params, n_params)
        Symmetric, penalised parameters first.
    n_penalized : int
        Number of penalised parameters.
    """

    def __init__(self, H, n_penalized):
        n_params = H.shape[0]
        super().__init__(dtype=np.float64, shape=(n_penalized, n_penalized))
        self.full, self.n_penalized = H, n_penalized
        self.curvature_kind = getattr(H, "curvature_kind", None)
        self.product_scale = 0.0
        units = np.zeros((n_params, n_params - n_penalized))
        units[n_penalized:] = np.eye(n_params - n_penalized)
        free_columns = np.asarray(H @ units) if units.shape[1] else units
        self.B = free_columns[:n_penalized]
        C = free_columns[n_penalized:]
        self.C = (C + C.T) / 2
        self._C_pinv = np.linalg.pinv(self.C, hermitian=True) if C.size else C

    def _matmat(self, V):
        V = np.asarray(V, dtype=np.float64)
        padded = np.zeros((self.full.shape[0], V.shape[1]))
        padded[: self.n_penalized] = V
        AV = np.asarray(self.full @ padded)[: self.n_penalized]
        profiled = np.zeros_like(AV)
        if self.B.size:
            profiled = self.B @ (self._C_pinv @ (self.B.T @ V))
        self._record_scale(V, AV, profiled)
        return AV - profiled

    def _record_scale(self, V, AV, profiled):
        norms = np.linalg.norm(V, axis=0)
        terms = np.maximum(np.linalg.norm(AV, axis=0), np.linalg.norm(profiled, axis=0))
        moved = norms > 0
        if moved.any():
            largest = float((terms[moved] / norms[moved]).max())
            self.product_scale = max(self.product_scale, largest)

    def _matvec(self, v):
        return self._matmat(np.reshape(v, (-1, 1)))[:, 0]

    def _rmatvec(self, v):
        return self._matvec(v)

    def _adjoint(self):
        return self


def penalized_block(H, n_penalized):
    """The curvature of the penalised parameters with the others profiled out.

    An array H gives :func:`profile_hessian`'s matrix, an operator a
    :class:`ProfiledOperator`; ``n_penalized=None`` keeps H as it is.
    """
    if n_penalized is None:
        return H if is_operator(H) else check_hessian(H)
    n_penalized = check_n_penalized(n_penalized, H.shape[0])
    if is_operator(H):
        return ProfiledOperator(H, n_penalized)
    return profile_hessian(H, n_penalized)
