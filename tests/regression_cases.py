"""Fixed-seed fits pinned bit for bit (tests/test_bitwise_regression.py).

``python tests/regression_cases.py`` writes ``tests/data/regression_reference.npz``
from the code as it is.  It was run once, before the package was reorganised
into subpackages, so the test checks that the reorganised code trains exactly
the same models; regenerate it only for a deliberate change of the numerics,
and only the cases it changes (``python tests/regression_cases.py NAME ...``).

Deliberate changes so far: "adam-partial_fit" was regenerated when
``partial_fit`` started to continue the random stream across calls (with an
int ``random_state`` every call used to re-seed, so every call shuffled the
same way).  Every case was rewritten (issue 28) when Adam's update started
to keep its moments divided by (1 - beta) and to take its scalars as Python
floats: ten passes instead of twelve, and float32 arithmetic in float32, the
same step to rounding (off the old machine the rewritten Adam cases agree
with the old reference to 1e-13 relatively, as the unchanged cases do).  It
was rewritten on the development machine of issue 28, which has another
fingerprint than the first one, so the whole file was written there: the
other cases are the same code's fits on that machine.

Machines: the fingerprint names the CPU by family, model, stepping and vector
instruction sets as well as its model name, since virtual machines of
different processor generations may all report "AMD EPYC"; the reference was
rewritten, from unchanged code (commit 2369817), on the development machine
of issue 24 when the old fingerprint could not tell it from the machine that
wrote the first one (their fits differ by at most 2e-9 relatively).
"""

import platform
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

REFERENCE = Path(__file__).parent / "data" / "regression_reference.npz"

_NET = {"hidden_layer_sizes": (16,), "random_state": 0}
_SGD = {"solver": "sgd", "max_iter": 5, "batch_size": 50, "learning_rate_init": 0.05}
_ADAM = {"solver": "adam", "max_iter": 5, "batch_size": 50, "learning_rate_init": 0.01}
_LBFGS = {"solver": "lbfgs", "max_iter": 30}

CASES = {
    **{
        f"{name}-{penalty}": (
            "classifier",
            {**_NET, **params, "penalty": penalty, "alpha": 1.0},
        )
        for name, params in (("lbfgs", _LBFGS), ("sgd", _SGD), ("adam", _ADAM))
        for penalty in ("l2", "l1", "elasticnet")
    },
    "adam-l0": ("classifier", {**_NET, **_ADAM, "penalty": "l0", "alpha": 0.05}),
    "adam-group_lasso": (
        "classifier",
        {**_NET, **_ADAM, "penalty": "group_lasso", "alpha": 3.0},
    ),
    "adam-dropout": ("classifier", {**_NET, **_ADAM, "dropout": 0.2, "alpha": 1.0}),
    "sgd-early_stopping": (
        "classifier",
        {**_NET, **_SGD, "max_iter": 8, "early_stopping": True, "alpha": 1.0},
    ),
    "lbfgs-regressor": ("regressor", {**_NET, **_LBFGS, "alpha": 1.0}),
    "adam-partial_fit": ("classifier", {**_NET, **_ADAM, "alpha": 1.0}),
    "lbfgs-float32": ("classifier", {**_NET, **_LBFGS, "penalty": "l1", "alpha": 1.0}),
    "adam-regressor-weighted": (
        "regressor",
        {**_NET, **_ADAM, "penalty": "l1", "alpha": 1.0, "activation": "tanh"},
    ),
}


def _data(task):
    if task == "classifier":
        X, y = load_digits(return_X_y=True)
        X, y = X[:400], y[:400]
    else:
        X, y = load_diabetes(return_X_y=True)
        y = (y - y.mean()) / y.std()
    return StandardScaler().fit_transform(X), y


def fit_case(name):
    """Fit case ``name``; return its results as a dict of arrays."""
    task, params = CASES[name]
    X, y = _data(task)
    if name.endswith("float32"):
        X = X.astype(np.float32)
    model_class = (
        RegularizedMLPClassifier if task == "classifier" else RegularizedMLPRegressor
    )
    fit_params = {}
    if name.endswith("weighted"):
        fit_params["sample_weight"] = np.linspace(0.5, 2.0, X.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = model_class(**params)
        if name.endswith("partial_fit"):
            for start in (0, 150, 300):
                rows = slice(start, start + 150)
                model.partial_fit(X[rows], y[rows], classes=np.unique(y))
        else:
            model.fit(X, y, **fit_params)
    results = {
        "n_iter": np.array(model.n_iter_),
        "loss_curve": np.array(model.loss_curve_),
        "data_loss_curve": np.array(model.data_loss_curve_),
    }
    for k, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        results[f"coef{k}"] = W
        results[f"intercept{k}"] = b
    if model.validation_scores_ is not None:
        results["validation_scores"] = np.array(model.validation_scores_)
        results["validation_loss_curve"] = np.array(model.validation_loss_curve_)
    return results


def machine_fingerprint():
    """What decides the rounding of BLAS products: CPU, numpy and its BLAS.

    The CPU is named by its model name, family, model and stepping and by its
    vector instruction sets: a virtual machine may report only "AMD EPYC" as
    the model name for processors of different generations, whose BLAS
    kernels round differently.
    """
    from threadpoolctl import threadpool_info

    blas = sorted(
        f"{info['internal_api']} {info['version']} {info.get('architecture')}"
        for info in threadpool_info()
        if info["user_api"] == "blas"
    )
    return f"{_cpu()} | numpy {np.__version__} | {'; '.join(blas)}"


def _cpu():
    fields = {}
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or platform.machine()
    vector = sorted(
        flag
        for flag in fields.get("flags", "").split()
        if flag.startswith(("avx", "fma", "sse"))
    )
    model = [fields.get(key, "?") for key in ("cpu family", "model", "stepping")]
    name = fields.get("model name", platform.machine())
    return f"{name} (family {'/'.join(model)}; {' '.join(vector)})"


def main(names=()):
    """Write the reference of every case, or only of ``names`` (keeping the rest)."""
    arrays = {"fingerprint": np.array(machine_fingerprint())}
    if names:
        kept = np.load(REFERENCE)
        if str(kept["fingerprint"]) != machine_fingerprint():
            raise SystemExit("the reference was written on another machine")
        arrays.update({key: kept[key] for key in kept.files if key != "fingerprint"})
        arrays = {k: v for k, v in arrays.items() if k.split("/")[0] not in names}
    for name in names or CASES:
        for key, value in fit_case(name).items():
            arrays[f"{name}/{key}"] = value
    REFERENCE.parent.mkdir(exist_ok=True)
    np.savez(REFERENCE, **arrays)
    print(f"wrote {REFERENCE} ({len(names or CASES)} fits)")


if __name__ == "__main__":
    import sys

    main(tuple(sys.argv[1:]))
