r"""The one regularized objective every solver minimises (docs/objective.rst).

.. math::

    \tilde J(W, b) = \frac{\sum_i s_i\, \mathrm{loss}_i(W, b)
                     + \alpha\, \Omega(W)}{\sum_i s_i}

The network (``skreg._network``) computes the data term and its gradient; the
penalty (``skreg._penalties``) its value, gradient or prox.  :class:`Objective`
is where the two meet, with ``alpha`` and the sample-weight sum: L-BFGS
minimises it, the mini-batch epoch steps along it and reports its two terms,
and :mod:`skreg.theory` takes its data term.
"""

import numpy as np

from .._network import ParameterLayout, Workspace, forward, loss_and_gradient
from .._network.roperator import Curvature
from .._penalties import ScaledL2Penalty


class Objective:
    r"""``(sum_i s_i loss_i + alpha * Omega(W)) / sum_i s_i`` on one data set.

    Parameters
    ----------
    layer_units : list of int
        Units of every layer, input first.
    activation : str
        Hidden activation.
    loss : _Loss
        The output loss (``skreg._network.LOSSES``).
    penalty : Penalty
        The penalty on the weights.
    alpha : float
        Strength of the penalty.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Targets (0/1 indicators for classification).
    sample_weight : ndarray of shape (n_samples,) or None
    """

    def __init__(self, layer_units, activation, loss, penalty, alpha, X, Y,
                 sample_weight=None):  # fmt: skip
        self.layout = ParameterLayout(layer_units)
        self.activation, self.loss = activation, loss
        self.penalty, self.alpha = penalty, alpha
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.weight_sum = (
            X.shape[0] if sample_weight is None else float(sample_weight.sum())
        )

    def with_data(self, X, Y, sample_weight=None):
        """The same objective on other data (a held-out set, say)."""
        return self._replaced(X=X, Y=Y, sample_weight=sample_weight)

    def with_strength(self, alpha):
        """The same objective with the penalty at another strength.

        Parameters
        ----------
        alpha : float or ndarray of shape (n_weight_matrices,)
            A float keeps the penalty and sets its strength.  An array gives
            every weight matrix its own L2 strength (the evidence's prior
            precisions): the penalty becomes
            ``ScaledL2Penalty.per_layer(alpha, ...)`` at strength 1.

        Returns
        -------
        objective : Objective
            On the same data.
        """
        if np.ndim(alpha) == 0:
            return self._replaced(alpha=alpha)
        penalty = ScaledL2Penalty.per_layer(alpha, self.layout.coef_shapes)
        return self._replaced(penalty=penalty, alpha=1.0)

    def _replaced(self, **changes):
        """A new objective with the given constructor arguments changed."""
        arguments = dict(
            layer_units=self.layout.layer_units, activation=self.activation,
            loss=self.loss, penalty=self.penalty, alpha=self.alpha, X=self.X,
            Y=self.Y, sample_weight=self.sample_weight,
        )  # fmt: skip
        return type(self)(**{**arguments, **changes})

    @property
    def penalty_strength(self):
        """``alpha / sum_i s_i``: the factor of the penalty's gradient and prox."""
        return self.alpha / self.weight_sum if self.weight_sum > 0 else 0.0

    # ---------------------------------------------------------- data term
    def data_sum_and_gradient(self, coefs, intercepts, X, Y, sample_weight,
                              workspace, gradient_scale=1.0, dropout=None):  # fmt: skip
        """``sum_i s_i loss_i`` over the rows given; its gradient in ``workspace``.

        The gradient, times ``gradient_scale``, is left in
        ``workspace.gradient`` (laid out as the parameters).
        """
        value, _, _ = loss_and_gradient(
            coefs, intercepts, X, Y, sample_weight, self.activation, self.loss,
            workspace, gradient_scale=gradient_scale, dropout=dropout,
        )  # fmt: skip
        return value

    def data_term(self, coefs, intercepts):
        """``sum_i s_i loss_i / sum_i s_i`` at the given parameters (no gradient)."""
        with np.errstate(all="ignore"):
            logits = forward(coefs, intercepts, self.X, self.activation)[-1]
            value = self.loss.value(logits, self.Y, self.sample_weight)
        return value / self.weight_sum

    def curvature(self, coefs, intercepts, kind="hessian"):
        """Curvature-vector products of ``sum_i s_i loss_i`` at these parameters.

        A :class:`~skreg._network.roperator.Curvature`; divide its products by
        :attr:`weight_sum` for the curvature of the data term.
        """
        return Curvature(
            coefs, intercepts, self.X, self.Y, self.sample_weight,
            self.activation, self.loss, kind,
        )  # fmt: skip

    # ------------------------------------------------------------ penalty
    def penalty_sum(self, coefs, scratch=None):
        """``alpha * Omega(W)`` (not divided by the weight sum)."""
        return self.alpha * self.penalty.value(coefs, scratch) if self.alpha else 0.0

    def smooth_penalty(self, weights, gradient):
        """alpha times the smooth part of Omega; adds its gradient to ``gradient``."""
        return self.penalty.smooth_value_and_gradient(weights, gradient, self.alpha)

    def l1_coefficients(self):
        """``alpha * c``: the coefficients of the L1 part, scalar or per weight."""
        return self.alpha * self.penalty.l1_coefficients(self.layout.n_coef)

    # ------------------------------------------------------------- whole
    def value_and_gradient(self, params, workspace=None):
        """The objective and its gradient at the flat parameters (smooth penalties).

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Weights then biases, laid out as :attr:`layout`.
        workspace : Workspace, default=None
            Buffers for the passes over all rows (allocated when None).

        Returns
        -------
        value : float
        gradient : ndarray of shape (n_params,)
            A new float64 array.
        """
        if workspace is None:
            workspace = Workspace(
                self.layout.layer_units, self.X.shape[0], params.dtype
            )
        coefs, intercepts = self.layout.views(params)
        data = self.data_sum_and_gradient(
            coefs, intercepts, self.X, self.Y, self.sample_weight, workspace
        )
        gradient = workspace.gradient.astype(np.float64)
        n = self.layout.n_coef
        value = data + self.smooth_penalty(
            np.asarray(params[:n], np.float64), gradient[:n]
        )
        scale = 1.0 / self.weight_sum
        return value * scale, gradient * scale
