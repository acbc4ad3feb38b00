"""The ``python -m skreg`` command line: studies end to end, reports and errors."""

import base64
import csv
import html
import io
import math
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.model_selection import StratifiedKFold

from skreg._cli import data as _cli_data
from skreg._cli import report as _report
from skreg._cli import study as _study
from skreg._cli.capacity_report import FIGURE_NAMES as CAPACITY_FIGURES
from skreg._cli.main import _printable, _Progress, _with_default_command, main
from skreg._cli.study_report import FIGURE_NAMES as STUDY_FIGURES
from skreg._cli.study_report import describe_choices, study_csv_records, study_table

PENALTY_NAMES = (
    "none", "l2", "l1", "elasticnet", "l0", "group_lasso", "sparse_group_lasso",
)  # fmt: skip
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "skreg", *args], cwd=cwd,
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip


def _assert_one_line_error(result, message):
    """The command failed as it promises: status 2, one line, nothing else."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("skreg: error: "), result.stderr
    assert message in lines[0]
    assert result.stdout == ""


def _table(stdout, first_title):
    """The rows of the table whose header starts with ``first_title``, split."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first_title))
    assert set(lines[start + 1]) == {"-"}
    rows = []
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _check_report_folder(folder, figure_names):
    """Every figure is a PNG file, embedded and named in report.html."""
    assert sorted(p.name for p in folder.glob("*.png")) == sorted(figure_names)
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for name in figure_names:
        png = (folder / name).read_bytes()
        assert png.startswith(PNG_SIGNATURE)
        data = base64.b64encode(png).decode("ascii")
        assert f'<img alt="{name}" src="data:image/png;base64,{data}">' in page
        assert f'<a href="{name}">{name}</a>' in page
    assert page.count("<img ") == len(figure_names)
    return page


