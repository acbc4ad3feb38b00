"""Every gallery script runs headless (Agg backend), succeeds and warns nothing.

The examples are fitted to convergence rather than silenced, so running them
with every warning shown (``-W always``) must print none: the gallery pages
show what the scripts print.
"""

from pathlib import Path

import pytest
from quiet_run import run_without_warnings

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("plot_*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    run_without_warnings([str(script)], cwd=tmp_path)
