"""The Python code blocks of the docs pages run, and print no warning at all.

A page's blocks are run together, in order, as one script, the way a reader
pasting them one after the other would.  Of the scaling page only the first
block runs (a grid search on a local Dask cluster): the others need a remote
scheduler or data files the reader brings.
"""

import importlib.util
import re
import textwrap
from pathlib import Path

import pytest
from quiet_run import run_without_warnings

DOCS = Path(__file__).resolve().parents[1] / "docs"
# page: (the blocks that run, None for all; the optional modules they import)
RUNNABLE_PAGES = {
    "getting_started.rst": (None, ()),
    "choosing_alpha.rst": (None, ()),
    "deploying.rst": (None, ("skl2onnx", "onnxruntime")),
    "scaling.rst": ([0], ("distributed",)),
}


def _page_code(page, blocks):
    """The page's ``code-block:: python`` bodies, dedented and joined."""
    text = (DOCS / page).read_text()
    bodies = re.findall(
        r"\.\. code-block:: python\n\n((?:(?: {3,}.*)?\n)+)", text
    )  # an indented body ends at the first unindented line
    chosen = bodies if blocks is None else [bodies[i] for i in blocks]
    return "\n".join(textwrap.dedent(body) for body in chosen)


@pytest.mark.parametrize("page", sorted(RUNNABLE_PAGES))
def test_a_docs_page_runs_without_a_warning(page, tmp_path):
    blocks, needs = RUNNABLE_PAGES[page]
    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{page} needs {', '.join(missing)}")
    code = _page_code(page, blocks)
    assert code.strip(), f"{page} has no Python code block"
    # a file, not -c: Dask's worker processes import the main module
    script = tmp_path / "snippet.py"
    script.write_text(code)
    run_without_warnings([str(script)], cwd=tmp_path)
