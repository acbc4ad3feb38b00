"""The report of the penalty study: its text, table and figures.

Builds a :class:`~skreg._report.Report` from a
:class:`~skreg._cli.study.StudyResult`: the ranked table (also printed by the
command line), the raw numbers, and four figures: validation and training
score against alpha for each penalty, the generalization gap, the fraction of
zero weights, and the loss curves of the best model.  Nothing here prints.

When the study has dropout candidates (``StudyResult.dropouts``), the table
and ``results.csv`` get a ``dropout`` column ("-" and 0 for the candidates
without dropout) and each (penalty, dropout rate) pair is its own series in
the figures, e.g. ``"l2+dropout 0.5"``; without dropout the report is as
before.
"""

import math

import numpy as np

from . import study as penalty_study
from .report import FigureSpec, Report, Table

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
# Colors of the dropout series, one per rate (C0-C4 are the penalties, C7 gray).
_DROPOUT_COLORS = ("C5", "C6", "C8", "C9")


def penalty_name(penalty):
    """Return the name of a penalty as shown: ``"none"`` for None."""
    return "none" if penalty is None else penalty


def series_name(penalty, dropout=0.0):
    """Return the name of a series of candidates, e.g. ``"l2+dropout 0.5"``.

    Parameters
    ----------
    penalty : str or None
        The penalty of the series.
    dropout : float, default=0.0
        Its dropout rate (0: no dropout, the name of the penalty alone).

    Returns
    -------
    name : str
    """
    name = penalty_name(penalty)
    return f"{name}+dropout {dropout:g}" if dropout else name


def _alpha_text(row):
    return "-" if row.penalty is None else f"{row.alpha:g}"


def _dropout_text(row):
    return f"{row.dropout:g}" if row.dropout else "-"


def _metric_label(metric):
    """The metric as a plot label (mathtext for R^2)."""
    return "$R^2$" if metric == "R^2" else metric


def _number(value):
    text = f"{value:.3f}"
    return f"{0.0:.3f}" if float(text) == 0 else text  # no "-0.000"


# ------------------------------------------------------------------ text
def _model_text(task):
    if task == "classification":
        return "StandardScaler + RegularizedMLPClassifier"
    return "StandardScaler + RegularizedMLPRegressor (on the standardized target)"


def _params_text(penalty, dropout=0.0):
    params = penalty_study.mlp_params(penalty, dropout)
    del params["hidden_layer_sizes"]
    return ", ".join(f"{key}={value!r}" for key, value in params.items())


def _dropout_penalties(penalties, dropouts):
    """The penalties of the grid that get dropout candidates (none without rates)."""
    if not dropouts:
        return []
    return [p for p in penalties if p in penalty_study.DROPOUT_PENALTIES]


def _solver_text(penalties, dropouts):
    groups = {}
    for penalty in penalties:
        groups.setdefault(_params_text(penalty), []).append(penalty_name(penalty))
    if _dropout_penalties(penalties, dropouts):
        groups.setdefault(_params_text(None, max(dropouts)), []).append("dropout")
    return "; ".join(f"{text} for {', '.join(names)}" for text, names in groups.items())


def _dropout_grid_text(alphas, penalties, dropouts):
    """The dropout part of the grid line ("" without dropout candidates)."""
    kept = _dropout_penalties(penalties, dropouts)
    if not kept:
        return ""
    n_candidates = len(penalty_study.dropout_grid(alphas, penalties, dropouts))
    return (
        f" + dropout in {', '.join(f'{d:g}' for d in dropouts)} for "
        f"{' and '.join(penalty_name(p) for p in kept)} ({n_candidates} candidates)"
    )


def describe_settings(dataset, alphas, penalties, cv, dropouts=()):
    """Return lines describing the data, the models and the grid.

    Parameters
    ----------
    dataset : Dataset
        The data of the study.
    alphas : sequence of float
        Strengths tried for every penalty other than None.
    penalties : sequence of str or None
        Penalties tried.
    cv : int
        Number of folds.
    dropouts : sequence of float, default=()
        Dropout rates of the extra candidates (none by default).

    Returns
    -------
    lines : list of str
    """
    hidden = penalty_study.NETWORK_PARAMS["hidden_layer_sizes"]
    n_candidates = len(penalty_study.study_grid(alphas, penalties))
    folds = "stratified " if dataset.task == "classification" else ""
    return [
        f"data: {dataset.describe()}",
        f"model: {_model_text(dataset.task)}, hidden_layer_sizes={hidden}; "
        f"{_solver_text(penalties, dropouts)}",
        f"grid: penalty in {', '.join(penalty_name(p) for p in penalties)} x "
        f"alpha in {', '.join(f'{a:g}' for a in alphas)} ({n_candidates} "
        f"candidates){_dropout_grid_text(alphas, penalties, dropouts)}; "
        f"{cv}-fold shuffled {folds}cross-validation of the {dataset.metric}, "
        f"each fold fitted along the alphas with warm starts "
        f"({_cv_estimator_name(dataset.task)})",
    ]


