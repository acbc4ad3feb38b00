"""How many BLAS threads a computation gets.

Small products cannot use a second BLAS thread: waking it costs more than it
saves.  threadpoolctl's controller scans the loaded libraries when it is built
(milliseconds), so one is built on first use and kept.
"""

from contextlib import nullcontext
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


def blas_threads_for(rows, n_weights, threshold=SMALL_PRODUCT_WORK):
    """One BLAS thread when ``rows * n_weights`` is below ``threshold``."""
    return blas_threads(1 if rows * n_weights < threshold else None)


def blas_threads(limit):
    """Context manager: BLAS runs on at most ``limit`` threads (None: as is)."""
    if limit is None:
        return nullcontext()
    return _controller().limit(limits=limit, user_api="blas")
