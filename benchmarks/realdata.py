"""Six models on real tabular data sets, through the same preprocessing.

Every model is fitted on the same outer splits of every set of
``realdata_sets.py`` (3 random 75/25 splits, stratified for classification,
seed 0), inside the same pipeline: :func:`skreg._utils.tabular.tabular_preprocessing`
(median imputation and standardisation of numeric columns, most-frequent
imputation and one-hot encoding of categorical ones), fitted on the training
part only; regression targets are standardised on the training part
(``TransformedTargetRegressor``).  The score is R^2 for regression and
accuracy for classification, on the test part.

The models (``--models`` takes the keys):

- ``mlp``: scikit-learn's MLPClassifier/MLPRegressor, (100,), max_iter=500;
- ``mlp_grid``: the same in GridSearchCV over alpha in logspace(-4, 2, 7), cv=3;
- ``skreg_cv``: RegularizedMLPClassifierCV/RegressorCV with its defaults, cv=3;
- ``skreg_evidence``: RegularizedMLPClassifier/Regressor, alpha="evidence", lbfgs;
- ``linear_cv``: RidgeCV over logspace(-3, 3, 13) / LogisticRegressionCV, cv=3;
- ``hgb``: HistGradientBoostingClassifier/Regressor with its defaults.

Each fit runs in its own process (``--n-jobs`` at a time, BLAS and OpenMP
sharing the cores between them), killed after ``--timeout`` seconds: a fit
that raises, runs out of time or of memory is recorded as failed with its
message, and once a model has run out of time on a set its other splits of
that set are skipped.  Warnings are counted per fit.

``python benchmarks/realdata.py`` prints the tables; ``--write`` also saves
the raw results (``benchmarks/results/realdata.json``, merged with the
results there for the models not rerun), the figure
(``docs/images/realdata.png``) and the tables into ``benchmarks/RESULTS.md``
and ``docs/realdata.rst`` between their markers.  ``--report`` rebuilds the
tables and figure from the saved results without fitting.  ``--quick`` is a
smoke run of about a minute: three small sets, one split, max_iter=100.
"""

import argparse
import json
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import time
import warnings
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import wait
from pathlib import Path

import numpy as np
import realdata_sets as sets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS_JSON = ROOT / "benchmarks" / "results" / "realdata.json"
RESULTS_MD = ROOT / "benchmarks" / "RESULTS.md"
DOCS_PAGE = ROOT / "docs" / "realdata.rst"
FIGURE = ROOT / "docs" / "images" / "realdata.png"
MD_MARKERS = ("<!-- realdata:begin -->", "<!-- realdata:end -->")
RST_MARKERS = (".. realdata-results-begin", ".. realdata-results-end")

MODELS = {
    "mlp": "MLP",
    "mlp_grid": "MLP+GridSearchCV",
    "skreg_cv": "skreg CV",
    "skreg_evidence": "skreg evidence",
    "linear_cv": "RidgeCV/LogisticRegressionCV",
    "hgb": "HistGradientBoosting",
}
BASELINE = "mlp_grid"  # the times are also given relative to this model
GRID_ALPHAS = np.logspace(-4, 2, 7)
RIDGE_ALPHAS = np.logspace(-3, 3, 13)
INNER_FOLDS = 3
HIDDEN = (100,)
TEST_SIZE = 0.25
SPLIT_SEED = 0
NOT_AVAILABLE = "–"  # an en dash: a lone "-" in an rst table cell is a bullet
QUICK_SETS = ("teaching_ratings", "penguins", "diabetes")
PRELOADED = [
    "numpy",
    "scipy",
    "sklearn.compose",
    "sklearn.ensemble",
    "sklearn.linear_model",
    "sklearn.model_selection",
    "sklearn.neural_network",
    "skreg",
]


# -- the models ------------------------------------------------------------------


