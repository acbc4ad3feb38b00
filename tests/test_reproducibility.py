"""Reproducibility, thread safety, and fitted models that survive failed calls.

- The same ``random_state`` gives bitwise-identical weights: across fits,
  across processes, across ``n_jobs`` in a grid search, after a pickle round
  trip (also when training continues).
- ``predict`` called from several threads on one fitted model returns what a
  single thread gets.
- A failed ``fit``, ``partial_fit`` or ``set_params`` leaves the model that
  existed before the call exactly as it was: same parameters, same fitted
  attributes (bit for bit), same predictions.
"""

import copy
import os
import pickle
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skreg import (
    PolynomialCapacity,
    RegularizedMLPClassifier,
    RegularizedMLPRegressor,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SOLVERS = ["lbfgs", "sgd", "adam"]


def _classification(n_samples=120, seed=0):
    X, y = make_classification(
        n_samples=n_samples, n_features=6, n_informative=4, n_classes=3,
        random_state=seed,
    )  # fmt: skip
    return X, y


def _regression(n_samples=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, 6))
    return X, np.sin(X[:, 0]) + X[:, 1] * X[:, 2]


PROBLEMS = {
    RegularizedMLPClassifier: _classification,
    RegularizedMLPRegressor: _regression,
}


def _network(estimator, solver="adam", **params):
    defaults = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=30, random_state=0)
    return estimator(**{**defaults, **params})


def _weights(model):
    return model.coefs_ + model.intercepts_


def assert_same(actual, expected, path="model"):
    """Recursive, bitwise equality of fitted state (NaN equals NaN)."""
    if isinstance(expected, np.ndarray):
        assert isinstance(actual, np.ndarray), path
        assert actual.dtype == expected.dtype, path
        np.testing.assert_array_equal(actual, expected, err_msg=path, strict=True)
    elif isinstance(expected, np.random.RandomState):
        assert_same(actual.get_state(), expected.get_state(), path)
    elif isinstance(expected, list | tuple):
        assert type(actual) is type(expected), path
        assert len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{path}[{i}]")
    elif isinstance(expected, dict):
        assert actual.keys() == expected.keys(), path
        for key in expected:
            assert_same(actual[key], expected[key], f"{path}.{key}")
    elif hasattr(expected, "__dict__") and not isinstance(expected, type):
        assert type(actual) is type(expected), path
        assert_same(vars(actual), vars(expected), path)
    elif isinstance(expected, float) and np.isnan(expected):
        assert np.isnan(actual), path
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


# ------------------------------------------------------ same seed, same bits
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("estimator", list(PROBLEMS))
@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_same_random_state_same_weights(estimator, solver, penalty):
    X, y = PROBLEMS[estimator]()
    first = _network(estimator, solver, penalty=penalty).fit(X, y)
    second = _network(estimator, solver, penalty=penalty).fit(X, y)
    assert_same(_weights(second), _weights(first))
    assert second.loss_curve_ == first.loss_curve_
    np.testing.assert_array_equal(second.predict(X), first.predict(X))


_FIT_IN_SUBPROCESS = """
import pickle, sys, warnings
warnings.simplefilter("ignore")
from sklearn.datasets import make_classification
from skreg import RegularizedMLPClassifier
X, y = make_classification(
    n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
)
model = RegularizedMLPClassifier(
    hidden_layer_sizes=(8,), solver=sys.argv[1], max_iter=30, random_state=0
).fit(X, y)
sys.stdout.buffer.write(pickle.dumps(model.coefs_ + model.intercepts_))
"""


@pytest.mark.slow
@pytest.mark.parametrize("solver", SOLVERS)
def test_same_weights_in_another_process(solver):
    result = subprocess.run(
        [sys.executable, "-c", _FIT_IN_SUBPROCESS, solver],
        capture_output=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": "123"},  # another hash seed
    )  # fmt: skip
    X, y = _classification()
    here = _network(RegularizedMLPClassifier, solver).fit(X, y)
    assert_same(pickle.loads(result.stdout), _weights(here))