# ------------------------------------------------------------ end to end
def test_study_end_to_end(tmp_path):
    out = tmp_path / "report"
    result = _run_cli(
        "--dataset", "iris", "--alphas", "1,10", "--cv", "2", "--out", str(out)
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Warning" not in result.stderr
    n_candidates = 1 + (len(PENALTY_NAMES) - 1) * 2
    # Progress on the standard error: one line per candidate, then the report.
    progress = [line for line in result.stderr.splitlines() if "ETA" in line]
    assert len(progress) == n_candidates
    assert progress[-1].startswith(f"[{n_candidates}/{n_candidates}]")
    # The ranked table on the standard output.
    rows = _table(result.stdout, "rank")
    # rank, penalty, alpha, mean, "±", std, train, gap, zeros, fit
    assert [int(cells[0]) for cells in rows] == list(range(1, n_candidates + 1))
    assert sorted((cells[1], cells[2]) for cells in rows) == sorted(
        [("none", "-")] + [(p, a) for p in PENALTY_NAMES[1:] for a in ("1", "10")]
    )
    means = [float(cells[3]) for cells in rows]
    assert means == sorted(means, reverse=True)
    for cells in rows:
        mean, std, train, gap, zeros, fit = map(float, cells[3:4] + cells[5:10])
        assert 0 <= mean <= 1 and 0 <= train <= 1 and 0 <= std <= 1
        assert gap == pytest.approx(train - mean, abs=2e-3)
        assert 0 <= zeros <= 1 and fit >= 0
        assert (zeros == 0) == (cells[1] in ("none", "l2"))
    assert "best: penalty=" in result.stdout
    # The report folder: figures, page and raw numbers.
    page = _check_report_folder(out, STUDY_FIGURES)
    for cells in rows:
        assert f"<td>{cells[1]}</td>" in page
    saved = _read_csv(out / "results.csv")
    assert [row["penalty"] for row in saved] == [cells[1] for cells in rows]
    for row, cells in zip(saved, rows, strict=True):
        assert float(row["cv_score_mean"]) == pytest.approx(float(cells[3]), abs=5e-4)
        assert row["metric"] == "accuracy"


def test_study_with_dropout_end_to_end(tmp_path, capsys):
    out = tmp_path / "report"
    argv = ["--dataset", "iris", "--alphas", "1", "--cv", "2", "--out", str(out),
            "--penalties", "none,l2,l1", "--dropout", "0.5"]  # fmt: skip
    assert main(argv) == 0
    result = capsys.readouterr()
    assert "Warning" not in result.err
    expected = [("none", "-", "-"), ("l2", "1", "-"), ("l1", "1", "-"),
                ("none", "-", "0.5"), ("l2", "1", "0.5")]  # fmt: skip
    progress = [line for line in result.err.splitlines() if "ETA" in line]
    assert len(progress) == len(expected)
    assert sum("l2+dropout 0.5" in line for line in progress) == 1
    assert "dropout in 0.5 for none and l2 (2 candidates)" in result.out
    # rank, penalty, alpha, dropout, mean, "±", std, train, gap, zeros, fit
    assert result.out.splitlines()[4].split()[:5] == [
        "rank", "penalty", "alpha", "dropout", "CV"
    ]  # fmt: skip
    rows = _table(result.out, "rank")
    assert sorted(tuple(cells[1:4]) for cells in rows) == sorted(expected)
    for cells in rows:
        mean, train = float(cells[4]), float(cells[7])
        assert 0 <= mean <= 1 and 0 <= train <= 1
    page = _check_report_folder(out, STUDY_FIGURES)
    assert '<th class="num">dropout</th>' in page
    saved = _read_csv(out / "results.csv")
    assert list(saved[0])[:5] == ["rank", "penalty", "alpha", "dropout", "metric"]
    assert sorted((row["penalty"], float(row["dropout"])) for row in saved) == sorted(
        [("none", 0.0), ("l2", 0.0), ("l1", 0.0), ("none", 0.5), ("l2", 0.5)]
    )
    for row, cells in zip(saved, rows, strict=True):
        assert math.isfinite(float(row["cv_score_mean"]))
        assert float(row["cv_score_mean"]) == pytest.approx(float(cells[4]), abs=5e-4)


def test_capacity_end_to_end(tmp_path):
    out = tmp_path / "capacity"
    result = _run_cli("capacity", "--quick", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    rows = _table(result.stdout, "degree")
    degrees = [int(cells[0]) for cells in rows]
    assert degrees == list(range(9))  # --quick: degrees 0 to 8
    notes = {int(cells[0]): " ".join(cells[5:]) for cells in rows}
    best = next(d for d, note in notes.items() if "best" in note)
    one_se = next(d for d, note in notes.items() if "one-SE" in note)
    assert "true" in notes[3]  # the default true degree
    assert one_se <= best
    train = [float(cells[1]) for cells in rows]
    validation = [float(cells[2]) for cells in rows]
    assert validation[best] == min(validation)
    assert train[-1] <= train[0]  # more capacity fits the training data better
    assert f"best degree (lowest validation error): {best}" in result.stdout
    page = _check_report_folder(out, CAPACITY_FIGURES)
    assert "one-standard-error rule" in page
    saved = _read_csv(out / "results.csv")
    assert [int(row["degree"]) for row in saved] == degrees
    for row in saved:
        assert float(row["validation_mse_mean"]) > 0
        gap = float(row["validation_mse_mean"]) - float(row["train_mse_mean"])
        assert float(row["generalization_gap"]) == pytest.approx(gap)


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_study_on_a_regression_csv(tmp_path, capsys):
    X, y = load_diabetes(return_X_y=True)
    rows = [[*x[:3], target] for x, target in zip(X[:120], y[:120], strict=True)]
    path = _write_csv(tmp_path / "data.csv", ["age", "sex", "bmi", "target"], rows)
    argv = ["--csv", path, "--target", "target", "--alphas", "10", "-q",
            "--penalties", "none,l1", "--cv", "2", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # quiet: no progress
    lines = captured.out.splitlines()
    assert lines[0].split()[:4] == ["rank", "penalty", "alpha", "CV"]
    assert "R^2" in lines[0]  # a target with many values is a regression target
    assert sorted(cells[1] for cells in _table(captured.out, "rank")) == ["l1", "none"]
    assert (tmp_path / "report.html").exists()


def _scores(stdout):
    """The ranked table without its fit-time column."""
    return [cells[:-1] for cells in _table(stdout, "rank")]


def test_a_semicolon_csv_with_decimal_commas_reads_as_its_comma_twin(tmp_path, capsys):
    X, y = load_diabetes(return_X_y=True)
    rows = [[*x[:3], target] for x, target in zip(X[:120], y[:120], strict=True)]
    header = ["age", "sex", "bmi", "target"]
    comma = _write_csv(tmp_path / "comma.csv", header, rows)
    semicolon = tmp_path / "semicolon.csv"
    lines = [";".join(str(v).replace(".", ",") for v in row) for row in [header, *rows]]
    semicolon.write_text("\n".join(lines), encoding="utf-8")
    outputs = []
    for path in (comma, str(semicolon)):
        argv = ["--csv", path, "--target", "target", "--alphas", "10", "--cv", "2",
                "--penalties", "none,l1", "--out", str(tmp_path)]  # fmt: skip
        assert main(argv) == 0
        outputs.append(capsys.readouterr().out)
    assert _scores(outputs[1]) == _scores(outputs[0])
    assert "file format:" not in outputs[0]
    assert (
        "file format: fields separated by ';' (detected); decimal commas read as "
        "points in columns 'age', 'sex', 'bmi', 'target'"
    ) in outputs[1].splitlines()


def test_an_unknown_column_suggests_the_right_one(tmp_path, capsys):
    header = [f"feature_{j}" for j in range(10)] + ["target"]
    path = _write_csv(tmp_path / "wide.csv", header, [[str(j) for j in range(11)]] * 6)
    assert main(["--csv", path, "--target", "Target", "--out", str(tmp_path)]) == 2
    assert "has no column 'Target': did you mean 'target'? (11 columns: " in (
        capsys.readouterr().err
    )
    argv = ["capacity", "--csv", path, "--target", "target", "--feature", "featur_3"]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    assert "--feature: " in (err := capsys.readouterr().err)
    assert "no column 'featur_3': did you mean 'feature_3'?" in err


def test_study_on_a_csv_with_class_names(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    labels = np.where(X[:, 0] > 0, "yes", "no")
    rows = [[*x, label] for x, label in zip(X, labels, strict=True)]
    path = _write_csv(tmp_path / "data.csv", ["f1", "f2", "label"], rows)
    argv = ["--csv", path, "--target", "label", "--alphas", "1",
            "--penalties", "l2", "--cv", "2", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "classification (2 classes)" in captured.out
    assert "CV accuracy" in captured.out


def _messy_rows(n=60, seed=0):
    """A string column, missing values and a yes/no target that depends on both."""
    rng = np.random.default_rng(seed)
    age, bmi = rng.normal(40, 10, n), rng.normal(25, 4, n)
    sex, town = rng.choice(["male", "female"], n), rng.choice(["Lyon", "Nice"], n)
    score = 0.1 * (age - 40) + 2.0 * (sex == "male") + rng.normal(0, 0.5, n)
    label = np.where(score > 1.0, "yes", "no")
    rows = [
        [f"{a:.1f}", s, t, f"{b:.2f}", y]
        for a, s, t, b, y in zip(age, sex, town, bmi, label, strict=True)
    ]
    rows[3][0] = ""  # a missing number
    rows[10][1] = "NA"  # a missing level
    rows[20][4] = ""  # a missing target: the row is left out (line 22)
    return ["age", "sex", "town", "bmi", "label"], rows


def test_study_on_a_csv_with_strings_missing_values_and_a_string_target(tmp_path):
    path = _write_csv(tmp_path / "people.csv", *_messy_rows())
    out = tmp_path / "report"
    argv = ["--csv", path, "--target", "label", "--alphas", "1,10",
            "--penalties", "none,l2,l1", "--cv", "3", "--out", str(out)]  # fmt: skip
    result = _run_cli(*argv)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    said = [
        "people.csv: 59 samples, 4 features, classification (2 classes)",
        "rows left out: 1 row without a value of 'label' (line 22)",
        "preprocessing, fitted on all 59 rows in the pipeline before the CV "
        "estimator (the held-out folds enter its statistics, never the target):",
        "  age: numeric: 1 missing value filled with the training median, then "
        "standardised",
        "  sex: categorical: 1 missing value filled with the most frequent training "
        "level, then one-hot encoded (2 levels",
        "  town: categorical: one-hot encoded (2 levels",
        "  bmi: numeric: standardised (mean 0",
        "model: ColumnTransformer (imputation, OneHotEncoder, StandardScaler) + "
        "RegularizedMLPClassifier",
    ]
    page = _check_report_folder(out, STUDY_FIGURES)
    for text in said:
        assert text in result.stdout
        assert html.escape(text.strip()) in page
    rows = _table(result.stdout, "rank")
    assert sorted(cells[1] for cells in rows) == ["l1", "l1", "l2", "l2", "none"]
    assert max(float(cells[3]) for cells in rows) > 0.7  # sex is used: encoded
    assert len(_read_csv(out / "results.csv")) == 5


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_refitted_pipeline_takes_the_files_rows_as_they_are(tmp_path):
    path = _write_csv(tmp_path / "people.csv", *_messy_rows())
    dataset = _cli_data.load_csv(path, "label")
    assert dataset.preprocessing.categorical == ("sex", "town")
    assert dataset.dropped_lines == (22,)
    result = _study.run_study(dataset, (1.0,), penalties=("l2",), cv=2)
    new = np.array([["", "female", "Paris", "30.1"], ["50", "NA", "Lyon", ""]],
                   dtype=object)  # fmt: skip
    assert set(result.best_estimator.predict(new)) <= {"yes", "no"}
    assert result.best_estimator.score(dataset.X, dataset.y) > 0.7


def _run_with_clock(rows_per_estimator, times):
    """The lines _Progress prints when its CV estimators end at ``times``."""
    grid = [("l2", float(a), 0.0) for a in range(sum(rows_per_estimator))]
    stream = io.StringIO()
    progress = _Progress(stream, grid, "R^2", clock=iter([0.0, *times]).__next__)
    row = _study.StudyRow("l2", 1.0, 0.5, 0.1, 0.6, 0.0, 0.01)
    for n_rows in rows_per_estimator:
        progress([row] * n_rows)
    return stream.getvalue().splitlines()


def test_the_eta_counts_every_candidate_a_cv_estimator_gives():
    # The default study: 22 candidates from the L-BFGS CV estimator, at 2.2 s,
    # then 14 from the Adam one.  They arrive together: the first line's ETA
    # is 2.2 s / 22 * 14, not 2.2 s * 35 (as when they counted one by one).
    lines = _run_with_clock([22, 14], [2.2, 3.6])
    assert len(lines) == 36
    assert lines[0].startswith("[ 1/36] l2") and lines[-1].startswith("[36/36]")
    assert all(line.endswith("elapsed 2.2 s, ETA 1.4 s") for line in lines[:22])
    assert all(line.endswith("elapsed 3.6 s, ETA 0.0 s") for line in lines[22:])


def _eta_lines(dropouts, times):
    """The lines of the study's progress when its CV estimators end at ``times``."""
    grid = _study.candidates(_study.DEFAULT_ALPHAS, dropouts=dropouts)
    stream = io.StringIO()
    progress = _Progress(stream, grid, "R^2", clock=iter([0.0, *times]).__next__)
    for penalties, dropout in _study.study_groups(dropouts=dropouts):
        progress([
            _study.StudyRow(penalty, alpha, 0.5, 0.1, 0.6, 0.0, 0.01, dropout)
            for penalty, alpha, rate in grid
            if penalty in penalties and rate == dropout
        ])  # fmt: skip
    return [line.split("ETA ")[1] for line in stream.getvalue().splitlines()]


def test_the_eta_weighs_the_candidates_by_their_solvers_budget():
    # The default study: 22 L-BFGS candidates (max_iter=100) end at 2.2 s, and
    # the 21 Adam ones (l0, group_lasso and sparse_group_lasso at 7 alphas,
    # max_iter=50) take about half as long each (measured: 1/2.2 to 1/2.7):
    # 2.2 s * (21 * 50) / (22 * 100) = 1.05 s is left, not 2.1 s as when every
    # candidate counted the same (twice the run's rest).
    etas = _eta_lines((), [2.2, 2.9])
    assert etas == ["1.1 s"] * 22 + ["0.0 s"] * 21
    # with a dropout rate, 8 more Adam candidates (none, l2 at 7 alphas):
    # 2.2 s * (29 * 50) / 2200 = 1.45 s, then 2.9 s / 3250 units * 400 left
    etas = _eta_lines((0.2,), [2.2, 2.9, 3.3])
    assert etas == ["1.4 s"] * 22 + ["0.4 s"] * 21 + ["0.0 s"] * 8


@pytest.mark.parametrize(
    "alpha, note", [(0.1, "smaller"), (10.0, "larger"), (1.0, None)]
)
def test_a_best_alpha_at_an_end_of_the_grid_is_said(alpha, note):
    dataset = _cli_data.load_builtin("iris")
    row = _study.StudyRow("l2", alpha, 0.9, 0.01, 0.95, 0.0, 0.01)
    result = _study.StudyResult(dataset, (0.1, 1.0, 10.0), ("l2",), 2, [row],
                                best_row=row, one_se_row=row)  # fmt: skip
    lines = describe_choices(result)
    if note is None:
        assert len(lines) == 2
    else:
        assert lines[-1] == (
            f"the best alpha is at the {note} end of the grid: a {note} alpha may "
            "score better; give --alphas that reach past it"
        )


def test_the_missing_figures_are_the_last_thing_said(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    argv = ["--dataset", "iris", "--alphas", "1", "--penalties", "l1",
            "--cv", "2", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"skreg: {_report.NO_MATPLOTLIB}"
    assert not any("matplotlib" in line for line in err[:-1])


def test_the_score_axes_zoom_past_the_empty_networks():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from skreg._cli import study_report

    dataset = _cli_data.load_builtin("iris")
    result = _study.run_study(dataset, (0.1, 1.0, 100.0), penalties=(None, "l1"), cv=2)
    (empty,) = [row for row in result.rows if row.zero_fraction == 1.0]
    assert empty.alpha == 100.0
    figure = Figure()
    study_report.draw_scores(figure, result)
    low, high = figure.axes[0].get_ylim()
    assert empty.test_mean < low  # the constant model is on the edge, not a point
    assert all(low < row.test_mean < high for row in result.rows if row != empty)
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert "empty network (constant model)" in labels
    trade_off = Figure()
    study_report.draw_trade_off(trade_off, result)
    (line,) = [ln for ln in trade_off.axes[0].get_lines() if ln.get_label() == "l1"]
    assert len(line.get_xdata()) == 2  # the empty network is not a point


def test_the_capacity_table_has_one_precision(tmp_path, capsys):
    assert main(["capacity", "--quick", "-q", "--out", str(tmp_path)]) == 0
    rows = _table(capsys.readouterr().out, "degree")
    numbers = [
        number
        for cells in rows
        for cell in cells[1:6]  # train, validation, ±, its std, gap
        for number in cell.replace("±", " ").replace("+/-", " ").split()
    ]
    decimals = {len(number.partition(".")[2]) for number in numbers}
    assert len(decimals) == 1, numbers  # "0.1250 ± 0.0372", not "0.125 ± 0.03722"


def test_the_top_level_help_lists_the_study_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--quick", "--csv", "--alphas", "--penalties", "--out"):
        assert option in text
    assert "capacity" in text and "skreg COMMAND --help" in text
    with pytest.raises(SystemExit):  # the error points to that help
        main(["--quik"])
    assert "(see 'skreg --help')" in capsys.readouterr().err


def test_a_rerun_says_it_replaces_the_report(tmp_path, capsys):
    argv = ["--dataset", "iris", "--alphas", "1", "--penalties", "l2",
            "--cv", "2", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    assert "replacing" not in capsys.readouterr().err
    assert main(argv) == 0
    assert "(replacing the report that was there)" in capsys.readouterr().err


def test_the_terminal_and_the_report_state_one_run_time(tmp_path, capsys):
    argv = ["--dataset", "iris", "--alphas", "1", "--penalties", "l2",
            "--cv", "2", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    finished = capsys.readouterr().out.splitlines()[-1]
    assert finished.startswith("finished in ")
    run_time = finished.removeprefix("finished in ")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"run time: {run_time}" in page


def test_report_without_matplotlib(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails
    argv = ["--dataset", "iris", "--alphas", "1", "--penalties", "l1",
            "--cv", "2", "--out", str(tmp_path), "-q"]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == f"skreg: {_report.NO_MATPLOTLIB}\n"  # at the end
    assert 'pip install -e ".[plot]"' in captured.err
    assert not list(tmp_path.glob("*.png"))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<img" not in page and "<td>l1</td>" in page
    assert _read_csv(tmp_path / "results.csv")[0]["penalty"] == "l1"


def test_capacity_on_a_csv_column_pair(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, 40)
    rows = zip(
        x, x**2 + rng.normal(scale=0.1, size=40), rng.normal(size=40), strict=True
    )
    path = _write_csv(tmp_path / "pairs.csv", ["x", "<y>", "other"], rows)
    argv = ["capacity", "--csv", path, "--feature", "x", "--target", "<y>",
            "--max-degree", "4", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    rows = _table(out, "degree")
    assert [int(cells[0]) for cells in rows] == [0, 1, 2, 3, 4]
    one_se = [line for line in out.splitlines() if "one-standard-error" in line]
    assert one_se[0].endswith(": 2")  # the simplest degree as good as the best
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "&lt;y&gt;" in page and "<y>" not in page  # names are escaped


# ------------------------------------------------------------- the study
def test_run_study_rows():
    dataset = _cli_data.load_builtin("diabetes")
    alphas = (0.1, 10.0)
    result = _study.run_study(dataset, alphas, cv=2, refit_best=False)
    assert [(row.penalty, row.alpha, row.dropout) for row in result.rows] == (
        _study.candidates(alphas)
    )
    assert result.best_estimator is None
    for row in result.rows:
        assert math.isfinite(row.test_mean) and math.isfinite(row.train_mean)
        assert row.test_std >= 0 and row.fit_time > 0
        assert 0 <= row.zero_fraction <= 1
        assert row.gap == row.train_mean - row.test_mean
    at_largest = {row.penalty: row for row in result.rows if row.alpha == 10.0}
    assert at_largest["l1"].zero_fraction > at_largest["l2"].zero_fraction
    assert at_largest["l1"].zero_fraction > 0.5
    assert at_largest["group_lasso"].zero_fraction > 0
    assert [row.test_mean for row in result.ranked] == sorted(
        (row.test_mean for row in result.rows), reverse=True
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_study_rows_are_those_of_the_cv_estimators():
    dataset = _cli_data.load_builtin("iris")
    alphas = (0.1, 1.0, 10.0)
    penalties = (None, "l2", "l0")
    result = _study.run_study(dataset, alphas, penalties=penalties, cv=3,
                              refit_best=False)  # fmt: skip
    assert _study.study_groups(penalties) == [((None, "l2"), 0.0), (("l0",), 0.0)]
    splits = StratifiedKFold(3, shuffle=True, random_state=0)
    rows = {(row.penalty, row.alpha): row for row in result.rows}
    for group in _study.study_groups(penalties):
        estimator = _study.make_cv_estimator(
            "classification", group[0], alphas, splits, 0, refit=False
        ).fit(dataset.X, dataset.y)
        cv_estimator = estimator[-1]
        for k, penalty in enumerate(cv_estimator.cv_results_["param_penalty"]):
            alpha = float(cv_estimator.cv_results_["param_alpha"][k])
            mean = cv_estimator.cv_results_["mean_test_score"][k]
            assert rows[penalty, alpha].test_mean == mean
    # the one-SE choice: the largest alpha of the best penalty within one
    # standard error (std / sqrt(folds)) of the best
    # of the best penalty (equal best means: the largest alpha's std, as in
    # the CV estimators)
    one_se = result.one_se_row
    same = [row for row in result.rows if row.penalty == result.best_row.penalty]
    best = max(same, key=lambda row: (row.test_mean, row.alpha))
    within = [
        row.alpha for row in same
        if row.test_mean >= best.test_mean - best.test_std / math.sqrt(3)
    ]  # fmt: skip
    assert one_se.penalty == best.penalty and one_se.alpha >= best.alpha
    assert one_se.alpha == max(within)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_best_candidate_is_the_cv_estimators_choice_and_refit():
    dataset = _cli_data.load_builtin("iris")
    result = _study.run_study(dataset, (0.1, 10.0), penalties=(None, "l1", "l0"),
                              cv=2)  # fmt: skip
    best, search = result.best_row, _study.final_mlp(result.best_estimator)
    assert (search.penalty_, search.alpha_) == (best.penalty, best.alpha)
    assert search.best_score_ == best.test_mean
    assert best.test_mean == max(row.test_mean for row in result.rows)
    assert result.cv_estimators[best.penalty, 0.0] is search
    assert search.best_estimator_.alpha == best.alpha  # refitted on all the data
    assert result.best_estimator.score(dataset.X, dataset.y) > 0.8


def test_candidates_in_parallel_give_the_same_rows():
    dataset = _cli_data.load_builtin("iris")
    kwargs = dict(penalties=(None, "l1", "l0"), cv=2, refit_best=False)
    seen = []
    serial = _study.run_study(dataset, (1.0,), **kwargs)
    parallel = _study.run_study(
        dataset, (1.0,), n_jobs=2, on_rows=seen.extend, **kwargs
    )
    assert sorted(seen, key=parallel.rows.index) == parallel.rows
    for a, b in zip(serial.rows, parallel.rows, strict=True):
        assert (a.penalty, a.alpha, a.test_mean, a.zero_fraction) == (
            b.penalty, b.alpha, b.test_mean, b.zero_fraction,
        )  # fmt: skip


def test_solver_per_penalty():
    assert _study.mlp_params("l2")["solver"] == "lbfgs"
    for penalty in ("l0", "group_lasso", "sparse_group_lasso"):
        params = _study.mlp_params(penalty)
        assert params["solver"] == "adam" and params["learning_rate_init"] == 0.01
    for penalty in (None, "l2"):  # dropout needs a mini-batch solver
        assert _study.mlp_params(penalty, 0.5) == _study.mlp_params("l0")
    estimator = _study.make_cv_estimator("classification", ("l2",), (1.0,), 2, 0, 0.2)
    search = _study.final_mlp(estimator)
    assert (search.dropout, search.solver, search.penalties) == (0.2, "adam", ("l2",))


def test_dropout_candidates():
    alphas = (1.0, 10.0)
    assert _study.candidates(alphas, ("l1",)) == [("l1", 1.0, 0.0), ("l1", 10.0, 0.0)]
    assert _study.candidates(alphas, (None, "l1"), ()) == [
        (None, 0.0, 0.0), ("l1", 1.0, 0.0), ("l1", 10.0, 0.0)
    ]  # fmt: skip
    grid = _study.candidates(alphas, ("l2", "l0", None), (0.2, 0.5))
    assert [candidate for candidate in grid if candidate[2]] == [
        ("l2", 1.0, 0.2), ("l2", 10.0, 0.2), (None, 0.0, 0.2),
        ("l2", 1.0, 0.5), ("l2", 10.0, 0.5), (None, 0.0, 0.5),
    ]  # fmt: skip
    assert _study.candidates(alphas, ("l1", "l0"), (0.5,)) == _study.candidates(
        alphas, ("l1", "l0")
    )


def test_study_table_format():
    dataset = _cli_data.load_builtin("iris")
    rows = [
        _study.StudyRow(None, 0.0, 0.5, 0.03, 0.9, 0.0, 0.012),
        _study.StudyRow("l1", 10.0, 0.75, 0.0, 0.75, 0.25, 1.5),
    ]
    result = _study.StudyResult(dataset, (10.0,), (None, "l1"), 2, rows)
    text = study_table(result).to_text().splitlines()
    assert text[0].split() == [
        "rank", "penalty", "alpha", "CV", "accuracy", "train", "gap", "zeros",
        "fit", "(s)",
    ]  # fmt: skip
    assert text[2].split() == "1 l1 10 0.750 ± 0.000 0.750 0.000 0.250 1.50".split()
    assert text[3].split() == "2 none - 0.500 ± 0.030 0.900 0.400 0.000 0.01".split()
    assert len({len(line) for line in text[:2]}) == 1  # the rule spans the titles
    assert list(study_csv_records(result)[0]) == [
        "rank", "penalty", "alpha", "metric", "cv_score_mean", "cv_score_std",
        "train_score_mean", "generalization_gap", "zero_fraction", "fit_time_s",
    ]  # fmt: skip
    ascii_only = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert "0.750 +/- 0.000" in _printable(study_table(result).to_text(), ascii_only)


def test_study_table_with_dropout():
    dataset = _cli_data.load_builtin("iris")
    rows = [
        _study.StudyRow("l2", 1.0, 0.5, 0.0, 0.75, 0.0, 0.012),
        _study.StudyRow("l2", 1.0, 0.75, 0.0, 0.75, 0.0, 1.5, dropout=0.5),
    ]
    result = _study.StudyResult(dataset, (1.0,), ("l2",), 2, rows, dropouts=(0.5,))
    text = study_table(result).to_text().splitlines()
    assert text[0].split()[:4] == ["rank", "penalty", "alpha", "dropout"]
    assert text[2].split()[:5] == ["1", "l2", "1", "0.5", "0.750"]
    assert text[3].split()[:5] == ["2", "l2", "1", "-", "0.500"]
    records = study_csv_records(result)
    assert list(records[0])[2:5] == ["alpha", "dropout", "metric"]
    assert [record["dropout"] for record in records] == [0.5, 0.0]


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], ["study"]),
        (["--quick"], ["study", "--quick"]),
        (["study", "-q"], ["study", "-q"]),
        (["capacity", "--quick"], ["capacity", "--quick"]),
        (["--help"], ["--help"]),
    ],
)
def test_study_is_the_default_command(argv, expected):
    assert _with_default_command(argv) == expected


def _main_status(argv):
    """Exit status of main (argparse errors raise SystemExit)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["capacity", "--no-such-option"], "unrecognized arguments"),
        (["--n-jobs", "0"], "--n-jobs: must be a non-zero integer"),
        (["--random-state", "-1"], "--random-state: must be in [0, 2**32)"),
        (["no-such-command"], "invalid choice: 'no-such-command'"),
        (["--dataset", "california"], "invalid choice: 'california'"),
        (["--alphas", "1,x"], "--alphas: must be comma-separated numbers"),
        (["--alphas", "0"], "--alphas: must be positive numbers"),
        (["--penalties", "l3"], "--penalties: unknown 'l3'"),
        (["--dropout", "1.5"], "--dropout: must be in (0, 1), got 1.5"),
        (["--dropout", "0"], "--dropout: must be in (0, 1), got 0"),
        (["--dropout", "x"], "--dropout: invalid float value: 'x'"),
        (
            ["--dropout", "0.5", "--penalties", "l1"],
            "--dropout adds candidates for penalty none and l2 only",
        ),
        (["--cv", "1"], "--cv: must be at least 2"),
        (["--csv", "data.csv"], "--csv needs --target COLUMN"),
        (["--target", "y"], "--target and --task go with --csv FILE"),
        (["--csv", "no-such-file.csv", "--target", "y"], "no such file"),
        (["capacity", "--csv", "x.csv", "--noise", "1"], "--noise is for synthetic"),
        (["capacity", "--noise", "-1"], "--noise: must be a finite number >= 0"),
        (["capacity", "--n-samples", "6"], "too few for 5-fold cross-validation"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys):
    assert _main_status(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1
    assert "error: " in captured.err and captured.out == ""


_GOOD = [["1", "2", "a"], ["3", "4", "b"]] * 3


@pytest.mark.parametrize(
    "header, rows, target, message",
    [
        (["x", "y", "label"], _GOOD, "nope", "has no column 'nope' (3 columns: x, y"),
        (["x", "y", "label"], _GOOD + [["1", "inf", "a"]] * 2, "label",
         "column 'y' has infinite values: replace them with numbers, or empty"),
        (["x", "y", "label"], [["1", "2"]], "label", "line 2: 2 fields, expected 3"),
        (["x", "y", "label"], [], "label", "has a header but no data rows"),
        (["x", "x", "label"], _GOOD, "label", "the column name 'x' appears twice"),
        (["label"], [["a"], ["b"]], "label", "no feature column besides 'label'"),
        (["x", "y", "label"], _GOOD[:2], "label", "too few for 2-fold"),
        (["x", "y", "label"], _GOOD + [["1", "2", "c"]], "label",
         "class 'c' has 1 row, fewer than the 2 folds"),
    ],
)  # fmt: skip
def test_bad_csv_exits_2_with_one_line(tmp_path, capsys, header, rows, target,
                                       message):  # fmt: skip
    path = _write_csv(tmp_path / "bad.csv", header, rows)
    argv = ["--csv", path, "--target", target, "--cv", "2", "--out", str(tmp_path)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("skreg: error: ")
    assert message in captured.err and captured.err.count("\n") == 1
    assert captured.out == ""
    assert not (tmp_path / "report.html").exists()


def test_an_alpha_past_the_studys_range_is_refused_before_the_study(tmp_path):
    # 1e300 overflowed L-BFGS ("non-finite parameter weights ... the input
    # data may contain large values"), a traceback that blamed the data.
    argv = ["--dataset", "diabetes", "--quick", "--penalties", "l2", "--alphas",
            "1,1e300", "--out", str(tmp_path)]  # fmt: skip
    _assert_one_line_error(
        _run_cli(*argv),
        "--alphas: 1e+300 is too large for diabetes (442 samples): past alpha = "
        "4.42e+06 (1e+04 per sample) every penalty has emptied the network long "
        "before, and the solvers lose their precision, then overflow; give alphas "
        "of at most 4.42e+06",
    )
    assert not (tmp_path / "report.html").exists()


def test_the_largest_alpha_taken_gives_every_penalty_a_constant_model(tmp_path, capsys):
    # diabetes: 442 samples; with alpha at the limit every network is empty or
    # all but, and its score is a constant prediction's (R^2 about 0; L-BFGS's
    # L2 fit gave -0.075, its bias unfitted, from alpha = 1e8 * 442 on).
    argv = ["--dataset", "diabetes", "--quick", "--alphas", "4.42e6", "--penalties",
            "l2,l1,elasticnet,l0,group_lasso", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    rows = _table(capsys.readouterr().out, "rank")
    assert len(rows) == 5
    assert all(abs(float(cells[3])) < 0.01 for cells in rows), rows


def _column_rows(columns, n=12):
    """``n`` rows of the given columns (name: function of the row index)."""
    return list(columns), [[str(f(i)) for f in columns.values()] for i in range(n)]


def _label(i):
    return "ab"[i % 2]


@pytest.mark.parametrize(
    "columns, argv, message",
    [
        ({"a": lambda i: "", "b": lambda i: ["inf", 1][i % 2], "c": lambda i: "NA",
          "d": lambda i: [1e300, -1e300][i % 2], "e": lambda i: -i if i else "-inf",
          "f": lambda i: f"level{i % 3}", "label": _label}, [],
         "bad.csv: every value is missing in columns 'a', 'c': there is nothing to "
         "impute from; drop them; columns 'b', 'e' have infinite values: replace "
         "them with numbers, or empty those cells to have them imputed; column 'd' "
         "has values too large in magnitude to standardize (up to 1e+300): "
         "rescale it\n"),
        ({"a": lambda i: 1, "b": lambda i: "x", "c": lambda i: ["", "2"][i % 2],
          "label": _label}, [],
         "bad.csv: every column holds a single value: there is nothing to learn\n"),
        ({"a": lambda i: i, "y": lambda i: "NA"}, [],
         "'bad.csv': every value of the target 'y' is missing\n"),
        ({"a": lambda i: i, "y": lambda i: 2.5}, ["--task", "regression"],
         "'bad.csv': the target 'y' has the single value 2.5: there is nothing to "
         "predict\n"),
        ({"a": lambda i: i, "y": lambda i: ["low", 1.5, "inf"][i % 3]},
         ["--task", "regression"],
         "'bad.csv', column 'y': 8 values are not finite numbers: 'low' (line 2), "
         "'inf' (line 4), 'low' (line 5), ... (a regression target must be "
         "numeric)\n"),
    ],
)  # fmt: skip
def test_an_unusable_csv_names_every_column_at_fault(
    tmp_path, capsys, monkeypatch, columns, argv, message
):
    header, rows = _column_rows(columns)
    _write_csv(tmp_path / "bad.csv", header, rows)
    monkeypatch.chdir(tmp_path)
    argv = ["--csv", "bad.csv", "--target", header[-1], "--cv", "2", *argv]
    assert main([*argv, "--out", "out"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"skreg: error: {message}" and captured.out == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"\xff\xfe\x00\x81 not text", "is not a UTF-8 text file"),
    ],
)
def test_unreadable_csv_exits_2(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert main(["--csv", str(path), "--target", "y", "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_capacity_csv_errors(tmp_path, capsys):
    path = _write_csv(tmp_path / "three.csv", ["a", "b", "c"], [["1", "x", "2"]] * 12)
    assert main(["capacity", "--csv", path, "--target", "c"]) == 2
    assert "three.csv' has 2 columns besides 'c': choose one with --feature" in (
        capsys.readouterr().err
    )
    assert main(["capacity", "--csv", path, "--feature", "b", "--target", "c"]) == 2
    assert (
        "three.csv', column 'b': 12 values are not finite numbers: 'x' (line 2), "
        "'x' (line 3), 'x' (line 4), ... (the feature must be numeric)"
    ) in capsys.readouterr().err


def test_out_folder_that_is_a_file_exits_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["capacity", "--out", str(blocker / "report")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("skreg: error: --out: cannot create the folder")


def test_unknown_option_exits_2_in_subprocess():
    result = _run_cli("--no-such-option")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "skreg: error: unrecognized arguments: --no-such-option (see 'skreg --help')"
    ]


@pytest.mark.parametrize(
    "command, expected",
    [
        ([], ["study", "capacity"]),
        (["study"], ["--dataset", "--csv FILE", "--n-jobs N", "--dropout RATE"]),
        (["capacity"], ["--true-degree D", "--noise STD", "--n-samples N"]),
    ],
)
def test_help_on_every_subcommand(command, expected, capsys):
    assert _main_status([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(" ".join(["usage: skreg", *command]))
    assert all(text in out for text in expected)


# ---------------------------------------- data too large or too small in scale
_TOO_LARGE = "has values too large in magnitude to standardize"


def _scaled_columns(scales):
    """Columns of 40 values: standard normal times each scale, or class labels."""
    rng = np.random.default_rng(0)
    values = rng.normal(size=(40, len(scales)))
    columns = [
        (values[:, j] > 0).astype(int) if scale == "labels" else scale * values[:, j]
        for j, scale in enumerate(scales)
    ]
    return list(zip(*columns, strict=True))


@pytest.mark.parametrize(
    "command, header, scales, message",
    [
        (["--target", "label", "--quick"], ["a", "big", "label"],
         [1.0, 1e300, "labels"], f"column 'big' {_TOO_LARGE}"),
        (["--target", "y", "--quick"], ["a", "y"], [1.0, 1e300],
         f"column 'y' {_TOO_LARGE}"),  # a regression target
        (["capacity", "--feature", "x", "--target", "y"], ["x", "y"],
         [1.0, 1e300], f"column 'y' {_TOO_LARGE}"),
        (["capacity", "--feature", "x", "--target", "y"], ["x", "y"],
         [1e300, 1.0], f"column 'x' {_TOO_LARGE}"),
        (["capacity", "--feature", "x", "--target", "y"], ["x", "y"],
         [1e-200, 1.0], "degree 12: The polynomial's coefficients overflow"),
    ],
)  # fmt: skip
def test_data_out_of_scale_exit_2_before_the_study(tmp_path, command, header,
                                                   scales, message):  # fmt: skip
    path = _write_csv(tmp_path / "data.csv", header, _scaled_columns(scales))
    out = tmp_path / "report"
    result = _run_cli(*command, "--csv", path, "--out", str(out))
    _assert_one_line_error(result, message)  # no progress: nothing was fitted
    assert not out.exists()


# ------------------------------------------------- the report and its input
def _good_pair_csv(path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 40)
    y = x**2 + 0.1 * rng.normal(size=40)
    return _write_csv(path, ["x", "y"], zip(x, y, strict=True))


_STUDY_FAST = ["study", "--target", "y", "--alphas", "1", "--penalties", "l2",
               "--cv", "2"]  # fmt: skip
_CAPACITY_FAST = ["capacity", "--target", "y", "--quick"]


@pytest.mark.parametrize(
    "command, name",
    [
        (_STUDY_FAST, "results.csv"),
        (_STUDY_FAST, "report.html"),
        (_STUDY_FAST, STUDY_FIGURES[0]),
        (_CAPACITY_FAST, "results.csv"),
        (_CAPACITY_FAST, CAPACITY_FIGURES[-1]),
    ],
)
def test_report_never_overwrites_its_input(tmp_path, command, name):
    # e.g. "skreg --csv results.csv --target y --out ." in the data's folder
    data = tmp_path / name
    _good_pair_csv(data)
    before = data.read_bytes()
    result = _run_cli(*command, "--csv", name, "--out", ".", cwd=tmp_path)
    _assert_one_line_error(
        result,
        f"--out: the report's {name} would overwrite the input file '{name}'",
    )
    assert data.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_report_never_overwrites_its_input_through_a_link(tmp_path, capsys):
    data = tmp_path / "data.csv"
    _good_pair_csv(data)
    before = data.read_bytes()
    out = tmp_path / "report"
    out.mkdir()
    try:
        (out / "report.html").symlink_to(data)
    except OSError:
        pytest.skip("no symbolic links here")
    argv = ["capacity", "--csv", str(data), "--target", "y", "--out", str(out)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "skreg: error: --out: the report's report.html would overwrite the "
        f"input file '{data}': choose another folder\n"
    )
    assert data.read_bytes() == before


# ------------------------------------------- a report folder that cannot be used
def test_read_only_out_folder_exits_2_before_the_study(tmp_path, capsys):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        try:
            (folder / "probe").touch()
        except PermissionError:
            pass
        else:  # root, or a file system that ignores permission bits
            pytest.skip("the permission bits do not stop this user from writing")
        status = main(["capacity", "--quick", "--out", str(folder)])
    finally:
        folder.chmod(0o755)
    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing was computed
    assert captured.err.startswith(
        f"skreg: error: --out: cannot write in the folder '{folder}': "
    )
    assert captured.err.count("\n") == 1
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name", ["results.csv", "report.html", STUDY_FIGURES[0]])
def test_out_folder_where_a_report_file_is_a_folder_exits_2(tmp_path, capsys, name):
    # Not writable even by root: caught before the study, not after it.
    (tmp_path / name).mkdir()
    argv = ["--dataset", "iris", "--alphas", "1", "--penalties", "l2",
            "--cv", "2", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"skreg: error: --out: cannot replace '{tmp_path / name}': it is a folder\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
