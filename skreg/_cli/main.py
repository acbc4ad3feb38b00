"""Command line: ``python -m skreg [study|capacity] [options]`` (or ``skreg``).

``study`` (the default, :mod:`skreg._cli.study`) and ``capacity``
(:mod:`skreg._cli.capacity`) each print a table and write a report folder.
This module is the only one that talks to the terminal: results go to the
standard output, progress and errors to the standard error.  Errors in the
arguments or the data are one line and exit with status 2.
"""

import argparse
import math
import os
import sys
import tempfile
import time
from contextlib import contextmanager

from .. import __version__
from .._utils.tabular import MAX_INFERRED_CLASSES, TableError, check_magnitude
from . import capacity as capacity_study
from . import capacity_report
from . import data as cli_data
from . import report as report_files
from . import study as penalty_study
from . import study_report as penalty_report
from .data import DataError

_TOP_LEVEL_FLAGS = ("-h", "--help", "--version")
STUDY_OUT = "skreg-report"
CAPACITY_OUT = "skreg-capacity-report"


class _UsageError(Exception):
    """Options that do not go together, or a report folder that cannot be used."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and exit status 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


class _TopParser(_Parser):
    """The ``skreg`` parser; its help, where errors of ``study`` point, lists its."""

    default_parser = None  # the subcommand run without one

    def format_help(self):
        text = super().format_help()
        if self.default_parser is None:
            return text
        name = self.default_parser.prog.split()[-1]
        bridge = (
            f"Without a COMMAND, '{name}' runs, with the options below.\n"
            f"'{self.prog} COMMAND --help' shows the options of a COMMAND."
        )
        return f"{text}\n{bridge}\n\n{self.default_parser.format_help()}"


# ---------------------------------------------------------- argument types
def _checked(convert, accepts, requirement, name):
    """An argparse type named ``name``: ``convert``, refuse what ``accepts`` not."""

    def parse(text):
        value = convert(text)
        if not accepts(value):
            raise argparse.ArgumentTypeError(f"must be {requirement}, got {text}")
        return value

    parse.__name__ = name
    return parse


_n_jobs = _checked(int, lambda n: n != 0, "a non-zero integer", "int")
_seed = _checked(int, lambda n: 0 <= n < 2**32, "in [0, 2**32)", "int")
_folds = _checked(int, lambda n: n >= 2, "at least 2", "int")
_count = _checked(int, lambda n: n >= 1, "a positive integer", "int")
_degree = _checked(int, lambda n: n >= 0, "a non-negative integer", "int")
_noise = _checked(float, lambda x: 0 <= x < math.inf, "a finite number >= 0", "float")
_dropout = _checked(float, lambda x: 0 < x < 1, "in (0, 1)", "float")


def _alphas(text):
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be comma-separated numbers, got {text!r}"
        ) from None
    if not all(0 < value < math.inf for value in values):
        raise argparse.ArgumentTypeError(f"must be positive numbers, got {text!r}")
    return tuple(sorted(set(values)))


_PENALTY_NAMES = {
    penalty_report.penalty_name(penalty): penalty for penalty in penalty_study.PENALTIES
}


def _penalties(text):
    names = [part.strip() for part in text.split(",")]
    unknown = [name for name in names if name not in _PENALTY_NAMES]
    if unknown:
        known = ", ".join(_PENALTY_NAMES)
        raise argparse.ArgumentTypeError(
            f"unknown {unknown[0]!r} (choose from {known})"
        )
    return tuple(dict.fromkeys(_PENALTY_NAMES[name] for name in names))


_alphas.__name__ = _penalties.__name__ = "list"


def _values_text(values):
    return ",".join(f"{value:g}" for value in values)


# ---------------------------------------------------------------- parsers
def _add_common(parser, out_default, cv_default, cv_quick, jobs, seeded):
    # fmt: off
    add = parser.add_argument
    add("-q", "--quiet", action="store_true",
        help="print the table only (no progress, no summary)")
    add("--n-jobs", type=_n_jobs, metavar="N",
        help=f"{jobs} run in parallel (-1: all cores; default: 1)")
    add("--random-state", type=_seed, default=0, metavar="SEED",
        help=f"seed of {seeded} (default: 0)")
    add("--out", default=out_default, metavar="DIR",
        help=f"report folder, created if needed (default: {out_default}/)")
    add("--cv", type=_folds, metavar="K",
        help=f"cross-validation folds (default: {cv_default}; {cv_quick} with --quick)")
    # fmt: on


def _add_study(subparsers):
    study = penalty_study
    parser = subparsers.add_parser(
        "study",
        help="cross-validated grid search over penalty and alpha (default command)",
        description="Cross-validate RegularizedMLPClassifier or Regressor with every "
        "penalty over a grid of alpha (their CV estimators, one per solver), print "
        "a ranked table (CV and training scores, gap, zero weights, fit time) and "
        "write a report folder with figures and report.html.  Progress goes to "
        "the standard error.",
    )
    # fmt: off
    data = parser.add_argument_group("data (a bundled dataset or a CSV file)")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=tuple(cli_data.BUILTIN_DATASETS),
        default=study.DEFAULT_DATASET,
        help=f"dataset bundled with scikit-learn (default: {study.DEFAULT_DATASET})")
    source.add_argument("--csv", metavar="FILE",
        help="CSV file with a header row; the columns besides --target are the "
        "features: numbers imputed (median) and standardized, others imputed "
        "(most frequent) and one-hot encoded; rows without a target left out")
    data.add_argument("--target", metavar="COLUMN", help="target column of --csv")
    data.add_argument("--task", choices=cli_data.TASKS,
        help="the --csv target's task (default: classification for integers "
        f"with at most {MAX_INFERRED_CLASSES} values, else regression)")
    grid = parser.add_argument_group("grid")
    grid.add_argument("--quick", action="store_true",
        help=f"smaller grid: alpha = {_values_text(study.QUICK_ALPHAS)}, "
        f"{study.QUICK_CV} folds")
    grid.add_argument("--alphas", type=_alphas, metavar="A,B,...",
        help=f"penalty strengths (default: {_values_text(study.DEFAULT_ALPHAS)})")
    grid.add_argument("--penalties", type=_penalties, default=study.PENALTIES,
        metavar="P,Q,...",
        help=f"penalties to try (default: all: {','.join(_PENALTY_NAMES)})")
    grid.add_argument("--dropout", type=_dropout, nargs="+", default=(),
        metavar="RATE",
        help="dropout rates in (0, 1): each adds candidates for penalty none and "
        "l2 (if in --penalties; not the others, to keep the grid small) at every "
        "alpha, fitted with Adam, and the table a dropout column (default: none)")
    _add_common(parser, STUDY_OUT, study.DEFAULT_CV, study.QUICK_CV,
                jobs="paths (one fold, one penalty)",
                seeded="the folds and the weight initialisation")
    # fmt: on
    parser.set_defaults(func=_run_study)
    return parser


def _add_capacity(subparsers):
    study = capacity_study
    parser = subparsers.add_parser(
        "capacity",
        help="training and validation error of polynomials against the degree",
        description="Cross-validate polynomials of degree 0 to --max-degree on "
        "noisy values of a random polynomial (or two columns of a CSV file), print "
        "the training and validation errors with the degrees chosen by the best "
        "score and by the one-standard-error rule, and write a report folder with "
        "figures and report.html.",
    )
    # fmt: off
    data = parser.add_argument_group(
        "data (synthetic by default, or two columns of a CSV file)")
    data.add_argument("--true-degree", type=_degree, metavar="D",
        help=f"degree of the true polynomial (default: {study.DEFAULT_TRUE_DEGREE})")
    data.add_argument("--noise", type=_noise, metavar="STD",
        help=f"std of the Gaussian noise (default: {study.DEFAULT_NOISE:g})")
    data.add_argument("--n-samples", type=_count, metavar="N",
        help=f"number of points (default: {study.DEFAULT_N_SAMPLES})")
    data.add_argument("--csv", metavar="FILE", help="CSV file with a header row")
    data.add_argument("--feature", metavar="COLUMN",
        help="input column of --csv (default: the only column besides --target)")
    data.add_argument("--target", metavar="COLUMN", help="target column of --csv")
    degrees = parser.add_argument_group("degrees")
    degrees.add_argument("--max-degree", type=_degree, metavar="D",
        help=f"largest degree tried (default: {study.DEFAULT_MAX_DEGREE}; "
        f"{study.QUICK_MAX_DEGREE} with --quick)")
    degrees.add_argument("--quick", action="store_true",
        help=f"degrees up to {study.QUICK_MAX_DEGREE}, {study.QUICK_CV} folds")
    _add_common(parser, CAPACITY_OUT, study.DEFAULT_CV, study.QUICK_CV,
                jobs="fits", seeded="the synthetic data and the folds")
    # fmt: on
    parser.set_defaults(func=_run_capacity)


def build_parser():
    """Return the argument parser of the ``skreg`` command, one subparser each."""
    parser = _TopParser(
        prog="skreg",
        description="Regularized multi-layer perceptrons: studies from the shell. "
        "Without a subcommand, runs 'study'.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.default_parser = _add_study(subparsers)
    _add_capacity(subparsers)
    return parser


def _with_default_command(argv):
    """Insert "study" when the arguments start with an option (or are empty)."""
    if not argv or (argv[0].startswith("-") and argv[0] not in _TOP_LEVEL_FLAGS):
        return ["study", *argv]
    return list(argv)


# ---------------------------------------------------------------- output
def _printable(text, stream):
    """``text``, with "+/-" for "±" when ``stream`` cannot encode it."""
    try:
        text.encode(stream.encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return text.replace("±", "+/-")
    return text


def _duration(seconds):
    """Text of a duration: "12.3 s" below a minute, "m:ss" above."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def _eta(elapsed, done, total):
    """Seconds left when ``done`` of ``total`` units of work took ``elapsed``."""
    return elapsed / done * (total - done)


