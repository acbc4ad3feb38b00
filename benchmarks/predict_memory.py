"""Peak memory and time of ``predict`` on large inputs, skreg against scikit-learn.

    python benchmarks/predict_memory.py            # full size (a few minutes)
    python benchmarks/predict_memory.py --quick    # a tenth of the rows

Two shapes: (A) 1e5 rows x 100 features through six (256,) relu layers and
(B) 1e6 rows x 50 features through (128, 128, 128), each for a classifier
(10 classes) and a regressor.  Both libraries predict the same network: each
model is fitted for one epoch on a small subset, then skreg's weights are
copied into scikit-learn's model.  For each library the table gives the peak
memory traced (tracemalloc, above what was allocated before the call) during
one ``predict`` and the median time of ``--repeats`` untraced calls,
interleaved, with the paired ratio skreg / scikit-learn.  The row "skreg, all
layers" is skreg's predict with the training forward pass (every layer's
activations kept), as predict worked before it kept two blocks at most.  "one
block" is one hidden layer's activations: rows x widest layer x 8 bytes.
"""

import argparse
import contextlib
import gc
import time
import tracemalloc
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import skreg._mlp
from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg._network.passes import forward

PAUSE_SECONDS = 0.5  # lets BLAS threads of the previous call go idle (run.py)
FIT_ROWS = 2000

SHAPES = [
    dict(id="A", rows=100_000, features=100, hidden=(256,) * 6),
    dict(id="B", rows=1_000_000, features=50, hidden=(128, 128, 128)),
]
ESTIMATORS = {
    "clf": (RegularizedMLPClassifier, MLPClassifier),
    "reg": (RegularizedMLPRegressor, MLPRegressor),
}


def _data(shape, kind, quick, seed=0):
    rng = np.random.default_rng(seed)
    rows = shape["rows"] // 10 if quick else shape["rows"]
    X = rng.standard_normal((rows, shape["features"]))
    fit_rows = X[:FIT_ROWS]
    if kind == "clf":
        y = rng.integers(0, 10, FIT_ROWS)
    else:
        y = fit_rows[:, 0] + 0.1 * rng.standard_normal(FIT_ROWS)
    return X, fit_rows, y


def _models(shape, kind, fit_rows, y):
    """skreg and scikit-learn models holding the same weights."""
    params = dict(hidden_layer_sizes=shape["hidden"], max_iter=1, random_state=0)
    ours, theirs = (cls(**params) for cls in ESTIMATORS[kind])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(fit_rows, y)
        theirs.fit(fit_rows, y)
    theirs.coefs_ = [W.copy() for W in ours.coefs_]
    theirs.intercepts_ = [b.copy() for b in ours.intercepts_]
    return ours, theirs


def _predict_output_all_layers(coefs, intercepts, X, activation, loss):
    # skreg's predict before: the training forward pass keeps every layer
    logits = forward(coefs, intercepts, X, activation)[-1]
    return loss.prediction(logits, out=logits)


@contextlib.contextmanager
def _all_layers_kept():
    shipped = skreg._mlp.predict_output
    skreg._mlp.predict_output = _predict_output_all_layers
    try:
        yield
    finally:
        skreg._mlp.predict_output = shipped


def _call(library, model, X):
    if library == "skreg, all layers":
        with _all_layers_kept():
            return model.predict(X)
    return model.predict(X)


def _peak(library, model, X):
    """Bytes traced above the starting point during one predict."""
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    prediction = _call(library, model, X)
    peak = tracemalloc.get_traced_memory()[1] - start
    tracemalloc.stop()
    return peak, prediction


def _seconds(library, model, X):
    gc.collect()
    time.sleep(PAUSE_SECONDS)
    start = time.perf_counter()
    _call(library, model, X)
    return time.perf_counter() - start


def _agreement(kind, ours, theirs):
    if kind == "clf":
        return f"{np.mean(ours == theirs):.4%} same labels"
    return f"max abs diff {np.abs(ours - theirs).max():.1e}"


def run_case(shape, kind, quick, repeats):
    X, fit_rows, y = _data(shape, kind, quick)
    ours, theirs = _models(shape, kind, fit_rows, y)
    models = {"skreg": ours, "skreg, all layers": ours, "sklearn": theirs}
    peaks, predictions = {}, {}
    for library, model in models.items():
        peaks[library], predictions[library] = _peak(library, model, X)
    times = {library: [] for library in models}
    for _ in range(repeats):  # interleaved: A B C, A B C, ...
        for library, model in models.items():
            times[library].append(_seconds(library, model, X))
    assert np.array_equal(predictions["skreg"], predictions["skreg, all layers"])
    return {
        "id": f"{shape['id']}-{kind}",
        "shape": f"{X.shape[0]:.0e} x {X.shape[1]}, {shape['hidden']}",
        "block": X.shape[0] * max(shape["hidden"]) * 8,
        "peaks": peaks,
        "times": {lib: np.array(t) for lib, t in times.items()},
        "agreement": _agreement(kind, predictions["skreg"], predictions["sklearn"]),
    }


def markdown(results):
    lines = [
        "| case | rows x features, hidden | library | peak MiB | peak / sklearn "
        "| s median [min-max] | paired time / sklearn |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        base_peak, base_times = r["peaks"]["sklearn"], r["times"]["sklearn"]
        for library, peak in r["peaks"].items():
            t = r["times"][library]
            lines.append(
                f"| {r['id']} | {r['shape']} | {library} | {peak / 2**20:.1f} "
                f"| {peak / base_peak:.2f} | {np.median(t):.3f} "
                f"[{t.min():.3f}-{t.max():.3f}] "
                f"| {np.median(t / base_times):.2f} |"
            )
    lines += ["", "| case | one block MiB | skreg vs sklearn predictions |"]
    lines.append("|---|---|---|")
    for r in results:
        lines.append(f"| {r['id']} | {r['block'] / 2**20:.1f} | {r['agreement']} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    results = []
    for shape in SHAPES:
        for kind in ESTIMATORS:
            results.append(run_case(shape, kind, args.quick, args.repeats))
            print(markdown(results[-1:]).split("\n\n")[0], flush=True)
    print()
    print(markdown(results))
    print(f"\nnumpy {np.__version__}, scikit-learn {sklearn.__version__}")


if __name__ == "__main__":
    main()
