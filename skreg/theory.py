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

The curvature of a fitted network comes from the R-operator through its
hand-written passes: :func:`loss_hessian` builds it (the Hessian, or the
Gauss-Newton matrix, which is positive semi-definite where the Hessian of a
network is not), :func:`curvature_operator` applies it without forming it, and
:func:`top_eigenvalues`, :func:`effective_parameters`, :func:`log_det` and
:func:`spectral_density` work on either, exactly for arrays and by Lanczos and
stochastic quadrature for operators, so that they reach the networks people
train.

:func:`loss_hessian` computes :math:`H` of a fitted skreg estimator, so the formulas
apply to real fits.  All functions work on the *data term*
:math:`J = \sum_i s_i \mathrm{loss}_i / \sum_i s_i` (user guide, "The
regularized objective").  The estimators minimise
:math:`J + \alpha\,\Omega(W) / \sum_i s_i`, so the ``alpha`` to pass here is
the estimator's ``alpha`` divided by the sample-weight sum (``n_samples``
without weights).
"""

from ._theory.curvature import (
    MAX_HESSIAN_PARAMS,
    curvature_operator,
    flat_parameters,
    log_evidence,
    loss_hessian,
)
from ._theory.quadratic import l1_solution, l2_shrinkage, l2_solution, profile_hessian
from ._theory.spectral import (
    effective_parameters,
    log_det,
    spectral_density,
    top_eigenvalues,
)

__all__ = [
    "MAX_HESSIAN_PARAMS",
    "curvature_operator",
    "effective_parameters",
    "flat_parameters",
    "l1_solution",
    "l2_shrinkage",
    "l2_solution",
    "log_det",
    "log_evidence",
    "loss_hessian",
    "profile_hessian",
    "spectral_density",
    "top_eigenvalues",
]