class _Progress:
    """Prints a line per candidate of ``grid`` as its CV estimator ends, with the ETA.

    A CV estimator gives all its candidates at once.  The ETA extrapolates
    the time so far to the candidates left, each weighed by its solver's
    iteration budget (:func:`~skreg._cli.study.candidate_budget`): the Adam
    candidates that come last cost about half an L-BFGS one.  ``clock``
    returns seconds.
    """

    def __init__(self, stream, grid, metric, clock=time.perf_counter):
        self.stream = stream
        self.total = len(grid)
        self.metric = metric
        names = [penalty_report.series_name(p, d) for p, _, d in grid]
        self.name_width = max([11, *map(len, names)])
        self.done = 0
        self.budget = sum(penalty_study.candidate_budget(p, d) for p, _, d in grid)
        self.budget_done = 0
        self.clock = clock
        self.start = clock()

    def elapsed(self):
        """Seconds since the start."""
        return self.clock() - self.start

    def __call__(self, rows):
        elapsed = self.elapsed()
        first, self.done = self.done + 1, self.done + len(rows)
        self.budget_done += sum(
            penalty_study.candidate_budget(row.penalty, row.dropout) for row in rows
        )
        eta = _duration(_eta(elapsed, self.budget_done, self.budget))
        width = len(str(self.total))
        for done, row in enumerate(rows, first):
            alpha = "" if row.penalty is None else f"alpha={row.alpha:g}"
            name = penalty_report.series_name(row.penalty, row.dropout)
            print(
                f"[{done:>{width}}/{self.total}] {name:<{self.name_width}} "
                f"{alpha:<12} CV {self.metric} {row.test_mean:.3f}  "
                f"({row.fit_time:.2f} s/fit)  elapsed {_duration(elapsed)}, "
                f"ETA {eta}",
                file=self.stream, flush=True,
            )  # fmt: skip