def _cv_estimator_name(task):
    if task == "classification":
        return "RegularizedMLPClassifierCV"
    return "RegularizedMLPRegressorCV"


COLUMN_LEGEND = (
    "CV score: mean and std of the held-out score over the folds; train: mean "
    "training score; gap: train - CV; zeros: fraction of the weights that are "
    "exactly 0; fit: mean seconds per fit along a fold's warm-started path"
)


def describe_best(result):
    """Return one line on the best candidate of a study.

    Parameters
    ----------
    result : StudyResult
        The study.

    Returns
    -------
    line : str
    """
    row = result.best_row
    alpha = "" if row.penalty is None else f", alpha={row.alpha:g}"
    alpha += f", dropout={row.dropout:g}" if row.dropout else ""
    return (
        f"best: penalty={penalty_name(row.penalty)}{alpha}: CV "
        f"{result.dataset.metric} {row.test_mean:.3f} (std {row.test_std:.3f}), "
        f"train {row.train_mean:.3f}, {row.zero_fraction:.0%} zero weights"
    )


def describe_one_se(result):
    """Return one line on the one-standard-error choice of a study.

    Parameters
    ----------
    result : StudyResult
        The study.

    Returns
    -------
    line : str
        The largest alpha of the best penalty whose CV score is within one
        standard error of the best (the best itself without a penalty).
    """
    row = result.one_se_row
    alpha = "" if row.penalty is None else f", alpha={row.alpha:g}"
    alpha += f", dropout={row.dropout:g}" if row.dropout else ""
    return (
        f"one-standard-error rule: penalty={penalty_name(row.penalty)}{alpha}: "
        f"CV {result.dataset.metric} {row.test_mean:.3f} "
        f"(std {row.test_std:.3f}), {row.zero_fraction:.0%} zero weights"
    )


def study_table(result, plus_minus="±"):
    """Return the ranked table of a study.

    Parameters
    ----------
    result : StudyResult
        The study.
    plus_minus : str, default="±"
        Separator of the mean and standard deviation of the CV score.

    Returns
    -------
    table : Table
        One row per candidate, from the best CV score to the worst: rank,
        penalty, alpha, dropout rate ("-" for none; only when the study has
        dropout candidates), CV score and its std, training score,
        generalization gap, fraction of zero weights and mean fit time per
        fold.
    """
    columns = (
        ("rank", True), ("penalty", False), ("alpha", True), ("dropout", True),
        (f"CV {result.dataset.metric}", True), ("train", True), ("gap", True),
        ("zeros", True), ("fit (s)", True),
    )  # fmt: skip
    rows = tuple(
        (
            str(rank),
            penalty_name(row.penalty),
            _alpha_text(row),
            _dropout_text(row),
            f"{_number(row.test_mean)} {plus_minus} {_number(row.test_std)}",
            _number(row.train_mean),
            _number(row.gap),
            _number(row.zero_fraction),
            f"{row.fit_time:.2f}",
        )
        for rank, row in enumerate(result.ranked, 1)
    )
    return _without_dropout_column(Table(columns, rows), result)


# The position of the dropout column in the table and in results.csv.
_DROPOUT_COLUMN = 3


def _without_dropout_column(table, result):
    """``table`` itself, or without its dropout column when there is no dropout."""
    if result.dropouts:
        return table
    j = _DROPOUT_COLUMN
    return Table(
        table.columns[:j] + table.columns[j + 1 :],
        tuple(row[:j] + row[j + 1 :] for row in table.rows),
    )


CSV_HEADER = [
    "rank", "penalty", "alpha", "metric", "cv_score_mean", "cv_score_std",
    "train_score_mean", "generalization_gap", "zero_fraction", "fit_time_s",
]  # fmt: skip


