r"""The functions of :mod:`skreg.theory` that take a fitted estimator.

The curvature of the estimator's data term, as a matrix or as an operator,
and the Laplace approximation of its log evidence.  Both kinds of curvature
are computed by the R-operator through the hand-written passes
(``skreg._network.roperator``), on the data term
:math:`J = \sum_i s_i\,\mathrm{loss}_i / \sum_i s_i` of the estimator's
objective: the Hessian, and the generalized Gauss-Newton matrix
:math:`G = J_z^\top H_\text{out} J_z / \sum_i s_i`, positive semi-definite.

This module imports the estimators (for the objective of a fit), so nothing
the estimators import may import it; the numerics it calls live in the
modules beside it and work on objectives, arrays and operators.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from .._mlp import training_objective
from .._network import ParameterLayout, layer_units_of
from .._network.roperator import KINDS
from .evidence import evidence_update, group_sizes
from .operators import CurvatureOperator

MAX_HESSIAN_PARAMS = 10_000
"""Default limit on the parameters of a model given to :func:`loss_hessian`."""


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


def training_targets(estimator, X, y):
    """Validated dense X and the 2-D float targets the network is trained on.

    Parameters
    ----------
    estimator : RegularizedMLPRegressor or RegularizedMLPClassifier
        A fitted estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input data (a sparse matrix is densified).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets: labels among ``classes_`` for a classifier.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        float64.
    Y : ndarray of shape (n_samples, n_outputs)
        The targets as the network sees them (0/1 indicators for classes).
    """
    X, y = validate_data(
        estimator, X, y, accept_sparse=["csr", "csc"], multi_output=True,
        y_numeric=not is_classifier(estimator), dtype=np.float64, reset=False,
    )  # fmt: skip
    if sp.issparse(X):
        X = X.toarray()
    _check_target_columns(estimator, y)
    if is_classifier(estimator):
        unknown = np.setdiff1d(unique_labels(y), estimator.classes_)
        if unknown.size:
            raise ValueError(
                f"y has classes {unknown} that the estimator was not fitted on "
                f"(classes_ = {estimator.classes_})."
            )
    return X, estimator._encode_targets(y)


def _check_target_columns(estimator, y):
    """A ValueError unless y has the columns the estimator was fitted on.

    A regressor's outputs are y's columns, a multilabel classifier's its
    classes; other classifiers take one column of labels.  The network would
    otherwise meet the wrong width in its curvature products (a numpy matmul
    error) or, for some shapes, compute with it silently.
    """
    if is_classifier(estimator):
        multilabel = estimator._label_binarizer.y_type_.startswith("multilabel")
        expected = estimator.n_outputs_ if multilabel else 1
    else:
        expected = estimator.n_outputs_
    columns = 1 if np.ndim(y) == 1 else np.shape(y)[1]
    if columns != expected:
        raise ValueError(
            f"y has {columns} column{'s' * (columns != 1)} but the estimator was "
            f"fitted on {expected} (n_outputs_={estimator.n_outputs_}); pass y of "
            f"shape (n_samples,{f' {expected}' if expected > 1 else ''}) as in fit."
        )


def fitted_objective(estimator, X, y, sample_weight=None):
    """The objective of a fitted estimator on (X, y), as given by a user.

    The data and the weights are validated and y encoded as in training;
    the objective is the estimator's own (``skreg._mlp.training_objective``).

    Parameters
    ----------
    estimator : RegularizedMLPRegressor or RegularizedMLPClassifier
        A fitted estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input data (a sparse matrix is densified).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; all ones when None.

    Returns
    -------
    objective : Objective
        On float64 data, with a positive weight sum.
    """
    check_is_fitted(estimator, ["coefs_", "intercepts_"])
    X, Y = training_targets(estimator, X, y)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
    objective = training_objective(estimator, X, Y, sample_weight)
    if not objective.weight_sum > 0:
        raise ValueError("The sample weights must have a positive sum.")
    return objective


def _curvature(estimator, X, y, sample_weight, kind):
    """The estimator's curvature products on (X, y) and the weight sum."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    objective = fitted_objective(estimator, X, y, sample_weight)
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
        classifier; as many columns as in fit (a ValueError otherwise).
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
        classifier; as many columns as in fit (a ValueError otherwise).
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