def _network(key, task, max_iter, hidden):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    from skreg import (
        RegularizedMLPClassifier,
        RegularizedMLPClassifierCV,
        RegularizedMLPRegressor,
        RegularizedMLPRegressorCV,
    )

    classify = task == sets.CLASSIFICATION
    common = {"hidden_layer_sizes": hidden, "max_iter": max_iter, "random_state": 0}
    if key in ("mlp", "mlp_grid"):
        return (MLPClassifier if classify else MLPRegressor)(**common)
    if key == "skreg_cv":
        cls = RegularizedMLPClassifierCV if classify else RegularizedMLPRegressorCV
        return cls(cv=INNER_FOLDS, **common)
    cls = RegularizedMLPClassifier if classify else RegularizedMLPRegressor
    return cls(alpha="evidence", solver="lbfgs", **common)


def _model(key, task, max_iter, hidden=HIDDEN):
    """The unfitted model of ``key`` (without preprocessing)."""
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
    )
    from sklearn.linear_model import LogisticRegressionCV, RidgeCV

    classify = task == sets.CLASSIFICATION
    if key == "linear_cv":
        if not classify:
            return RidgeCV(alphas=RIDGE_ALPHAS)
        # today's behaviour, stated so that scikit-learn 1.9 does not warn
        quiet = {
            "l1_ratios": (0.0,),
            "scoring": "accuracy",
            "use_legacy_attributes": False,
        }
        known = LogisticRegressionCV._get_param_names()
        quiet = {name: value for name, value in quiet.items() if name in known}
        return LogisticRegressionCV(cv=INNER_FOLDS, **quiet)
    if key == "hgb":
        cls = (
            HistGradientBoostingClassifier
            if classify
            else HistGradientBoostingRegressor
        )
        return cls(random_state=0)
    return _network(key, task, max_iter, hidden)


def make_estimator(key, task, transformer, max_iter, hidden=HIDDEN):
    """Preprocessing, model and (regression) target scaling, as one estimator.

    ``mlp_grid`` wraps the whole of it in the grid search, so that every
    inner fold refits the preprocessing on its own training part.
    """
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = Pipeline(
        [("preprocess", transformer), ("model", _model(key, task, max_iter, hidden))]
    )
    prefix = ""
    if task == sets.REGRESSION:
        pipe = TransformedTargetRegressor(regressor=pipe, transformer=StandardScaler())
        prefix = "regressor__"
    if key != "mlp_grid":
        return pipe
    grid = {f"{prefix}model__alpha": GRID_ALPHAS}
    return GridSearchCV(pipe, grid, cv=INNER_FOLDS)


def _chosen(estimator):
    """The regularization strength the model chose (for the raw results)."""
    if hasattr(estimator, "best_params_"):
        return {"alpha": float(next(iter(estimator.best_params_.values())))}
    fitted = getattr(estimator, "regressor_", estimator)[-1]
    for name in ("alpha_", "C_"):
        if hasattr(fitted, name):
            return {name.rstrip("_"): np.ravel(getattr(fitted, name)).tolist()}
    return {}


# -- one fit, in its own process ------------------------------------------------


@dataclass
class Job:
    """One fit: a model on one split of one set."""

    dataset: str
    model: str
    split: int
    task: str
    data: tuple  # X, y, columns, categorical
    train: np.ndarray
    test: np.ndarray
    max_iter: int
    threads: int
    memory_bytes: int | None
    hidden: tuple = HIDDEN


def _limit_resources(job):
    from threadpoolctl import threadpool_limits

    if job.memory_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (job.memory_bytes, job.memory_bytes))
    return threadpool_limits(limits=job.threads)


