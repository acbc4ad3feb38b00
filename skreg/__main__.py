"""Command line: ``python -m skreg [study] [options]`` (also the ``skreg`` script).

Subcommands
-----------
study (the default)
    Cross-validate both estimators with every penalty over a small alpha grid
    and print a table of scores and sparsity.
"""

import argparse
import os
import sys
import time

from . import __version__, _study

_TOP_LEVEL_FLAGS = ("-h", "--help", "--version")


def _alphas_text(alphas):
    return ", ".join(f"{alpha:g}" for alpha in alphas)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and exit status 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _n_jobs(text):
    value = int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be a non-zero integer, got 0")
    return value


def _seed(text):
    value = int(text)
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be in [0, 2**32), got {value}")
    return value


# The names in error messages, e.g. "argument --n-jobs: invalid int value: 'x'".
_n_jobs.__name__ = _seed.__name__ = "int"


def _add_study(subparsers):
    parser = subparsers.add_parser(
        "study",
        help="cross-validate every penalty over an alpha grid (default command)",
        description=(
            "Fit RegularizedMLPClassifier on digits and RegularizedMLPRegressor on "
            "diabetes with each penalty over a grid of alpha, and print the "
            "cross-validated score, training score and fraction of zero weights."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true",
        help=f"smaller grid: alpha = {_alphas_text(_study.QUICK_ALPHAS)}, 3 folds",
    )  # fmt: skip
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print the table only"
    )
    parser.add_argument(
        "--n-jobs", type=_n_jobs, default=None, metavar="N",
        help="folds fitted in parallel (-1: all cores; default: 1)",
    )  # fmt: skip
    parser.add_argument(
        "--random-state", type=_seed, default=0, metavar="SEED",
        help="seed of the weight initialisation (default: 0)",
    )  # fmt: skip
    parser.set_defaults(func=_run_study)


def build_parser():
    """Return the argument parser of the ``skreg`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with one subparser per subcommand.
    """
    parser = _Parser(
        prog="skreg",
        description="Regularized multi-layer perceptrons: studies from the shell.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_study(subparsers)
    return parser


def _with_default_command(argv):
    """Insert "study" when the arguments start with an option (or are empty)."""
    if not argv or (argv[0].startswith("-") and argv[0] not in _TOP_LEVEL_FLAGS):
        return ["study", *argv]
    return list(argv)


# ---------------------------------------------------------------- study
_COLUMNS = (  # (title, width, right-aligned)
    ("dataset", 9, False), ("metric", 8, False), ("penalty", 10, False),
    ("alpha", 6, True), ("CV score", 15, True), ("train", 6, True),
    ("zeros", 6, True),
)  # fmt: skip


def _plus_minus(stream):
    try:
        "±".encode(stream.encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return "+/-"
    return "±"


def _format_line(cells):
    return "  ".join(
        cell.rjust(width) if right else cell.ljust(width)
        for cell, (_, width, right) in zip(cells, _COLUMNS)
    ).rstrip()


def format_header():
    """Return the title line and the rule of the study table."""
    titles = _format_line([title for title, _, _ in _COLUMNS])
    return f"{titles}\n{'-' * len(titles)}"


def _number(value):
    text = f"{value:.3f}"
    return f"{0.0:.3f}" if float(text) == 0 else text  # no "-0.000"


def format_row(row, plus_minus="±"):
    """Return one line of the study table for a :class:`_study.StudyRow`."""
    alpha = "-" if row.penalty is None else f"{row.alpha:g}"
    return _format_line([
        row.dataset, row.metric, str(row.penalty).lower(), alpha,
        f"{_number(row.test_mean)} {plus_minus} {_number(row.test_std)}",
        _number(row.train_mean), _number(row.zero_fraction),
    ])  # fmt: skip


def _describe_study(alphas, cv, out):
    mlp = ", ".join(f"{k}={v!r}" for k, v in _study.MLP_PARAMS.items())
    print(f"skreg {__version__} study: MLP({mlp}), alpha = {_alphas_text(alphas)}",
          f"CV score: mean and std over {cv} folds; train: mean training score",
          "zeros: fraction of the weights that are exactly 0\n",
          sep="\n", file=out)  # fmt: skip


def _run_study(args, out):
    alphas = _study.QUICK_ALPHAS if args.quick else _study.DEFAULT_ALPHAS
    cv = 3 if args.quick else 5
    pm = _plus_minus(out)
    if not args.quiet:
        _describe_study(alphas, cv, out)
    print(format_header(), file=out, flush=True)
    start = time.perf_counter()
    _study.run_study(
        alphas, cv=cv, n_jobs=args.n_jobs, random_state=args.random_state,
        on_row=lambda row: print(format_row(row, pm), file=out, flush=True),
    )  # fmt: skip
    if not args.quiet:
        print(f"\nfinished in {time.perf_counter() - start:.1f} s", file=out)
    return 0


def main(argv=None):
    """Run the ``skreg`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``sys.argv[1:]`` when None.  Without a subcommand the
        arguments go to ``study``.

    Returns
    -------
    status : int
        The exit status: 0 on success, 1 when the output pipe closes early,
        130 when interrupted (argument errors exit with status 2 directly).
    """
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(_with_default_command(argv))
    try:
        return args.func(args, sys.stdout)
    except BrokenPipeError:  # e.g. "skreg | head": stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("skreg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