def _say(args, stream, *lines):
    """Print ``lines`` unless ``--quiet``."""
    if not args.quiet:
        print(*lines, sep="\n", file=stream, flush=True)


@contextmanager
def _failure_as_usage_error(what):
    """Turn an OSError into a one-line _UsageError: ``what``, then the reason."""
    try:
        yield
    except OSError as exc:
        raise _UsageError(f"{what}: {exc.strerror or exc}") from None


def _prepare_folder(path, input_file, figure_names):
    """Check and create the report folder now, so a bad --out fails before the work.

    Refuses a folder that cannot be created or written to, or where a report
    file would replace the ``input_file``; returns whether a report is there.
    """
    names = (*figure_names, report_files.CSV_NAME, report_files.HTML_NAME)
    reports = [os.path.join(path, name) for name in names]
    replaced = [report for report in reports if _same_file(report, input_file)]
    if replaced:
        raise _UsageError(
            f"--out: the report's {os.path.basename(replaced[0])} would overwrite "
            f"the input file '{input_file}': choose another folder"
        )
    with _failure_as_usage_error(f"--out: cannot create the folder '{path}'"):
        os.makedirs(path, exist_ok=True)
    # A file is created and removed: the permission bits alone do not tell what
    # the user can write (root ignores them; a read-only file system does not
    # show in them).
    with _failure_as_usage_error(f"--out: cannot write in the folder '{path}'"):
        with tempfile.NamedTemporaryFile(prefix=".skreg-", dir=path):
            pass
    for report in reports:
        if os.path.isdir(report):
            raise _UsageError(f"--out: cannot replace '{report}': it is a folder")
        if os.path.exists(report) and not os.access(report, os.W_OK):
            raise _UsageError(f"--out: cannot replace '{report}': it is not writable")
    return any(os.path.exists(report) for report in reports)


