"""The report of the penalty study: its text, ranked table and figures.

Each figure is drawn by a ``draw_*`` function on an empty matplotlib Figure.
With dropout candidates the table and ``results.csv`` get a ``dropout``
column and each (penalty, dropout rate) pair is a series of its own, e.g.
``"l2+dropout 0.5"``.  Nothing here prints.
"""

import math

import numpy as np

from .._utils.plotting import mark_empty_networks
from . import study as penalty_study
from .report import FigureSpec, Report, Table, finish_axes

SCORE_FIGURE = "score_vs_alpha.png"
GAP_FIGURE = "generalization_gap.png"
SPARSITY_FIGURE = "sparsity_vs_alpha.png"
TRADE_OFF_FIGURE = "score_vs_zero_weights.png"
LOSS_FIGURE = "loss_curve.png"
FIGURE_NAMES = (
    SCORE_FIGURE, GAP_FIGURE, SPARSITY_FIGURE, TRADE_OFF_FIGURE, LOSS_FIGURE,
)  # fmt: skip

# R^2 has no lower bound: below this the score axes are cut.
_LOWEST_R2_SHOWN = -1.0
# Colors of the dropout series, one per rate.
_DROPOUT_COLORS = ("C5", "C6", "C8", "C9")
# The estimators' names end with the task's.
_KIND = {"classification": "Classifier", "regression": "Regressor"}
_LINES_SHOWN = 8


def penalty_name(penalty):
    """Return the name of a penalty as shown: ``"none"`` for None."""
    return "none" if penalty is None else penalty


def series_name(penalty, dropout=0.0):
    """Return the name of a series of candidates, e.g. ``"l2+dropout 0.5"``."""
    name = penalty_name(penalty)
    return f"{name}+dropout {dropout:g}" if dropout else name


def _metric_label(metric):
    """The metric as a plot label (mathtext for R^2)."""
    return "$R^2$" if metric == "R^2" else metric


def _number(value):
    text = f"{value:.3f}"
    return f"{0.0:.3f}" if float(text) == 0 else text  # no "-0.000"


# ------------------------------------------------------------------ text
def _solver_text(penalties, dropouts):
    """The solver settings, each followed by the penalties that use them."""
    settings = [(penalty_name(p), penalty_study.mlp_params(p)) for p in penalties]
    if penalty_study.dropout_penalties(penalties, dropouts):
        settings.append(("dropout", penalty_study.mlp_params(None, max(dropouts))))
    groups = {}
    for name, params in settings:
        del params["hidden_layer_sizes"]
        text = ", ".join(f"{key}={value!r}" for key, value in params.items())
        groups.setdefault(text, []).append(name)
    return "; ".join(f"{text} for {', '.join(names)}" for text, names in groups.items())


def _grid_text(alphas, penalties, dropouts):
    """The grid: penalties x alphas, then the dropout candidates if any."""
    grid = penalty_study.candidates(alphas, penalties, dropouts)
    n_dropout = sum(1 for *_, dropout in grid if dropout)
    text = (
        f"penalty in {', '.join(penalty_name(p) for p in penalties)} x alpha in "
        f"{', '.join(f'{a:g}' for a in alphas)} ({len(grid) - n_dropout} candidates)"
    )
    kept = penalty_study.dropout_penalties(penalties, dropouts)
    if not kept:
        return text
    return (
        f"{text} + dropout in {', '.join(f'{d:g}' for d in dropouts)} for "
        f"{' and '.join(penalty_name(p) for p in kept)} ({n_dropout} candidates)"
    )


def _lines_text(lines):
    """E.g. "lines 4, 9" or "line 4" (the first ones, then "...")."""
    shown = ", ".join(map(str, lines[:_LINES_SHOWN]))
    more = ", ..." if len(lines) > _LINES_SHOWN else ""
    return f"line{'s' if len(lines) > 1 else ''} {shown}{more}"


def describe_data(dataset):
    """The lines on the data: its size, the rows left out, each column's treatment."""
    lines = [f"data: {dataset.describe()}"]
    if dataset.reading_note:  # guesses (delimiter, decimal commas) are said
        lines.append(f"file format: {dataset.reading_note}")
    dropped = dataset.dropped_lines
    if dropped:
        rows = f"{len(dropped)} row{'s' if len(dropped) > 1 else ''}"
        lines.append(f"rows left out: {rows} without a value of "
                     f"'{dataset.target_name}' ({_lines_text(dropped)})")  # fmt: skip
    plan = dataset.preprocessing
    if plan is not None:
        lines.append(
            f"preprocessing, fitted on all {len(dataset.y)} rows in the pipeline "
            "before the CV estimator (the held-out folds enter its statistics, "
            "never the target):"
        )
        lines += [f"  {line}" for line in plan.summary()]
    return lines