def fit_and_score(job):
    """Fit the job's model on its training part and score it on its test part.

    Returns
    -------
    result : dict
        ``score``, ``fit_time`` (s), ``warnings`` (count per category) and
        ``chosen`` (the strength the model chose).
    """
    from skreg._utils.tabular import tabular_preprocessing

    X, y, columns, categorical = job.data
    plan = tabular_preprocessing(X[job.train], columns, categorical=categorical)
    estimator = make_estimator(
        job.model, job.task, plan.transformer, job.max_iter, job.hidden
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        estimator.fit(X[job.train], y[job.train])
        fit_time = time.perf_counter() - start
        score = estimator.score(X[job.test], y[job.test])
        train_score = estimator.score(X[job.train], y[job.train])
    counts = Counter(w.category.__name__ for w in caught)
    messages = {}
    for w in caught:
        messages.setdefault(w.category.__name__, str(w.message).splitlines()[0][:200])
    return {
        "score": float(score),
        "train_score": float(train_score),
        "fit_time": fit_time,
        "warnings": dict(counts),
        "warning_messages": messages,
        "chosen": _chosen(estimator),
    }


def _child(connection, job):
    try:
        with _limit_resources(job):
            result = {"status": "ok", **fit_and_score(job)}
    except BaseException as error:  # noqa: BLE001 - reported, not raised
        message = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        result = {"status": "failed", "error": message}
    connection.send(result)
    connection.close()


@dataclass
class _Running:
    job: Job
    process: multiprocessing.Process
    connection: object
    deadline: float
    started: float = field(default_factory=time.perf_counter)


def _start(context, job, timeout):
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, job), daemon=True)
    process.start()
    send.close()
    return _Running(job, process, receive, time.perf_counter() + timeout)


def _stop(process, grace=5.0):
    """End a fit's process: wait ``grace`` seconds, then terminate, then kill."""
    process.join(grace)
    if process.is_alive():
        process.terminate()
        process.join(5)
    if process.is_alive():
        process.kill()
        process.join()


def _outcome(running, timeout):
    """The result of a running fit, or None while it runs."""
    result = None
    if running.connection.poll():
        try:
            result = running.connection.recv()
        except EOFError:
            pass
    elif running.process.is_alive():
        if time.perf_counter() <= running.deadline:
            return None
        _stop(running.process, grace=0.0)
        result = {"status": "timeout", "error": f"no result after {timeout:g} s"}
    _stop(running.process)
    running.connection.close()
    if result is None:
        code = running.process.exitcode
        result = {"status": "failed", "error": f"the fit's process died (exit {code})"}
    return result


def _skipped(job, timed_out):
    if (job.dataset, job.model) not in timed_out:
        return None
    split = timed_out[job.dataset, job.model]
    return {"status": "skipped", "error": f"timed out on split {split}"}


