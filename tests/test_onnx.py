"""skreg.onnx: converted models give what the estimators predict.

Every model is fitted in float64, converted by ``skl2onnx.to_onnx`` for a
float32 input and run by onnxruntime on the data cast to float32, then
compared with ``predict`` and ``predict_proba`` of the float64 data: the
deployment's error includes the rounding of its inputs.  Skipped when skl2onnx
or onnxruntime is not installed (the ``onnx`` extra).
"""

import doctest
import importlib
import sys

import numpy as np
import pytest
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
)
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import (
    RegularizedMLPClassifier,
    RegularizedMLPClassifierCV,
    RegularizedMLPRegressor,
    RegularizedMLPRegressorCV,
)

skl2onnx = pytest.importorskip("skl2onnx")
onnxruntime = pytest.importorskip("onnxruntime")
# imported here, not at the top, so that the skips above come first
skreg_onnx = importlib.import_module("skreg.onnx")

# every fit here converges: a fit that does not would test a different model
pytestmark = pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")

# float32 rounding of the inputs, weights and activations: measured at most
# 5e-6 on probabilities and 3e-7 relative on predictions, well inside these
PROBA_ATOL = 1e-4
RELATIVE_ATOL = 1e-4


def _run(model, X, options=None, dtype=np.float32):
    """The outputs of ``model`` converted for ``dtype``, run on X as ``dtype``."""
    X = np.asarray(X).astype(dtype)
    onx = skl2onnx.to_onnx(model, X[:1], options=options)
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _zipmap_to_array(rows, classes):
    """The list of {class: probability} dicts as columns in ``classes`` order."""
    return np.array([[row[c] for c in classes] for row in rows])


def _classifier(**params):
    defaults = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=2000)
    return RegularizedMLPClassifier(**{**defaults, **params, "random_state": 0})


def _regressor(**params):
    defaults = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=2000, alpha=1.0)
    return RegularizedMLPRegressor(**{**defaults, **params, "random_state": 0})


@pytest.fixture(scope="module")
def diabetes_order_one(diabetes_raw_target):
    X, y = diabetes_raw_target
    # standardised X and targets of order one: lbfgs converges within max_iter
    return X, y / 100


def _check_classifier(model, X):
    """Labels equal ``predict``; probabilities match with and without ZipMap."""
    expected = model.predict_proba(X)
    labels, probabilities = _run(model, X, options={"zipmap": False})
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(probabilities, expected, rtol=0, atol=PROBA_ATOL)
    labels, rows = _run(model, X)
    np.testing.assert_array_equal(labels, model.predict(X))
    probabilities = _zipmap_to_array(rows, model.classes_)
    np.testing.assert_allclose(probabilities, expected, rtol=0, atol=PROBA_ATOL)
    return np.abs(probabilities - expected).max()


TARGETS = {
    "multiclass": lambda y: y,
    "binary": lambda y: (y == 2).astype(int),
    "multiclass-strings": lambda y: np.array(["setosa", "versicolor", "virginica"])[y],
    "binary-strings": lambda y: np.where(y == 2, "virginica", "other"),
    "integral-floats": lambda y: y.astype(float),
    "booleans": lambda y: y == 2,
}


@pytest.mark.parametrize("target", TARGETS)
def test_classifier(iris, target):
    X, y = iris
    model = _classifier().fit(X, TARGETS[target](y))
    assert _check_classifier(model, X) < PROBA_ATOL


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_classifier_hidden_activations(iris, activation):
    X, y = iris
    _check_classifier(_classifier(activation=activation).fit(X, y), X)


def test_multilabel_classifier():
    X, Y = make_multilabel_classification(n_samples=100, n_classes=3, random_state=0)
    X = StandardScaler().fit_transform(X)  # word counts: lbfgs needs them scaled
    model = _classifier(alpha=1.0).fit(X, Y)
    labels, probabilities = _run(model, X, options={"zipmap": False})
    assert labels.shape == Y.shape
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(
        probabilities, model.predict_proba(X), rtol=0, atol=PROBA_ATOL
    )


def _check_regressor(model, X, atol=None, dtype=np.float32):
    expected = model.predict(X).reshape(len(X), -1)
    (predictions,) = _run(model, X, dtype=dtype)
    assert predictions.shape == expected.shape
    if atol is None:
        atol = RELATIVE_ATOL * np.abs(expected).max()
    np.testing.assert_allclose(predictions, expected, rtol=0, atol=atol)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_regressor(diabetes_order_one, activation, loss):
    X, y = diabetes_order_one
    model = _regressor(activation=activation, loss=loss).fit(X, y)
    assert model.out_activation_ == ("exp" if loss == "poisson" else "identity")
    _check_regressor(model, X)


