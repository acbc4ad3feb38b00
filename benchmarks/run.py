"""Side-by-side training speed of skreg and scikit-learn's MLP (issue 8).

    python benchmarks/run.py            # full run
    python benchmarks/run.py --quick    # smaller data and fewer repeats (< 90 s)

Every workload trains skreg and scikit-learn (and PyTorch on the CPU when it is
installed) for a fixed number of epochs, repeats interleaved (A B A B ...), and
reports the per-epoch time median [min-max], the median of the paired ratios
skreg / scikit-learn, the final training loss and the held-out score.  The "GEMM
floor" is the time of the forward and backward matrix products alone for one
epoch at the same shapes and dtype.  Results go to ``results.json`` and
``results.md`` next to this script (or ``--out``).
"""

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from joblib import Parallel, delayed
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

try:  # optional third party
    import torch
except ImportError:  # pragma: no cover
    torch = None


# ------------------------------------------------------------------ workloads
def _digits(dtype=np.float64):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(dtype)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def _classification(n, dtype=np.float64):
    X, y = make_classification(
        n_samples=n, n_features=100, n_informative=60, n_classes=10, random_state=0
    )
    X = StandardScaler().fit_transform(X).astype(dtype)
    return train_test_split(X, y, test_size=0.2, random_state=0)


