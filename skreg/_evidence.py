r"""Choosing alpha by the evidence: Bayesian regularization (MacKay, 1992).

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
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack, pinvh
from scipy.sparse.linalg import LinearOperator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import _check_sample_weight

from ._network import ParameterLayout, forward, layer_units_of
from ._network.jacobian import output_jacobian
from ._penalties import ScaledL2Penalty, make_penalty
from ._theory.curvature import CurvatureOperator, ProfiledOperator, _targets
from ._theory.quadratic import profile_hessian
from ._theory.spectral import _block_cg, _rademacher, _slq_trace
from ._utils.threads import SMALL_FULL_BATCH_WORK, blas_threads_for

EXACT_MAX_PARAMS = 2000
"""Up to this many parameters the curvature is built and decomposed exactly."""
FULL_LAPLACE_MAX_PARAMS = 1000
"""Up to this many parameters the predictive variance uses the posterior of
all of them; larger networks use the last layer's (laplace-torch's default)."""
_TRACE_PROBES = 20  # Hutchinson probes of the per-group traces of A^-1 (large nets)
# While alpha changes by more than ROUGH_CHANGE (relatively) per update, the
# MAP fits of the evidence loop stop after ROUGH_ITERATIONS iterations/epochs.
ROUGH_CHANGE, ROUGH_ITERATIONS = 0.1, 100
# One update moves a prior precision by at most this factor.
MAX_STEP = 10.0


@dataclass
class EvidenceUpdate:
    """What one evidence step finds at a MAP fit.

    ``gamma`` and ``prior_precision`` have one entry per weight group;
    ``alpha`` is the next penalty strength, in skreg's units, per group.
    """

    gamma: np.ndarray
    prior_precision: np.ndarray
    noise_precision: float | None
    log_evidence: float
    alpha: np.ndarray


def group_sizes(layout, per_layer):
    """Number of weights of each group: one group per weight matrix, or one."""
    sizes = [fan_in * fan_out for fan_in, fan_out in layout.coef_shapes]
    return np.array(sizes if per_layer else [sum(sizes)])


class _Shifted(LinearOperator):
    """``S + diag(shift)``, an operator."""

    def __init__(self, S, shift):
        super().__init__(dtype=np.float64, shape=S.shape)
        self.S, self.shift = S, shift

    def _matmat(self, V):
        return np.asarray(self.S @ V) + self.shift[:, np.newaxis] * V

    def _matvec(self, v):
        return self._matmat(np.reshape(v, (-1, 1)))[:, 0]


def _weights_curvature(objective, params):
    """The Gauss-Newton curvature S of E_D for the weights (intercepts out)."""
    layout = objective.layout
    coefs, intercepts = layout.views(np.asarray(params, dtype=np.float64))
    curvature = objective.curvature(coefs, intercepts, "gauss_newton")
    if layout.size <= EXACT_MAX_PARAMS:
        G = curvature.matrix()
        return profile_hessian((G + G.T) / 2, layout.n_coef)
    return ProfiledOperator(CurvatureOperator(curvature, 1.0), layout.n_coef)


def _traces_and_log_det(S, shift, sizes, random_state):
    """Per-group traces of (S + diag(shift))^-1 and its log-determinant."""
    bounds = np.cumsum(np.r_[0, sizes])
    if not isinstance(S, LinearOperator):
        diagonal, log_det = _inverse_diagonal_and_log_det(S + np.diag(shift))
    else:
        M = _Shifted(S, shift)
        rng = np.random.RandomState(random_state)
        probes = _rademacher(M.shape[0], _TRACE_PROBES, rng)
        diagonal = np.mean(probes * _block_cg(M, probes, 0.0), axis=1)
        log_det = _slq_trace(M, np.log, None, None, rng)
    traces = np.add.reduceat(diagonal, bounds[:-1])
    return traces, log_det


def _inverse_diagonal_and_log_det(M):
    """diag(M^-1) and log det M of a symmetric positive definite M.

    By Cholesky (a few times cheaper than an eigendecomposition); a matrix
    that rounding leaves not quite positive definite goes through ``eigh``
    with its eigenvalues clipped.
    """
    factor, info = lapack.dpotrf(M, lower=1)
    if info == 0:
        inverse, info = lapack.dpotri(factor, lower=1)
    if info == 0:
        return np.diag(inverse).copy(), 2.0 * float(np.log(np.diag(factor)).sum())
    eigenvalues, Q = np.linalg.eigh(M)
    eigenvalues = np.maximum(eigenvalues, np.finfo(float).tiny)
    diagonal = np.einsum("ij,j,ij->i", Q, 1.0 / eigenvalues, Q)
    return diagonal, float(np.log(eigenvalues).sum())


def evidence_update(objective, params, alpha, sizes, noise, random_state=0):
    """The evidence step at a MAP fit of ``objective`` at the given ``alpha``.

    Parameters
    ----------
    objective : Objective
        The training objective (its data, loss and weights).
    params : ndarray
        The flat parameters of the fit.
    alpha : ndarray
        The penalty strengths of the fit, per group, in skreg's units.
    sizes : ndarray
        Number of weights of each group (see :func:`group_sizes`).
    noise : bool
        Whether the likelihood has a noise precision (the squared error).
    random_state : int
        Probes of the stochastic estimates (large networks).

    Returns
    -------
    EvidenceUpdate
    """
    S = _weights_curvature(objective, params)
    shift = np.repeat(alpha, sizes)
    traces, log_det_shifted = _traces_and_log_det(S, shift, sizes, random_state)
    gamma = np.clip(sizes - alpha * traces, 0.0, sizes)
    coefs, intercepts = objective.layout.views(params)
    weights = np.asarray(params[: objective.layout.n_coef], dtype=np.float64)
    squares = np.add.reduceat(weights**2, np.cumsum(np.r_[0, sizes])[:-1])
    data_sum = objective.data_term(coefs, intercepts) * objective.weight_sum
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


# ------------------------------------------------------- the estimators' side
class EvidenceMixin:
    """``alpha="evidence"``: the fit alternates MAP fits and evidence steps.

    Starting from ``alpha`` = var(y) per weight matrix for the squared error
    (scikit-learn's ``BayesianRidge`` starts at ``beta = 1 / var(y)`` and
    ``alpha_p = 1``) and 1 otherwise, or from the ``alpha_`` of the previous
    fit with ``warm_start``, each step fits to the MAP at the current alpha
    (warm-started from the previous weights) and moves alpha to the evidence
    fixed point.  It stops when no alpha changes by more than
    ``evidence_tol`` relatively, or after ``evidence_max_updates`` steps (a
    ConvergenceWarning), and ends with a fit at the last alpha.
    """

    _evidence_per_layer = True  # one prior precision per weight matrix
    _EVIDENCE_ATTRIBUTES = (
        "alpha_", "prior_precision_", "effective_parameters_", "log_evidence_",
        "alpha_history_", "noise_precision_", "_laplace",
    )  # fmt: skip

    def _forget_evidence(self):
        """A fit at a given alpha drops what an earlier evidence fit found."""
        for name in self._EVIDENCE_ATTRIBUTES:
            vars(self).pop(name, None)

    def _predictive_std(self, X):
        """The predictive standard deviation of the linearised Laplace posterior."""
        if not hasattr(self, "_laplace"):
            raise ValueError(
                "return_std=True needs the posterior of a fit with "
                "alpha='evidence' and loss='squared_error'; this model was "
                f"fitted with alpha={self.alpha!r}, loss={self.loss!r}."
            )
        std = predictive_std(self._laplace, self.coefs_, self.intercepts_, X,
                             self.activation)  # fmt: skip
        return std.ravel() if std.shape[1] == 1 else std

    def _fit_evidence(self, objective, solve):
        """Run the evidence loop; ``solve(objective, max_iter)`` fits in place.

        While alpha still moves by more than ROUGH_CHANGE, the fits stop after
        ROUGH_ITERATIONS (epochs for "sgd"/"adam"): a precise MAP at an alpha
        about to change a lot is wasted work.  Once alpha settles, every fit
        runs to convergence, and only a step after such a fit can end the
        loop.
        """
        noise = self._evidence_noise()
        sizes = group_sizes(objective.layout, self._evidence_per_layer)
        alpha = self._initial_evidence_alpha(objective, sizes, noise)
        history, rough = [alpha], True
        for _ in range(self.evidence_max_updates):
            self._evidence_fit(solve, objective, alpha, rough)
            update = _evidence_step(objective, self._flat_params(), alpha, sizes, noise)
            change = np.max(np.abs(update.alpha - alpha) / alpha)
            converged = not rough and change <= self.evidence_tol
            rough = change > ROUGH_CHANGE
            alpha = update.alpha
            history.append(alpha)
            if converged:
                break
        else:
            _warn_not_converged(self.evidence_max_updates, self.evidence_tol)
        self._evidence_fit(solve, objective, alpha, rough=False)
        params = self._flat_params()
        final = _evidence_step(objective, params, alpha, sizes, noise)
        self._store_evidence(alpha, final, history, noise)
        if noise:
            with _small_work_threads(objective):
                self._laplace = laplace_posterior(
                    objective, params, alpha * final.noise_precision, sizes,
                    final.noise_precision,
                )  # fmt: skip

    def _evidence_fit(self, solve, objective, alpha, rough):
        """A MAP fit at ``alpha``: capped and quiet while alpha is rough."""
        objective = self._objective_at(objective, alpha)
        if not rough or self.max_iter <= ROUGH_ITERATIONS:
            solve(objective)
            return
        with warnings.catch_warnings():
            # the cap is deliberate: the fits that count run to convergence
            warnings.simplefilter("ignore", ConvergenceWarning)
            solve(objective, ROUGH_ITERATIONS)

    def _evidence_noise(self):
        return getattr(self, "loss", None) == "squared_error"

    def _initial_evidence_alpha(self, objective, sizes, noise):
        if self.warm_start and hasattr(self, "alpha_"):
            return np.broadcast_to(np.asarray(self.alpha_, float), sizes.shape).copy()
        scale = float(np.var(objective.Y)) if noise else 1.0
        return np.full(sizes.shape, scale if scale > 0 else 1.0)

    def _objective_at(self, objective, alpha):
        """The objective with the penalty of the given strengths (per group)."""
        if alpha.size == 1:
            penalty, strength = make_penalty("l2"), float(alpha[0])
        else:
            shapes = objective.layout.coef_shapes
            penalty, strength = ScaledL2Penalty.per_layer(alpha, shapes), 1.0
        return type(objective)(
            objective.layout.layer_units, objective.activation, objective.loss,
            penalty, strength, objective.X, objective.Y, objective.sample_weight,
        )  # fmt: skip

    def _flat_params(self):
        layout = ParameterLayout(layer_units_of(self.coefs_))
        return layout.pack(self.coefs_, self.intercepts_, np.float64)

    def _store_evidence(self, alpha, final, history, noise):
        """The fitted attributes; the precisions are those of the final fit."""
        single = alpha.size == 1
        prior = alpha * (final.noise_precision if noise else 1.0)
        self.alpha_ = float(alpha[0]) if single else alpha
        self.prior_precision_ = float(prior[0]) if single else prior
        self.effective_parameters_ = float(final.gamma.sum())
        self.log_evidence_ = final.log_evidence
        self.alpha_history_ = np.array([a[0] if single else a for a in history])
        if noise:
            self.noise_precision_ = final.noise_precision


def _small_work_threads(objective):
    """One BLAS thread for the curvature of a small network (as for L-BFGS)."""
    rows, n_params = objective.X.shape[0], objective.layout.size
    return blas_threads_for(rows, n_params, SMALL_FULL_BATCH_WORK)


def _evidence_step(objective, params, alpha, sizes, noise, random_state=0):
    with _small_work_threads(objective):
        return evidence_update(objective, params, alpha, sizes, noise, random_state)


def _warn_not_converged(max_updates, tol):
    warnings.warn(
        f"The evidence updates of alpha did not settle within "
        f"evidence_max_updates={max_updates} (relative change above "
        f"evidence_tol={tol:g}); alpha_ is the last one. Increase "
        "evidence_max_updates, or fit to convergence at each step (max_iter).",
        ConvergenceWarning,
        stacklevel=5,
    )


# ---------------------------------------------------- predictive variance
@dataclass
class LaplacePosterior:
    """The Gaussian posterior of the linearised network, for predictions.

    ``covariance`` is over all parameters (``subset="all"``), or over the last
    layer's weights and bias of one output (``subset="last_layer"``, the same
    for every output); ``noise_precision`` is beta.
    """

    subset: str
    covariance: np.ndarray
    noise_precision: float


def laplace_posterior(objective, params, prior_precision, sizes, beta):
    r"""``Sigma = (beta G + alpha_p D)^-1`` of the squared error's MAP fit.

    G is the Gauss-Newton matrix of :math:`E_D` and D the 0/1 diagonal of the
    weights (the intercepts have a flat prior).  A network with more than
    FULL_LAPLACE_MAX_PARAMS parameters keeps its hidden layers fixed and uses
    the posterior of the last layer: Bayesian linear regression on the last
    hidden layer's outputs.
    """
    layout = objective.layout
    coefs, intercepts = layout.views(np.asarray(params, dtype=np.float64))
    if layout.size <= FULL_LAPLACE_MAX_PARAMS:
        G = objective.curvature(coefs, intercepts, "gauss_newton").matrix()
        prior = np.zeros(layout.size)
        prior[: layout.n_coef] = np.repeat(prior_precision, sizes)
        precision = beta * (G + G.T) / 2 + np.diag(prior)
        return LaplacePosterior("all", pinvh(precision), beta)
    features = _last_features(coefs, intercepts, objective.X, objective.activation)
    weights = 1.0 if objective.sample_weight is None else objective.sample_weight
    prior = np.r_[np.full(features.shape[1] - 1, prior_precision[-1]), 0.0]
    precision = beta * (features.T * weights) @ features + np.diag(prior)
    return LaplacePosterior("last_layer", pinvh(precision), beta)


def _last_features(coefs, intercepts, X, activation):
    """The last hidden layer's outputs, with a column of ones (the bias)."""
    hidden = forward(coefs, intercepts, X, activation)[-2] if len(coefs) > 1 else X
    return np.column_stack([np.asarray(hidden, dtype=np.float64), np.ones(X.shape[0])])


