"""Export skreg's estimators to ONNX with skl2onnx.

Importing this module registers a shape calculator and a converter with
skl2onnx for :class:`~skreg.RegularizedMLPClassifier`,
:class:`~skreg.RegularizedMLPRegressor`,
:class:`~skreg.RegularizedMLPClassifierCV` and
:class:`~skreg.RegularizedMLPRegressorCV`, so that ``skl2onnx.to_onnx``
converts them, alone or inside a pipeline, like scikit-learn's own MLPs.

The graph is the network's forward pass: one ``MatMul`` and ``Add`` per layer,
the hidden activation (``Sigmoid``, ``Tanh``, ``Relu``, or none for
``"identity"``) between layers and the output activation at the end
(``Softmax``, ``Sigmoid``, ``Exp`` for ``loss="poisson"``, or none).  It
computes in the input's floating type (float for a float or integer input,
double for a double one).

A classifier has two outputs, the labels and the probabilities.  Its
probabilities go through skl2onnx's ZipMap (a list of ``{class: probability}``
dictionaries) unless it is converted with ``options={"zipmap": False}`` (a
tensor whose columns follow ``classes_``); the ``"columns"``,
``output_class_labels`` and ``nocl`` options are accepted too.  A binary
classifier's single logistic output ``p`` becomes the columns ``1 - p, p``,
and its label is the second class where ``p > 0.5``, as ``predict`` decides.
A multilabel classifier's labels are the 0/1 matrix ``p > 0.5``.

Class labels must be integers, booleans, floats with integer values, or
strings (ONNX maps have integer or string keys); integer labels come out as
int64.  Other labels raise a ValueError at conversion.

Importing this module needs skl2onnx (``python -m pip install -e ".[onnx]"``
in skreg's checkout, which brings onnxruntime too, to run the converted
models).

Examples
--------
>>> import numpy as np
>>> import skl2onnx
>>> import skreg.onnx  # registers the converters
>>> from sklearn.datasets import load_iris
>>> from skreg import RegularizedMLPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = RegularizedMLPClassifier(
...     hidden_layer_sizes=(8,), solver="lbfgs", max_iter=2000, random_state=0
... ).fit(X, y)
>>> onx = skl2onnx.to_onnx(clf, X[:1].astype(np.float32), options={"zipmap": False})
>>> [output.name for output in onx.graph.output]
['label', 'probabilities']
"""

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

try:
    import skl2onnx
    from onnx import TensorProto
    from skl2onnx._parse import _parse_sklearn_classifier  # the default parser
    from skl2onnx.common.data_types import (
        BooleanTensorType,
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )
    from skl2onnx.common.utils import (
        check_input_and_output_numbers,
        check_input_and_output_types,
    )
    from skl2onnx.common.utils_classifier import get_label_classes
except ImportError as exc:  # the extra is optional: say how to get it
    raise ImportError(
        "skreg.onnx needs skl2onnx (and onnxruntime to run the converted "
        "models): install them with  python -m pip install skl2onnx onnxruntime"
        '  (in skreg\'s checkout: python -m pip install -e ".[onnx]").'
    ) from exc

from ._cv import RegularizedMLPClassifierCV, RegularizedMLPRegressorCV
from ._mlp import RegularizedMLPClassifier, RegularizedMLPRegressor
from ._network.activations import ACTIVATIONS

__all__ = ["register"]

# ONNX operator of each activation; None is the identity, which needs no node
_HIDDEN_OPS = {name: activation.onnx_op for name, activation in ACTIVATIONS.items()}
_OUTPUT_OPS = {
    "identity": None,
    "logistic": "Sigmoid",
    "softmax": "Softmax",
    "exp": "Exp",
}

_INPUT_TYPES = [BooleanTensorType, DoubleTensorType, FloatTensorType, Int64TensorType]

# the options of skl2onnx's classifiers; declaring "zipmap" makes skl2onnx use
# its classifier parser, which adds the ZipMap (or not) after our operator
_CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "output_class_labels": [False, True],
    "nocl": [True, False],
}

_CLASSIFIER_ALIAS = "SkregRegularizedMLPClassifier"
_REGRESSOR_ALIAS = "SkregRegularizedMLPRegressor"