def _inputs_text(plan):
    """The pipeline's first step, as shown: StandardScaler unless more is done."""
    if plan is None or not (plan.categorical or any(c.n_missing for c in plan.columns)):
        return "StandardScaler"
    return "ColumnTransformer (imputation, OneHotEncoder, StandardScaler)"


def describe_settings(dataset, alphas, penalties, cv, dropouts=()):
    """Return the lines describing the data, the models and the grid of a study."""
    hidden = penalty_study.NETWORK_PARAMS["hidden_layer_sizes"]
    model = (
        f"{_inputs_text(dataset.preprocessing)} + RegularizedMLP{_KIND[dataset.task]}"
    )
    if dataset.task == "regression":
        model += " (on the standardized target)"
    folds = "stratified " if dataset.task == "classification" else ""
    return [
        *describe_data(dataset),
        f"model: {model}, hidden_layer_sizes={hidden}; "
        f"{_solver_text(penalties, dropouts)}",
        f"grid: {_grid_text(alphas, penalties, dropouts)}; {cv}-fold shuffled "
        f"{folds}cross-validation of the {dataset.metric}, each fold fitted along "
        f"the alphas with warm starts (RegularizedMLP{_KIND[dataset.task]}CV)",
    ]


COLUMN_LEGEND = (
    "CV score: mean and std of the held-out score over the folds; train: mean "
    "training score; gap: train - CV; zeros: fraction of the weights that are "
    "exactly 0; fit: mean seconds per fit along a fold's warm-started path"
)


def _choice_text(row, metric):
    """E.g. "penalty=l2, alpha=1: CV R^2 0.500 (std 0.100)" (no alpha for none)."""
    alpha = "" if row.penalty is None else f", alpha={row.alpha:g}"
    dropout = f", dropout={row.dropout:g}" if row.dropout else ""
    return (
        f"penalty={penalty_name(row.penalty)}{alpha}{dropout}: "
        f"CV {metric} {row.test_mean:.3f} (std {row.test_std:.3f})"
    )


def describe_choices(result):
    """Return the lines on the best and the one-standard-error candidates."""
    best, one_se = result.best_row, result.one_se_row
    metric = result.dataset.metric
    return [
        f"best: {_choice_text(best, metric)}, train {best.train_mean:.3f}, "
        f"{best.zero_fraction:.0%} zero weights",
        f"one-standard-error rule: {_choice_text(one_se, metric)}, "
        f"{one_se.zero_fraction:.0%} zero weights",
        *_grid_end_note(best, result.alphas),
    ]


def _grid_end_note(best, alphas):
    """A line when the best alpha is an end of the grid (the CV estimators warn)."""
    inside = min(alphas) < best.alpha < max(alphas)
    if best.penalty is None or len(alphas) < 2 or inside:
        return []
    end = "smaller" if best.alpha == min(alphas) else "larger"
    return [f"the best alpha is at the {end} end of the grid: a {end} alpha may score "
            "better; give --alphas that reach past it"]  # fmt: skip


def study_table(result):
    """Return the ranked table of a study: one row per candidate, best first."""
    dropout = [("dropout", True)] if result.dropouts else []
    columns = (
        ("rank", True), ("penalty", False), ("alpha", True), *dropout,
        (f"CV {result.dataset.metric}", True), ("train", True), ("gap", True),
        ("zeros", True), ("fit (s)", True),
    )  # fmt: skip
    rows = tuple(
        (
            str(rank),
            penalty_name(row.penalty),
            "-" if row.penalty is None else f"{row.alpha:g}",
            *([f"{row.dropout:g}" if row.dropout else "-"] if dropout else []),
            f"{_number(row.test_mean)} ± {_number(row.test_std)}",
            _number(row.train_mean),
            _number(row.gap),
            _number(row.zero_fraction),
            f"{row.fit_time:.2f}",
        )
        for rank, row in enumerate(result.ranked, 1)
    )
    return Table(columns, rows)


def study_csv_records(result):
    """Return the rows of ``results.csv``: the ranked candidates, raw numbers."""
    return [
        {"rank": rank, "penalty": penalty_name(row.penalty), "alpha": row.alpha,
         **({"dropout": row.dropout} if result.dropouts else {}),
         "metric": result.dataset.metric, "cv_score_mean": row.test_mean,
         "cv_score_std": row.test_std, "train_score_mean": row.train_mean,
         "generalization_gap": row.gap, "zero_fraction": row.zero_fraction,
         "fit_time_s": row.fit_time}
        for rank, row in enumerate(result.ranked, 1)
    ]  # fmt: skip