def study_csv_header(result):
    """Return the header of ``results.csv``: :data:`CSV_HEADER`, plus "dropout".

    Parameters
    ----------
    result : StudyResult
        The study; "dropout" follows "alpha" when it has dropout candidates.

    Returns
    -------
    header : list of str
    """
    if not result.dropouts:
        return list(CSV_HEADER)
    return [*CSV_HEADER[:_DROPOUT_COLUMN], "dropout", *CSV_HEADER[_DROPOUT_COLUMN:]]


def study_csv_rows(result):
    """Return the rows of ``results.csv``: the ranked candidates, raw numbers."""
    dropout = [[row.dropout] if result.dropouts else [] for row in result.ranked]
    return [
        [
            rank,
            penalty_name(row.penalty),
            row.alpha,
            *extra,
            result.dataset.metric,
            row.test_mean,
            row.test_std,
            row.train_mean,
            row.gap,
            row.zero_fraction,
            row.fit_time,
        ]
        for rank, (row, extra) in enumerate(zip(result.ranked, dropout, strict=True), 1)
    ]


# --------------------------------------------------------------- figures
def _series_keys(result):
    """The (penalty, dropout) pairs of the rows, each a series, in grid order."""
    return list(dict.fromkeys((row.penalty, row.dropout) for row in result.rows))


def _rows_of(result, penalty, dropout=0.0):
    key = (penalty, dropout)
    return [row for row in result.rows if (row.penalty, row.dropout) == key]


def _series(rows, name):
    return np.array([getattr(row, name) for row in rows], dtype=float)


def _baseline(result, dropout=0.0):
    """The row of the unpenalized model with this dropout rate, or None."""
    rows = _rows_of(result, None, dropout)
    return rows[0] if rows else None


def _score_panels(result):
    """The series with a panel of the score figure: the penalized ones, if any."""
    keys = _series_keys(result)
    penalized = [key for key in keys if key[0] is not None]
    return penalized or keys or [(None, 0.0)]


def _is_empty(row):
    """Whether the candidate's networks were all zero: the constant model."""
    return row.zero_fraction >= 1.0


def _score_limits(result, with_training=True):
    """y limits that fit the scores of the networks that are not empty.

    A penalty strong enough to zero every weight leaves the constant model
    (accuracy of the majority class, R^2 = 0), far below the others: scaled
    to it, the differences that matter flatten.  Those candidates are drawn
    on the bottom edge instead (see :func:`_mark_empty`).
    """
    rows = [row for row in result.rows if not _is_empty(row)] or result.rows
    if with_training:  # the bands of one std and the training scores too
        low = min(min(r.test_mean - r.test_std, r.train_mean) for r in rows)
        high = max(max(r.test_mean + r.test_std, r.train_mean) for r in rows)
    else:
        low = min(r.test_mean for r in rows)
        high = max(r.test_mean for r in rows)
    if result.dataset.metric == "R^2":
        low = max(low, _LOWEST_R2_SHOWN)
    margin = 0.05 * (high - low) or 0.05
    return low - margin, high + margin


def _mark_empty(ax, rows, x_name, bottom):
    """Empty networks, off the zoomed axis, as triangles on its bottom edge."""
    empty = [row for row in rows if _is_empty(row)]
    if empty:
        ax.plot([getattr(row, x_name) for row in empty], [bottom] * len(empty),
                "v", color="gray", clip_on=False,
                label="empty network (constant model)")  # fmt: skip


def _panel_axes(figure, n_panels):
    ncols = min(n_panels, 3)
    nrows = math.ceil(n_panels / ncols)
    axes = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    for ax in axes.ravel()[n_panels:]:
        ax.set_visible(False)
    return axes.ravel()[:n_panels]


def _draw_score_panel(ax, result, penalty, dropout, limits):
    rows = [r for r in _rows_of(result, penalty, dropout) if not _is_empty(r)]
    alphas, mean = _series(rows, "alpha"), _series(rows, "test_mean")
    std = _series(rows, "test_std")
    ax.errorbar(alphas, mean, yerr=std, fmt="o-", capsize=3, label="validation (CV)")
    ax.plot(alphas, _series(rows, "train_mean"), "s--", label="training")
    _mark_empty(ax, _rows_of(result, penalty, dropout), "alpha", limits[0])
    best = result.best_row
    if (best.penalty, best.dropout) == (penalty, dropout):
        ax.plot([best.alpha], [best.test_mean], "k*", markersize=14, label="best")


