"""The fixed-seed fits of ``regression_cases.py`` reproduce their pinned results.

The reference was written by the code before its reorganisation into
subpackages; every fitted array, loss curve and iteration count must come out
bit for bit the same.  Bitwise equality is only meaningful with the BLAS
kernels that wrote the reference (another CPU or BLAS build rounds products
differently), so on another machine the arrays are compared to 1e-7 instead.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from regression_cases import CASES, REFERENCE, fit_case, machine_fingerprint

_REFERENCE = np.load(REFERENCE)
_SAME_MACHINE = str(_REFERENCE["fingerprint"]) == machine_fingerprint()


@pytest.mark.parametrize("name", list(CASES))
def test_fit_reproduces_the_pinned_reference(name):
    results = fit_case(name)
    stored = sorted(key for key in _REFERENCE.files if key.startswith(f"{name}/"))
    assert sorted(f"{name}/{key}" for key in results) == stored
    for key, value in results.items():
        expected = _REFERENCE[f"{name}/{key}"]
        assert value.dtype == expected.dtype, key
        if _SAME_MACHINE or key == "n_iter":
            assert_array_equal(value, expected, err_msg=key, strict=True)
        else:
            assert_allclose(value, expected, rtol=1e-7, atol=1e-10, err_msg=key)