# --------------------------------------------------------------- figures
def _series(result):
    """The rows of each (penalty, dropout) series, in grid order."""
    series = {}
    for row in result.rows:
        series.setdefault((row.penalty, row.dropout), []).append(row)
    return series


def _score_panels(result):
    """The series with a panel of the score figure: the penalized ones, if any."""
    keys = list(_series(result))
    return [key for key in keys if key[0] is not None] or keys


def _cut_low_r2(ax, metric):
    """R^2 has no lower bound: a hopeless candidate would flatten the others."""
    if metric == "R^2" and ax.get_ylim()[0] < _LOWEST_R2_SHOWN:
        ax.set_ylim(bottom=_LOWEST_R2_SHOWN)


def _draw_score_panel(ax, result, penalty, dropout):
    """One series, drawn by its CV estimator, with the unpenalized line."""
    best = result.best_row
    chosen = result.cv_estimators[best.penalty, best.dropout]
    if penalty is not None:
        search = result.cv_estimators[penalty, dropout]
        search.plot(
            ax, penalties=[penalty], score_type="both", mark_chosen=search is chosen
        )
    unpenalized = result.cv_estimators.get((None, dropout))
    if unpenalized is not None:  # in another CV estimator when another solver
        unpenalized.plot(ax, penalties=[None], mark_chosen=False)
    ax.set(title=series_name(penalty, dropout), xlabel="", ylabel="")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="x-small")


def draw_scores(figure, result):
    """Validation and training score against alpha, one panel per series."""
    panels = _score_panels(result)
    ncols = min(len(panels), 3)
    nrows = math.ceil(len(panels) / ncols)
    grid = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    axes = grid.ravel()
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    for ax, (penalty, dropout) in zip(axes, panels, strict=False):
        _draw_score_panel(ax, result, penalty, dropout)
    _cut_low_r2(axes[0], result.dataset.metric)  # the axes share their limits
    figure.supxlabel("alpha")
    figure.supylabel(_metric_label(result.dataset.metric))
    figure.subplots_adjust(
        left=0.08, right=0.98, bottom=0.1, top=0.93, wspace=0.08, hspace=0.25
    )


def _sparse_series(result):
    """The penalized series whose networks have some weights exactly zero."""
    return {
        key: rows
        for key, rows in _series(result).items()
        if key[0] is not None and any(row.zero_fraction > 0 for row in rows)
    }


def draw_trade_off(figure, result):
    """CV score against the fraction of zero weights along alpha, per sparse series."""
    ax = figure.subplots()
    for (penalty, dropout), rows in _sparse_series(result).items():
        shown = [row for row in rows if row.zero_fraction < 1]  # not empty
        zeros = [row.zero_fraction for row in shown]
        means = [row.test_mean for row in shown]
        (line,) = ax.plot(zeros, means, "o-", label=series_name(penalty, dropout))
        for row in shown:
            ax.annotate(f"{row.alpha:g}", (row.zero_fraction, row.test_mean),
                        textcoords="offset points", xytext=(3, 3),
                        fontsize="x-small", color=line.get_color())  # fmt: skip
    for row in _series(result).get((None, 0.0), []):
        ax.axhline(row.test_mean, color="gray", linestyle=":", label="no penalty")
    # An empty network (all weights zero) is the constant model, off the axis.
    empty = [row.zero_fraction for row in result.rows if row.zero_fraction == 1]
    mark_empty_networks(ax, empty)
    _cut_low_r2(ax, result.dataset.metric)
    finish_axes(ax, xlim=(-0.03, 1.03),
                xlabel="fraction of zero weights (mean over folds)",
                ylabel=f"CV {_metric_label(result.dataset.metric)}")  # fmt: skip


def _draw_per_penalty(ax, result, attribute, **labels):
    """One line per series against alpha; no penalty is a gray horizontal line."""
    # Dropout series: dashed, triangles, one color per rate (C0-C4 are the
    # penalties', C7 the gray of no penalty).
    rates = sorted(result.dropouts)
    for (penalty, dropout), rows in _series(result).items():
        values = [getattr(row, attribute) for row in rows]
        name = series_name(penalty, dropout)
        color = {"color": "gray"} if penalty is None else {}
        if dropout:
            rate = rates.index(dropout) % len(_DROPOUT_COLORS)
            color = {"color": _DROPOUT_COLORS[rate]}
        if penalty is None:
            ax.axhline(values[0], linestyle=":", label=name, **color)
        else:
            style = "^--" if dropout else "o-"
            ax.plot([row.alpha for row in rows], values, style, label=name, **color)
    finish_axes(ax, xscale="log", xlabel="alpha", **labels)


