"""Prediction keeps at most two activation blocks alive, bitwise as before.

Training's :func:`forward` keeps every layer for the backward pass; predict
only needs the current layer and the next, as in scikit-learn's
``_forward_pass_fast``.  Peaks are measured with tracemalloc, which numpy
reports its allocations to; the networks are sized so that one hidden block
(8192 rows x 256 units) is 8 MiB in float32 and 16 MiB in float64, far above
the small temporaries of validation and the output activation.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg._network.losses import LOSSES
from skreg._network.passes import forward, predict_output

N_ROWS, N_FEATURES, N_CLASSES = 8192, 20, 10
# validation, the label binarizer, numpy's ufunc buffers: well below a block
SLACK = 1 << 20
INPUTS = ["dense", "csr", "float32"]


def _fitted(kind, hidden, dtype, seed=0):
    """A model after one epoch on 200 rows, and the rows to predict on."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_ROWS, N_FEATURES)).astype(dtype)
    if kind == "clf":
        model, y = RegularizedMLPClassifier, rng.integers(0, N_CLASSES, 200)
    else:
        model, y = RegularizedMLPRegressor, rng.standard_normal((200, 2))
    model = model(hidden_layer_sizes=hidden, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[:200], y)
    return model, X


def _input(X, kind):
    return sp.csr_matrix(X) if kind == "csr" else X


def _output(model, X):
    if isinstance(model, RegularizedMLPClassifier):
        return model.predict_proba(X)
    return model.predict(X)


def _reference(model, X):
    """The prediction computed the old way: every layer kept by forward."""
    logits = forward(model.coefs_, model.intercepts_, X, model.activation)[-1]
    return LOSSES[model.out_activation_].prediction(logits, out=logits)


def _traced_peak(function, *args):
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        result = function(*args)
        return tracemalloc.get_traced_memory()[1] - start, result
    finally:
        tracemalloc.stop()


def _two_layer_bound(model, X):
    """Bytes of the largest pair of consecutive layers, scikit-learn's peak."""
    units = [W.shape[1] for W in model.coefs_]
    pair = max(a + b for a, b in zip(units[:-1], units[1:], strict=True))
    return X.shape[0] * pair * np.dtype(model.coefs_[0].dtype).itemsize


@pytest.mark.parametrize("kind", ["clf", "reg"])
@pytest.mark.parametrize("hidden", [(256,) * 5, (256, 64, 128, 256)])
@pytest.mark.parametrize("input_kind", INPUTS)
def test_predict_keeps_at_most_two_blocks(kind, hidden, input_kind):
    dtype = np.float32 if input_kind == "float32" else np.float64
    model, X = _fitted(kind, hidden, dtype)
    X = _input(X, input_kind)
    _output(model, X[:10])  # first-call allocations (caches) are not predict's
    peak, prediction = _traced_peak(_output, model, X)
    block = N_ROWS * max(hidden) * np.dtype(dtype).itemsize
    assert block >= 8 * 2**20
    # before: every layer alive, 5 blocks for (256,) * 5, 704 units for the other
    assert peak <= _two_layer_bound(model, X) + SLACK, (peak / block, hidden)
    assert peak <= 2.5 * block + prediction.nbytes
    assert prediction.dtype == dtype


@pytest.mark.parametrize("kind", ["clf", "reg"])
@pytest.mark.parametrize("input_kind", INPUTS)
def test_predict_is_bitwise_the_old_forward_pass(kind, input_kind):
    dtype = np.float32 if input_kind == "float32" else np.float64
    model, X = _fitted(kind, (64, 16, 64, 64), dtype)  # reuses, then not
    X = _input(X, input_kind)
    expected = _reference(model, X)
    if kind == "clf":
        assert_array_equal(model.predict_proba(X), expected, strict=True)
    else:
        assert_array_equal(model.predict(X), expected, strict=True)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("output", list(LOSSES))
@pytest.mark.parametrize("input_kind", ["dense", "csr", "csc", "fortran", "float32"])
@pytest.mark.parametrize("hidden", [(), (32,), (32, 8, 32, 32), (32,) * 4, (8, 32, 8)])
def test_predict_output_matches_forward(activation, output, input_kind, hidden):
    rng = np.random.default_rng(1)
    dtype = np.float32 if input_kind == "float32" else np.float64
    units = [N_FEATURES, *hidden, 3]
    coefs = [
        (rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype)
        for a, b in zip(units[:-1], units[1:], strict=True)
    ]
    intercepts = [rng.standard_normal(b).astype(dtype) for b in units[1:]]
    X = rng.standard_normal((50, N_FEATURES)).astype(dtype)
    original = X.copy()
    X = {"csr": sp.csr_matrix, "csc": sp.csc_matrix, "fortran": np.asfortranarray}.get(
        input_kind, lambda a: a
    )(X)
    logits = forward(coefs, intercepts, X, activation)[-1]
    expected = LOSSES[output].prediction(logits, out=logits)
    result = predict_output(coefs, intercepts, X, activation, LOSSES[output])
    assert_array_equal(result, expected, strict=True)
    # a result of its own, not a view into a larger hidden block; X untouched
    assert result.base is None or result.base.size == result.size
    X_dense = X.toarray() if sp.issparse(X) else X
    assert_array_equal(X_dense, original, strict=True)
