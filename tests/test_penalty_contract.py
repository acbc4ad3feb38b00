"""The penalty contract: a new penalty written in one place works with every solver.

``WeightedL1`` below is defined only here, against ``skreg._penalties.base``:
``sum_i c_i |w_i|`` with one coefficient per weight.  Passed to the estimators
as the ``penalty`` parameter, it is minimised by L-BFGS on split weights (its
"l1_split" capability) and by sgd and adam through its prox, and gives exact
zeros.  The oracle: with no hidden layer and squared error, the objective is
``(1/2 ||y - X w - b||^2 + alpha sum_j c_j |w_j|) / n``, which is scikit-learn's
``Lasso(alpha / n)`` on the rescaled inputs ``X_j / c_j`` (with ``w_j = v_j / c_j``).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.linear_model import Lasso

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg._penalties.base import Penalty, soft_threshold


class WeightedL1(Penalty):
    """``sum_i c_i |w_i|`` over the flat weights (a toy, for this test only)."""

    capabilities = frozenset({"prox", "l1_split"})

    def __init__(self, coefficients):
        self.coefficients = coefficients

    def value(self, coefs, scratch=None):
        flat = np.concatenate([W.ravel() for W in coefs])
        return float(self.coefficients @ np.abs(flat))

    def smooth_value_and_gradient(self, weights, grad, strength, scratch=None):
        return 0.0  # no smooth part

    def l1_coefficients(self, n_weights):
        assert n_weights == self.coefficients.size
        return self.coefficients

    def prox(self, coef, step, scale=1.0, scratch=None):
        threshold = step * scale * self.coefficients
        return soft_threshold(coef, threshold, out=np.empty_like(coef))


N_SAMPLES, ALPHA = 200, 30.0
COEFFICIENTS = np.array([0.2, 0.5, 1.0, 2.0, 5.0, 20.0])


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(
        n_samples=N_SAMPLES, n_features=6, n_informative=6, noise=5.0,
        random_state=0,
    )  # fmt: skip
    return X, y / y.std()


@pytest.fixture(scope="module")
def lasso_weights(data):
    X, y = data
    lasso = Lasso(alpha=ALPHA / N_SAMPLES, tol=1e-12, max_iter=100_000)
    lasso.fit(X / COEFFICIENTS, y)
    return lasso.coef_ / COEFFICIENTS


def _linear(solver, **params):
    return RegularizedMLPRegressor(
        hidden_layer_sizes=(), solver=solver, alpha=ALPHA,
        penalty=WeightedL1(COEFFICIENTS), random_state=0, **params,
    )  # fmt: skip


def test_lbfgs_minimises_the_new_penalty_exactly(data, lasso_weights):
    X, y = data
    model = _linear("lbfgs", tol=1e-12, max_iter=2000).fit(X, y)
    w = model.coefs_[0].ravel()
    assert (lasso_weights == 0).sum() >= 2  # the heavy coefficients bite
    assert_array_equal(w == 0, lasso_weights == 0)  # the same exact zeros
    assert_allclose(w, lasso_weights, rtol=1e-4, atol=1e-8)
    expected_penalty = ALPHA * float(COEFFICIENTS @ np.abs(w)) / N_SAMPLES
    assert model.penalty_curve_[-1] == pytest.approx(expected_penalty, rel=1e-6)


# tol=0 runs all max_iter epochs, which ends with a ConvergenceWarning
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "solver, params",
    [
        ("sgd", {"learning_rate_init": 0.01, "momentum": 0.0, "batch_size": 20}),
        ("adam", {"learning_rate_init": 0.01, "batch_size": 20}),
    ],
)
def test_stochastic_solvers_apply_its_prox_with_exact_zeros(
    data, lasso_weights, solver, params
):
    X, y = data
    model = _linear(solver, max_iter=300, tol=0, n_iter_no_change=1000, **params)
    model.set_params(learning_rate="constant").fit(X, y)
    w = model.coefs_[0].ravel()
    assert_array_equal(w == 0, lasso_weights == 0)
    assert_allclose(w, lasso_weights, atol=0.01)  # measured: sgd 5e-4, adam 5e-3


def test_it_goes_through_clone_and_a_network(data):
    X, y = data
    y_class = (y > 0).astype(int)
    first_layer = np.repeat(COEFFICIENTS, 8)  # each input's 8 outgoing weights
    rest = np.full(8 * 1, 0.1)
    penalty = WeightedL1(np.concatenate([first_layer, rest]))
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver="lbfgs", alpha=20.0, penalty=penalty,
        max_iter=500, random_state=0,
    )  # fmt: skip
    fitted = clone(model).fit(X, y_class)
    row_zeros = (fitted.coefs_[0] == 0).mean(axis=1)
    assert row_zeros[-1] == 1.0  # the most penalised input is dropped
    assert row_zeros[-1] > row_zeros[0]
    assert fitted.score(X, y_class) > 0.8
