r"""Curvature of a fitted estimator's data term, as a matrix or as an operator.

Both kinds are computed by the R-operator through the hand-written passes
(``skreg._network.roperator``), on the data term
:math:`J = \sum_i s_i\,\mathrm{loss}_i / \sum_i s_i` of the estimator's
objective: the Hessian, and the generalized Gauss-Newton matrix
:math:`G = J_z^\top H_\text{out} J_z / \sum_i s_i`, positive semi-definite.
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator
from sklearn.base import is_classifier
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from .._network import ParameterLayout, layer_units_of
from .._network.roperator import KINDS
from .checks import check_hessian, check_n_penalized, is_operator
from .quadratic import profile_hessian

MAX_HESSIAN_PARAMS = 10_000
"""Default limit on the parameters of a model given to :func:`loss_hessian`."""

# Largest number of floats in one R-array of a block of directions.
_BLOCK_FLOATS = 2**23


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


def _curvature(estimator, X, y, sample_weight, kind):
    """The estimator's curvature products on (X, y) and the weight sum."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    check_is_fitted(estimator, ["coefs_", "intercepts_"])
    X, Y = _targets(estimator, X, y)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
    objective = estimator._objective(X, Y, sample_weight)
    if not objective.weight_sum > 0:
        raise ValueError("The sample weights must have a positive sum.")
    coefs = [np.asarray(W, dtype=np.float64) for W in estimator.coefs_]
    intercepts = [np.asarray(b, dtype=np.float64) for b in estimator.intercepts_]
    return objective.curvature(coefs, intercepts, kind), objective.weight_sum


def loss_hessian(
    estimator, X, y, sample_weight=None, *, kind="hessian",
    max_params=MAX_HESSIAN_PARAMS,
):  # fmt: skip
    r"""Hessian, or Gauss-Newton matrix, of the data term of a fitted estimator.

    .. math::

        H = \nabla^2_\theta J(\theta), \qquad
        J(\theta) = \frac{\sum_i s_i\, \mathrm{loss}_i(\theta)}{\sum_i s_i}

    at the fitted parameters :math:`\theta`, without the penalty.
    :math:`\theta` holds all parameters, ordered as
    :func:`flat_parameters`: ``coefs_`` then ``intercepts_``, layer by layer,
    each row-major.  Adding the L2 penalty's Hessian,
    :math:`\alpha / \sum_i s_i` on the diagonal of the weights, gives the
    Hessian of the whole objective.

    With ``kind="gauss_newton"`` the result is the generalized Gauss-Newton
    matrix

    .. math::

        G = \frac{1}{\sum_i s_i} \sum_i s_i\, J_i^\top H_{\text{out},i}\, J_i,

    :math:`J_i` the Jacobian of sample i's logits with respect to
    :math:`\theta` and :math:`H_\text{out}` the loss's Hessian in the logits
    (the identity for the squared error, :math:`p(1-p)` for the logistic and
    :math:`\mathrm{diag}(p) - pp^\top` for the softmax output, :math:`e^z` for
    Poisson).  It is the Hessian without the terms that carry the residuals
    and the activations' curvature, so it is positive semi-definite at any
    parameters, where the Hessian of a network is indefinite in general (also
    at the minimum of a regularized objective).

    The columns are exact curvature-vector products, computed by pushing
    Pearlmutter's R-operator through the hand-written forward and backward
    passes (no finite differences, no step size).  For ReLU the second
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
    kind : {"hessian", "gauss_newton"}, default="hessian"
        Which curvature.
    max_params : int, default=10000
        Largest number of parameters accepted.  The matrix is dense,
        ``(n_params, n_params)``, built from ``n_params`` curvature-vector
        products, so a larger model raises a ValueError instead of exhausting
        memory; :func:`curvature_operator` serves larger models.

    Returns
    -------
    H : ndarray of shape (n_params, n_params)
        The symmetric curvature of the data term, in float64.

    See Also
    --------
    curvature_operator : The same curvature as a ``LinearOperator``.
    profile_hessian : The curvature of the weights with the intercepts
        minimised out.

    Notes
    -----
    For a linear model (``hidden_layer_sizes=()``) with the squared error and
    one output, both kinds are

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

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import RegularizedMLPRegressor
    >>> from skreg.theory import loss_hessian
    >>> X = np.array([[0.0], [1.0], [2.0]]); y = np.array([1.0, 2.0, 4.0])
    >>> model = RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs")
    >>> loss_hessian(model.fit(X, y), X, y, kind="gauss_newton")
    array([[1.66666667, 1.        ],
           [1.        , 1.        ]])
    """
    check_is_fitted(estimator, ["coefs_", "intercepts_"])
    n_params = sum(p.size for p in estimator.coefs_ + estimator.intercepts_)
    if n_params > max_params:
        raise ValueError(
            f"The estimator has {n_params} parameters; loss_hessian builds a "
            f"dense {n_params} x {n_params} matrix and accepts at most "
            f"max_params={max_params}. Use curvature_operator for a larger "
            "network, or pass a larger max_params if the memory and time allow."
        )
    curvature, weight_sum = _curvature(estimator, X, y, sample_weight, kind)
    H = curvature.matrix()
    H /= weight_sum
    return (H + H.T) / 2


