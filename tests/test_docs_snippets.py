"""Docs pages' Python code blocks run, print what the pages show, and warn nothing.

A page's blocks are run together, in order, as one script, the way a reader
pasting them one after the other would.  Of the scaling page only the first
block runs (a grid search on a local Dask cluster): the others need a remote
scheduler or data files the reader brings.

A ``code-block:: text`` after a Python block of a runnable page is what that
block prints: the test compares them, the words exactly and every number to
the digits the page shows (one unit of its last digit, so that a figure
rounded the other way on another machine or BLAS still passes; integers
exactly).  The install commands of every page install skreg from its
checkout, as the README does.
"""

import importlib.util
import math
import re
import textwrap
from pathlib import Path

import pytest
from quiet_run import run_without_warnings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# page: (the blocks that run, None for all; the optional modules they import)
RUNNABLE_PAGES = {
    "getting_started.rst": (None, ()),
    "choosing_alpha.rst": (None, ()),
    "deploying.rst": (None, ("skl2onnx", "onnxruntime")),
    "scaling.rst": ([0], ("distributed",)),
    "theory.rst": (None, ()),
}
# an indented body ends at the first unindented line
BLOCK = re.compile(r"\.\. code-block:: (python|text)\n\n((?:(?: {3,}.*)?\n)+)")
END_OF_BLOCK = "<end of docs block {}>"
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _page_blocks(page, blocks):
    """The chosen Python blocks of a page, each with the text block after it.

    Returns a list of ``(code, shown)``: the dedented body of a
    ``code-block:: python`` and that of the ``code-block:: text`` following
    it before the next Python block, or None.
    """
    pairs = []
    for language, body in BLOCK.findall((DOCS / page).read_text()):
        body = textwrap.dedent(body)
        if language == "python":
            pairs.append([body, None])
        elif pairs and pairs[-1][1] is None:
            pairs[-1][1] = body
    chosen = pairs if blocks is None else [pairs[i] for i in blocks]
    return [tuple(pair) for pair in chosen]


def _script(pairs):
    """The blocks as one script that prints a marker line after each block."""
    parts = []
    for i, (code, _) in enumerate(pairs):
        parts += [code, f"print({END_OF_BLOCK.format(i)!r})\n"]
    return "\n".join(parts)


def _printed_per_block(stdout, n_blocks):
    """What each block printed, split at the markers."""
    printed = []
    for i in range(n_blocks):
        before, marker, stdout = stdout.partition(END_OF_BLOCK.format(i) + "\n")
        assert marker, f"block {i} did not finish"
        printed.append(before)
    return printed


def _unit(shown):
    """One unit of the last digit of a number as written; 0 for an integer."""
    mantissa, _, exponent = shown.lower().partition("e")
    if "." not in mantissa and not exponent:
        return 0.0
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _differences(printed, shown):
    """How what a block printed differs from what its page shows ([] if alike)."""
    words = [[re.sub(r"\s+", "", w) for w in NUMBER.split(t)] for t in (printed, shown)]
    if words[0] != words[1]:
        return [f"the text differs: {words[0]} against {words[1]}"]
    problems = []
    # the same words: as many numbers on both sides
    numbers = zip(NUMBER.findall(printed), NUMBER.findall(shown), strict=True)
    for got, documented in numbers:
        tolerance = _unit(documented) * (1 + 1e-9)
        if not math.isclose(float(got), float(documented), abs_tol=tolerance):
            problems.append(f"{got} printed, {documented} shown")
    return problems


@pytest.mark.parametrize(
    "printed, shown, alike",
    [
        ("7.64 weights of 10\n", "7.64 weights of 10\n", True),
        ("7.6449 weights", "7.64 weights", True),  # the page rounds
        ("7.65 weights", "7.64 weights", True),  # rounded the other way
        ("7.66 weights", "7.64 weights", False),
        ("[ -10.   1.3]", "[-10.  1.3]", True),  # numpy's padding
        ("[1.2e-05]", "[1.1e-05]", True),
        ("[1.3e-05]", "[1.1e-05]", False),
        ("11 weights", "10 weights", False),  # integers exactly
        ("7.64 weights of 10", "7.64 weights of ten", False),
        ("True", "False", False),
    ],
)
def test_printed_output_is_compared_to_the_digits_shown(printed, shown, alike):
    assert (not _differences(printed, shown)) == alike


@pytest.mark.parametrize("page", sorted(RUNNABLE_PAGES))
def test_a_docs_page_runs_and_prints_what_it_shows(page, tmp_path):
    blocks, needs = RUNNABLE_PAGES[page]
    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{page} needs {', '.join(missing)}")
    pairs = _page_blocks(page, blocks)
    assert pairs, f"{page} has no Python code block"
    # a file, not -c: Dask's worker processes import the main module
    script = tmp_path / "snippet.py"
    script.write_text(_script(pairs))
    done = run_without_warnings([str(script)], cwd=tmp_path)
    printed = _printed_per_block(done.stdout, len(pairs))
    for i, ((_, shown), got) in enumerate(zip(pairs, printed, strict=True)):
        if shown is not None:
            problems = _differences(got, shown)
            assert not problems, f"{page}, block {i} printed\n{got}\n{problems}"


def _extras():
    """The names of the optional dependencies of pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text()
    section = text.partition("[project.optional-dependencies]\n")[2].split("\n[")[0]
    return set(re.findall(r"^([\w-]+) = ", section, flags=re.MULTILINE))


def test_the_docs_install_skreg_from_its_checkout():
    # skreg is not on a package registry: pip install -e ".[extra]", as the README
    extras, commands = _extras(), []
    for page in sorted(DOCS.glob("*.rst")):
        for args in re.findall(r"pip install ([^\n&`]+)", page.read_text()):
            commands.append(args)
            assert "skreg" not in args, f"{page.name}: pip install {args}"
            for named in re.findall(r'-e "?\.\[([\w,-]+)\]', args):
                assert set(named.split(",")) <= extras, f"{page.name}: {args}"
    assert any("[onnx]" in args for args in commands)
