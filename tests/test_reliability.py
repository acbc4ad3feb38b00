"""Defects found by trying to break skreg: each test failed before its fix.

Callbacks torn down on every exit path, a diverging partial_fit batch that
leaves the optimizer sound, first-epoch divergence as an error, bad sample
weights, early stopping on small multiclass data, the random stream across
partial_fit calls, compact() with no feature left, a constant network warned
about, and the fit guard's memory.
"""

import subprocess
import sys
import textwrap
import tracemalloc
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

callback = pytest.importorskip("sklearn.callback")

NON_FINITE = "Solver produced non-finite parameter weights"


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


# ----------------------------------------------------- 1: callback teardown
class _Recorder:
    """A FitCallback that counts setups and teardowns, and can raise."""

    def __init__(self, raise_after=None, exception=RuntimeError):
        self.raise_after, self.exception = raise_after, exception
        self.setups = self.teardowns = self.steps = 0

    def setup(self, estimator, context):
        self.setups += 1

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.parent is None:
            return False
        self.steps += 1
        if self.raise_after is not None and self.steps >= self.raise_after:
            raise self.exception("a callback fails")
        return False

    def teardown(self, estimator, context):
        self.teardowns += 1


@pytest.mark.parametrize(
    "solver, exception",
    [("lbfgs", RuntimeError), ("adam", RuntimeError), ("lbfgs", KeyboardInterrupt)],
)
def test_callbacks_are_torn_down_when_the_fit_raises(iris, solver, exception):
    """Ctrl-C in an lbfgs fit raises too (sgd and adam catch it and stop)."""
    X, y = iris
    recorder = _Recorder(raise_after=2, exception=exception)
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), solver=solver, max_iter=20, random_state=0
    ).set_callbacks(recorder)
    with pytest.raises(exception, match="a callback fails"):
        clf.fit(X, y)
    assert (recorder.setups, recorder.teardowns) == (1, 1)
    assert not hasattr(clf, "coefs_")  # the failed fit left nothing behind
    assert not hasattr(clf, "_callback_fit_ctx")  # scikit-learn cleaned up


def test_a_scoring_monitor_whose_scorer_raises_is_torn_down(iris):
    X, y = iris

    def failing_scorer(estimator, X, y):  # noqa: ARG001
        raise RuntimeError("the scorer fails")

    recorder = _Recorder()
    monitor = callback.ScoringMonitor(scoring=failing_scorer)
    clf = RegularizedMLPClassifier(hidden_layer_sizes=(4,), max_iter=5)
    clf.set_callbacks(monitor, recorder)
    with pytest.raises(RuntimeError, match="the scorer fails"):
        clf.fit(X, y)
    assert recorder.teardowns == 1


