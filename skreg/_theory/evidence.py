r"""The evidence of an L2 fit: MacKay's update of alpha and the log evidence.

The L2 penalty is a Gaussian prior on the weights and the loss a likelihood:
for the squared error with noise precision :math:`\beta` and prior precision
:math:`\alpha_p` (one per weight group),

.. math::

    -\log p(\theta \mid D) = \beta E_D + \sum_g \alpha_{p,g} E_{W_g} + \text{const},
    \qquad E_D = \sum_i s_i\, \mathrm{loss}_i,\quad
    E_{W_g} = \tfrac12 \lVert W_g \rVert^2,

whose minimiser is skreg's fit at ``alpha`` :math:`= \alpha_p / \beta` (per
group).  For the log-loss and the Poisson deviance the likelihood has no
noise level: :math:`\beta = 1` and ``alpha`` :math:`= \alpha_p`.  With
:math:`S` the Gauss-Newton curvature of :math:`E_D` for the weights, the
intercepts (flat prior) minimised out, and :math:`A = \beta S +
\mathrm{diag}(\alpha_p)` the posterior precision of the weights, the evidence
is maximised at the fixed point

.. math::

    \gamma_g = k_g - \alpha_{p,g}\, \mathrm{tr}_g A^{-1}, \qquad
    \alpha_{p,g} = \frac{\gamma_g}{\lVert W_g\rVert^2}, \qquad
    \beta = \frac{N - \gamma}{\sum_i s_i \lVert y_i - f_i\rVert^2},

:math:`\gamma = \sum_g \gamma_g` the effective number of parameters and
:math:`N` the number of targets (rows times outputs).  With one group,
:math:`\gamma = \sum_i \lambda_i / (\lambda_i + \alpha)` over the eigenvalues of
:math:`S`.  The Laplace approximation of the log evidence is

.. math::

    \log p(D) \approx \tfrac12\Big[\sum_g k_g \log\alpha_{p,g} + N \log\beta
      - 2\beta E_D - \sum_g \alpha_{p,g} \lVert W_g\rVert^2 - \log\det A
      - N\log 2\pi\Big]

(the terms in :math:`\beta` dropped without a noise level), as
scikit-learn's ``BayesianRidge`` has it for a linear model.

:func:`evidence_update` computes both at the parameters of a fit, from the
objective alone: the estimators' evidence loop
(``skreg._solvers.evidence``) and :func:`skreg.theory.log_evidence` call it.
"""

from dataclasses import dataclass

import numpy as np

from .._utils.threads import SMALL_FULL_BATCH_WORK, blas_threads_for
from .gauss_newton import weights_curvature

MAX_STEP = 10.0
"""One update moves a prior precision by at most this factor."""


@dataclass
class EvidenceUpdate:
    """What one evidence step finds at a MAP fit.

    ``gamma`` and ``prior_precision`` have one entry per weight group;
    ``alpha`` is the next penalty strength, in skreg's units, per group;
    ``noise_precision`` is None for a likelihood without a noise level.
    """

    gamma: np.ndarray
    prior_precision: np.ndarray
    noise_precision: float | None
    log_evidence: float
    alpha: np.ndarray


def group_sizes(layout, per_layer):
    """Number of weights of each group: one group per weight matrix, or one.

    Parameters
    ----------
    layout : ParameterLayout
        The network's parameters.
    per_layer : bool
        One group (one prior precision) per weight matrix, or one for all.

    Returns
    -------
    sizes : ndarray of shape (n_groups,)
        The groups' numbers of weights, in the order of the flat weights.
    """
    sizes = [fan_in * fan_out for fan_in, fan_out in layout.coef_shapes]
    return np.array(sizes if per_layer else [sum(sizes)])


def has_noise_level(objective):
    """Whether the likelihood has a noise precision beta to fit.

    The squared error (the identity output) is a Gaussian of precision beta;
    the log-loss and the Poisson deviance fix their variance by their mean.
    """
    return objective.loss.out_activation == "identity"


def small_work_threads(objective):
    """One BLAS thread for the curvature of a small network (as for L-BFGS)."""
    rows, n_params = objective.X.shape[0], objective.layout.size
    return blas_threads_for(rows, n_params, SMALL_FULL_BATCH_WORK)


