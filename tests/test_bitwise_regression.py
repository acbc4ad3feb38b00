"""The fixed-seed fits of ``regression_cases.py`` reproduce their pinned results.

The reference was written by the code before its reorganisation into
subpackages; every fitted array, loss curve and iteration count must come out
bit for bit the same on the machine that wrote it.  Bitwise equality is only
meaningful with the BLAS kernels that wrote the reference: another CPU or BLAS
build rounds products differently, by about one unit in the last place per
product, and a trajectory of fits amplifies those differences.  Off that
machine the comparison keeps to what rounding cannot move, with tolerances
set by the fit's dtype (see :func:`assert_matches_reference`).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from regression_cases import CASES, REFERENCE, fit_case, machine_fingerprint

_REFERENCE = np.load(REFERENCE)
_SAME_MACHINE = str(_REFERENCE["fingerprint"]) == machine_fingerprint()

# Off the reference machine, a float64 fit's arrays agree to RTOL_FLOAT64: on
# a second x86-64 machine (another OpenBLAS build) the largest difference was
# 2.7e-11 (an L-BFGS path with an L1 part, which amplifies rounding about 1e5
# times over its 30 iterations), 4,000 times below it.  A float32 fit rounds
# every product to 1.2e-7: its first FIRST_STEPS losses agree to
# 100 eps (measured: 5.6e-7), while after 30 L-BFGS iterations the curves and
# the weights moved by up to 2.1e-3 and 2.3e-3 (relative norm); they are held
# to FLOAT32_TRAJECTORY, 3e5 eps, which a change of the fit (another alpha,
# another step) exceeds many times over (tested below).
RTOL_FLOAT64, ATOL_FLOAT64 = 1e-7, 1e-10
FIRST_STEPS = 3
FLOAT32_EPS = float(np.finfo(np.float32).eps)
FLOAT32_FIRST, FLOAT32_TRAJECTORY = 100 * FLOAT32_EPS, 3e5 * FLOAT32_EPS


def assert_matches_reference(name, results, reference, same_machine):
    """Compare one case's results with its pinned reference.

    On the reference machine: bit for bit.  Elsewhere: the iteration counts
    exactly; a float64 fit's arrays to RTOL_FLOAT64; a float32 fit's curves
    to FLOAT32_FIRST on their first steps and FLOAT32_TRAJECTORY after, and
    its weights to FLOAT32_TRAJECTORY in relative norm.
    """
    stored = sorted(key for key in reference.files if key.startswith(f"{name}/"))
    assert sorted(f"{name}/{key}" for key in results) == stored
    float32 = any(value.dtype == np.float32 for value in results.values())
    for key, value in results.items():
        expected = reference[f"{name}/{key}"]
        assert value.dtype == expected.dtype, key
        if same_machine or key == "n_iter":
            assert_array_equal(value, expected, err_msg=key, strict=True)
        elif not float32:
            assert_allclose(value, expected, rtol=RTOL_FLOAT64, atol=ATOL_FLOAT64,
                            err_msg=key)  # fmt: skip
        elif value.dtype == np.float32:  # the weights of a float32 fit
            error = np.linalg.norm(value - expected) / np.linalg.norm(expected)
            assert error <= FLOAT32_TRAJECTORY, f"{key}: relative error {error:.2e}"
        else:  # the curves of a float32 fit, kept in float64
            first = slice(None, FIRST_STEPS)
            assert_allclose(value[first], expected[first], rtol=FLOAT32_FIRST,
                            err_msg=key)  # fmt: skip
            assert_allclose(value, expected, rtol=FLOAT32_TRAJECTORY, err_msg=key)


@pytest.mark.parametrize("name", list(CASES))
def test_fit_reproduces_the_pinned_reference(name):
    assert_matches_reference(name, fit_case(name), _REFERENCE, _SAME_MACHINE)


@pytest.mark.parametrize("name", ["lbfgs-float32", "lbfgs-l1", "adam-l2"])
def test_the_off_machine_comparison_still_sees_a_changed_fit(name, monkeypatch):
    """A fit at another alpha fails the loose comparison too."""
    task, params = CASES[name]
    monkeypatch.setitem(CASES, name, (task, {**params, "alpha": params["alpha"] * 1.1}))
    with pytest.raises(AssertionError):
        assert_matches_reference(name, fit_case(name), _REFERENCE, same_machine=False)
