"""Training reuses its buffers: no per-batch arrays, no growth with epochs.

Measured with tracemalloc, which numpy reports its allocations to.  The one
transient left in a steady-state epoch is numpy's own ufunc iteration buffer
(at most ``np.getbufsize()`` elements, allocated when the bias is broadcast
onto a batch), so the bound below is that buffer; the networks are sized so
that any batch- or weight-sized temporary would be several times larger.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import skreg._solvers.trainer
from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

BATCH, WIDTH = 400, 256
# numpy's ufunc buffer for float64 plus bookkeeping: far below one batch's
# activations (400 x 256 x 8 bytes = 800 KiB) or the weights (~900 KiB)
TRANSIENT_BOUND = 2 * np.getbufsize() * 8 + 16 * 1024


@pytest.fixture
def epoch_peaks(monkeypatch):
    """Peak memory above the starting point during each run_epoch call."""
    peaks = []
    real_run_epoch = skreg._solvers.trainer.run_epoch

    def run_epoch(*args, **kwargs):
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        result = real_run_epoch(*args, **kwargs)
        peaks.append(tracemalloc.get_traced_memory()[1] - start)
        return result

    monkeypatch.setattr(skreg._solvers.trainer, "run_epoch", run_epoch)
    tracemalloc.start()
    yield peaks
    tracemalloc.stop()


def _data(n=2000, d=100, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X, rng.integers(0, 5, n)


def _fit(model, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **fit_params)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize(
    "penalty", [None, "l2", "l1", "elasticnet", "l0", "group_lasso"]
)
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic"])
def test_steady_state_epochs_allocate_no_batch_arrays(
    epoch_peaks, solver, penalty, activation
):
    X, y = _data()
    model = RegularizedMLPClassifier(
        (WIDTH, 64), activation=activation, solver=solver, penalty=penalty,
        batch_size=BATCH, max_iter=3, random_state=0,
    )  # fmt: skip
    _fit(model, X, y)
    # the first epoch creates the gather and scratch buffers; later ones reuse
    assert len(epoch_peaks) == 3
    assert max(epoch_peaks[1:]) < TRANSIENT_BOUND, epoch_peaks


def test_regressor_with_sample_weight_allocates_no_batch_arrays(epoch_peaks):
    X, _ = _data()
    Y = np.random.default_rng(1).standard_normal((X.shape[0], 3))
    weights = np.random.default_rng(2).random(X.shape[0])
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(WIDTH,), batch_size=BATCH, max_iter=3, random_state=0
    )
    _fit(model, X, Y, sample_weight=weights)
    assert max(epoch_peaks[1:]) < TRANSIENT_BOUND, epoch_peaks


def _fit_peak(**params):
    X, y = _data()
    model = RegularizedMLPClassifier(random_state=0, tol=0.0, **params)
    tracemalloc.start()
    try:
        _fit(model, X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_of_fit_does_not_grow_with_epochs():
    few = _fit_peak(hidden_layer_sizes=(WIDTH,), batch_size=BATCH, max_iter=2)
    many = _fit_peak(hidden_layer_sizes=(WIDTH,), batch_size=BATCH, max_iter=12)
    # loss_curve_ and friends grow by a float per epoch; nothing else does
    assert abs(many - few) < 32 * 1024, (few, many)


def test_peak_memory_of_fit_grows_with_batch_size_and_width():
    base = _fit_peak(hidden_layer_sizes=(WIDTH,), batch_size=100, max_iter=2)
    bigger_batch = _fit_peak(hidden_layer_sizes=(WIDTH,), batch_size=800, max_iter=2)
    wider = _fit_peak(hidden_layer_sizes=(4 * WIDTH,), batch_size=100, max_iter=2)
    # activations, deltas and derivative buffers: ~3 x 700 rows x 256 x 8 bytes
    assert bigger_batch - base > 3 * 700 * WIDTH * 8 * 0.9
    # weights, gradient and Adam's moments: ~6 x 3 x 105 x 256 x 8 bytes
    assert wider - base > 6 * 3 * 105 * WIDTH * 8 * 0.9


# --------------------------------------------------------- partial_fit's guard
def test_partial_fit_does_not_copy_the_whole_model():
    """A small partial_fit call on a large network allocates little beyond a batch.

    Deep-copying the model to undo a failure allocated the weights, the best
    weights and Adam's state arrays again on every call: 8.6 times the
    parameters' bytes at the peak.  What a call needs is the gradient, one
    checkpoint of the weights and Adam's two moments (to undo a diverged or
    failed call) and scratch for the weight decay: 5.6 times.
    """
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((64, 400)), rng.integers(0, 5, 64)
    model = RegularizedMLPClassifier(hidden_layer_sizes=(512, 256), random_state=0)
    model.partial_fit(X, y, classes=np.arange(5))
    n_params = model.coefs_[0].base.size  # coefs_ and intercepts_ view it
    tracemalloc.start()
    model.partial_fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 6 * 8 * n_params