def run_jobs(jobs, n_jobs, timeout, report):
    """Run the jobs, ``n_jobs`` processes at a time; ``report(job, result)``."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)
    pending, running, timed_out = deque(jobs), [], {}
    while pending or running:
        while pending and len(running) < n_jobs:
            job = pending.popleft()
            skipped = _skipped(job, timed_out)
            if skipped:
                report(job, skipped)
            else:
                running.append(_start(context, job, timeout))
        waits = [r.connection for r in running] + [r.process.sentinel for r in running]
        next_deadline = min(r.deadline for r in running) - time.perf_counter()
        wait(waits, timeout=max(0.01, next_deadline))
        for item in list(running):
            result = _outcome(item, timeout)
            if result is None:
                continue
            running.remove(item)
            if result["status"] == "timeout":
                timed_out.setdefault((item.job.dataset, item.job.model), item.job.split)
            report(item.job, result)


# -- the run ---------------------------------------------------------------------


def outer_splits(data, n_splits):
    """The train/test index pairs every model of a set is fitted on."""
    from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

    splitter = (
        StratifiedShuffleSplit if data.task == sets.CLASSIFICATION else ShuffleSplit
    )
    cv = splitter(n_splits=n_splits, test_size=TEST_SIZE, random_state=SPLIT_SEED)
    return list(cv.split(data.X, data.y))


def _jobs(loaded, models, options):
    threads = options.threads
    memory = int(options.memory_limit_gb * 2**30) if options.memory_limit_gb else None
    for data in loaded:
        table = (data.X, data.y, data.columns, data.categorical)
        for split, (train, test) in enumerate(outer_splits(data, options.splits)):
            for model in models:
                yield Job(
                    data.name,
                    model,
                    split,
                    data.task,
                    table,
                    train,
                    test,
                    options.max_iter,
                    threads,
                    memory,
                    options.hidden,
                )


def _git_commit():
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def _progress(total, records, commit):
    def report(job, result):
        record = {
            "dataset": job.dataset,
            "model": job.model,
            "split": job.split,
            "commit": commit,
            "date": date.today().isoformat(),
            **result,
        }
        records.append(record)
        if result["status"] == "ok":
            text = f"score {result['score']:.3f}, {result['fit_time']:.1f} s"
        else:
            text = f"{result['status']}: {result['error']}"
        name = f"{job.dataset} split {job.split} {MODELS[job.model]}"
        print(f"[{len(records):>4}/{total}] {name}: {text}", flush=True)

    return report


def run(options):
    """Fit every model on every split of every set; the records and set table."""
    loaded = [sets.load(name) for name in options.datasets]
    jobs = list(_jobs(loaded, options.models, options))
    records = []
    start = time.perf_counter()
    report = _progress(len(jobs), records, _git_commit())
    run_jobs(jobs, options.n_jobs, options.timeout, report)
    print(f"{len(jobs)} fits in {time.perf_counter() - start:.0f} s", flush=True)
    properties = {data.name: data.properties() for data in loaded}
    return records, properties


# -- the tables ------------------------------------------------------------------


@dataclass
class Results:
    """The records of the fits, the properties of the sets and the run options."""

    records: list
    properties: dict
    options: dict
    machine: dict = field(default_factory=dict)

    @property
    def datasets(self):
        """The sets with records, regression first, in the order of the specs."""
        present = {r["dataset"] for r in self.records}
        return [s.name for s in sets.SPECS if s.name in present]

    @property
    def models(self):
        """The models with records, in the order of MODELS."""
        present = {r["model"] for r in self.records}
        return [m for m in MODELS if m in present]

    def runs(self, dataset, model):
        """The records of one set and model, by split."""
        found = [
            r for r in self.records if r["dataset"] == dataset and r["model"] == model
        ]
        return sorted(found, key=lambda r: r["split"])

    def metric(self, dataset):
        """ "accuracy" or "R²" (str)."""
        task = self.properties[dataset]["task"]
        return "accuracy" if task == sets.CLASSIFICATION else "R²"


def _matrix(results, value):
    """``value(runs)`` for every (set, model), NaN where it is None."""
    out = np.full((len(results.datasets), len(results.models)), np.nan)
    for i, name in enumerate(results.datasets):
        for j, model in enumerate(results.models):
            number = value(results.runs(name, model))
            out[i, j] = np.nan if number is None else number
    return out


def mean_scores(results):
    """Mean score per (set, model); NaN unless every split succeeded."""

    def score(runs):
        if runs and all(r["status"] == "ok" for r in runs):
            return np.mean([r["score"] for r in runs])
        return None

    return _matrix(results, score)


def mean_times(results):
    """Mean fit time per (set, model) over the successful splits."""

    def seconds(runs):
        ok = [r["fit_time"] for r in runs if r["status"] == "ok"]
        return np.mean(ok) if ok else None

    return _matrix(results, seconds)


def ranks(scores):
    """Rank of every model per set, 1 the best; a failed model ranks last."""
    from scipy.stats import rankdata

    filled = np.where(np.isnan(scores), -np.inf, scores)
    return np.vstack([rankdata(-row, method="average") for row in filled])


_STATUS_WORDS = {"failed": "failed", "timeout": "timed out", "skipped": "skipped"}


def _score_cell(runs, best):
    if not runs:
        return NOT_AVAILABLE
    bad = [r for r in runs if r["status"] != "ok"]
    if bad:
        words = [
            word
            for status, word in _STATUS_WORDS.items()
            if any(r["status"] == status for r in bad)
        ]
        return f"{len(bad)}/{len(runs)} {' or '.join(words)}"
    values = np.array([r["score"] for r in runs])
    text = f"{values.mean():.3f} ± {values.std():.3f}"
    return f"**{text}**" if np.isclose(values.mean(), best) else text


def score_table(results):
    """Mean ± std of the score over the splits; the best per set in bold."""
    scores = mean_scores(results)
    header = ["set", "score"] + [MODELS[m] for m in results.models]
    rows = []
    for i, name in enumerate(results.datasets):
        best = np.nanmax(scores[i]) if np.isfinite(scores[i]).any() else np.nan
        cells = [_score_cell(results.runs(name, m), best) for m in results.models]
        rows.append([name, results.metric(name), *cells])
    return header, rows


def _seconds(value):
    if np.isnan(value):
        return NOT_AVAILABLE
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def time_table(results):
    """Mean fit time (s) over the successful splits of every set and model."""
    times = mean_times(results)
    header = ["set"] + [MODELS[m] for m in results.models]
    rows = [
        [name] + [_seconds(t) for t in row]
        for name, row in zip(results.datasets, times, strict=True)
    ]
    return header, rows


def _time_ratio(times, models, j):
    """Geometric mean over the sets of model j's time over the baseline's."""
    if BASELINE not in models:
        return np.nan
    ratio = times[:, j] / times[:, models.index(BASELINE)]
    ratio = ratio[np.isfinite(ratio)]
    return float(np.exp(np.log(ratio).mean())) if ratio.size else np.nan


def _wins(scores):
    """Per model, the sets where its mean score is the best (ties count)."""
    filled = np.where(np.isnan(scores), -np.inf, scores)
    best = filled.max(axis=1, keepdims=True)
    return (np.isclose(filled, best) & np.isfinite(filled)).sum(axis=0)


def _mean_or_nan(column):
    return np.nanmean(column) if np.isfinite(column).any() else np.nan


def _summary_row(results, j, ranked, times, wins):
    model = results.models[j]
    runs = [r for name in results.datasets for r in results.runs(name, model)]
    failed = sum(r["status"] != "ok" for r in runs)
    warned = sum(bool(r.get("warnings")) for r in runs)
    ratio = _time_ratio(times, results.models, j)
    everywhere, finished = ranked
    return [
        MODELS[model],
        f"{everywhere[:, j].mean():.2f}",
        NOT_AVAILABLE if not finished.size else f"{finished[:, j].mean():.2f}",
        str(int(wins[j])),
        f"{failed}/{len(runs)}",
        f"{warned}/{len(runs)}",
        _seconds(_mean_or_nan(times[:, j])),
        NOT_AVAILABLE if np.isnan(ratio) else f"{ratio:.2f}",
    ]


def summary_table(results):
    """Mean ranks, wins, failures, warnings and relative time of every model.

    The second mean rank is over the sets on which every model has a score.
    """
    scores, times = mean_scores(results), mean_times(results)
    complete = scores[np.isfinite(scores).all(axis=1)]
    ranked = (ranks(scores), ranks(complete) if complete.size else complete)
    header = ["model", "mean rank", f"mean rank, {len(complete)} sets all finished"]
    header += ["wins", "failed fits", "fits with warnings", "mean fit time (s)"]
    header.append(f"time / {MODELS[BASELINE]}")
    wins = _wins(scores)
    rows = [
        _summary_row(results, j, ranked, times, wins)
        for j in range(len(results.models))
    ]
    return header, rows


def sets_table(results):
    """Source, task, target, rows, columns, categoricals and missing cells."""
    header = [
        "set",
        "source",
        "task",
        "target",
        "rows",
        "columns",
        "categorical",
        "missing cells",
    ]
    rows = []
    for name in results.datasets:
        p = results.properties[name]
        task = p["task"] if p["classes"] is None else f"{p['classes']} classes"
        rows.append(
            [
                name,
                p["source"],
                task,
                p["target"],
                str(p["rows"]),
                str(p["columns"]),
                str(p["categorical"]),
                str(p["missing_cells"]),
            ]
        )
    return header, rows


def _message_kind(error):
    """The start of a failure message, numbers masked, to group similar ones."""
    return re.sub(r"[-+]?\d+(\.\d+)?(e[-+]?\d+)?", "#", error)[:100]


def failure_lines(results):
    """One line per model and kind of failure: its count, sets and a message."""
    where = {}
    for r in results.records:
        if r["status"] != "ok":
            key = (r["model"], r["status"], _message_kind(r["error"]))
            where.setdefault(key, []).append(r)
    order = list(MODELS)
    lines = []
    for key in sorted(where, key=lambda k: (order.index(k[0]), k[1], k[2])):
        found = where[key]
        names = sorted({r["dataset"] for r in found})
        message = found[0]["error"]
        message = message if len(message) <= 160 else message[:157] + "..."
        lines.append(
            f"{MODELS[key[0]]}, {_STATUS_WORDS[key[1]]} x{len(found)} "
            f"({', '.join(names)}): {message}"
        )
    return lines


def warning_lines(results):
    """The warning categories each model raised, with their counts."""
    lines = []
    for model in results.models:
        total = Counter()
        for r in results.records:
            if r["model"] == model:
                total.update(r.get("warnings") or {})
        if total:
            counts = ", ".join(f"{name} x{n}" for name, n in total.most_common())
            lines.append(f"{MODELS[model]}: {counts}")
    return lines


# -- the report: Markdown for RESULTS.md, reStructuredText for the docs ------------


def markdown_table(header, rows):
    """A GitHub Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def rst_table(header, rows):
    """A reStructuredText list-table."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return "\n".join(lines)


def _run_lines(results):
    """Which runs the records come from: date, commit, models, settings."""
    groups = {}
    for r in results.records:
        settings = (r.get("n_jobs"), r.get("threads"), r.get("timeout"))
        groups.setdefault((r["date"], r["commit"], settings), set()).add(r["model"])
    lines = []
    for (day, commit, (n_jobs, threads, timeout)), models in sorted(groups.items()):
        names = ", ".join(MODELS[m] for m in MODELS if m in models)
        lines.append(
            f"{day}, commit `{commit}`, {n_jobs} fit(s) at a time with {threads} "
            f"thread(s) each, timeout {timeout:g} s: {names}"
        )
    return lines


def _protocol(results):
    options, machine = results.options, results.machine
    return (
        f"{len(results.datasets)} sets, {options['splits']} outer split(s) "
        f"({1 - TEST_SIZE:.0%}/{TEST_SIZE:.0%}, seed {SPLIT_SEED}, the same for "
        f"every model), networks {tuple(options.get('hidden', HIDDEN))} with "
        f"max_iter={options['max_iter']}; "
        "preprocessing fitted on the training part (median imputation and "
        "standardisation of numeric columns, most-frequent imputation and "
        "one-hot encoding of categorical ones), regression targets "
        "standardised on the training part. Score: R² (regression), "
        "accuracy (classification) on the test part. Machine: "
        f"{machine.get('cpus')} cores, numpy {machine.get('numpy')}, "
        f"scikit-learn {machine.get('sklearn')}."
    )


def report_blocks(results):
    """The report as (kind, content) blocks, rendered to Markdown or rst."""
    blocks = [
        (
            "text",
            "Command: `python benchmarks/realdata.py --write` (with the "
            "settings below). Records from:",
        ),
        ("list", _run_lines(results)),
        ("text", _protocol(results)),
        ("heading", "The data sets"),
        ("table", sets_table(results)),
        ("heading", "Scores (mean ± std over the splits; best per set in bold)"),
        ("table", score_table(results)),
        ("heading", "Fit time (s, mean over the successful splits)"),
        ("table", time_table(results)),
        ("heading", "Summary"),
        ("text", SUMMARY_NOTE),
        ("table", summary_table(results)),
    ]
    failures, warned = failure_lines(results), warning_lines(results)
    if failures:
        blocks += [("text", "Failed fits:"), ("list", failures)]
    if warned:
        blocks += [("text", "Warnings raised during the fits:"), ("list", warned)]
    return blocks


SUMMARY_NOTE = (
    "The rank of a model on a set orders the mean scores (1 the best, ties "
    "shared); a model with a failed, timed-out or skipped split ranks last on "
    "that set; the second mean rank is over the sets where every model has "
    "a score. Wins count the sets where a model has the best mean score "
    "(a tie is a win for each). The time ratio is the geometric mean over "
    "the sets of the model's fit time over "
    f"{MODELS[BASELINE]}'s."
)


def render(blocks, style, heading_level=3):
    """The blocks as Markdown (``style="md"``) or reStructuredText ("rst")."""
    parts = []
    for kind, content in blocks:
        if kind == "heading" and style == "md":
            parts.append("#" * heading_level + " " + content)
        elif kind == "heading":
            parts.append(content + "\n" + "~" * len(content))
        elif kind == "table":
            parts.append((markdown_table if style == "md" else rst_table)(*content))
        elif kind == "list":
            parts.append("\n".join(f"- {line}" for line in content))
        else:
            parts.append(content)
    return "\n\n".join(parts) + "\n"


def replace_between(text, markers, body):
    """``text`` with what lies between the two markers replaced by ``body``.

    Without the markers, they and the body are appended.
    """
    begin, end = markers
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        return f"{head}{begin}\n{body}{end}{tail}"
    return f"{text.rstrip()}\n\n{begin}\n{body}{end}\n"


def write_reports(results):
    """The tables into RESULTS.md and the docs page, and the figure."""
    blocks = report_blocks(results)
    title = f"## Real data: {len(results.models)} models on {len(results.datasets)} "
    markdown = title + "tabular sets (issue 25)\n\n" + render(blocks, "md")
    rst = "\n" + render(blocks, "rst") + "\n"
    for path, markers, body in [
        (RESULTS_MD, MD_MARKERS, markdown),
        (DOCS_PAGE, RST_MARKERS, rst),
    ]:
        if path.exists():
            path.write_text(replace_between(path.read_text(), markers, body))
            print(f"wrote {path}")
        else:
            print(f"{path} does not exist: not written")
    plot(results, FIGURE)
    print(f"wrote {FIGURE}")


# -- the figure ------------------------------------------------------------------

_MARKERS = {
    "mlp": "o",
    "mlp_grid": "s",
    "skreg_cv": "D",
    "skreg_evidence": "^",
    "linear_cv": "v",
    "hgb": "P",
}
SCORE_FLOOR = -0.25  # scores further below the best are drawn at the floor
FAILED_AT = -0.29  # where a failed model's cross is drawn


def _plot_panel(ax, values, results, failed_at):
    rows = np.arange(len(results.datasets))
    for j, model in enumerate(results.models):
        offset = (j - (len(results.models) - 1) / 2) * 0.1
        ok = np.isfinite(values[:, j])
        ax.scatter(
            values[ok, j],
            rows[ok] + offset,
            marker=_MARKERS[model],
            label=MODELS[model],
            s=28,
            zorder=3,
        )
        if failed_at is not None and (~ok).any():
            ax.scatter(
                np.full((~ok).sum(), failed_at),
                rows[~ok] + offset,
                marker="x",
                color="0.3",
                s=20,
                zorder=3,
            )
    labels = [f"{n} ({results.metric(n)})" for n in results.datasets]
    ax.set_yticks(rows, labels)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.3)


def plot(results, path):
    """Score below the best and fit time, per set and model (a PNG file)."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores, times = mean_scores(results), mean_times(results)
    best = np.nanmax(np.where(np.isnan(scores), -np.inf, scores), axis=1)
    below = np.maximum(scores - best[:, None], SCORE_FLOOR)
    height = 1.8 + 0.3 * len(results.datasets)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, height), sharey=True)
    _plot_panel(left, below, results, failed_at=FAILED_AT)
    ticks = np.arange(SCORE_FLOOR, 0.01, 0.05)
    left.set_xticks(
        [FAILED_AT, *ticks], ["failed", *(f"{t + 0.0:.2f}" for t in ticks.round(2))]
    )
    left.axvline(SCORE_FLOOR, color="0.6", lw=0.8, ls=":")
    left.set_xlabel(f"score - best score on the set (floor {SCORE_FLOOR})")
    _plot_panel(right, times, results, failed_at=None)
    if np.isfinite(times).any():
        right.set_xscale("log")
        right.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    right.set_xlabel("mean fit time (s)")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.7 / height, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


