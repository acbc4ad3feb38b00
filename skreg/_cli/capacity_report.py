"""The report of the polynomial capacity study: its text, table and figures.

Training and validation errors by degree; each figure is drawn by a
``draw_*`` function on an empty matplotlib Figure.  Nothing here prints.
"""

import numpy as np

from .._utils.plotting import plot_mean_and_band
from .report import FigureSpec, Report, Table, finish_axes

ERROR_FIGURE = "error_vs_degree.png"
GAP_FIGURE = "generalization_gap.png"
FITS_FIGURE = "fitted_polynomials.png"
FIGURE_NAMES = (ERROR_FIGURE, GAP_FIGURE, FITS_FIGURE)

_GRID_POINTS = 400


def _error(value, decimals):
    return f"{value + 0.0:.{decimals}f}"  # + 0.0: no "-0"


def _decimals(*columns):
    """Return one number of decimals for a whole table.

    Three significant digits for its smallest non-zero entry, so that the
    numbers line up ("0.1250 ± 0.0372", not "0.125 ± 0.03722").
    """
    values = np.abs(np.concatenate([np.ravel(c) for c in columns]))
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return 3
    return int(np.clip(2 - np.floor(np.log10(values.min())), 0, 8))


# ------------------------------------------------------------------ text
def describe_choice(study):
    """Return the lines on the degrees chosen by a capacity study."""
    curve = study.curve
    lines = [
        f"best degree (lowest validation error): {curve.best_param_}",
        f"one-standard-error rule (lowest degree whose validation error is within "
        f"one standard error, {curve.standard_error_:.4g}, of the best): "
        f"{curve.one_se_param_}",
    ]
    if study.truth is not None:
        lines.append(f"true degree: {study.truth.true_degree}")
    return lines


def describe_settings(study):
    """Return the lines describing the data, the model and the folds."""
    truth, degrees = study.truth, study.degrees
    if truth is None:
        data = (
            f"{study.name}: {len(study.x)} rows, input '{study.feature}', "
            f"target '{study.target}'"
        )
    else:
        data = (
            f"{len(study.x)} points, x uniform on [-1, 1], y = a random polynomial "
            f"of degree {truth.true_degree} + Gaussian noise of std {truth.noise:g} "
            f"(noise variance {truth.noise**2:.4g})"
        )
    return [
        f"data: {data}",
        f"model: PolynomialCapacity(degree) (least squares, no penalty) for degree "
        f"= {degrees[0]}..{degrees[-1]}; {study.curve.n_folds}-fold shuffled "
        "cross-validation of the mean squared error (MSE)",
    ]


COLUMN_LEGEND = (
    "train MSE: mean over the folds; validation MSE: mean and std over the "
    "folds; gap: validation - train"
)


def _notes(study, degree):
    """Which of the best, the one-SE and the true degrees ``degree`` is."""
    noted = {"best": study.curve.best_param_, "one-SE": study.curve.one_se_param_}
    if study.truth is not None:
        noted["true"] = study.truth.true_degree
    return ", ".join(note for note, value in noted.items() if value == degree)


def capacity_table(study):
    """Return the table of a capacity study: one row per degree, with notes."""
    curve = study.curve
    columns = (
        ("degree", True), ("train MSE", True), ("validation MSE", True),
        ("gap", True), ("note", False),
    )  # fmt: skip
    d = _decimals(
        study.train_error, study.validation_error, curve.validation_scores_std,
        curve.gap,
    )  # fmt: skip
    rows = tuple(
        (
            str(degree),
            _error(study.train_error[i], d),
            f"{_error(study.validation_error[i], d)} ± "
            f"{_error(curve.validation_scores_std[i], d)}",
            _error(curve.gap[i], d),
            _notes(study, degree),
        )
        for i, degree in enumerate(study.degrees)
    )
    return Table(columns, rows)


def capacity_csv_records(study):
    """Return the rows of ``results.csv``: one per degree, raw numbers."""
    curve = study.curve
    columns = {
        "degree": study.degrees, "train_mse_mean": study.train_error,
        "train_mse_std": curve.train_scores_std,
        "validation_mse_mean": study.validation_error,
        "validation_mse_std": curve.validation_scores_std,
        "generalization_gap": curve.gap,
        "note": [_notes(study, degree) for degree in study.degrees],
    }  # fmt: skip
    rows = zip(*columns.values(), strict=True)
    return [dict(zip(columns, row, strict=True)) for row in rows]


