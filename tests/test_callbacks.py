"""scikit-learn's callback API (sklearn.callback, new in 1.9)."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import PolynomialCapacity, RegularizedMLPClassifier

callback = pytest.importorskip("sklearn.callback")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _scores(monitor):
    """Scores of the leaf tasks: the epochs or iterations."""
    frame = monitor.get_logs().data_as_pandas
    depth = frame["task_id_path"].map(len)
    return frame[depth == depth.max()]["accuracy"].to_numpy()


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_scoring_monitor_records_a_score_per_epoch(iris_standardized, solver):
    X, y = iris_standardized
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver=solver, max_iter=6, random_state=0
    )
    clf.set_callbacks(monitor).fit(X, y)
    scores = _scores(monitor)
    assert len(scores) == clf.n_iter_
    assert scores[-1] == pytest.approx(clf.score(X, y))  # the last step's model


class _StopAfter:
    """A minimal FitCallback that asks the fit to stop after a few steps."""

    def __init__(self, steps):
        self.steps, self.seen = steps, 0

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.parent is None:
            return False
        self.seen += 1
        return self.seen >= self.steps

    def teardown(self, estimator, context):
        pass


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_callback_can_stop_the_fit(iris_standardized, solver):
    X, y = iris_standardized
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver=solver, max_iter=50, random_state=0
    )
    clf.set_callbacks(_StopAfter(3)).fit(X, y)
    assert clf.n_iter_ == 3


def test_progress_bar_for_a_fit_and_a_grid_search(iris_standardized, capsys):  # noqa: ARG001
    # capsys keeps the progress bars off the terminal, also under pytest -s
    pytest.importorskip("rich")
    X, y = iris_standardized
    clf = RegularizedMLPClassifier(hidden_layer_sizes=(4,), max_iter=5)
    clf.set_callbacks(callback.ProgressBar()).fit(X, y)
    search = GridSearchCV(
        RegularizedMLPClassifier(hidden_layer_sizes=(4,), max_iter=5),
        {"alpha": [0.1, 1.0]},
        cv=2,
    )
    search.set_callbacks(callback.ProgressBar()).fit(X, y)
    assert len(search.cv_results_["params"]) == 2


def test_callbacks_in_a_pipeline_and_polynomial_capacity(iris_standardized):
    X, y = iris_standardized
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = RegularizedMLPClassifier(hidden_layer_sizes=(4,), max_iter=4, random_state=0)
    pipe = make_pipeline(StandardScaler(), clf.set_callbacks(monitor)).fit(X, y)
    assert len(_scores(monitor)) == pipe[-1].n_iter_
    poly_monitor = callback.ScoringMonitor(scoring="r2")
    x = np.linspace(-1, 1, 30)[:, None]
    PolynomialCapacity(3).set_callbacks(poly_monitor).fit(x, x.ravel() ** 3)
    assert poly_monitor.get_logs().data_as_pandas["r2"].iloc[-1] == pytest.approx(1.0)


def test_no_callbacks_means_no_callback_context(iris_standardized):
    X, y = iris_standardized
    clf = RegularizedMLPClassifier(hidden_layer_sizes=(4,), max_iter=3).fit(X, y)
    assert not hasattr(clf, "_skl_callbacks")
    assert not hasattr(clf, "_callback_fit_ctx")


def test_callback_plumbing_is_not_copied_when_a_fit_is_guarded(
    iris_standardized, monkeypatch
):
    """A grid search's callback context reaches each fit by reference."""
    import copy

    X, y = iris_standardized
    copied = []
    real_deepcopy = copy.deepcopy

    def deepcopy(value, *args, **kwargs):
        copied.append(type(value).__name__)
        return real_deepcopy(value, *args, **kwargs)

    monkeypatch.setattr(copy, "deepcopy", deepcopy)
    monitor = callback.ScoringMonitor(scoring="accuracy")
    search = GridSearchCV(
        RegularizedMLPClassifier((4,), max_iter=2, random_state=0),
        {"alpha": [0.1, 1.0]},
        cv=2,
    )
    search.set_callbacks(monitor)
    search.fit(X, y)
    assert "CallbackContext" not in copied


# --------------------------------------------------- teardown when a fit fails
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
def test_callbacks_are_torn_down_when_the_fit_raises(
    iris_standardized, solver, exception
):
    """Ctrl-C in an lbfgs fit raises too (sgd and adam catch it and stop)."""
    X, y = iris_standardized
    recorder = _Recorder(raise_after=2, exception=exception)
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), solver=solver, max_iter=20, random_state=0
    ).set_callbacks(recorder)
    with pytest.raises(exception, match="a callback fails"):
        clf.fit(X, y)
    assert (recorder.setups, recorder.teardowns) == (1, 1)
    assert not hasattr(clf, "coefs_")  # the failed fit left nothing behind
    assert not hasattr(clf, "_callback_fit_ctx")  # scikit-learn cleaned up


def test_a_scoring_monitor_whose_scorer_raises_is_torn_down(iris_standardized):
    X, y = iris_standardized

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