def test_a_failing_fit_with_a_progress_bar_lets_the_process_exit(tmp_path):
    """ProgressBar's monitor thread is not a daemon: without teardown it hangs."""
    pytest.importorskip("rich")
    script = tmp_path / "fail.py"
    script.write_text(
        textwrap.dedent(
            """
            from sklearn.callback import ProgressBar
            from sklearn.datasets import load_iris
            from skreg import RegularizedMLPClassifier

            class Fails:
                def setup(self, estimator, context): pass
                def on_fit_task_begin(self, estimator, context, **kw): pass
                def on_fit_task_end(self, estimator, context, **kw):
                    if context.parent is not None:
                        raise RuntimeError("a callback fails")
                def teardown(self, estimator, context): pass

            X, y = load_iris(return_X_y=True)
            clf = RegularizedMLPClassifier(hidden_layer_sizes=(4,), max_iter=5)
            clf.set_callbacks(ProgressBar(), Fails())
            try:
                clf.fit(X, y)
            except RuntimeError:
                print("raised")
            """
        )
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "raised" in result.stdout


# ------------------------------------------- 3: one diverging partial_fit batch
def _batches(X, y, n_batches, rows=64, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n_batches):
        rows_taken = rng.choice(X.shape[0], rows, replace=False)
        yield X[rows_taken], y[rows_taken]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_diverging_partial_fit_batch_leaves_the_optimizer_sound(diabetes, solver):
    X, y = diabetes
    lr = 0.01 if solver == "sgd" else 0.005
    models = [
        RegularizedMLPRegressor(
            hidden_layer_sizes=(16,),
            solver=solver,
            learning_rate_init=lr,
            random_state=0,
        )
        for _ in range(2)
    ]
    clean, hit = models
    batches = list(_batches(X, y, 200))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for model in models:
            model.partial_fit(*batches[0])
        weights = [W.copy() for W in hit.coefs_]
        state = [a.copy() for a in hit._optimizer.state_arrays()]
        hit.partial_fit(batches[1][0], np.full(64, 1e200))  # one absurd target
        assert all((a == b).all() for a, b in zip(hit.coefs_, weights, strict=True))
        restored = hit._optimizer.state_arrays()
        assert all((a == b).all() for a, b in zip(restored, state, strict=True))
        for batch in batches[1:]:
            for model in models:
                model.partial_fit(*batch)
    diverged = [w for w in caught if "diverged" in str(w.message)]
    assert len(diverged) == 1  # the bad batch only (before: one per later batch)
    assert all(np.isfinite(a).all() for a in hit._optimizer.state_arrays())
    # each call is one batch, so the shuffles the bad call drew change nothing
    assert hit.score(X, y) == pytest.approx(clean.score(X, y), abs=1e-6)


# ------------------------------------ 4: divergence before any finite epoch
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_divergence_in_the_first_epoch_is_an_error(solver):
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    model = RegularizedMLPRegressor(solver=solver, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not a warning with an untrained model
        with pytest.raises(ValueError, match=NON_FINITE):
            model.fit(X, y)
        if solver != "lbfgs":
            with pytest.raises(ValueError, match=NON_FINITE):
                model.partial_fit(X, y)
    assert not hasattr(model, "coefs_")


def test_divergence_after_progress_keeps_the_model(diabetes):
    X, y = diabetes
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), solver="sgd", max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    weights = [W.copy() for W in model.coefs_]
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.partial_fit(X, np.full_like(y, 1e200))
    assert all((a == b).all() for a, b in zip(model.coefs_, weights, strict=True))


# ------------------------------------------------------- 8: sample weights
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
@pytest.mark.parametrize(
    "weights, message",
    [(-1.0, "Negative values in data passed to"), (0.0, "at least one non-zero")],
)
def test_negative_or_zero_sum_weights_are_rejected(iris, solver, weights, message):
    X, y = iris
    model = RegularizedMLPClassifier(hidden_layer_sizes=(4,), solver=solver)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y, sample_weight=np.full(len(y), weights))
    assert not hasattr(model, "coefs_")


def test_partial_fit_rejects_a_chunk_of_zero_weight(iris):
    X, y = iris
    model = RegularizedMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    model.partial_fit(X, y, classes=np.unique(y))
    with pytest.raises(ValueError, match="at least one non-zero"):
        model.partial_fit(X[:10], y[:10], sample_weight=np.zeros(10))


def test_class_weights_that_zero_every_sample_are_rejected(iris):
    X, y = iris
    model = RegularizedMLPClassifier(class_weight={0: 0.0, 1: 0.0, 2: 0.0})
    with pytest.raises(ValueError, match="sum to zero"):
        model.fit(X, y)


# --------------------------------------------- 9: early stopping, small data
@pytest.mark.parametrize(
    "y",
    [
        np.r_[np.zeros(20), np.ones(19), 2],  # a class with one member
        np.repeat(np.arange(10), 6),  # 60 samples of 10 classes
    ],
    ids=["one-member class", "60 samples 10 classes"],
)
def test_early_stopping_on_small_multiclass_data_fits(y):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((len(y), 3))
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), early_stopping=True, max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_