# ---------------------------------------------------------------- n_jobs
@pytest.mark.slow
@pytest.mark.parametrize("estimator", list(PROBLEMS))
def test_grid_search_independent_of_n_jobs(estimator):
    X, y = PROBLEMS[estimator]()
    grid = {"solver": ["lbfgs", "adam"], "penalty": ["l2", "l1"], "alpha": [1e-3, 1]}
    searches = [
        GridSearchCV(_network(estimator), grid, cv=3, n_jobs=n_jobs).fit(X, y)
        for n_jobs in (1, 2)
    ]
    sequential, parallel = (search.cv_results_ for search in searches)
    assert sequential.keys() == parallel.keys()
    for key in sequential:
        if "time" not in key:
            assert_same(parallel[key], sequential[key], key)
    assert searches[1].best_params_ == searches[0].best_params_
    best = [search.best_estimator_ for search in searches]
    assert_same(_weights(best[1]), _weights(best[0]))


# ---------------------------------------------------------------- pickle
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("estimator", list(PROBLEMS))
def test_pickle_round_trip_then_continue_training(estimator, solver):
    X, y = PROBLEMS[estimator]()
    model = _network(estimator, solver, max_iter=5).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_same(vars(restored), vars(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    # the optimizer's moments and the random state travel with the model
    model.partial_fit(X, y)
    restored.partial_fit(X, y)
    assert_same(_weights(restored), _weights(model))
    model.set_params(warm_start=True).fit(X, y)
    restored.set_params(warm_start=True).fit(X, y)
    assert_same(vars(restored), vars(model))


def test_pickle_round_trip_polynomial():
    X, y = _regression()
    model = PolynomialCapacity(degree=3, penalty="l1", alpha=0.1).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_same(vars(restored), vars(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


# ---------------------------------- the random stream across partial_fit calls
def test_partial_fit_continues_the_random_stream_of_an_int_seed(iris_standardized):
    """An int random_state draws like a RandomState object: no re-seeding per call.

    With an int every call used to re-seed, so each call shuffled the rows the
    same way and gave each sample the same dropout mask; a RandomState object
    (not re-seeded) already continued its stream.
    """
    X, y = iris_standardized
    params = dict(hidden_layer_sizes=(8,), dropout=0.5, batch_size=32)
    seeded = RegularizedMLPClassifier(**params, random_state=0)
    streamed = RegularizedMLPClassifier(**params, random_state=np.random.RandomState(0))
    for model in (seeded, streamed):
        model.partial_fit(X, y, classes=np.unique(y))
        for _ in range(3):
            model.partial_fit(X, y)
    for a, b in zip(seeded.coefs_, streamed.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_same_partial_fit_calls_give_the_same_model(iris_standardized):
    X, y = iris_standardized
    models = [
        RegularizedMLPClassifier(hidden_layer_sizes=(8,), dropout=0.3, random_state=0)
        for _ in range(2)
    ]
    for model in models:
        model.partial_fit(X, y, classes=np.unique(y))
        for _ in range(3):
            model.partial_fit(X, y)
    for a, b in zip(models[0].coefs_, models[1].coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ threads
N_THREADS = 8


def _predict_from_threads(method, X, repeats=20):
    """Call ``method(X)`` from N_THREADS threads at once, ``repeats`` times each."""
    barrier = threading.Barrier(N_THREADS)
    results = [[] for _ in range(N_THREADS)]
    errors = []

    def work(slot):
        try:
            barrier.wait()
            for _ in range(repeats):
                results[slot].append(method(X))
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return [result for per_thread in results for result in per_thread]


def _fitted_model(name):
    X, y = _classification(400)
    Xr, yr = _regression(400)
    if name == "classifier":
        return _network(RegularizedMLPClassifier).fit(X, y), X
    if name == "regressor":
        return _network(RegularizedMLPRegressor, "lbfgs").fit(Xr, yr), Xr
    return PolynomialCapacity(degree=3).fit(Xr[:, :3], yr), Xr[:, :3]


@pytest.mark.parametrize("name", ["classifier", "regressor", "polynomial"])
def test_predict_is_thread_safe(name):
    model, X = _fitted_model(name)
    methods = ["predict"] + (["predict_proba"] if name == "classifier" else [])
    for method_name in methods:
        method = getattr(model, method_name)
        expected = method(X)
        for result in _predict_from_threads(method, X):
            np.testing.assert_array_equal(result, expected, strict=True)


# ------------------------------------------------------------- failed calls
def _fitted_classifier(solver="adam", **params):
    X, y = _classification()
    y = np.where(y == 2, 1, y)  # classes 0 and 1: class 2 is unseen
    model = _network(RegularizedMLPClassifier, solver, **params).fit(X, y)
    return model, X, y


def _raise_in_second_epoch(monkeypatch):
    """Make training fail after one epoch has updated the weights in place."""
    import skreg._solvers.trainer

    real_run_epoch = skreg._solvers.trainer.run_epoch
    calls = []

    def run_epoch(*args, **kwargs):
        calls.append(None)
        if len(calls) == 2:
            raise RuntimeError("failure in the middle of training")
        return real_run_epoch(*args, **kwargs)

    monkeypatch.setattr(skreg._solvers.trainer, "run_epoch", run_epoch)


# Each failing call takes (model, X, y) and must raise.
FAILED_CALLS = {
    "partial_fit an unseen class": lambda m, X, y: m.partial_fit(X, np.full_like(y, 2)),
    "partial_fit wrong n_features": lambda m, X, y: m.partial_fit(X[:, :3], y),
    "partial_fit NaN": lambda m, X, y: m.partial_fit(np.where(X > 1, np.nan, X), y),
    "partial_fit wrong y length": lambda m, X, y: m.partial_fit(X, y[:-1]),
    "fit NaN": lambda m, X, y: m.fit(np.where(X > 1, np.nan, X), y),
    "fit inf in y": lambda m, X, y: m.fit(X, np.where(y == 0, np.inf, y)),
    "fit complex X, fewer features": lambda m, X, y: m.fit(
        X[:, :3].astype(complex), y
    ),
    "fit sample_weight of wrong length": lambda m, X, y: m.fit(
        X[:, :3], y, sample_weight=np.ones(len(y) - 1)
    ),
}  # fmt: skip


@pytest.mark.parametrize("call", list(FAILED_CALLS))
def test_failed_call_keeps_the_model(call):
    model, X, y = _fitted_classifier()
    before = copy.deepcopy(model)
    predictions = model.predict_proba(X)
    with pytest.raises((ValueError, TypeError)):
        FAILED_CALLS[call](model, X, y)
    assert_same(vars(model), vars(before))
    np.testing.assert_array_equal(model.predict_proba(X), predictions)


@pytest.mark.parametrize("incremental", [False, True])
@pytest.mark.parametrize("warm_start", [False, True])
def test_failure_in_the_middle_of_training_keeps_the_model(
    monkeypatch, incremental, warm_start
):
    model, X, y = _fitted_classifier(warm_start=warm_start)
    before = copy.deepcopy(model)
    _raise_in_second_epoch(monkeypatch)
    with pytest.raises(RuntimeError, match="middle of training"):
        for _ in range(2):  # partial_fit runs one epoch per call
            model.partial_fit(X, y) if incremental else model.fit(X, y)
    if incremental:  # the first call succeeded and is kept
        before.partial_fit(X, y)
    assert_same(vars(model), vars(before))


def test_failed_fit_after_early_stopping_split_keeps_the_model():
    # the validation split is checked after the network is re-initialised
    model, X, y = _fitted_classifier(early_stopping=True)
    before = copy.deepcopy(model)
    # (binary: the stratified split itself rejects these 8 rows, as in
    # scikit-learn, before the size check)
    with pytest.raises(ValueError, match="validation set is too small|least populated"):
        model.fit(X[:8], y[:8])
    assert_same(vars(model), vars(before))


def test_partial_fit_rejecting_early_stopping_keeps_the_model():
    model, X, y = _fitted_classifier()
    before = copy.deepcopy(model)
    model.set_params(early_stopping=True)
    with pytest.raises(ValueError, match="early_stopping"):
        model.partial_fit(X, y)
    model.set_params(early_stopping=False)
    assert_same(vars(model), vars(before))


def test_warm_start_with_other_classes_keeps_the_model():
    model, X, y = _fitted_classifier(warm_start=True)
    before = copy.deepcopy(model)
    with pytest.raises(ValueError, match="same classes"):
        model.fit(X, np.where(y == 1, 5, y))
    assert_same(vars(model), vars(before))


def test_invalid_hyperparameter_keeps_the_fitted_state():
    model, X, y = _fitted_classifier()
    predictions = model.predict_proba(X)
    before = copy.deepcopy(model)
    model.set_params(alpha=-1.0)  # validated by fit, as in scikit-learn
    with pytest.raises(ValueError, match="alpha"):
        model.fit(X, y)
    model.set_params(alpha=before.alpha)
    assert_same(vars(model), vars(before))
    np.testing.assert_array_equal(model.predict_proba(X), predictions)


def _fitted_estimators():
    X, y = _classification()
    Xr, yr = _regression()
    return {
        "classifier": (_network(RegularizedMLPClassifier).fit(X, y), X),
        "regressor": (_network(RegularizedMLPRegressor).fit(Xr, yr), Xr),
        "polynomial": (PolynomialCapacity(degree=2).fit(Xr, yr), Xr),
    }


@pytest.mark.parametrize("name", ["classifier", "regressor", "polynomial"])
@pytest.mark.parametrize("invalid_first", [False, True])
def test_failed_set_params_changes_nothing(name, invalid_first):
    model, X = _fitted_estimators()[name]
    before = copy.deepcopy(model)
    predictions = model.predict(X)
    valid = {"alpha": 123.0, "penalty": None}
    params = {"no_such_parameter": 1, **valid} if invalid_first else {**valid}
    params.setdefault("no_such_parameter", 1)
    with pytest.raises(ValueError, match="no_such_parameter"):
        model.set_params(**params)
    assert model.get_params() == before.get_params()
    assert_same(vars(model), vars(before))
    np.testing.assert_array_equal(model.predict(X), predictions)


# ---------------------------------------------- PolynomialCapacity fit fails
@pytest.mark.parametrize(
    "failure", ["negative sample_weight", "NaN", "negative sample_weight, ndarray"]
)
def test_failed_polynomial_fit_keeps_the_model(failure):
    pd = pytest.importorskip("pandas")
    X, y = _regression()
    columns = [f"x{i}" for i in range(X.shape[1])]
    model = PolynomialCapacity(degree=2).fit(pd.DataFrame(X, columns=columns), y)
    before = copy.deepcopy(model)
    predictions = model.predict(pd.DataFrame(X, columns=columns))
    other = pd.DataFrame(X[:, :3], columns=["a", "b", "c"])  # other features
    with pytest.raises(ValueError):
        if failure == "NaN":
            model.fit(other.where(other < 1), y)
        else:
            X_other = other if failure == "negative sample_weight" else other.values
            model.fit(X_other, y, sample_weight=-np.ones(len(y)))
    assert_same(vars(model), vars(before))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no feature-name mismatch warning
        np.testing.assert_array_equal(
            model.predict(pd.DataFrame(X, columns=columns)), predictions
        )


def test_convergence_warning_is_not_a_failure():
    # a fit that only warns replaces the model: it did not fail
    model, X, y = _fitted_classifier()
    with pytest.warns(ConvergenceWarning):
        model.set_params(max_iter=1).fit(X, y)
    assert model.n_iter_ == 1
