"""The README's Python snippets run, and print no warning at all."""

import re
from pathlib import Path

import pytest
from quiet_run import run_without_warnings

README = Path(__file__).resolve().parents[1] / "README.md"


def _snippets():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_readme_has_snippets():
    assert len(_snippets()) >= 2


@pytest.mark.parametrize("index", range(len(_snippets())))
def test_a_readme_snippet_runs_without_a_warning(index):
    done = run_without_warnings(["-c", _snippets()[index]])
    assert done.stdout.strip()  # it printed its results