def _same_file(path, other):
    """Whether ``path`` names the file ``other`` (through links too; None: no)."""
    try:
        return other is not None and os.path.samefile(path, other)
    except OSError:  # nothing at ``path`` yet
        return False


def _finish(args, out, err, report, replacing):
    """Print the report's table and conclusions, write it and say where.

    Without matplotlib a last line on ``err``, even with ``--quiet``, says so.
    """
    print(_printable(report.table.to_text(), out), file=out, flush=True)
    _say(args, out, "", *report.conclusions)
    replaced = " (replacing the report that was there)" if replacing else ""
    _say(args, err, f"writing the report to {args.out}/{replaced}")
    with _failure_as_usage_error(f"cannot write the report to '{args.out}'"):
        written = report_files.write_report(report, args.out)
    files = f"{len(written.figures)} figures, {written.csv.name}"
    _say(
        args, out, f"report: {written.html} ({files})", f"finished in {report.run_time}"
    )
    if not written.has_matplotlib:
        print(f"skreg: {report_files.NO_MATPLOTLIB}", file=err, flush=True)
    return 0


def _csv_target(args, extra_options):
    """Refuse ``extra_options`` (name: value) without --csv, --csv without --target."""
    if args.csv is None:
        if any(value is not None for value in extra_options.values()):
            raise _UsageError(f"{' and '.join(extra_options)} go with --csv FILE")
    elif args.target is None:
        raise _UsageError("--csv needs --target COLUMN (the column to predict)")


# ----------------------------------------------------------------- study
def _study_dropouts(args):
    """The sorted distinct --dropout rates, checked against --penalties."""
    dropouts = tuple(sorted(set(args.dropout)))
    if dropouts and not penalty_study.dropout_penalties(args.penalties, dropouts):
        raise _UsageError(
            "--dropout adds candidates for penalty none and l2 only: "
            "add one of them to --penalties"
        )
    return dropouts


def _check_alphas(alphas, dataset):
    """Refuse alphas past :func:`~skreg._cli.study.max_alpha` of the dataset."""
    n_samples = dataset.X.shape[0]
    limit = penalty_study.max_alpha(n_samples)
    if max(alphas) <= limit:
        return
    # the limit as given back must be accepted: %g rounds, maybe upwards
    shown = f"{limit:g}" if float(f"{limit:g}") == limit else f"{limit:.0f}"
    raise _UsageError(
        f"--alphas: {max(alphas):g} is too large for {dataset.name} "
        f"({n_samples} samples): past alpha = {shown} "
        f"({penalty_study.MAX_ALPHA_PER_SAMPLE:.0e} per sample) every penalty "
        "has emptied the network long before, and the solvers lose their "
        f"precision, then overflow; give alphas of at most {shown}"
    )


def _run_study(args, out, err):
    _csv_target(args, {"--target": args.target, "--task": args.task})
    if args.csv is None:
        dataset = cli_data.load_builtin(args.dataset)
    else:
        dataset = cli_data.load_csv(args.csv, args.target, args.task)
    quick = args.quick
    alphas = args.alphas or (
        penalty_study.QUICK_ALPHAS if quick else penalty_study.DEFAULT_ALPHAS
    )
    cv = args.cv or (penalty_study.QUICK_CV if quick else penalty_study.DEFAULT_CV)
    dropouts = _study_dropouts(args)
    # No catch of ValueError around the study: after these checks (and those
    # of load_csv) no known problem of the data makes a fit raise one, so one
    # that does is a bug and shows its traceback.
    cli_data.check_folds(dataset, cv)
    _check_alphas(alphas, dataset)
    replacing = _prepare_folder(args.out, args.csv, penalty_report.FIGURE_NAMES)
    settings = penalty_report.describe_settings(
        dataset, alphas, args.penalties, cv, dropouts
    )
    _say(args, out, *settings, "")
    grid = penalty_study.candidates(alphas, args.penalties, dropouts)
    progress = _Progress(err, grid, dataset.metric)
    result = penalty_study.run_study(
        dataset, alphas, penalties=args.penalties, dropouts=dropouts, cv=cv,
        n_jobs=args.n_jobs, random_state=args.random_state, refit_best=True,
        on_rows=None if args.quiet else progress,
    )  # fmt: skip
    report = penalty_report.study_report(result, _duration(progress.elapsed()))
    return _finish(args, out, err, report, replacing)


