"""Where an epoch of skreg's training goes, by step (issue 8's profile).

    python benchmarks/profile_epoch.py W2     # any workload id of run.py

Wraps skreg's internal steps with timers (matrix products, activation and its
derivative, loss, optimizer update, penalty step, batch gathering), fits the
workload once and prints milliseconds per epoch for each.  The steps nest
(``forward`` contains its products), so the shares do not add up to 100%.
"""

import dataclasses
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import run  # noqa: E402  (the workloads of the benchmark)

import skreg._network.activations as activations  # noqa: E402
import skreg._network.losses as losses  # noqa: E402
import skreg._network.passes as passes  # noqa: E402
import skreg._penalties as penalties  # noqa: E402
import skreg._solvers.objective as objective  # noqa: E402
import skreg._solvers.optimizers as optimizers  # noqa: E402
import skreg._solvers.stochastic as stochastic  # noqa: E402
import skreg._solvers.trainer as trainer  # noqa: E402

SPENT = defaultdict(float)


def _timed(owner, name, label):
    function = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - start

    setattr(owner, name, wrapper)
    return wrapper


def instrument():
    _timed(objective, "loss_and_gradient", "forward + loss + backward")
    _timed(passes, "forward", "  forward")
    _timed(passes, "backward", "  backward")
    _timed(passes, "_dot_into", "    forward products")
    relu = _timed(activations, "_relu", "    relu")
    derivative = _timed(activations, "_relu_derivative", "    relu derivative")
    activations.ACTIVATIONS["relu"] = dataclasses.replace(
        activations.ACTIVATIONS["relu"], forward=relu, derivative=derivative
    )
    for loss in (losses.MultinomialLogLoss, losses.SquaredError):
        _timed(loss, "value_and_delta", "  loss and output delta")
    _timed(optimizers.AdamOptimizer, "update", "optimizer update")
    _timed(optimizers.SGDOptimizer, "update", "optimizer update")
    _timed(penalties.ElasticNetPenalty, "add_gradient", "weight decay")
    _timed(penalties.Penalty, "prox_weights", "proximal step")
    _timed(stochastic._BatchGatherer, "__call__", "gather batch")
    _timed(trainer, "run_epoch", "epoch")


def main(workload_id):
    (w,) = [w for w in run.workloads(quick=False) if w["id"] == workload_id]
    X, _, y, _ = w["data"]()
    instrument()
    model = run._estimator("skreg", w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    epochs = model.n_iter_
    total = SPENT["epoch"]
    print(f"{workload_id}: {total / epochs:.3f} s per epoch over {epochs} epochs")
    for label, seconds in SPENT.items():
        share = seconds / total
        print(f"{label:30s} {seconds / epochs * 1e3:9.1f} ms/epoch {share:6.1%}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "W2")