class CurvatureOperator(LinearOperator):
    """The curvature of a data term as a SciPy ``LinearOperator`` (float64).

    Products are exact, computed for a block of vectors at a time;
    ``n_products`` counts the curvature-vector products made so far.

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
        self.n_products = 0
        layers = curvature.layers
        widest = sum(x.shape[1] for x in layers)
        self._block = max(1, _BLOCK_FLOATS // max(1, layers[0].shape[0] * widest))

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


def curvature_operator(estimator, X, y, sample_weight=None, *, kind="gauss_newton"):
    r"""The curvature of a fitted estimator's data term, as a ``LinearOperator``.

    The operator of shape ``(n_params, n_params)`` applies the matrix that
    :func:`loss_hessian` would build, without forming it: every product
    :math:`C v` is exact, one R-forward and one backward pass over the data
    (several vectors are pushed through at once by ``@`` with a matrix).  The
    forward pass at the fitted parameters is computed once, here.  Use it for
    networks of any size with :func:`top_eigenvalues`,
    :func:`effective_parameters`, :func:`spectral_density` and
    :func:`log_det`, or with SciPy's iterative solvers.

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
    kind : {"gauss_newton", "hessian"}, default="gauss_newton"
        The generalized Gauss-Newton matrix (positive semi-definite) or the
        Hessian of the data term; see :func:`loss_hessian`.

    Returns
    -------
    operator : scipy.sparse.linalg.LinearOperator
        Symmetric, float64, parameters ordered as :func:`flat_parameters`; its
        ``n_products`` attribute counts the curvature-vector products made.

    See Also
    --------
    loss_hessian : The same curvature as a dense matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import RegularizedMLPRegressor
    >>> from skreg.theory import curvature_operator
    >>> X = np.array([[0.0], [1.0], [2.0]]); y = np.array([1.0, 2.0, 4.0])
    >>> model = RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs")
    >>> G = curvature_operator(model.fit(X, y), X, y)
    >>> G @ np.array([1.0, 0.0])
    array([1.66666667, 1.        ])
    """
    curvature, weight_sum = _curvature(estimator, X, y, sample_weight, kind)
    return CurvatureOperator(curvature, weight_sum)


class ProfiledOperator(LinearOperator):
    r"""The Schur complement :math:`S = A - B C^{+} B^\top` of an operator.

    With the penalised parameters first, :math:`H = [[A, B], [B^\top, C]]`;
    the columns of the unpenalised block (the intercepts, a few hundred at
    most) are computed once, by products with unit vectors, so that every
    product with S costs one product with H.

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
        if not self.B.size:
            return AV
        return AV - self.B @ (self._C_pinv @ (self.B.T @ V))

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
