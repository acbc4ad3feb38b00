"""scikit-learn's own MLP tests, run against skreg's estimators.

The installed scikit-learn's ``sklearn/neural_network/tests/test_mlp.py`` is
copied with its import of ``MLPClassifier`` and ``MLPRegressor`` replaced by
skreg's classes, and run by pytest in a subprocess, so that a new scikit-learn
release is checked too.  The six tests that read or set scikit-learn's private
attributes (``_coef_grads``, ``_loss_grad_lbfgs``, ``_optimizer``,
``_no_improvement_count``) test its implementation, not the public API, and
are left out.  Where skreg deliberately differs (see the docs' Differences
page) no test of that file is affected.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

sklearn = pytest.importorskip("sklearn")

PRIVATE_ATTRIBUTE_TESTS = (
    "test_fit",
    "test_gradient",
    "test_learning_rate_warmstart",
    "test_adaptive_learning_rate",
    "test_n_iter_no_change",
    "test_n_iter_no_change_inf",
)
SKLEARN_IMPORT = "from sklearn.neural_network import MLPClassifier, MLPRegressor"
SKREG_IMPORT = (
    "from skreg import RegularizedMLPClassifier as MLPClassifier, "
    "RegularizedMLPRegressor as MLPRegressor"
)
CONFTEST = '''
import pytest


@pytest.fixture
def global_random_seed():
    """scikit-learn's fixture: one seed (its own CI draws several)."""
    return 42
'''


def _ported_tests(folder):
    source = Path(sklearn.__file__).parent / "neural_network/tests/test_mlp.py"
    if not source.exists():
        pytest.skip("this scikit-learn was installed without its tests")
    text = source.read_text()
    assert text.count(SKLEARN_IMPORT) == 1, "the import to swap has changed"
    (folder / "test_mlp_skreg.py").write_text(
        text.replace(SKLEARN_IMPORT, SKREG_IMPORT)
    )
    (folder / "conftest.py").write_text(CONFTEST)
    return folder / "test_mlp_skreg.py"


@pytest.mark.slow
def test_scikit_learns_mlp_tests_pass_against_skreg(tmp_path):
    ported = _ported_tests(tmp_path)
    deselected = [
        f"--deselect={ported.name}::{name}" for name in PRIVATE_ATTRIBUTE_TESTS
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-W", "ignore::DeprecationWarning", ported.name, *deselected],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1] if result.stdout else ""
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = int(re.search(r"(\d+) passed", summary).group(1))
    assert passed >= 50, summary  # 53 with scikit-learn 1.9.1
