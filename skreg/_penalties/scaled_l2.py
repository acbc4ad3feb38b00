"""L2 with a strength per weight: ``1/2 sum_i c_i w_i**2`` (one per layer, say)."""

import numpy as np

from .base import Penalty, scaled, scratch_pair


class ScaledL2Penalty(Penalty):
    """Weight decay with coefficient ``c_i`` for weight i of the flat weights.

    The evidence fit gives every weight matrix its own prior precision; this
    is that prior as a penalty (with the objective's ``alpha`` set to 1).

    Parameters
    ----------
    coefficients : ndarray of shape (n_weights,)
        One coefficient per weight, in the order of the flat weights.
    """

    capabilities = frozenset({"gradient", "prox"})

    def __init__(self, coefficients):
        self.coefficients = np.asarray(coefficients, dtype=np.float64)

    @classmethod
    def per_layer(cls, strengths, coef_shapes):
        """One strength for every weight matrix of the given shapes."""
        sizes = [fan_in * fan_out for fan_in, fan_out in coef_shapes]
        return cls(np.repeat(np.asarray(strengths, dtype=np.float64), sizes))

    def value(self, coefs, scratch=None):
        """``1/2 sum_i c_i w_i**2`` over all layers."""
        flat = np.concatenate([W.ravel() for W in coefs])
        return 0.5 * float(self.coefficients @ (flat * flat))

    def add_gradient(self, coef, grad, strength, scratch=None):
        """``grad += strength * c * w`` for the flat weights ``coef``."""
        product = np.multiply(coef, self.coefficients.astype(coef.dtype), out=scratch)
        product *= strength
        grad += product

    def smooth_value_and_gradient(self, weights, grad, strength, scratch=None):
        """``strength/2 sum_i c_i w_i**2``; adds its gradient to ``grad``."""
        value = 0.5 * strength * float(self.coefficients @ (weights * weights))
        self.add_gradient(weights, grad, strength, scratch)
        return value

    def prox(self, coef, step, scale=1.0, scratch=None):
        """In place: ``w / (1 + scale * step * c)``."""
        shrink = scratch_pair(coef, scratch)[0]
        np.multiply(self.coefficients.astype(coef.dtype), scaled(step, scale, shrink),
                    out=shrink)  # fmt: skip
        shrink += 1
        coef /= shrink
        return coef