def draw_gap(figure, result):
    """Generalization gap (training minus CV score) against alpha."""
    ax = figure.subplots()
    metric = _metric_label(result.dataset.metric)
    _draw_per_penalty(ax, result, "gap", ylabel=f"training - CV {metric}")
    ax.axhline(0.0, color="black", linewidth=0.8)


def draw_sparsity(figure, result):
    """Fraction of exactly-zero weights against alpha, for each penalty."""
    _draw_per_penalty(
        figure.subplots(), result, "zero_fraction", ylim=(-0.03, 1.03),
        ylabel="fraction of zero weights (mean over folds)",
    )  # fmt: skip


def draw_loss_curves(figure, result):
    """Objective, data and penalty terms of the best model along its training.

    The curves run along the first fold's path up to the chosen alpha, and
    a line marks where the refit on all the data (which continues that
    path's network) starts.
    """
    mlp = penalty_study.final_mlp(result.best_estimator)
    ax = figure.subplots()
    steps = np.arange(1, len(mlp.loss_curve_) + 1)
    ax.plot(steps, mlp.loss_curve_, label="objective (loss_curve_)")
    if mlp.penalty_ is not None:
        ax.plot(steps, mlp.data_loss_curve_, "--", label="data term")
        ax.plot(steps, mlp.penalty_curve_, ":", label="penalty term")
    if mlp.n_iter_ < len(steps):
        ax.axvline(len(steps) - mlp.n_iter_ + 0.5, color="gray", linewidth=0.8,
                   label="the refit on all the data starts")  # fmt: skip
    curves = np.concatenate([mlp.loss_curve_, mlp.data_loss_curve_])
    if np.all(curves > 0) and np.all(np.asarray(mlp.penalty_curve_) >= 0):
        ax.set_yscale("log")
    unit = "iteration" if mlp.solver == "lbfgs" else "epoch"
    title = f"best model refitted on all the data: {_best_label(result)}"
    finish_axes(ax, xlabel=f"{unit} ({mlp.solver})", ylabel="loss", title=title)


def _best_label(result):
    row = result.best_row
    # words, not "alpha=1": the title font draws "=" heavier than the text
    dropout = f", dropout {row.dropout:g}" if row.dropout else ""
    if row.penalty is None:
        return f"no penalty{dropout}"
    return f"{row.penalty}, alpha {row.alpha:g}{dropout}"


def study_figures(result):
    """Return the figures of a study's report (the loss curves after a refit)."""
    n_panels = len(_score_panels(result))
    metric = result.dataset.metric
    series = "series" if result.dropouts else "penalty"
    size = (3.5 * min(n_panels, 3) + 1, 3.2 * math.ceil(n_panels / 3) + 0.8)
    # fmt: off
    figures = [
        FigureSpec(SCORE_FIGURE, f"validation {metric} (mean and std over the folds) "
                   f"and training {metric} against alpha, one panel per {series}",
                   draw_scores, result, size),
        FigureSpec(GAP_FIGURE, "generalization gap (training minus validation "
                   f"{metric}) against alpha", draw_gap, result),
        FigureSpec(SPARSITY_FIGURE, "fraction of the weights that are exactly zero "
                   "against alpha", draw_sparsity, result),
    ]
    if _sparse_series(result):
        figures.append(FigureSpec(TRADE_OFF_FIGURE, f"validation {metric} against "
            "the fraction of zero weights, for the penalties that zero weights "
            "(labels: alpha)", draw_trade_off, result))
    if result.best_estimator is not None:
        figures.append(FigureSpec(LOSS_FIGURE, "loss curves of the best model "
            f"({_best_label(result)}) refitted on all the data",
            draw_loss_curves, result))
    # fmt: on
    return figures


def study_report(result, run_time):
    """Return the report of a study that took ``run_time`` (as printed)."""
    settings = describe_settings(
        result.dataset, result.alphas, result.penalties, result.cv, result.dropouts
    )
    return Report(
        f"skreg penalty study: {result.dataset.name}",
        settings,
        [*describe_choices(result), COLUMN_LEGEND],
        study_table(result),
        study_csv_records(result),
        study_figures(result),
        run_time,
    )
