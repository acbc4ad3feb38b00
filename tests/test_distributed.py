"""Grid searches and cross-validation on a Dask cluster, through joblib.

A real ``distributed.LocalCluster`` (two worker processes, one thread each,
listening on the loopback interface only, no dashboard) runs the same search
as a sequential run; with the same ``random_state`` the results must be
identical, bit for bit.  The whole module, cluster start included, must finish
in under 60 seconds on two cores.  Skipped when dask or distributed is not
installed; the core package never imports them.
"""

import subprocess
import sys
import time
from types import SimpleNamespace

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

TIME_LIMIT = 60.0  # seconds for the module, cluster start included

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    started = time.perf_counter()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True,
            host="127.0.0.1", dashboard_address=None,
        ) as local_cluster,
        distributed.Client(local_cluster) as client,
    ):  # fmt: skip
        yield SimpleNamespace(client=client, started=started, distributed=distributed)


def _on_dask(cluster, function):
    """Run ``function()`` under joblib's dask backend; return it and the tasks."""
    with cluster.distributed.get_task_stream(cluster.client) as tasks:
        with joblib.parallel_backend("dask"):
            result = function()
    return result, tasks.data


def _assert_within_time_limit(cluster):
    elapsed = time.perf_counter() - cluster.started
    assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s since the cluster started"


def _assert_same_cv_results(actual, expected):
    assert actual.keys() == expected.keys()
    for key in expected:
        if "time" in key:
            continue
        if key == "params":
            assert actual[key] == expected[key]
        else:
            np.testing.assert_array_equal(actual[key], expected[key], err_msg=key)


def _weights(model):
    return model.coefs_ + model.intercepts_


def test_grid_search_on_dask_equals_sequential(cluster):
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    pipe = make_pipeline(
        StandardScaler(),
        RegularizedMLPClassifier(hidden_layer_sizes=(16,), max_iter=50, random_state=0),
    )
    grid = {
        "regularizedmlpclassifier__solver": ["lbfgs", "adam"],
        "regularizedmlpclassifier__penalty": ["l2", "l1"],
        "regularizedmlpclassifier__alpha": [1e-3, 1.0],
    }
    sequential = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    search, tasks = _on_dask(cluster, lambda: GridSearchCV(pipe, grid, cv=3).fit(X, y))
    # the fits ran on the cluster's workers
    workers = {task["worker"] for task in tasks}
    assert workers <= set(cluster.client.scheduler_info()["workers"])
    assert len(tasks) > 0
    _assert_same_cv_results(search.cv_results_, sequential.cv_results_)
    assert search.best_params_ == sequential.best_params_
    for actual, expected in zip(
        _weights(search.best_estimator_[-1]),
        _weights(sequential.best_estimator_[-1]),
        strict=True,
    ):
        np.testing.assert_array_equal(actual, expected, strict=True)
    _assert_within_time_limit(cluster)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_cross_validate_on_dask_equals_sequential(cluster, solver):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((240, 5))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(16,), solver=solver, penalty="group_lasso",
        alpha=0.1, max_iter=40, random_state=0,
    )  # fmt: skip

    def run():
        return cross_validate(model, X, y, cv=4, return_estimator=True)

    sequential = run()
    distributed_run, tasks = _on_dask(cluster, run)
    assert len(tasks) > 0
    np.testing.assert_array_equal(
        distributed_run["test_score"], sequential["test_score"]
    )
    for fitted, expected in zip(
        distributed_run["estimator"], sequential["estimator"], strict=True
    ):
        for actual, wanted in zip(_weights(fitted), _weights(expected), strict=True):
            np.testing.assert_array_equal(actual, wanted, strict=True)
    _assert_within_time_limit(cluster)


def test_core_package_does_not_import_dask():
    script = (
        "import sys, skreg; "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'dask', 'distributed', 'dask_ml'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
