"""Run documented code as a reader would, and fail if it prints a warning.

A fresh interpreter with every warning shown (``-W always``) and the Agg
backend.  ``PYTHONWARNINGS`` is dropped from the environment: worker
processes (joblib, Dask) would inherit it, and their warnings reach the same
standard error.
"""

import os
import subprocess
import sys


def run_without_warnings(args, cwd=None, timeout=300):
    """Run ``python -W always *args``; assert it succeeds and warns nothing."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run(
        [sys.executable, "-W", "always", *args], cwd=cwd, capture_output=True,
        text=True, timeout=timeout, env={**env, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Warning" not in done.stderr, done.stderr[-2000:]
    return done
