r"""The linearised Laplace posterior of a squared-error fit, for predictions.

At a MAP fit :math:`\theta^*` of the squared error with noise precision
:math:`\beta` and prior precisions :math:`\alpha_p` on the weights (a flat
prior on the intercepts), the posterior of the network linearised around
:math:`\theta^*` is Gaussian, of covariance

.. math::

    \Sigma = (\beta G + \mathrm{diag}(\alpha_p D))^{-1},

:math:`G` the Gauss-Newton matrix of :math:`E_D = \sum_i s_i\,\mathrm{loss}_i`
and :math:`D` the 0/1 indicator of the weights.  The predictive standard
deviation at :math:`x` is

.. math::

    \sigma(x) = \sqrt{g(x)^\top \Sigma\, g(x) + 1/\beta},
    \qquad g(x) = \partial f(x) / \partial \theta.

A network with more than FULL_LAPLACE_MAX_PARAMS parameters keeps its hidden
layers fixed and uses the posterior of the last layer only (laplace-torch's
default): Bayesian linear regression on the last hidden layer's outputs
:math:`\phi(x)`, with :math:`g(x) = (\phi(x), 1)` and the same covariance for
every output.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import pinvh

from .._network import forward
from .._network.jacobian import output_jacobian

FULL_LAPLACE_MAX_PARAMS = 1000
"""Up to this many parameters the predictive variance uses the posterior of
all of them; larger networks use the last layer's (laplace-torch's default)."""


@dataclass
class LaplacePosterior:
    r"""The Gaussian posterior of the linearised network, for predictions.

    Build it with :meth:`at_map`.

    Attributes
    ----------
    subset : {"all", "last_layer"}
        Whose posterior: all parameters, or the last layer's weights and bias
        of one output (the same for every output).
    covariance : ndarray of shape (n, n)
        :math:`\Sigma` over that subset, in the parameter layout.
    noise_precision : float
        :math:`\beta`.
    """

    subset: str
    covariance: np.ndarray
    noise_precision: float

    @classmethod
    def at_map(cls, objective, params, prior_precision, sizes, noise_precision):
        r"""The posterior at the MAP fit ``params`` of the squared error.

        Parameters
        ----------
        objective : Objective
            The training objective (squared error).
        params : ndarray of shape (n_params,)
            The flat parameters of the fit (float64).
        prior_precision : ndarray of shape (n_groups,)
            :math:`\alpha_p` of each weight group.
        sizes : ndarray of shape (n_groups,)
            Number of weights of each group.
        noise_precision : float
            :math:`\beta`.

        Returns
        -------
        posterior : LaplacePosterior
            Over all parameters up to FULL_LAPLACE_MAX_PARAMS of them, over
            the last layer beyond.
        """
        if sp.issparse(objective.X):  # the per-sample Jacobians need rows as arrays
            objective = objective.with_data(
                objective.X.toarray(), objective.Y, objective.sample_weight
            )
        layout, beta = objective.layout, noise_precision
        coefs, intercepts = layout.views(np.asarray(params, dtype=np.float64))
        if layout.size <= FULL_LAPLACE_MAX_PARAMS:
            G = objective.curvature(coefs, intercepts, "gauss_newton").matrix()
            prior = np.zeros(layout.size)
            prior[: layout.n_coef] = np.repeat(prior_precision, sizes)
            precision = beta * (G + G.T) / 2 + np.diag(prior)
            return cls("all", pinvh(precision), beta)
        features = _last_features(coefs, intercepts, objective.X, objective.activation)
        weights = 1.0 if objective.sample_weight is None else objective.sample_weight
        prior = np.r_[np.full(features.shape[1] - 1, prior_precision[-1]), 0.0]
        precision = beta * (features.T * weights) @ features + np.diag(prior)
        return cls("last_layer", pinvh(precision), beta)

    def predictive_std(self, coefs, intercepts, X, activation, chunk=256):
        """``sqrt(g(x)^T Sigma g(x) + 1 / beta)`` per row and output.

        Parameters
        ----------
        coefs, intercepts : list of ndarray
            The fitted network (the MAP the posterior was built at).
        X : ndarray of shape (n_samples, n_features)
            Dense input.
        activation : str
            Hidden activation.
        chunk : int, default=256
            Rows per block: the Jacobian of a block is
            ``(chunk, n_outputs, n_params)``.

        Returns
        -------
        std : ndarray of shape (n_samples, n_outputs)
            The predictive standard deviation.
        """
        coefs = [np.asarray(W, dtype=np.float64) for W in coefs]
        intercepts = [np.asarray(b, dtype=np.float64) for b in intercepts]
        variance = np.empty((X.shape[0], coefs[-1].shape[1]))
        for start in range(0, X.shape[0], chunk):
            rows = slice(start, start + chunk)
            variance[rows] = self._spread(coefs, intercepts, X[rows], activation)
        return np.sqrt(np.maximum(variance, 0.0) + 1.0 / self.noise_precision)

    def _spread(self, coefs, intercepts, X, activation):
        """``g(x)^T Sigma g(x)`` for every row of X and output."""
        if self.subset == "all":
            J = output_jacobian(coefs, intercepts, X, activation)
            return np.einsum("nop,pq,noq->no", J, self.covariance, J)
        phi = _last_features(coefs, intercepts, X, activation)
        return np.einsum("np,pq,nq->n", phi, self.covariance, phi)[:, np.newaxis]


def _last_features(coefs, intercepts, X, activation):
    """The last hidden layer's outputs, with a column of ones (the bias)."""
    hidden = forward(coefs, intercepts, X, activation)[-2] if len(coefs) > 1 else X
    return np.column_stack([np.asarray(hidden, dtype=np.float64), np.ones(X.shape[0])])
