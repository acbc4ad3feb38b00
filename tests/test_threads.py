"""Small problems run BLAS on one thread; large ones keep the default."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info

import skreg._mlp
import skreg._solvers.trainer
from skreg import RegularizedMLPClassifier
from skreg._utils.threads import SMALL_PRODUCT_WORK


def _blas_threads():
    return max(
        (lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"),
        default=None,
    )


@pytest.fixture
def threads_seen(monkeypatch):
    """BLAS thread count in effect while each epoch / L-BFGS run executes."""
    seen = []
    for module, name in (
        (skreg._solvers.trainer, "run_epoch"),
        (skreg._mlp, "fit_lbfgs"),
    ):
        real = getattr(module, name)

        def spy(*args, _real=real, **kwargs):
            seen.append(_blas_threads())
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return seen


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        RegularizedMLPClassifier(random_state=0, max_iter=1, **params).fit(X, y)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_small_networks_train_on_one_blas_thread(threads_seen, solver):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((300, 20)), rng.integers(0, 3, 300)
    _fit(X, y, hidden_layer_sizes=(16,), solver=solver)
    assert threads_seen == [1]


def test_large_batches_keep_the_default_thread_count(threads_seen):
    default = _blas_threads()
    rng = np.random.default_rng(0)
    n_features, width = 200, 256
    # batch x weights above the threshold
    assert 400 * (n_features * width + width * 3) > SMALL_PRODUCT_WORK
    X, y = rng.standard_normal((800, n_features)), rng.integers(0, 3, 800)
    _fit(X, y, hidden_layer_sizes=(width,), batch_size=400)
    assert threads_seen == [default]
    assert _blas_threads() == default  # restored after the fit


def test_overlapping_limits_in_threads_leave_the_count_as_it_was():
    """Two threads hold the one-thread limit with interleaved ends.

    A enters, B enters, A leaves, B leaves: with a limit saved and restored by
    each on its own, B restores the 1 it saw when it entered and leaves the
    whole process on one BLAS thread.
    """
    import threading

    from skreg._utils.threads import blas_threads

    original = _blas_threads()
    if original is None or original < 2:
        pytest.skip("needs a BLAS with at least two threads")
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        with blas_threads(1):
            a_in.set()
            b_in.wait(10)
        a_out.set()

    def second():
        a_in.wait(10)
        with blas_threads(1):
            b_in.set()
            a_out.wait(10)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert _blas_threads() == original


def test_nested_limits_in_the_main_thread_restore_at_the_outermost_end():
    from skreg._utils.threads import blas_threads

    original = _blas_threads()
    if original is None or original < 2:
        pytest.skip("needs a BLAS with at least two threads")
    with blas_threads(1):
        with blas_threads(1):
            assert _blas_threads() == 1
        assert _blas_threads() == 1  # the outer limit still holds
    assert _blas_threads() == original


# warnings.catch_warnings is not thread-safe: the filter is set for the test
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_fits_in_several_threads_leave_blas_as_it_was():
    from concurrent.futures import ThreadPoolExecutor

    original = _blas_threads()
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((300, 20)), rng.integers(0, 3, 300)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: _fit(X, y, hidden_layer_sizes=(16,)), range(8)))
    assert _blas_threads() == original