@pytest.mark.parametrize("hidden_layer_sizes", [(), (8,), (8, 4)])
def test_multi_output_regressor(diabetes_order_one, hidden_layer_sizes):
    X, y = diabetes_order_one
    Y = np.column_stack([y, X[:, 2] - y])
    model = _regressor(hidden_layer_sizes=hidden_layer_sizes).fit(X, Y)
    _check_regressor(model, X)


def test_double_input_computes_in_double(diabetes_order_one):
    X, y = diabetes_order_one
    model = _regressor(activation="tanh").fit(X, y)
    _check_regressor(model, X, atol=1e-10, dtype=np.float64)


def test_integer_input_is_cast(iris):
    X, y = iris
    X = np.rint(X * 10).astype(np.int64)
    model = _classifier(alpha=1.0).fit(X, y)
    labels, probabilities = _run(model, X, {"zipmap": False}, dtype=np.int64)
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(
        probabilities, model.predict_proba(X), rtol=0, atol=PROBA_ATOL
    )


def _initializer_size(model, X):
    onx = skl2onnx.to_onnx(model, X[:1].astype(np.float32))
    return sum(int(np.prod(tensor.dims)) for tensor in onx.graph.initializer)


def test_compacted_network():
    X, y = make_classification(
        n_samples=200, n_features=12, n_informative=3, n_redundant=0, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), penalty="group_lasso", alpha=3.0, solver="adam",
        learning_rate_init=0.01, max_iter=1000, random_state=0,
    ).fit(X, y)  # fmt: skip
    compacted = model.compact()
    assert compacted.hidden_layer_sizes[0] < 16
    _check_classifier(compacted, X)
    dropped = model.compact(drop_features=True)
    assert dropped.n_features_in_ < X.shape[1]
    X_kept = X[:, dropped.selected_features_]
    _check_classifier(dropped, X_kept)
    assert _initializer_size(dropped, X_kept) < _initializer_size(compacted, X)
    assert _initializer_size(compacted, X) < _initializer_size(model, X)


def test_classifier_cv(iris):
    X, y = iris
    model = RegularizedMLPClassifierCV(
        hidden_layer_sizes=(8,), solver="lbfgs", alphas=[1.0, 0.1], cv=3,
        max_iter=2000, random_state=0,
    ).fit(X, y)  # fmt: skip
    _check_classifier(model, X)


def test_regressor_cv(diabetes_order_one):
    X, y = diabetes_order_one
    model = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(8,), solver="lbfgs", alphas=[10.0, 1.0], cv=3,
        max_iter=2000, random_state=0,
    ).fit(X, y)  # fmt: skip
    _check_regressor(model, X)


def test_pipeline(iris):
    X, y = iris
    X = X * np.array([1, 10, 100, 1000])  # scales for the scaler to undo
    pipe = make_pipeline(StandardScaler(), _classifier()).fit(X, y)
    assert _check_classifier(pipe, X) < PROBA_ATOL


def test_zipmap_columns(iris):
    X, y = iris
    model = _classifier().fit(X, y)
    labels, *columns = _run(model, X, options={"zipmap": "columns"})
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(
        np.column_stack(columns), model.predict_proba(X), rtol=0, atol=PROBA_ATOL
    )


def test_register_is_idempotent(iris):
    X, y = iris
    skreg_onnx.register()
    skreg_onnx.register()
    _check_classifier(_classifier().fit(X, y), X)


def test_labels_that_onnx_cannot_hold_are_refused():
    # scikit-learn fits no such labels (0.5 is "continuous"); a hand-edited
    # or future estimator might carry them, and must not be rounded silently
    with pytest.raises(ValueError, match="integers, booleans, integral floats"):
        skreg_onnx._label_tensor(np.array([0.5, 1.5]))


def test_single_class_is_refused(iris):
    X, _ = iris
    model = _classifier().fit(X, np.zeros(len(X), dtype=int))
    with pytest.raises(ValueError, match=r"fitted on 1 class\(es\)"):
        _run(model, X, options={"zipmap": False})


@pytest.mark.parametrize(
    "estimator",
    [RegularizedMLPRegressor, RegularizedMLPRegressorCV, RegularizedMLPClassifier,
     RegularizedMLPClassifierCV],
)  # fmt: skip
def test_an_unfitted_estimator_is_refused(estimator):
    # scikit-learn's NotFittedError, not skl2onnx's "No known ways to retrieve
    # the number of classes" (the classifiers) or an AttributeError
    with pytest.raises(NotFittedError):
        skl2onnx.to_onnx(estimator(), np.zeros((1, 3), np.float32))


def test_import_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)  # None makes imports fail
    monkeypatch.delitem(sys.modules, "skreg.onnx")
    # how to install, from PyPI or from skreg's checkout (as the README does)
    with pytest.raises(
        ImportError, match=r'pip install skl2onnx onnxruntime.*-e "\.\[onnx\]"'
    ):
        importlib.import_module("skreg.onnx")


def test_module_docstring_example_runs():
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder(recurse=False).find(skreg_onnx, globs={}):
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} failing example(s), see above"
