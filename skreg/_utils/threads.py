"""How many BLAS threads a computation gets.

Small products cannot use a second BLAS thread: waking it costs more than it
saves.  threadpoolctl's controller scans the loaded libraries when it is built
(milliseconds), so one is built on first use and kept.

The BLAS thread count is a setting of the whole process, not of a thread, so
it is only changed from the main thread, where calls cannot overlap: fits
running in other threads (a threading backend, a server's workers) leave it
alone.  Were each fit to save and restore the count on its own, two fits
overlapping in two threads would restore each other's limit and leave the
whole process on one thread; and OpenBLAS (the BLAS of numpy's and scipy's
wheels) does not reliably apply a count set from another thread once the main
thread has set one.  In the main thread the limit is reference-counted, so
that nested limits (the command-line study around each fit) restore the
original count only when the outermost one ends.
"""

import threading
from contextlib import contextmanager, nullcontext
from functools import lru_cache

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _controller():
    return ThreadpoolController()


# Below this many multiply-adds per product (rows x weights), BLAS runs on one
# thread.  Measured on 2 cores (10 classes, batches of 200): one thread is
# faster up to a (256,) network on 64 features (1.3x at 3.8e6), on par at
# (512,), and two threads win at (256, 128) on 100 features (1.2e7).
SMALL_PRODUCT_WORK = 8e6
# The same for full-batch work (L-BFGS, the evidence's curvature): below this
# many multiply-adds per product, one thread (measured on digits, (50,):
# 8-12 ms per L-BFGS iteration on two threads, 2.4-5 ms on one; the evidence
# step of a 513-parameter network on 398 rows: 36 ms on two, 18 ms on one).
SMALL_FULL_BATCH_WORK = 5e7


class _OneThreadLimit:
    """The process-wide one-BLAS-thread limit, held by a count of users.

    Used from the main thread only; the lock keeps the count consistent anyway.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._holders = 0
        self._limiter = None  # threadpoolctl's, with the limits to restore

    def acquire(self):
        with self._lock:
            if self._holders == 0:
                self._limiter = _controller().limit(limits=1, user_api="blas")
            self._holders += 1

    def release(self):
        with self._lock:
            self._holders -= 1
            if self._holders == 0:
                self._limiter.restore_original_limits()
                self._limiter = None


_ONE_THREAD = _OneThreadLimit()


@contextmanager
def _one_blas_thread():
    if threading.current_thread() is not threading.main_thread():
        yield  # see the module docstring: other threads leave BLAS alone
        return
    _ONE_THREAD.acquire()
    try:
        yield
    finally:
        _ONE_THREAD.release()


def blas_threads_for(rows, n_weights, threshold=SMALL_PRODUCT_WORK):
    """One BLAS thread when ``rows * n_weights`` is below ``threshold``."""
    return blas_threads(1 if rows * n_weights < threshold else None)


def blas_threads(limit):
    """Context manager: BLAS runs on one thread (``limit=1``) or as it is (None)."""
    if limit is None:
        return nullcontext()
    if limit != 1:
        raise ValueError(f"only a limit of 1 BLAS thread is supported, got {limit}")
    return _one_blas_thread()