# -- saving, merging, the command line ---------------------------------------------

# Records of an earlier run can be merged with a new one when these agree.
_COMPARABLE = ("splits", "max_iter", "test_size", "split_seed")


def _machine():
    import sklearn

    return {
        "cpus": os.cpu_count(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "python": platform.python_version(),
    }


def load_results(path=RESULTS_JSON):
    """The saved results (``Results``), or None without a file."""
    if not path.exists():
        return None
    saved = json.loads(path.read_text())
    return Results(
        saved["records"],
        saved["properties"],
        saved["options"],
        saved.get("machine", {}),
    )


def merge(old, new):
    """``new`` plus the records of ``old`` for the (set, model) pairs not rerun."""
    if old is None or any(old.options.get(k) != new.options[k] for k in _COMPARABLE):
        return new
    rerun = {(r["dataset"], r["model"]) for r in new.records}
    kept = [r for r in old.records if (r["dataset"], r["model"]) not in rerun]
    properties = {**old.properties, **new.properties}
    return Results(kept + new.records, properties, new.options, new.machine)


def save_results(results, path=RESULTS_JSON):
    """Write the results as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = {
        "options": results.options,
        "machine": results.machine,
        "properties": results.properties,
        "records": results.records,
    }
    path.write_text(json.dumps(saved, indent=1) + "\n")
    print(f"wrote {path}")


def _names(text, known, what):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(
            f"unknown {what}: {', '.join(unknown)}; known: {', '.join(known)}"
        )
    return names


def _default_memory_gb(n_jobs):
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return round(0.75 * total / max(1, n_jobs), 1)


def parse_options(argv=None):
    """The command line's options, with --quick's defaults applied."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--datasets", help="comma-separated names (default: all)")
    parser.add_argument("--models", help=f"comma-separated: {', '.join(MODELS)}")
    parser.add_argument("--splits", type=int, help="outer splits (default 3)")
    parser.add_argument("--max-iter", type=int, help="for the networks (500)")
    parser.add_argument(
        "--hidden",
        default=",".join(map(str, HIDDEN)),
        help="hidden layer widths of the networks, e.g. 256 or 100,100 (100); "
        "the saved results are of the default, so other widths are not written",
    )
    parser.add_argument("--timeout", type=float, help="seconds per fit (300)")
    parser.add_argument("--n-jobs", type=int, default=1, help="fits at a time")
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS/OpenMP threads per fit (1)"
    )
    parser.add_argument(
        "--memory-limit-gb",
        type=float,
        help="address space per fit (default 3/4 of RAM / n_jobs)",
    )
    parser.add_argument(
        "--write", action="store_true", help="save results, tables and figure"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="rebuild the tables from the saved results, no fits",
    )
    return _resolved(parser.parse_args(argv), parser)