def test_early_stopping_stays_stratified_when_it_can(iris):
    X, y = iris
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), early_stopping=True, validation_fraction=0.2,
        random_state=0,
    )  # fmt: skip
    Y = model.fit(X, y)._label_binarizer.transform(y)
    labels = model._stratify_labels(Y, 0.2)
    assert_array_equal(labels, y)  # iris: 50 of each class, stratified


def test_binary_early_stopping_raises_scikit_learns_error():
    with pytest.raises(
        ValueError, match=r"Classes with too few members are: \['True'\]"
    ):
        RegularizedMLPClassifier(early_stopping=True).fit(
            [[1, 2], [2, 3], [3, 4], [4, 5]], [0, 0, 0, 1]
        )


# ----------------------------------------- 10: random stream across calls
def test_partial_fit_continues_the_random_stream_of_an_int_seed(iris):
    """An int random_state draws like a RandomState object: no re-seeding per call.

    With an int every call used to re-seed, so each call shuffled the rows the
    same way and gave each sample the same dropout mask; a RandomState object
    (not re-seeded) already continued its stream.
    """
    X, y = iris
    params = dict(hidden_layer_sizes=(8,), dropout=0.5, batch_size=32)
    seeded = RegularizedMLPClassifier(**params, random_state=0)
    streamed = RegularizedMLPClassifier(**params, random_state=np.random.RandomState(0))
    for model in (seeded, streamed):
        model.partial_fit(X, y, classes=np.unique(y))
        for _ in range(3):
            model.partial_fit(X, y)
    for a, b in zip(seeded.coefs_, streamed.coefs_, strict=True):
        assert_array_equal(a, b)


def test_the_same_partial_fit_calls_give_the_same_model(iris):
    X, y = iris
    models = [
        RegularizedMLPClassifier(hidden_layer_sizes=(8,), dropout=0.3, random_state=0)
        for _ in range(2)
    ]
    for model in models:
        model.partial_fit(X, y, classes=np.unique(y))
        for _ in range(3):
            model.partial_fit(X, y)
    for a, b in zip(models[0].coefs_, models[1].coefs_, strict=True):
        assert_array_equal(a, b)


# ------------------------------------------------ 11: compact with no input
def test_compact_refuses_to_drop_every_feature(iris):
    X, y = iris
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), solver="lbfgs", random_state=0
    ).fit(X, y)
    model.coefs_[0][:] = 0.0  # no input feature reaches the network
    with pytest.raises(ValueError, match="would keep no input feature"):
        model.compact(drop_features=True)
    assert model.compact().n_features_in_ == X.shape[1]


# -------------------------------------------------- a constant network
def test_a_fit_that_empties_a_layer_says_so(iris):
    X, y = iris
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver="adam", penalty="group_lasso", alpha=300.0,
        learning_rate_init=0.05, max_iter=50, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    assert not model.coefs_[0].any()
    messages = [
        str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)
    ]
    assert any("predicts a constant" in m and "smaller alpha" in m for m in messages)


# ------------------------------------------ 13: the fit guard's memory
def test_partial_fit_does_not_copy_the_whole_model():
    """A small partial_fit call on a large network allocates little beyond a batch.

    Deep-copying the model to undo a failure allocated the weights, the best
    weights and Adam's state arrays again on every call: 8.6 times the
    parameters' bytes at the peak.  What a call needs is the gradient, one
    checkpoint of the weights and Adam's two moments (to undo a diverged or
    failed call) and scratch for the weight decay: 5.6 times.
    """
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((64, 400)), rng.integers(0, 5, 64)
    model = RegularizedMLPClassifier(hidden_layer_sizes=(512, 256), random_state=0)
    model.partial_fit(X, y, classes=np.arange(5))
    n_params = model.coefs_[0].base.size  # coefs_ and intercepts_ view it
    tracemalloc.start()
    model.partial_fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 6 * 8 * n_params