def register():
    """Register skreg's estimators with skl2onnx.

    Called when :mod:`skreg.onnx` is imported; calling it again does no harm
    (each call replaces the registrations with the same ones), for example
    after another library registered other converters for these classes.
    Afterwards ``skl2onnx.to_onnx`` and ``skl2onnx.convert_sklearn`` convert
    :class:`~skreg.RegularizedMLPClassifier`,
    :class:`~skreg.RegularizedMLPRegressor` and their CV variants.

    See Also
    --------
    skl2onnx.update_registered_converter : The registration used.
    """
    for model in (RegularizedMLPClassifier, RegularizedMLPClassifierCV):
        skl2onnx.update_registered_converter(
            model,
            _CLASSIFIER_ALIAS,
            _classifier_shapes,
            _convert_classifier,
            options=_CLASSIFIER_OPTIONS,
            parser=_fitted_classifier_parser,
        )
    for model in (RegularizedMLPRegressor, RegularizedMLPRegressorCV):
        skl2onnx.update_registered_converter(
            model, _REGRESSOR_ALIAS, _regressor_shapes, _convert_regressor
        )


def _fitted_classifier_parser(scope, model, inputs, custom_parsers=None):
    """skl2onnx's classifier parser, once the model is known to be fitted.

    That parser reads the classes first and, for an unfitted model, fails
    with "No known ways to retrieve the number of classes"; the regressors
    reach :func:`_fitted_network` and raise scikit-learn's NotFittedError,
    which the classifiers now raise too.
    """
    check_is_fitted(model)
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)


# ------------------------------------------------------------ shape calculators
def _compute_type(input_type):
    """(tensor type, proto type, numpy dtype) the network computes in.

    Double stays double; float, integer and boolean inputs compute in float.
    """
    if isinstance(input_type, DoubleTensorType):
        return DoubleTensorType, TensorProto.DOUBLE, np.float64
    return FloatTensorType, TensorProto.FLOAT, np.float32


def _fitted_network(operator):
    """The fitted plain estimator behind the operator (a CV one's refitted model)."""
    model = operator.raw_operator
    check_is_fitted(model)
    return getattr(model, "best_estimator_", model)


def _check_operator(operator, n_outputs):
    _fitted_network(operator)
    check_input_and_output_numbers(
        operator, input_count_range=1, output_count_range=n_outputs
    )
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)


def _regressor_shapes(operator):
    """One output: the predictions, shape (N, n_outputs_)."""
    _check_operator(operator, 1)
    model = _fitted_network(operator)
    n_rows = operator.inputs[0].get_first_dimension()
    value_type, _, _ = _compute_type(operator.inputs[0].type)
    operator.outputs[0].set_type(value_type([n_rows, model.n_outputs_]))


def _classifier_shapes(operator):
    """Labels, shape (N,) or (N, n_labels) if multilabel, and probabilities."""
    _check_operator(operator, 2)
    model = _fitted_network(operator)
    classes = get_label_classes(operator.scope_inst, model)
    label_type, _, _ = _label_tensor(classes)
    n_rows = operator.inputs[0].get_first_dimension()
    label_shape = [n_rows, len(classes)] if _is_multilabel(model) else [n_rows]
    operator.outputs[0].set_type(label_type(label_shape))
    value_type, _, _ = _compute_type(operator.inputs[0].type)
    operator.outputs[1].set_type(value_type([n_rows, len(classes)]))


def _is_multilabel(model):
    return model._label_binarizer.y_type_.startswith("multilabel")


def _label_tensor(classes):
    """(tensor type, proto type, values) of the class labels as ONNX holds them.

    ONNX's ZipMap takes int64 or string keys only, so integral labels become
    int64 and anything else but strings is refused rather than rounded.
    """
    classes = np.asarray(classes)
    if all(isinstance(c, str) for c in classes):
        values = [c.encode("utf-8") for c in classes]
        return StringTensorType, TensorProto.STRING, values
    # tolist() gives Python scalars: bools and ints are Reals, strings are not
    numeric = all(isinstance(c, numbers.Real) for c in classes.tolist())
    if numeric and np.array_equal(classes, np.round(classes.astype(float))):
        return Int64TensorType, TensorProto.INT64, classes.astype(np.int64)
    raise ValueError(
        "skreg.onnx converts classifiers whose class labels are integers, "
        f"booleans, integral floats or strings; got classes_={classes!r}. "
        "Refit with integer or string labels (e.g. encoded by LabelEncoder)."
    )


# ------------------------------------------------------------------- converters
def _node(scope, container, op_type, inputs, output=None, **attributes):
    """Add one node; return the name of its output (a fresh one by default)."""
    if output is None:
        output = scope.get_unique_variable_name(op_type.lower())
    name = scope.get_unique_operator_name(op_type)
    container.add_node(op_type, inputs, output, name=name, **attributes)
    return output


def _constant(scope, container, name, proto, values):
    name = scope.get_unique_variable_name(name)
    values = np.asarray(values)
    container.add_initializer(name, proto, list(values.shape), values.ravel())
    return name


