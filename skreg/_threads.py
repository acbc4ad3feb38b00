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


def blas_threads(limit):
    """Context manager: BLAS runs on at most ``limit`` threads (None: as is)."""
    if limit is None:
        return nullcontext()
    return _controller().limit(limits=limit, user_api="blas")