def _check_l2_fit(estimator):
    """NotFittedError before anything else, then a ValueError unless L2.

    Fitting is checked first so that an unfitted estimator (also one without
    a ``penalty``, such as a CV estimator) says so; ``alpha="evidence"`` set
    after a fit with a fixed alpha has no ``alpha_`` to read.
    """
    check_is_fitted(estimator)
    penalty = getattr(estimator, "penalty", None)
    if penalty != "l2":
        hint = (
            "; for a CV estimator, pass its best_estimator_"
            if hasattr(estimator, "best_estimator_")
            else ""
        )
        raise ValueError(
            "log_evidence needs a model fitted with penalty='l2', got "
            f"penalty={penalty!r}{hint}."
        )
    if isinstance(estimator.alpha, str) and estimator.alpha == "evidence":
        check_is_fitted(
            estimator,
            "alpha_",
            msg=(
                "This %(name)s has alpha='evidence' but no alpha_: it was fitted "
                "with another alpha. Fit it again with alpha='evidence'."
            ),
        )


def log_evidence(estimator, X, y, sample_weight=None, *, random_state="deprecated"):
    r"""Laplace approximation of the log evidence of a fitted L2 model.

    .. math::

        \log p(D) \approx \tfrac12\Big[\sum_g k_g \log\alpha_{p,g} + N\log\beta
          - 2\beta E_D - \sum_g \alpha_{p,g}\lVert W_g\rVert^2 - \log\det A
          - N\log 2\pi\Big]

    at the estimator's weights, read as the MAP of a Gaussian prior of
    precision :math:`\alpha_p` on each weight group and of the likelihood its
    loss defines: ``alpha`` (or ``alpha_`` after ``alpha="evidence"``, one per
    weight matrix) is :math:`\alpha_p / \beta` for the squared error, with the
    noise precision :math:`\beta = (N - \gamma) / \sum_i s_i \lVert y_i -
    f_i\rVert^2` at its fixed point, and :math:`\alpha_p` otherwise
    (:math:`\beta = 1`, no :math:`N` terms).  :math:`A = \beta S +
    \mathrm{diag}(\alpha_p)`, :math:`S` the Gauss-Newton curvature of
    :math:`E_D = \sum_i s_i\,\mathrm{loss}_i` for the weights with the
    intercepts (flat prior) minimised out.  Comparing it across ``alpha`` is
    MacKay's way of choosing ``alpha`` without held-out data; for a linear
    model it is scikit-learn's ``BayesianRidge`` score.

    Parameters
    ----------
    estimator : RegularizedMLPRegressor or RegularizedMLPClassifier
        Fitted with ``penalty="l2"``.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The training data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The training targets, with the columns of fit.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, as frequencies.
    random_state : object, default="deprecated"
        Has no effect, and passing it warns (a FutureWarning): the traces
        and the log-determinant are no longer estimated by random probes,
        but computed exactly or Kronecker-factored, without randomness.

    Returns
    -------
    log_evidence : float
        The log marginal likelihood, up to the flat prior's constant.

    See Also
    --------
    effective_parameters : The gamma of the same curvature.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import RegularizedMLPRegressor
    >>> from skreg.theory import log_evidence
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> fits = {a: RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs",
    ...                                    alpha=a).fit(X, y) for a in (1, 15, 300)}
    >>> best = max(fits, key=lambda a: log_evidence(fits[a], X, y))
    >>> best
    15
    """
    _check_l2_fit(estimator)
    objective = fitted_objective(estimator, X, y, sample_weight)
    alpha = estimator.alpha_ if estimator.alpha == "evidence" else estimator.alpha
    sizes = group_sizes(objective.layout, per_layer=np.ndim(alpha) > 0)
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), sizes.shape).copy()
    if not (alpha > 0).all():
        raise ValueError("log_evidence needs alpha > 0 (a proper Gaussian prior).")
    if not (isinstance(random_state, str) and random_state == "deprecated"):
        warnings.warn(
            "log_evidence's random_state has no effect (no random probes are "
            "drawn) and will be removed; stop passing it.",
            FutureWarning,
            stacklevel=2,
        )
    params = flat_parameters(estimator)
    return evidence_update(objective, params, alpha, sizes).log_evidence