# --------------------------------------------------------------- figures
def _mark_degrees(ax, study):
    curve = study.curve
    ax.axvline(curve.best_param_, color="black", linestyle="--",
               label=f"best: {curve.best_param_}")  # fmt: skip
    ax.axvline(curve.one_se_param_, color="black", linestyle=":",
               label=f"one-SE rule: {curve.one_se_param_}")  # fmt: skip
    if study.truth is not None:
        ax.axvline(study.truth.true_degree, color="tab:green", alpha=0.5,
                   linewidth=4, label=f"true: {study.truth.true_degree}")  # fmt: skip


def draw_errors(figure, study):
    """Training and validation MSE against the degree (log scale)."""
    curve = study.curve
    ax = figure.subplots()
    degrees = np.asarray(study.degrees)
    curves = [
        ("training", study.train_error, curve.train_scores_std),
        ("validation", study.validation_error, curve.validation_scores_std),
    ]
    for name, mean, std in curves:
        plot_mean_and_band(ax, degrees, mean, std, floor=mean / 10,  # log axis: > 0
                           marker="o", label=f"{name} MSE")  # fmt: skip
    if study.truth is not None:
        ax.axhline(study.truth.noise**2, color="gray", linestyle="-.",
                   label="noise variance")  # fmt: skip
    _mark_degrees(ax, study)
    if np.all(study.train_error > 0):  # not for data fitted exactly
        ax.set_yscale("log")
    finish_axes(ax, xlabel="degree", ylabel="mean squared error")


def draw_gap(figure, study):
    """Generalization gap (validation minus training MSE) against the degree."""
    ax = figure.subplots()
    gap = study.curve.gap
    ax.plot(study.degrees, gap, "o-", color="tab:red", label="validation - training")
    _mark_degrees(ax, study)
    if np.all(gap > 0):
        ax.set_yscale("log")
        scale = "log scale"
    else:  # linear near zero (the scale of the best training error), log beyond
        ax.axhline(0.0, color="black", linewidth=0.8)
        best = study.curve.best_index_
        ax.set_yscale("symlog", linthresh=max(float(study.train_error[best]), 1e-12))
        scale = "symmetric log scale"
    finish_axes(ax, xlabel="degree", ylabel=f"MSE gap ({scale})")


def draw_fits(figure, study):
    """The data, the true polynomial if known and the polynomials of ``study.fits``."""
    ax = figure.subplots()
    ax.scatter(study.x, study.y, s=16, color="black", alpha=0.6, label="data")
    grid = np.linspace(study.x.min(), study.x.max(), _GRID_POINTS)
    if study.truth is not None:
        ax.plot(grid, study.truth.true_function(grid), color="tab:green",
                linewidth=3, alpha=0.5, label="true polynomial")  # fmt: skip
    for degree, model in study.fits.items():
        notes = _notes(study, degree)
        label = f"degree {degree}" + (f" ({notes})" if notes else "")
        ax.plot(grid, model.predict(grid.reshape(-1, 1)), label=label)
    low, high = study.y.min(), study.y.max()
    margin = 0.3 * (high - low) or 1.0
    ax.set_ylim(low - margin, high + margin)  # an overfitted curve can go far
    finish_axes(ax, xlabel=study.feature, ylabel=study.target)


def capacity_figures(study):
    """Return the figures of a capacity study's report."""
    return [
        FigureSpec(
            ERROR_FIGURE,
            "training and validation mean squared error against the degree "
            "(mean and std over the folds), with the chosen degrees",
            draw_errors, study,
        ),
        FigureSpec(
            GAP_FIGURE,
            "generalization gap (validation minus training MSE) against the degree",
            draw_gap, study,
        ),
        FigureSpec(
            FITS_FIGURE,
            "the data and the polynomials of the chosen and the largest degrees, "
            "fitted on all the data",
            draw_fits, study,
        ),
    ]  # fmt: skip


def capacity_report(study, run_time):
    """Return the report of a capacity study that took ``run_time`` (as printed)."""
    return Report(
        f"skreg capacity study: {study.name}",
        describe_settings(study),
        [*describe_choice(study), COLUMN_LEGEND],
        capacity_table(study),
        capacity_csv_records(study),
        capacity_figures(study),
        run_time,
    )
