"""All of a network's parameters as one flat vector, and per-layer views into it.

This is the only place that packs and unpacks parameters: the solvers, the
R-operator and :mod:`skreg.theory` all use :class:`ParameterLayout`.

The stochastic solvers keep the weights, their gradient and the optimizer's
state each as a single contiguous vector (the weights of every layer first,
then the biases), while the forward and backward passes work on per-layer
views of it.  An optimizer step is then a dozen vector operations in all
instead of a dozen per layer, and the penalty, which acts on the weights only,
sees them as one leading slice.
"""

import numpy as np


def layer_units_of(coefs):
    """Units of every layer, input first, of the weight matrices ``coefs``."""
    return [coefs[0].shape[0]] + [W.shape[1] for W in coefs]


class ParameterLayout:
    """Where each layer's ``W(k)`` and ``b(k)`` lives in the flat vector.

    Parameters
    ----------
    layer_units : list of int
        Units of every layer, input first.
    """

    def __init__(self, layer_units):
        self.layer_units = list(layer_units)
        self.coef_shapes = list(zip(layer_units[:-1], layer_units[1:], strict=True))
        self.intercept_sizes = list(layer_units[1:])
        self.n_coef = sum(fan_in * fan_out for fan_in, fan_out in self.coef_shapes)
        self.size = self.n_coef + sum(self.intercept_sizes)

    def views(self, flat):
        """Return ``(coefs, intercepts)``: lists of views into ``flat``.

        ``flat`` has the parameters on its last axis; leading axes (a block of
        directions in parameter space, say) are kept in front of every view.
        """
        lead = flat.shape[:-1]
        coefs, offset = [], 0
        for shape in self.coef_shapes:
            end = offset + shape[0] * shape[1]
            coefs.append(flat[..., offset:end].reshape(*lead, *shape))
            offset = end
        intercepts = []
        for size in self.intercept_sizes:
            intercepts.append(flat[..., offset : offset + size])
            offset += size
        return coefs, intercepts

    def pack(self, coefs, intercepts, dtype):
        """Copy per-layer arrays into a new flat vector of ``dtype``."""
        flat = np.empty(self.size, dtype)
        view_coefs, view_intercepts = self.views(flat)
        for view, values in zip(
            view_coefs + view_intercepts, coefs + intercepts, strict=True
        ):
            view[...] = values
        return flat

    def is_packed(self, coefs, intercepts):
        """True when the arrays already are this layout's views of one vector."""
        base = coefs[0].base
        if not isinstance(base, np.ndarray) or base.shape != (self.size,):
            return False
        expected_coefs, expected_intercepts = self.views(base)
        return all(
            got.base is base and got.ctypes.data == want.ctypes.data
            and got.shape == want.shape
            for got, want in zip(
                coefs + intercepts, expected_coefs + expected_intercepts, strict=True
            )
        )  # fmt: skip


def zero_fraction(arrays):
    """Fraction of exactly-zero entries over all of ``arrays``, in [0, 1].

    The one definition of sparsity: ``sparsity_`` applies it to each layer's
    weights, the ``verbose`` lines and the command-line study to all of them.
    """
    size = sum(A.size for A in arrays)
    # count_nonzero needs no boolean temporary; NaN counts as non-zero, -0.0 as 0
    n_zero = size - sum(int(np.count_nonzero(A)) for A in arrays)
    return n_zero / max(size, 1)
