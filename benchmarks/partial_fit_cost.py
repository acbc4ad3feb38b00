"""Cost of one small ``partial_fit`` call on a large network, against scikit-learn.

A (1024, 512) network on 1,000 features (about 1.6 million parameters) is
trained by ``partial_fit`` on 64-row chunks, after a first call.  For each
library the script prints the median wall time of a call and the peak memory
traced (tracemalloc) during a call, above what was allocated before it, and
skreg's ratio to scikit-learn.  A call that copied the whole model to be able
to undo a failure paid for the copy here in time and in memory.

Run: ``python benchmarks/partial_fit_cost.py`` (``--quick``: fewer calls).
"""

import argparse
import gc
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.neural_network import MLPClassifier

from skreg import RegularizedMLPClassifier

N_FEATURES, HIDDEN, ROWS, N_CLASSES = 1000, (1024, 512), 64, 10


def _chunks(n_calls, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n_calls):
        X = rng.standard_normal((ROWS, N_FEATURES))
        yield X, rng.integers(0, N_CLASSES, ROWS)


def _model(library, solver):
    cls = RegularizedMLPClassifier if library == "skreg" else MLPClassifier
    return cls(hidden_layer_sizes=HIDDEN, solver=solver, random_state=0)


def _timed_calls(model, chunks, classes):
    """Seconds of each call; the first (which builds the model) is dropped."""
    times = []
    for X, y in chunks:
        start = time.perf_counter()
        model.partial_fit(X, y, classes=classes)
        times.append(time.perf_counter() - start)
    return times[1:]


def _traced_peaks(model, chunks, classes):
    """MiB traced at the peak of each call above its start (tracemalloc)."""
    peaks = []
    for X, y in chunks:
        gc.collect()
        tracemalloc.start()
        model.partial_fit(X, y, classes=classes)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return peaks


def measure(library, solver, n_calls):
    """Median seconds per call, median traced peak (MiB), number of parameters.

    Time and memory are measured in separate runs: tracemalloc slows numpy's
    allocations down.
    """
    classes = np.arange(N_CLASSES)
    chunks = list(_chunks(n_calls + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        timed = _model(library, solver)
        times = _timed_calls(timed, chunks, classes)
        traced = _model(library, solver)
        traced.partial_fit(*chunks[0], classes=classes)
        peaks = _traced_peaks(traced, chunks[1:], classes)
    n_params = sum(
        W.size + b.size for W, b in zip(timed.coefs_, timed.intercepts_, strict=True)
    )
    return float(np.median(times)), float(np.median(peaks)), n_params


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 calls instead of 20")
    args = parser.parse_args()
    n_calls = 5 if args.quick else 20
    print(
        "| solver | library | s/call | peak MiB per call | time ratio | memory ratio |"
    )
    print("|---|---|---|---|---|---|")
    for solver in ("adam", "sgd"):
        results = {lib: measure(lib, solver, n_calls) for lib in ("sklearn", "skreg")}
        base_time, base_peak, n_params = results["sklearn"]
        for lib, (seconds, peak, _) in results.items():
            print(
                f"| {solver} | {lib} | {seconds:.4f} | {peak:.1f} | "
                f"{seconds / base_time:.2f} | {peak / base_peak:.2f} |"
            )
    print(f"\n{n_params:,} parameters, {ROWS} rows per call, {n_calls} calls timed")


if __name__ == "__main__":
    main()