def draw_scores(figure, result):
    """Validation and training score against alpha, one panel per series.

    A series is a penalty, or a penalty with a dropout rate; the unpenalized
    model with the same dropout rate is a horizontal line in each panel.

    Parameters
    ----------
    figure : matplotlib Figure
        Where to draw.
    result : StudyResult
        The study.
    """
    panels = _score_panels(result)
    limits = _score_limits(result)
    for ax, (penalty, dropout) in zip(
        _panel_axes(figure, len(panels)), panels, strict=True
    ):
        if penalty is not None:
            _draw_score_panel(ax, result, penalty, dropout, limits)
        baseline = _baseline(result, dropout)
        if baseline is not None:
            ax.axhline(baseline.test_mean, color="gray", linestyle=":",
                       label="no penalty (CV)")  # fmt: skip
        ax.set_xscale("log")
        ax.set_title(series_name(penalty, dropout))
        ax.grid(alpha=0.3)
        ax.set_ylim(*limits)
    _legend_of_all_panels(figure)
    figure.supxlabel("alpha")
    figure.supylabel(_metric_label(result.dataset.metric))
    figure.subplots_adjust(
        left=0.08, right=0.98, bottom=0.1, top=0.93, wspace=0.08, hspace=0.25
    )


def _legend_of_all_panels(figure):
    """One legend, in the first panel, naming what any panel draws."""
    handles = {}
    for ax in figure.axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    figure.axes[0].legend(handles.values(), handles.keys(), fontsize="small")


def _sparse_series(result):
    """The series whose penalty leaves some weights exactly zero."""
    return [
        (penalty, dropout)
        for penalty, dropout in _series_keys(result)
        if penalty is not None
        and any(row.zero_fraction > 0 for row in _rows_of(result, penalty, dropout))
    ]


def draw_trade_off(figure, result):
    """CV score against the fraction of zero weights, for the sparse penalties.

    Each line runs along alpha (annotated); the unpenalized model is a
    horizontal line.  How many weights can go before the score drops is the
    trade-off a sparse penalty offers.

    Parameters
    ----------
    figure : matplotlib Figure
        Where to draw.
    result : StudyResult
        The study.
    """
    ax = figure.subplots()
    limits = _score_limits(result, with_training=False)
    for penalty, dropout in _sparse_series(result):
        rows = [r for r in _rows_of(result, penalty, dropout) if not _is_empty(r)]
        zeros, mean = _series(rows, "zero_fraction"), _series(rows, "test_mean")
        (line,) = ax.plot(zeros, mean, "o-", label=series_name(penalty, dropout))
        for row in rows:
            ax.annotate(f"{row.alpha:g}", (row.zero_fraction, row.test_mean),
                        textcoords="offset points", xytext=(3, 3),
                        fontsize="x-small", color=line.get_color())  # fmt: skip
    baseline = _baseline(result)
    if baseline is not None:
        ax.axhline(baseline.test_mean, color="gray", linestyle=":",
                   label="no penalty")  # fmt: skip
    _mark_empty(ax, result.rows, "zero_fraction", limits[0])
    ax.set(xlim=(-0.03, 1.03), ylim=limits,
           xlabel="fraction of zero weights (mean over folds)",
           ylabel=f"CV {_metric_label(result.dataset.metric)}")  # fmt: skip
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")


def _series_color(result, penalty, dropout):
    """Gray for no penalty, one color per dropout rate, else matplotlib's cycle."""
    if dropout:
        rates = sorted({row.dropout for row in result.rows if row.dropout})
        return {"color": _DROPOUT_COLORS[rates.index(dropout) % len(_DROPOUT_COLORS)]}
    return {"color": "gray"} if penalty is None else {}


def _draw_per_penalty(ax, result, attribute):
    """One line per series; dashed with triangles for those with dropout."""
    for penalty, dropout in _series_keys(result):
        rows = _rows_of(result, penalty, dropout)
        values = _series(rows, attribute)
        name = series_name(penalty, dropout)
        color = _series_color(result, penalty, dropout)
        if penalty is None:
            ax.axhline(values[0], linestyle=":", label=name, **color)
        else:
            style = "^--" if dropout else "o-"
            ax.plot(_series(rows, "alpha"), values, style, label=name, **color)
    ax.set_xscale("log")
    ax.set_xlabel("alpha")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")


def draw_gap(figure, result):
    """Generalization gap (training minus CV score) against alpha.

    Parameters
    ----------
    figure : matplotlib Figure
        Where to draw.
    result : StudyResult
        The study.
    """
    ax = figure.subplots()
    _draw_per_penalty(ax, result, "gap")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_ylabel(f"training - CV {_metric_label(result.dataset.metric)}")


