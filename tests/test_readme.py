"""The README's Python snippets run, and print no warning at all."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _snippets():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_readme_has_snippets():
    assert len(_snippets()) >= 2


@pytest.mark.parametrize("index", range(len(_snippets())))
def test_a_readme_snippet_runs_without_a_warning(index):
    # a fresh interpreter, as a reader runs it, with every warning shown
    # (worker processes print theirs on the same standard error)
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", _snippets()[index]],
        capture_output=True, text=True, timeout=300,
        env={**_environment(), "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    assert done.stdout.strip()  # it printed its results


def _environment():
    return {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