def _check_activations(model):
    """Refuse, with the supported names, an activation this module cannot map."""
    for what, name, supported in (
        ("activation", model.activation, _HIDDEN_OPS),
        ("out_activation_", model.out_activation_, _OUTPUT_OPS),
    ):
        if name not in supported:
            raise NotImplementedError(
                f"skreg.onnx cannot convert {type(model).__name__} with "
                f"{what}={name!r}; it converts {sorted(supported)}."
            )


def _layer(scope, container, x, W, b, op, proto, output=None):
    """``op(x @ W + b)`` with W and b of ONNX type ``proto``, into ``output``."""
    W_name = _constant(scope, container, "coefficient", proto, W)
    b_name = _constant(scope, container, "intercept", proto, b.reshape(1, -1))
    product = _node(scope, container, "MatMul", [x, W_name])
    z = _node(scope, container, "Add", [product, b_name], None if op else output)
    if op is None:  # the identity: no node
        return z
    attributes = {"axis": 1} if op == "Softmax" else {}
    return _node(scope, container, op, [z], output, **attributes)


def _network_output(scope, operator, container, output=None):
    """Add the forward pass; return the name of the output layer's values.

    The weights are stored in the type the graph computes in (float32 unless
    the input is double), since MatMul needs operands of one type; an integer
    or boolean input is cast to it first.
    """
    model = _fitted_network(operator)
    _check_activations(model)
    _, proto, dtype = _compute_type(operator.inputs[0].type)
    x = operator.inputs[0].full_name
    if not isinstance(operator.inputs[0].type, DoubleTensorType | FloatTensorType):
        x = _node(scope, container, "Cast", [x], to=proto)
    last = len(model.coefs_) - 1
    for k, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        if k < last:
            op, name = _HIDDEN_OPS[model.activation], None
        else:
            op, name = _OUTPUT_OPS[model.out_activation_], output
        W, b = W.astype(dtype), b.astype(dtype)
        x = _layer(scope, container, x, W, b, op, proto, name)
    return x


def _convert_regressor(scope, operator, container):
    """The predictions, one column per output (``predict`` ravels a single one)."""
    _network_output(scope, operator, container, operator.outputs[0].full_name)


def _convert_classifier(scope, operator, container):
    """Labels and probabilities, as ``predict`` and ``predict_proba`` give them."""
    model = _fitted_network(operator)
    label, probabilities = (variable.full_name for variable in operator.outputs)
    classes = get_label_classes(scope, model)
    if _is_multilabel(model):
        p = _network_output(scope, operator, container, probabilities)
        above = _above_half(scope, operator, container, p)
        _node(scope, container, "Cast", [above], label, to=TensorProto.INT64)
        return
    if model.n_outputs_ == 1:
        index = _binary_probabilities(scope, operator, container, classes)
    else:
        p = _network_output(scope, operator, container, probabilities)
        index = _node(scope, container, "ArgMax", [p], axis=1, keepdims=0)
    _, proto, values = _label_tensor(classes)
    values_name = _constant(scope, container, "classes", proto, values)
    _node(scope, container, "Gather", [values_name, index], label)


def _above_half(scope, operator, container, p):
    """``p > 0.5``, strictly: the threshold of scikit-learn's LabelBinarizer."""
    _, proto, dtype = _compute_type(operator.inputs[0].type)
    half = _constant(scope, container, "half", proto, np.array(0.5, dtype))
    return _node(scope, container, "Greater", [p, half])


def _binary_probabilities(scope, operator, container, classes):
    """Write the columns ``1 - p, p``; return each row's class index, ``p > 0.5``.

    The index is thresholded as ``predict`` does rather than taken by ArgMax
    of the two columns, where the rounding of ``1 - p`` could decide a tie.
    """
    if len(classes) != 2:
        raise ValueError(
            "skreg.onnx cannot convert a classifier fitted on "
            f"{len(classes)} class(es) with one output: classes_={classes!r}."
        )
    _, proto, dtype = _compute_type(operator.inputs[0].type)
    p = _network_output(scope, operator, container)
    one = _constant(scope, container, "one", proto, np.array(1.0, dtype))
    negative = _node(scope, container, "Sub", [one, p])
    probabilities = operator.outputs[1].full_name
    _node(scope, container, "Concat", [negative, p], probabilities, axis=1)
    above = _above_half(scope, operator, container, p)
    index = _node(scope, container, "Cast", [above], to=TensorProto.INT64)
    flat = _constant(scope, container, "shape", TensorProto.INT64, np.array([-1]))
    return _node(scope, container, "Reshape", [index, flat])


register()