def predictive_std(posterior, coefs, intercepts, X, activation, chunk=256):
    """``sqrt(g(x)^T Sigma g(x) + 1 / beta)`` per row and output."""
    coefs = [np.asarray(W, dtype=np.float64) for W in coefs]
    intercepts = [np.asarray(b, dtype=np.float64) for b in intercepts]
    n_out = coefs[-1].shape[1]
    variance = np.empty((X.shape[0], n_out))
    for start in range(0, X.shape[0], chunk):
        rows = slice(start, start + chunk)
        if posterior.subset == "all":
            J = output_jacobian(coefs, intercepts, X[rows], activation)
            variance[rows] = np.einsum("nop,pq,noq->no", J, posterior.covariance, J)
        else:
            phi = _last_features(coefs, intercepts, X[rows], activation)
            spread = np.einsum("np,pq,nq->n", phi, posterior.covariance, phi)
            variance[rows] = spread[:, np.newaxis]
    return np.sqrt(np.maximum(variance, 0.0) + 1.0 / posterior.noise_precision)


# ------------------------------------------------------------ public tool
def log_evidence(estimator, X, y, sample_weight=None, *, random_state=0):
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
        The training targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, as frequencies.
    random_state : int, default=0
        Probes of the stochastic estimates (networks of more than 2000
        parameters).

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
    if getattr(estimator, "penalty", None) != "l2":
        raise ValueError("log_evidence needs a model fitted with penalty='l2'.")
    X, Y = _targets(estimator, X, y)
    objective = estimator._objective(X, Y, _weights(sample_weight, X))
    alpha = estimator.alpha_ if estimator.alpha == "evidence" else estimator.alpha
    sizes = group_sizes(objective.layout, per_layer=np.ndim(alpha) > 0)
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), sizes.shape).copy()
    if not (alpha > 0).all():
        raise ValueError("log_evidence needs alpha > 0 (a proper Gaussian prior).")
    noise = estimator._evidence_noise()
    update = _evidence_step(
        objective, estimator._flat_params(), alpha, sizes, noise, random_state
    )
    return update.log_evidence


def _weights(sample_weight, X):
    if sample_weight is None:
        return None
    return _check_sample_weight(sample_weight, X, dtype=np.float64,
                                ensure_non_negative=True)  # fmt: skip