def evidence_update(objective, params, alpha, sizes):
    """The evidence step at a MAP fit of ``objective`` at the given ``alpha``.

    Parameters
    ----------
    objective : Objective
        The training objective (its data, loss and weights).
    params : ndarray of shape (n_params,)
        The flat parameters of the fit (float64).
    alpha : ndarray of shape (n_groups,)
        The penalty strengths of the fit, per group, in skreg's units.
    sizes : ndarray of shape (n_groups,)
        Number of weights of each group (see :func:`group_sizes`).

    Returns
    -------
    update : EvidenceUpdate
        gamma, the next prior precision and alpha, beta and the log evidence.
    """
    with small_work_threads(objective):
        return _update(objective, params, alpha, sizes)


def _update(objective, params, alpha, sizes):
    """:func:`evidence_update`'s arithmetic, the symbols of the module docstring."""
    traces, log_det_shifted = _traces_and_log_det(objective, params, alpha)
    gamma = np.clip(sizes - alpha * traces, 0.0, sizes)
    squares, data_sum = _weight_squares_and_data_sum(objective, params, sizes)
    noise = has_noise_level(objective)
    beta = _noise_precision(objective, data_sum, gamma.sum()) if noise else 1.0
    prior = _bounded_step(
        gamma / np.maximum(squares, np.finfo(float).tiny), alpha * beta
    )
    evidence = 0.5 * (
        np.sum(sizes * np.log(alpha * beta)) - np.sum(alpha * beta * squares)
        - beta * 2 * data_sum - (log_det_shifted + sizes.sum() * np.log(beta))
    )  # fmt: skip
    if noise:
        n_targets = objective.weight_sum * objective.Y.shape[1]
        evidence += 0.5 * n_targets * (np.log(beta) - np.log(2 * np.pi))
    return EvidenceUpdate(gamma, prior, beta if noise else None, float(evidence),
                          prior / beta)  # fmt: skip


def _weight_squares_and_data_sum(objective, params, sizes):
    """``||W_g||^2`` per group and ``E_D = sum_i s_i loss_i`` at ``params``."""
    coefs, intercepts = objective.layout.views(params)
    weights = np.asarray(params[: objective.layout.n_coef], dtype=np.float64)
    squares = np.add.reduceat(weights**2, np.cumsum(np.r_[0, sizes])[:-1])
    return squares, objective.data_term(coefs, intercepts) * objective.weight_sum


def _traces_and_log_det(objective, params, alpha):
    """Per-group traces of (S + diag(alpha))^-1 and its log-determinant.

    S is the Gauss-Newton curvature of E_D for the weights, the intercepts
    minimised out (``skreg._theory.gauss_newton``: exact when affordable,
    Kronecker-factored per weight matrix beyond).
    """
    curvature = weights_curvature(objective, params)
    n_layers = len(objective.layout.coef_shapes)
    layer_shift = alpha if alpha.size == n_layers else np.repeat(alpha, n_layers)
    traces, log_det = curvature.traces_and_log_det(layer_shift)
    return (traces if alpha.size == n_layers else traces.sum(keepdims=True)), log_det


def _bounded_step(prior, previous):
    """The new prior precision, within a factor MAX_STEP of the previous one.

    Far from the fixed point (inexact fits, a layer about to be pruned) one
    update can propose a jump by orders of magnitude, or 0/0 for a group
    whose weights vanished; MacKay's fixed point for such a group is an
    infinite precision, approached here by steps of MAX_STEP.
    """
    prior = np.where(np.isfinite(prior) & (prior > 0), prior, previous * MAX_STEP)
    return np.clip(prior, previous / MAX_STEP, previous * MAX_STEP)


def _noise_precision(objective, data_sum, gamma):
    """``beta = (N - gamma) / sum_i s_i ||y_i - f_i||^2`` (E_D is half the sum)."""
    n_targets = objective.weight_sum * objective.Y.shape[1]
    return max(n_targets - gamma, 1.0) / max(2 * data_sum, np.finfo(float).tiny)