def draw_sparsity(figure, result):
    """Fraction of exactly-zero weights against alpha, for each penalty.

    Parameters
    ----------
    figure : matplotlib Figure
        Where to draw.
    result : StudyResult
        The study.
    """
    ax = figure.subplots()
    _draw_per_penalty(ax, result, "zero_fraction")
    ax.set_ylim(-0.03, 1.03)
    ax.set_ylabel("fraction of zero weights (mean over folds)")


def draw_loss_curves(figure, result):
    """Objective, data term and penalty term of the best model, per iteration.

    Parameters
    ----------
    figure : matplotlib Figure
        Where to draw.
    result : StudyResult
        The study; its ``best_estimator`` must be fitted.
    """
    mlp = penalty_study.final_mlp(result.best_estimator)
    ax = figure.subplots()
    steps = np.arange(1, len(mlp.loss_curve_) + 1)
    ax.plot(steps, mlp.loss_curve_, label="objective (loss_curve_)")
    if mlp.penalty is not None:
        ax.plot(steps, mlp.data_loss_curve_, "--", label="data term")
        ax.plot(steps, mlp.penalty_curve_, ":", label="penalty term")
    curves = np.concatenate([mlp.loss_curve_, mlp.data_loss_curve_])
    if np.all(curves > 0) and np.all(np.asarray(mlp.penalty_curve_) >= 0):
        ax.set_yscale("log")
    unit = "iteration" if mlp.solver == "lbfgs" else "epoch"
    ax.set(xlabel=f"{unit} ({mlp.solver})", ylabel="loss")
    ax.set_title(f"best model refitted on all the data: {_best_label(result)}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")


def _best_label(result):
    row = result.best_row
    # words, not "alpha=1": the title font draws "=" heavier than the text
    dropout = f", dropout {row.dropout:g}" if row.dropout else ""
    if row.penalty is None:
        return f"no penalty{dropout}"
    return f"{row.penalty}, alpha {row.alpha:g}{dropout}"


def _trade_off_figures(result):
    """The score against the zero weights, when some penalty zeroes weights."""
    if not _sparse_series(result):
        return []
    caption = (
        f"validation {result.dataset.metric} against the fraction of zero "
        "weights, for the penalties that zero weights (labels: alpha)"
    )
    return [FigureSpec(TRADE_OFF_FIGURE, caption, lambda f: draw_trade_off(f, result))]


def study_figures(result):
    """Return the figures of a study's report.

    Parameters
    ----------
    result : StudyResult
        The study.

    Returns
    -------
    figures : list of FigureSpec
        Score, gap and sparsity against alpha, and the loss curves of the best
        model when it was refitted.
    """
    n_panels = len(_score_panels(result))
    rows = math.ceil(n_panels / 3)
    metric = result.dataset.metric
    figures = [
        FigureSpec(
            SCORE_FIGURE,
            f"validation {metric} (mean and std over the folds) and training "
            f"{metric} against alpha, one panel per "
            f"{'series' if result.dropouts else 'penalty'}",
            lambda figure: draw_scores(figure, result),
            (3.5 * min(n_panels, 3) + 1, 3.2 * rows + 0.8),
        ),
        FigureSpec(
            GAP_FIGURE,
            f"generalization gap (training minus validation {metric}) against alpha",
            lambda figure: draw_gap(figure, result),
        ),
        FigureSpec(
            SPARSITY_FIGURE,
            "fraction of the weights that are exactly zero against alpha",
            lambda figure: draw_sparsity(figure, result),
        ),
    ]
    figures += _trade_off_figures(result)
    if result.best_estimator is not None:
        figures.append(
            FigureSpec(
                LOSS_FIGURE,
                f"loss curves of the best model ({_best_label(result)}) refitted "
                "on all the data",
                lambda figure: draw_loss_curves(figure, result),
            )
        )
    return figures


def study_report(result, extra_lines=()):
    """Return the report of a study.

    Parameters
    ----------
    result : StudyResult
        The study.
    extra_lines : sequence of str, default=()
        More lines for the summary (e.g. the run time).

    Returns
    -------
    report : Report
    """
    summary = describe_settings(
        result.dataset, result.alphas, result.penalties, result.cv, result.dropouts
    )
    summary += [describe_best(result), describe_one_se(result), COLUMN_LEGEND]
    summary += list(extra_lines)
    return Report(
        f"skreg penalty study: {result.dataset.name}",
        summary,
        study_table(result),
        study_csv_header(result),
        study_csv_rows(result),
        study_figures(result),
    )