def _regression(n):
    X, y = make_regression(
        n_samples=n, n_features=100, n_informative=60, noise=10.0, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    return train_test_split(X, y, test_size=0.2, random_state=0)


def workloads(quick):
    n = 10000 if quick else 50000
    adam = dict(solver="adam", batch_size=200, learning_rate_init=1e-3)
    return [
        dict(id="W1", data=_digits, kind="clf", hidden=(100,), epochs=50, **adam),
        dict(
            id="W2",
            data=lambda: _classification(n),
            kind="clf",
            hidden=(256, 128),
            epochs=5,
            **adam,
        ),
        dict(
            id="W3",
            data=lambda: _regression(n),
            kind="reg",
            hidden=(256, 128),
            epochs=5,
            **adam,
        ),
        dict(
            id="W4", data=_digits, kind="clf", hidden=(50,), epochs=200, solver="lbfgs"
        ),
        dict(
            id="W5",
            data=lambda: _classification(n, np.float32),
            kind="clf",
            hidden=(256, 128),
            epochs=5,
            **adam,
        ),
        dict(
            id="W6",
            data=lambda: _classification(n),
            kind="clf",
            hidden=(256, 128),
            epochs=5,
            penalty="l1",
            **adam,
        ),
    ]


# -------------------------------------------------------------------- timing
def _estimator(library, w):
    params = dict(
        hidden_layer_sizes=w["hidden"],
        solver=w["solver"],
        max_iter=w["epochs"],
        random_state=0,
        alpha=1e-4,
    )
    if w["solver"] != "lbfgs":
        params.update(
            batch_size=w["batch_size"],
            tol=0.0,
            n_iter_no_change=w["epochs"] + 1,
            learning_rate_init=w["learning_rate_init"],
        )
    if library == "skreg":
        cls = (
            RegularizedMLPClassifier if w["kind"] == "clf" else RegularizedMLPRegressor
        )
        return cls(penalty=w.get("penalty", "l2"), **params)
    cls = MLPClassifier if w["kind"] == "clf" else MLPRegressor
    return cls(**params)


# Idle BLAS/OpenMP worker threads keep spinning for a while after a call; on 2
# cores those of the previous fit slow the next one (whichever library it is),
# so every timed fit starts after this pause.
PAUSE_SECONDS = 0.5


def _fit_once(library, w, X, y, X_test, y_test):
    time.sleep(PAUSE_SECONDS)
    if library == "torch":
        return _torch_fit(w, X, y, X_test, y_test)
    if library == "skreg l2":
        library, w = "skreg", {**w, "penalty": "l2"}
    model = _estimator(library, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
    return (
        seconds / max(model.n_iter_, 1),
        float(model.loss_),
        float(model.score(X_test, y_test)),
    )


def gemm_floor(w, X, n_outputs):
    """Time of the forward and backward matrix products of one epoch."""
    units = [X.shape[1], *w["hidden"], n_outputs]
    rows = X.shape[0] if w["solver"] == "lbfgs" else w["batch_size"]
    rng = np.random.default_rng(0)
    dtype = X.dtype
    W = [
        rng.standard_normal((a, b)).astype(dtype)
        for a, b in zip(units[:-1], units[1:], strict=True)
    ]
    acts = [X[:rows]] + [np.empty((rows, u), dtype) for u in units[1:]]
    grads = [np.empty_like(M) for M in W]
    deltas = [rng.standard_normal((rows, u)).astype(dtype) for u in units[1:]]
    n_batches = 1 if w["solver"] == "lbfgs" else int(np.ceil(X.shape[0] / rows))
    start = time.perf_counter()
    for _ in range(n_batches):
        for k, M in enumerate(W):
            np.matmul(acts[k], M, out=acts[k + 1])
        for k in range(len(W) - 1, -1, -1):
            np.matmul(acts[k].T, deltas[k], out=grads[k])
            if k:
                np.matmul(deltas[k], W[k].T, out=deltas[k - 1])
    return time.perf_counter() - start


def _torch_fit(w, X, y, X_test, y_test):  # pragma: no cover - optional
    torch.manual_seed(0)
    dtype = torch.float32 if X.dtype == np.float32 else torch.float64
    units = [X.shape[1], *w["hidden"]]
    layers = []
    for a, b in zip(units[:-1], units[1:], strict=True):
        layers += [torch.nn.Linear(a, b, dtype=dtype), torch.nn.ReLU()]
    n_out = len(np.unique(y)) if w["kind"] == "clf" else 1
    layers.append(torch.nn.Linear(units[-1], n_out, dtype=dtype))
    net = torch.nn.Sequential(*layers)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    if w["kind"] == "clf":
        loss_fn = torch.nn.CrossEntropyLoss()
        yt = yt.long()
    else:
        loss_fn = torch.nn.MSELoss()
        yt = yt.to(dtype).reshape(-1, 1)
    # skreg's L2 scaling: alpha * ||W||^2 / (2 n) per step = weight decay alpha / n
    opt = torch.optim.Adam(
        net.parameters(), lr=w["learning_rate_init"], weight_decay=1e-4 / X.shape[0]
    )
    gen = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(w["epochs"]):
        perm = torch.randperm(X.shape[0], generator=gen)
        epoch_loss = 0.0
        for i in range(0, X.shape[0], w["batch_size"]):
            idx = perm[i : i + w["batch_size"]]
            opt.zero_grad()
            loss = loss_fn(net(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
    seconds = (time.perf_counter() - start) / w["epochs"]
    # like loss_: the epoch's mean loss (MSELoss is the mean, not half of it)
    scale = 1.0 if w["kind"] == "clf" else 0.5
    loss = scale * epoch_loss / X.shape[0]
    with torch.no_grad():
        out = net(torch.from_numpy(X_test))
        if w["kind"] == "clf":
            score = float((out.argmax(1).numpy() == y_test).mean())
        else:
            pred = out.numpy().ravel()
            score = (
                1 - ((pred - y_test) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum()
            )
    return seconds, float(loss), float(score)


def _libraries(w):
    """Who runs a workload; the first entry is the baseline of the ratios."""
    if "penalty" in w:  # W6: skreg's own "l2" is the baseline
        return ["skreg l2", "skreg"]
    libraries = ["sklearn", "skreg"]
    if torch is not None and w["solver"] == "adam":
        libraries.append("torch")
    return libraries


def run_workload(w, repeats):
    X, X_test, y, y_test = w["data"]()
    libraries = _libraries(w)
    baseline = libraries[0]
    times = {lib: [] for lib in libraries}
    floors = []
    n_out = len(np.unique(y)) if w["kind"] == "clf" else 1
    results = {}
    for _ in range(repeats):  # interleaved: A B (C) floor, A B (C) floor, ...
        for lib in libraries:
            seconds, loss, score = _fit_once(lib, w, X, y, X_test, y_test)
            times[lib].append(seconds)
            results[lib] = (loss, score)
        # the floor of the same round (best of 3), so that it is paired too
        floors.append(min(gemm_floor(w, X, n_out) for _ in range(3)))
    floor = float(np.median(floors))
    rows = {}
    for lib in libraries:
        t = np.array(times[lib])
        rows[lib] = {
            "median": float(np.median(t)),
            "min": float(t.min()),
            "max": float(t.max()),
            "ratio_to_baseline": float(np.median(t / np.array(times[baseline]))),
            "ratio_to_floor": float(np.median(t / np.array(floors))),
            "loss": results[lib][0],
            "score": results[lib][1],
        }
    result = {
        "id": w["id"],
        "dtype": str(X.dtype),
        "baseline": baseline,
        "gemm_floor": floor,
        "libraries": rows,
    }
    if "penalty" in w:
        result["penalty_steps"] = penalty_step_times(w, X, y, repeats)
    return result


def penalty_step_times(w, X, y, repeats):
    """Seconds per epoch inside the penalty's own step: the L1 prox vs weight decay.

    Whole-epoch times on a shared 2-core machine vary by 10-20% from run to
    run, more than the step itself costs; this times the two steps directly
    (skreg internals, wrapped for the measurement).
    """
    import skreg._penalties as penalties

    spent = {"l1": [], "l2": []}
    clock = {"seconds": 0.0}

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                clock["seconds"] += time.perf_counter() - start

        return wrapper

    targets = [
        (penalties.Penalty, "prox_weights"),
        (penalties.ElasticNetPenalty, "add_gradient"),
    ]
    originals = [getattr(owner, name) for owner, name in targets]
    try:
        for (owner, name), original in zip(targets, originals, strict=True):
            setattr(owner, name, timed(original))
        for _ in range(repeats):
            for penalty in spent:
                clock["seconds"] = 0.0
                model = _estimator("skreg", {**w, "penalty": penalty})
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model.fit(X, y)
                spent[penalty].append(clock["seconds"] / model.n_iter_)
    finally:
        for (owner, name), original in zip(targets, originals, strict=True):
            setattr(owner, name, original)
    return {penalty: float(np.median(t)) for penalty, t in spent.items()}


def _import_estimators():
    import sklearn.neural_network  # noqa: F401

    import skreg  # noqa: F401


def run_grid_search(repeats, quick):
    X, _, y, _ = _digits()
    grid = {"alpha": np.logspace(-4, 0, 5)}
    out = {}
    for n_jobs in (1, 2):
        # start joblib's worker processes (and their imports) before timing:
        # whichever library ran first would otherwise pay for them
        Parallel(n_jobs=n_jobs)(delayed(_import_estimators)() for _ in range(n_jobs))
        times = {"skreg": [], "sklearn": []}
        for _ in range(repeats):
            for lib, cls in (
                ("skreg", RegularizedMLPClassifier),
                ("sklearn", MLPClassifier),
            ):
                est = cls(
                    hidden_layer_sizes=(64,),
                    max_iter=20 if quick else 50,
                    random_state=0,
                )
                time.sleep(PAUSE_SECONDS)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    start = time.perf_counter()
                    GridSearchCV(est, grid, cv=3, n_jobs=n_jobs).fit(X, y)
                times[lib].append(time.perf_counter() - start)
        ratio = float(np.median(np.array(times["skreg"]) / np.array(times["sklearn"])))
        out[f"n_jobs={n_jobs}"] = {lib: float(np.median(t)) for lib, t in times.items()}
        out[f"n_jobs={n_jobs}"]["ratio_to_sklearn"] = ratio
    return out


def run_callback_cost(repeats):
    """W1 as shipped vs. with the callback hooks removed (skreg only)."""
    import skreg._mlp as mlp

    w = workloads(quick=True)[0]
    X, X_test, y, y_test = w["data"]()
    shipped = mlp.start_fit
    times = {"with hooks": [], "hooks removed": []}
    for _ in range(repeats):
        for name in times:
            mlp.start_fit = shipped if name == "with hooks" else _no_callbacks
            try:
                times[name].append(_fit_once("skreg", w, X, y, X_test, y_test)[0])
            finally:
                mlp.start_fit = shipped
    ratio = np.median(np.array(times["with hooks"]) / np.array(times["hooks removed"]))
    medians = {name: float(np.median(t)) for name, t in times.items()}
    return {**medians, "ratio": float(ratio)}


def _no_callbacks(*_args, **_kwargs):
    return None


def run_memory(quick):
    """Peak memory traced during skreg's fit (W2 shapes), by epochs and batch."""
    import tracemalloc

    w = workloads(quick)[1]
    X, _, y, _ = w["data"]()
    peaks = {}
    for epochs, batch in ((1, 200), (5, 200), (1, 400)):
        model = _estimator("skreg", {**w, "epochs": epochs, "batch_size": batch})
        tracemalloc.start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        peaks[f"{epochs} epoch(s), batch {batch}"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peaks


def environment():
    from threadpoolctl import threadpool_info

    blas = [
        f"{lib['internal_api']} {lib.get('version')} ({lib['num_threads']} threads)"
        for lib in threadpool_info()
        if lib["user_api"] == "blas"
    ]
    info = {
        "cpus": os.cpu_count(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "blas": sorted(set(blas)),
    }
    if torch is not None:
        info["torch"] = f"{torch.__version__} ({torch.get_num_threads()} threads)"
    return info


# ------------------------------------------------------------------- report
def markdown(results, grid=None, callbacks=None, memory=None):
    lines = [
        "| id | dtype | library | s/epoch median [min-max] | paired ratio "
        "| ratio to GEMM floor | final loss | held-out score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for lib, v in r["libraries"].items():
            ratio = f"{v['ratio_to_baseline']:.2f} (to {r['baseline']})"
            lines.append(
                f"| {r['id']} | {r['dtype']} | {lib} | {v['median']:.4f} "
                f"[{v['min']:.4f}-{v['max']:.4f}] | {ratio} "
                f"| {v['ratio_to_floor']:.2f} | {v['loss']:.4f} | {v['score']:.4f} |"
            )
    for r in results:
        if "penalty_steps" in r:
            l1, l2 = r["penalty_steps"]["l1"], r["penalty_steps"]["l2"]
            epoch = r["libraries"][r["baseline"]]["median"]
            lines += [
                "",
                f"| {r['id']} penalty step | s/epoch | share of an l2 epoch |",
                "|---|---|---|",
                f"| l1: proximal step | {l1:.4f} | {l1 / epoch:.1%} |",
                f"| l2: weight decay | {l2:.4f} | {l2 / epoch:.1%} |",
                f"| l1 over l2 | {l1 - l2:.4f} | {(l1 - l2) / epoch:.1%} |",
            ]
    if grid:
        lines += [
            "",
            "| GS | skreg s | sklearn s | paired ratio | throughput vs sklearn |",
            "|---|---|---|---|---|",
        ]
        for key, v in grid.items():
            lines.append(
                f"| {key} | {v['skreg']:.2f} | {v['sklearn']:.2f} "
                f"| {v['ratio_to_sklearn']:.2f} | {1 / v['ratio_to_sklearn']:.2f}x |"
            )
    if callbacks:
        lines += [
            "",
            "| CB | s/epoch with hooks | hooks removed | ratio |",
            "|---|---|---|---|",
            f"| W1, no callbacks set | {callbacks['with hooks']:.4f} "
            f"| {callbacks['hooks removed']:.4f} | {callbacks['ratio']:.3f} |",
        ]
    if memory:
        lines += ["", "| MEM (skreg fit, W2 shapes) | peak traced MiB |", "|---|---|"]
        lines += [f"| {key} | {peak / 2**20:.1f} |" for key, peak in memory.items()]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--only", nargs="*", default=None, help="workload ids, GS, CB, MEM"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)

    def wanted(section):
        return not args.only or section in args.only

    results = []
    for w in workloads(args.quick):
        if wanted(w["id"]):
            results.append(run_workload(w, repeats))
            print(markdown([results[-1]]).split("\n", 2)[2], flush=True)
    grid = run_grid_search(repeats, args.quick) if wanted("GS") else {}
    callbacks = run_callback_cost(repeats) if wanted("CB") else {}
    memory = run_memory(args.quick) if wanted("MEM") else {}
    env = environment()
    table = markdown(results, grid, callbacks, memory)
    table += "\n\nMachine: " + ", ".join(f"{k} {v}" for k, v in env.items())
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = {
        "results": results, "grid_search": grid, "callback_cost": callbacks,
        "memory_peaks": memory, "environment": env, "quick": args.quick,
        "repeats": repeats,
    }  # fmt: skip
    (args.out / "results.json").write_text(json.dumps(summary, indent=2))
    (args.out / "results.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
