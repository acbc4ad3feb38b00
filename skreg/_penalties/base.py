r"""The penalty contract: everything about :math:`\Omega(W)` lives in a penalty object.

A penalty acts on the weights of every layer, never on the biases.  It does
not know ``alpha`` or the sample-weight scaling: the solver passes them in as
``strength`` (for a gradient) or folds them into ``scale`` (for a prox).  It
offers some of three ways to be applied, its ``capabilities``:

``"gradient"``
    :math:`\Omega` is differentiable: :meth:`Penalty.add_gradient` adds
    ``strength * grad Omega`` (weight decay for L2), and
    :meth:`Penalty.smooth_value_and_gradient` gives value and gradient.
``"prox"``
    :meth:`Penalty.prox` applies the proximal operator
    :math:`\arg\min_v \tfrac12 \lVert v - w \rVert^2 + t\,\Omega(v)` in place,
    with ``t = scale * step`` and ``step`` a scalar or one value per weight
    (Adam's steps).
``"l1_split"``
    :math:`\Omega = \Omega_{smooth} + \sum_i c_i \lvert w_i \rvert`: the smooth
    part through :meth:`Penalty.smooth_value_and_gradient` and the L1
    coefficients :math:`c` through :meth:`Penalty.l1_coefficients`, which is
    what L-BFGS-B needs to minimise it exactly on split weights
    :math:`w = u - v`, :math:`u, v \ge 0`.

Each solver declares which of these it can use (``skreg._solvers``), and one
check rejects a penalty that offers none of them.  A new penalty is a subclass
of :class:`Penalty` in this package, with a name in ``make_penalty``.
"""

import numpy as np

CAPABILITIES = ("gradient", "prox", "l1_split")


class Penalty:
    """Base class of the penalties on the weights; see the module docstring.

    Subclasses set ``capabilities`` and implement :meth:`value` and the
    methods of their capabilities.  ``groups_rows`` is True for a penalty
    whose proximal operator couples the weights of a row of each layer's
    matrix (it then sees the layers one by one).
    """

    capabilities = frozenset()
    groups_rows = False

    @property
    def is_smooth(self):
        """True when the penalty is differentiable (capability ``"gradient"``)."""
        return "gradient" in self.capabilities

    def value(self, coefs, scratch=None):
        r"""Return :math:`\Omega(W)` summed over all layers.

        ``coefs`` is the list of weight matrices; ``scratch``, arrays shaped
        like ``coefs``, avoids temporaries.
        """
        raise NotImplementedError

    def add_gradient(self, coef, grad, strength, scratch=None):
        """In place, ``grad += strength * d Omega / dW`` (capability "gradient")."""
        raise TypeError(f"{type(self).__name__} has no gradient; use its prox")

    def smooth_value_and_gradient(self, weights, grad, strength, scratch=None):
        """``strength`` times the smooth part of Omega; adds its gradient to ``grad``.

        ``weights`` and ``grad`` are flat vectors of all the weights.  The
        smooth part is all of Omega for capability "gradient" and Omega minus
        its L1 part for "l1_split".
        """
        raise TypeError(f"{type(self).__name__} has no smooth part")

    def l1_coefficients(self, n_weights):
        """The coefficients c of the L1 part ``sum_i c_i |w_i|`` ("l1_split").

        A scalar for the same coefficient everywhere, else an array of shape
        ``(n_weights,)`` over the flat weights.
        """
        return 0.0

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: ``argmin_v 1/2 ||v - coef||^2 + scale * step * Omega(v)``."""
        raise TypeError(f"{type(self).__name__} has no proximal operator")

    def prox_weights(self, weights, coef_views, step, step_views, scale, scratch):
        """The prox on all the weights after an optimizer step.

        ``weights`` is the flat vector of every layer's weights and
        ``coef_views`` the per-layer matrices viewing it; ``step`` is a scalar
        or a flat vector of steps (``step_views`` its per-layer views);
        ``scratch`` holds two flat arrays and their per-layer views.  An
        elementwise penalty treats all weights as one vector; one whose groups
        are rows (``groups_rows``) goes layer by layer.
        """
        flat_scratch, layer_scratch = scratch
        if not self.groups_rows:
            self.prox(weights, step, scale, flat_scratch)
            return
        steps = step_views if np.ndim(step) else [step] * len(coef_views)
        for coef, coef_step, pair in zip(coef_views, steps, layer_scratch, strict=True):
            self.prox(coef, coef_step, scale, pair)


def soft_threshold(values, threshold, out):
    """``sign(v) * max(|v| - t, 0)`` into ``values``: exact zeros where ``|v| <= t``.

    Written as ``v - clip(v, -t, t)``; ``threshold`` is a scalar or an array
    (consumed: it is negated in place), ``out`` scratch shaped like ``values``.
    """
    clipped = np.minimum(values, threshold, out=out)
    np.maximum(clipped, negated(threshold), out=clipped)
    values -= clipped
    return values


def scratch_pair(coef, scratch):
    """Two arrays shaped like ``coef``: ``scratch`` itself, or new ones."""
    if scratch is None:
        return np.empty_like(coef), np.empty_like(coef)
    return scratch


def negated(value):
    """-value, in place for arrays (scratch space)."""
    if np.ndim(value):
        return np.negative(value, out=value)
    return -value


def scaled(step, factor, out):
    """``step * factor``, into ``out`` when step is an array."""
    if np.ndim(step):
        return np.multiply(step, factor, out=out)
    return step * factor