def _resolved(options, parser):
    quick = options.quick
    if quick and options.write:
        parser.error("--quick is a smoke run: its results are not written")
    try:
        options.hidden = tuple(int(width) for width in options.hidden.split(","))
    except ValueError:
        parser.error(f"--hidden takes comma-separated widths, got {options.hidden!r}")
    if options.hidden != HIDDEN and options.write:
        parser.error(f"the saved results are of {HIDDEN} networks: --hidden "
                     f"{options.hidden} prints its tables only")  # fmt: skip
    names = [s.name for s in sets.SPECS]
    default_sets = ",".join(QUICK_SETS if quick else names)
    options.datasets = _names(options.datasets or default_sets, names, "data sets")
    options.models = _names(options.models or ",".join(MODELS), list(MODELS), "models")
    defaults = {"splits": (1, 3), "max_iter": (100, 500), "timeout": (60.0, 300.0)}
    for name, (short, full) in defaults.items():
        if getattr(options, name) is None:
            setattr(options, name, short if quick else full)
    if options.memory_limit_gb is None:
        options.memory_limit_gb = _default_memory_gb(options.n_jobs)
    return options


def _run_options(options):
    return {
        "splits": options.splits,
        "max_iter": options.max_iter,
        "hidden": list(options.hidden),
        "test_size": TEST_SIZE,
        "split_seed": SPLIT_SEED,
    }


def main(argv=None):
    """Run the benchmark (or rebuild its report) and print the tables."""
    options = parse_options(argv)
    if options.report:
        results = load_results()
        if results is None:
            raise SystemExit(f"no saved results at {RESULTS_JSON}")
    else:
        records, properties = run(options)
        for record in records:
            record.update(
                n_jobs=options.n_jobs, threads=options.threads, timeout=options.timeout
            )
        results = Results(records, properties, _run_options(options), _machine())
    print(render(report_blocks(results), "md"))
    if options.write:
        if not options.report:
            results = merge(load_results(), results)
            save_results(results)
        write_reports(results)


if __name__ == "__main__":
    main()
