"""The model as pure numerics: layers, losses, parameters; it never sees alpha.

- ``activations``: hidden activations g with g' and g'', by name;
- ``losses``: each loss paired with its output activation (canonical link),
  with its Hessian in the logits;
- ``layout``: the parameters as one flat vector and per-layer views, the only
  pack and unpack;
- ``passes``: forward and backward passes (the data term and its gradient);
- ``roperator``: exact Hessian-vector products through the same passes;
- ``compact``: removal of units that cannot change the predictions.
"""

from .activations import ACTIVATIONS
from .compact import compact_network
from .layout import ParameterLayout, layer_units_of, zero_fraction
from .losses import LOSSES
from .passes import Workspace, backward, forward, loss_and_gradient, predict_output

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "ParameterLayout",
    "Workspace",
    "backward",
    "compact_network",
    "forward",
    "layer_units_of",
    "loss_and_gradient",
    "predict_output",
    "zero_fraction",
]