# -------------------------------------------------------------- capacity
_SYNTHETIC_OPTIONS = ("true_degree", "noise", "n_samples")


def _capacity_data(args):
    """Return x, y and the keyword arguments naming them for run_capacity."""
    given = [name for name in _SYNTHETIC_OPTIONS if getattr(args, name) is not None]
    if args.csv is not None and given:
        option = "--" + given[0].replace("_", "-")
        raise _UsageError(f"{option} is for synthetic data, not --csv")
    _csv_target(args, {"--feature": args.feature, "--target": args.target})
    if args.csv is not None:
        x, y, feature = cli_data.load_csv_pair(args.csv, args.feature, args.target)
        return x, y, {"name": args.csv, "feature": feature, "target": args.target}
    truth = capacity_study.make_polynomial_data(
        _or_default(args.n_samples, capacity_study.DEFAULT_N_SAMPLES),
        _or_default(args.true_degree, capacity_study.DEFAULT_TRUE_DEGREE),
        _or_default(args.noise, capacity_study.DEFAULT_NOISE),
        args.random_state,
    )
    return truth.x, truth.y, {"truth": truth}


def _or_default(value, default):
    return default if value is None else value


def _check_capacity_data(x, y, names, max_degree, cv):
    """Raise DataError, before the study, for data the polynomials cannot take."""
    if len(x) < 2 * cv:
        raise DataError(
            f"{len(x)} samples: too few for {cv}-fold cross-validation "
            "(use --cv with fewer folds or more samples)"
        )
    name = names.get("name", "synthetic")
    columns = {names.get("feature", "x"): x, names.get("target", "y"): y}
    check_magnitude(name, columns)
    # The study ends by fitting the largest degree to all the data; fitting it
    # now tells, before the cross-validation, whether its coefficients
    # overflow (inputs too small, too large or too close together).
    capacity_study.fit_polynomial(x, y, max_degree, name)


def _run_capacity(args, out, err):
    x, y, names = _capacity_data(args)
    quick = args.quick
    max_degree = _or_default(
        args.max_degree,
        capacity_study.QUICK_MAX_DEGREE if quick else capacity_study.DEFAULT_MAX_DEGREE,
    )
    cv = args.cv or (capacity_study.QUICK_CV if quick else capacity_study.DEFAULT_CV)
    _check_capacity_data(x, y, names, max_degree, cv)
    replacing = _prepare_folder(args.out, args.csv, capacity_report.FIGURE_NAMES)
    start = time.perf_counter()
    _say(args, err, f"cross-validating degrees 0..{max_degree} ({cv} folds each)")
    study = capacity_study.run_capacity(
        x, y, max_degree=max_degree, cv=cv, random_state=args.random_state,
        n_jobs=args.n_jobs, **names,
    )  # fmt: skip
    run_time = _duration(time.perf_counter() - start)
    report = capacity_report.capacity_report(study, run_time)
    _say(args, out, *report.settings, "")
    return _finish(args, out, err, report, replacing)


# ------------------------------------------------------------------ main
def main(argv=None):
    """Run the ``skreg`` command line on ``argv`` (``sys.argv[1:]`` when None).

    Returns the exit status: 0 on success, 2 for bad data or options that do
    not go together (one line on the standard error; argument errors exit with
    2 directly), 1 when the output pipe closes early, 130 when interrupted.
    """
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(_with_default_command(argv))
    try:
        return args.func(args, sys.stdout, sys.stderr)
    except (DataError, TableError, _UsageError) as exc:
        print(f"skreg: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. "skreg | head": stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("skreg: interrupted", file=sys.stderr)
        return 130
