"""The ``python -m skreg`` command line and the study behind it."""

import math
import subprocess
import sys

import pytest

from skreg import _study
from skreg.__main__ import _with_default_command, format_row, main

PENALTY_NAMES = ("none", "l2", "l1", "elasticnet")


def _run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "skreg", *args],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip


def _table_rows(stdout):
    """Split the table lines of the output into cells, ignoring other lines."""
    lines = [line.split() for line in stdout.splitlines()]
    return [cells for cells in lines if cells and cells[0] in _study.TASKS]


def test_quick_study_end_to_end():
    result = _run_cli("--quick")
    assert result.returncode == 0, result.stderr
    assert "ConvergenceWarning" not in result.stderr
    rows = _table_rows(result.stdout)
    # dataset, metric, penalty, alpha, mean, "±", std, train, zeros
    assert {(cells[0], cells[2]) for cells in rows} == {
        (dataset, penalty) for dataset in _study.TASKS for penalty in PENALTY_NAMES
    }
    for cells in rows:
        mean, std, train, zeros = map(float, cells[4:5] + cells[6:9])
        upper = 1.0  # accuracy and R^2 are at most 1; R^2 has no lower bound
        lower = 0.0 if cells[0] == "digits" else -math.inf
        assert lower <= mean <= upper and lower <= train <= upper
        assert 0 <= std <= 1 and 0 <= zeros <= 1
        assert (zeros == 0) == (cells[2] in ("none", "l2"))


def test_run_study_rows():
    alphas = (0.1, 10.0)
    rows = _study.run_study(alphas, datasets=("diabetes",), cv=2)
    assert [(row.penalty, row.alpha) for row in rows] == _study.study_grid(alphas)
    for row in rows:
        assert math.isfinite(row.test_mean) and math.isfinite(row.train_mean)
        assert row.test_std >= 0
        assert 0 <= row.zero_fraction <= 1
    at_largest = {row.penalty: row for row in rows if row.alpha == max(alphas)}
    assert at_largest["l1"].zero_fraction > at_largest["l2"].zero_fraction
    assert at_largest["l1"].zero_fraction > 0.5


def test_run_study_reports_each_row():
    seen = []
    rows = _study.run_study((10.0,), penalties=("l1",), datasets=("diabetes",),
                            cv=2, on_row=seen.append)  # fmt: skip
    assert seen == rows and len(rows) == 1


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], ["study"]),
        (["--quick"], ["study", "--quick"]),
        (["study", "-q"], ["study", "-q"]),
        (["--help"], ["--help"]),
    ],
)
def test_study_is_the_default_command(argv, expected):
    assert _with_default_command(argv) == expected


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["--n-jobs", "0"], "--n-jobs: must be a non-zero integer"),
        (["--random-state", "-1"], "--random-state: must be in [0, 2**32)"),
        (["no-such-command"], "invalid choice: 'no-such-command'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(argv)
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_unknown_option_exits_2_in_subprocess():
    result = _run_cli("--no-such-option")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "skreg: error: unrecognized arguments: --no-such-option (see 'skreg --help')"
    ]


def test_format_row():
    row = _study.StudyRow("diabetes", "R^2", None, 0.0, -0.25, 0.03, -1e-5, 1.0)
    expected = "diabetes R^2 none - -0.250 +/- 0.030 0.000 1.000"
    assert format_row(row, "+/-").split() == expected.split()
