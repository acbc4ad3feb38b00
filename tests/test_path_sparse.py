"""regularization_path on sparse X: default alphas without densifying.

``alpha_max = max |X_c^T Y_c|`` needs no centred X: the centred targets sum to
zero, so ``X_c^T Y_c = X^T Y_c``, which a sparse matrix computes as it is.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelBinarizer

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor, regularization_path
from skreg._path import default_alphas


@pytest.fixture(scope="module")
def sparse_problem():
    """300 x 30 inputs, 80% zeros, targets from the first 4 features."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 30)) * (rng.random((300, 30)) < 0.2)
    signal = X[:, :4] @ [3.0, -2.0, 1.5, 1.0]
    y_reg = signal + 0.1 * rng.standard_normal(300)
    y_clf = np.digitize(signal, np.quantile(signal, [1 / 3, 2 / 3]))
    return X, y_reg, y_clf


MODELS = {
    "regressor": lambda: RegularizedMLPRegressor(
        hidden_layer_sizes=(), solver="lbfgs", penalty="l1", tol=1e-10,
        max_iter=2000, random_state=0,
    ),
    "classifier": lambda: RegularizedMLPClassifier(
        hidden_layer_sizes=(), solver="lbfgs", penalty="l1", tol=1e-10,
        max_iter=2000, random_state=0,
    ),
}  # fmt: skip


def _path(kind, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return regularization_path(MODELS[kind](), X, y, n_alphas=5, random_state=0)


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("sparse_format", [sp.csr_matrix, sp.csr_array])
def test_regularization_path_on_csr_matches_dense(sparse_problem, kind, sparse_format):
    X, y_reg, y_clf = sparse_problem
    y = y_clf if kind == "classifier" else y_reg
    dense = _path(kind, X, y)
    sparse = _path(kind, sparse_format(X), y)
    assert_allclose(sparse.alphas, dense.alphas, rtol=1e-12, atol=0)
    # alpha_max is the kink at which zero weights become optimal: there a
    # weight is zero up to rounding, and which rounding depends on the products
    for path in (dense, sparse):
        assert max(np.abs(W).max() for W in path.coefs[0]) < 1e-12
    # below it the weights that enter are the same
    assert_array_equal(sparse.n_nonzero[1:], dense.n_nonzero[1:])
    assert dense.n_nonzero[1].sum() < dense.n_nonzero[-1].sum()  # a real path
    # L-BFGS from rounding-level different gradients: close, not bitwise
    for ours, theirs in zip(sparse.coefs, dense.coefs, strict=True):
        for W_sparse, W_dense in zip(ours, theirs, strict=True):
            assert_allclose(W_sparse, W_dense, atol=1e-4)
    assert_allclose(sparse.train_scores, dense.train_scores, atol=1e-6)
    assert_allclose(sparse.validation_scores, dense.validation_scores, atol=1e-6)


@pytest.mark.parametrize("classifier", [False, True])
@pytest.mark.parametrize("sparse_format", [sp.csr_matrix, sp.csc_matrix])
def test_default_alphas_on_sparse_x_equal_the_centred_formula(
    sparse_problem, classifier, sparse_format
):
    X, y_reg, y_clf = sparse_problem
    y = y_clf if classifier else y_reg
    Y = LabelBinarizer().fit_transform(y) if classifier else y.reshape(-1, 1)
    # the definition, with X centred (dense)
    alpha_max = np.abs((X - X.mean(axis=0)).T @ (Y - Y.mean(axis=0))).max()
    expected = np.geomspace(alpha_max, alpha_max * 1e-3, 10)
    assert_allclose(default_alphas(X, y, classifier), expected, rtol=1e-12)
    sparse_alphas = default_alphas(sparse_format(X), y, classifier)
    assert_allclose(sparse_alphas, expected, rtol=1e-12)
