"""alpha="evidence": Bayesian regularization by MacKay's evidence fixed point.

Oracles: scikit-learn's BayesianRidge for the linear model (which the
evidence framework reduces to), closed forms of the Laplace predictive
variance, the profiled Hessian of the log-loss, and the fixed-point equations
themselves at the end of a network's fit.
"""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import BayesianRidge
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor
from skreg.theory import flat_parameters, loss_hessian, profile_hessian


@pytest.fixture(scope="module")
def linear_fit(diabetes_raw_target):
    X, y = diabetes_raw_target
    tight = dict(tol=1e-12, max_iter=10_000, evidence_tol=1e-10)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(), alpha="evidence", solver="lbfgs", **tight
    )
    with _quiet_lbfgs_floor():
        model.fit(X, y)
    oracle = BayesianRidge(
        alpha_1=0, alpha_2=0, lambda_1=0, lambda_2=0, tol=1e-12, compute_score=True
    ).fit(X, y)
    return model, oracle, X, y


class _quiet_lbfgs_floor:
    """tol=1e-12 warm-started fits end at L-BFGS-B's precision floor ("ABNORMAL").

    The evidence loop counts them in one warning at the end of the fit.
    """

    def __enter__(self):
        self._catcher = warnings.catch_warnings()
        self._catcher.__enter__()
        warnings.filterwarnings(
            "ignore", message="lbfgs failed to converge|[0-9]+ of the [0-9]+ MAP fits",
            category=ConvergenceWarning,
        )  # fmt: skip

    def __exit__(self, *exc):
        return self._catcher.__exit__(*exc)


def _small_evidence_network(**params):
    """The (8,) L-BFGS network the evidence tests on diabetes share."""
    return RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), alpha="evidence", solver="lbfgs", max_iter=3000,
        random_state=0, **params,
    )  # fmt: skip


# --------------------------------------------- 1. the BayesianRidge oracle
def test_linear_evidence_fit_is_bayesian_ridge(linear_fit):
    model, oracle, X, y = linear_fit
    assert isinstance(model.alpha_, float)
    assert model.alpha_ == pytest.approx(oracle.lambda_ / oracle.alpha_, rel=1e-4)
    assert model.noise_precision_ == pytest.approx(oracle.alpha_, rel=1e-4)
    assert model.prior_precision_ == pytest.approx(oracle.lambda_, rel=1e-4)
    assert_allclose(model.coefs_[0].ravel(), oracle.coef_, rtol=1e-4)
    assert model.intercepts_[0][0] == pytest.approx(oracle.intercept_, rel=1e-4)
    centred = X - X.mean(axis=0)
    eigenvalues = np.linalg.eigvalsh(centred.T @ centred)
    beta, alpha_p = model.noise_precision_, model.prior_precision_
    gamma = np.sum(beta * eigenvalues / (alpha_p + beta * eigenvalues))
    assert model.effective_parameters_ == pytest.approx(gamma, rel=1e-4)
    assert model.log_evidence_ == pytest.approx(oracle.scores_[-1], rel=1e-6)


# ------------------------------------------- 2. the predictive std, closed
def test_linear_predictive_std_is_the_closed_form(linear_fit):
    model, _, X, y = linear_fit
    design = np.column_stack([X, np.ones(len(X))])
    beta, alpha_p = model.noise_precision_, model.prior_precision_
    prior = np.diag(np.r_[np.full(X.shape[1], alpha_p), 0.0])  # flat on the intercept
    covariance = np.linalg.inv(beta * design.T @ design + prior)
    expected = np.sqrt(np.einsum("np,pq,nq->n", design, covariance, design) + 1 / beta)
    mean, std = model.predict(X[:50], return_std=True)
    assert_allclose(mean, model.predict(X[:50]))
    assert_allclose(std, expected[:50], rtol=1e-3)


# ------------------------------- 3. logistic regression: alpha ||W||^2 = gamma
def test_linear_logistic_evidence_fixed_point():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(), alpha="evidence", solver="lbfgs", tol=1e-10,
        max_iter=10_000, evidence_tol=1e-8, random_state=0,
    )  # fmt: skip
    with _quiet_lbfgs_floor():
        model.fit(X, y)
    n = X.shape[0]
    n_w = model.coefs_[0].size
    # the Hessian of the summed log-loss, intercept profiled out
    S = profile_hessian(loss_hessian(model, X, y), n_w) * n
    eigenvalues = np.clip(np.linalg.eigvalsh(S), 0, None)
    gamma = np.sum(eigenvalues / (eigenvalues + model.alpha_))
    norm = float(np.sum(model.coefs_[0] ** 2))
    assert model.alpha_ * norm == pytest.approx(gamma, rel=1e-3)
    assert model.effective_parameters_ == pytest.approx(gamma, rel=1e-3)


# ------------------------------------------------------------ 4. networks
@pytest.mark.parametrize("hidden", [(8,), (16,)])
def test_network_ends_at_mackays_fixed_point_and_is_calibrated(diabetes_split, hidden):
    X_train, X_test, y_train, y_test = diabetes_split
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=hidden, alpha="evidence", solver="lbfgs", max_iter=3000,
        random_state=0,
    ).fit(X_train, y_train)  # fmt: skip
    assert model.alpha_.shape == (2,)  # one strength per weight matrix
    norms = np.array([np.sum(W**2) for W in model.coefs_])
    assert np.sum(model.prior_precision_ * norms) == pytest.approx(
        model.effective_parameters_, rel=2e-2
    )
    residuals = np.sum((y_train - model.predict(X_train)) ** 2)
    beta = (len(y_train) - model.effective_parameters_) / residuals
    assert model.noise_precision_ == pytest.approx(beta, rel=2e-2)
    assert_allclose(model.prior_precision_, model.alpha_ * model.noise_precision_)
    mean, std = model.predict(X_test, return_std=True)
    assert 0.6 < np.std((y_test - mean) / std) < 1.5


def test_the_history_and_the_final_alpha(diabetes_split):
    X_train, _, y_train, _ = diabetes_split
    model = _small_evidence_network().fit(X_train, y_train)
    history = model.alpha_history_
    assert history.shape[1] == 2 and len(history) >= 2
    assert_allclose(history[-1], model.alpha_)
    relative = np.abs(history[-1] - history[-2]) / history[-2]
    assert relative.max() <= model.evidence_tol
    assert np.isfinite(model.log_evidence_)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_stochastic_solvers_give_an_approximate_evidence_fit(diabetes_split, solver):
    X_train, X_test, y_train, y_test = diabetes_split
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), alpha="evidence", solver=solver, max_iter=300,
        learning_rate_init=0.01, random_state=0, evidence_max_updates=30,
        evidence_tol=0.05,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # approximate MAPs
        model.fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.25
    assert 0 < model.effective_parameters_ < sum(W.size for W in model.coefs_)


def test_a_classifier_chooses_alpha_by_the_evidence():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), alpha="evidence", solver="lbfgs", max_iter=3000,
        random_state=0,
    ).fit(scaler.transform(X_train), y_train)  # fmt: skip
    assert not hasattr(model, "noise_precision_")
    assert_allclose(model.prior_precision_, model.alpha_)
    assert model.score(scaler.transform(X_test), y_test) > 0.94


# ------------------------------------------- the objective's strength
def test_with_strength_sets_one_strength_or_one_per_weight_matrix():
    from skreg._network import LOSSES
    from skreg._penalties import make_penalty
    from skreg._solvers import Objective

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    objective = Objective([3, 4, 1], "tanh", LOSSES["identity"], make_penalty("l2"),
                          2.0, X, Y)  # fmt: skip
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    squares = [np.sum(W**2) for W in coefs]
    one = objective.with_strength(3.0)
    assert one.penalty is objective.penalty and one.X is X
    assert one.penalty_sum(coefs) == pytest.approx(1.5 * sum(squares))
    per_layer = objective.with_strength(np.array([1.0, 5.0]))
    assert per_layer.alpha == 1.0
    expected = 0.5 * (squares[0] + 5.0 * squares[1])
    assert per_layer.penalty_sum(coefs) == pytest.approx(expected)
    moved = per_layer.with_data(X[:3], Y[:3])
    assert moved.penalty is per_layer.penalty and moved.weight_sum == 3
    assert moved.penalty_sum(coefs) == pytest.approx(expected)


# ------------------------------------------------------ behaviour and errors
def test_evidence_needs_the_l2_penalty(diabetes_raw_target):
    X, y = diabetes_raw_target
    with pytest.raises(ValueError, match="penalty='l2'"):
        RegularizedMLPRegressor(alpha="evidence", penalty="l1", solver="lbfgs").fit(
            X, y
        )


def test_partial_fit_refuses_the_evidence(diabetes_raw_target):
    X, y = diabetes_raw_target
    with pytest.raises(ValueError, match="alpha='evidence' needs fit"):
        RegularizedMLPRegressor(alpha="evidence").partial_fit(X, y)


def test_return_std_needs_an_evidence_fit(diabetes_raw_target):
    X, y = diabetes_raw_target
    model = RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="return_std=True needs"):
        model.predict(X, return_std=True)
    # a later fit at a fixed alpha forgets the posterior of an evidence fit
    model.set_params(alpha="evidence").fit(X, y)
    model.predict(X, return_std=True)
    model.set_params(alpha=1.0).fit(X, y)
    assert not hasattr(model, "alpha_")
    with pytest.raises(ValueError, match="return_std=True needs"):
        model.predict(X, return_std=True)


def test_an_evidence_fit_without_a_noise_level_drops_the_posterior(diabetes_raw_target):
    X, y = diabetes_raw_target
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(), alpha="evidence", solver="lbfgs"
    ).fit(X, y)
    model.predict(X, return_std=True)
    model.set_params(loss="poisson").fit(X, y)  # no beta, no posterior
    assert not hasattr(model, "noise_precision_")
    with pytest.raises(ValueError, match="return_std=True needs"):
        model.predict(X, return_std=True)


def test_too_few_updates_warn(diabetes_split):
    X_train, _, y_train, _ = diabetes_split
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), alpha="evidence", solver="lbfgs",
        evidence_max_updates=1, max_iter=3000, random_state=0,
    )  # fmt: skip
    with pytest.warns(ConvergenceWarning, match="evidence_max_updates=1") as record:
        model.fit(X_train, y_train)
    assert len(model.alpha_history_) == 2
    assert len(record) == 1 and record[0].filename == __file__  # the call to fit


def test_warm_start_continues_from_the_last_alpha(diabetes_split):
    X_train, _, y_train, _ = diabetes_split
    model = _small_evidence_network(warm_start=True).fit(X_train, y_train)
    first = model.alpha_.copy()
    model.fit(X_train, y_train)
    assert_allclose(model.alpha_history_[0], first)
    assert len(model.alpha_history_) <= 4  # it starts at the fixed point


def test_clone_and_large_networks_use_the_last_layer(diabetes_split):
    X_train, X_test, y_train, _ = diabetes_split
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(48, 16), alpha="evidence", solver="lbfgs", max_iter=2000,
        random_state=0,
    )  # fmt: skip
    fitted = clone(model).fit(X_train, y_train)
    assert flat_parameters(fitted).size > 1000  # more than the full posterior takes
    assert fitted._laplace.subset == "last_layer"
    _, std = fitted.predict(X_test, return_std=True)
    assert std.shape == (len(X_test),) and (std > 0).all()


def test_a_network_too_large_for_the_exact_curvature_is_kronecker_factored(
    diabetes_split, monkeypatch
):
    """Past the exact form's memory the evidence takes K-FAC's blocks.

    They drop the curvature between layers, so alpha_ moves, but the choice
    must stay as good on held-out data.
    """
    from skreg._theory import gauss_newton

    X_train, X_test, y_train, y_test = diabetes_split
    model = _small_evidence_network()
    exact = clone(model).fit(X_train, y_train)
    monkeypatch.setattr(gauss_newton, "EXACT_MAX_FLOATS", 10)
    factored = clone(model).fit(X_train, y_train)
    assert not np.allclose(factored.alpha_, exact.alpha_)  # the other path ran
    assert_allclose(factored.alpha_, exact.alpha_, rtol=10)
    assert factored.score(X_test, y_test) > exact.score(X_test, y_test) - 0.02


def test_log_evidence_of_a_fixed_alpha_fit_is_bayesian_ridges_score(
    diabetes_raw_target,
):
    from skreg.theory import log_evidence

    X, y = diabetes_raw_target
    oracle = BayesianRidge(
        alpha_1=0, alpha_2=0, lambda_1=0, lambda_2=0, tol=1e-12, compute_score=True
    ).fit(X, y)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(), solver="lbfgs", alpha=oracle.lambda_ / oracle.alpha_,
        tol=1e-10, max_iter=5000,
    ).fit(X, y)  # fmt: skip
    assert log_evidence(model, X, y) == pytest.approx(oracle.scores_[-1], rel=1e-8)
    with pytest.raises(ValueError, match="penalty='l2'"):
        log_evidence(model.set_params(penalty="l1"), X, y)


def test_the_evidence_does_not_depend_on_the_targets_units(diabetes_split):
    """y in units a million times smaller ran away to alphas of 1e72."""
    X_train, X_test, y_train, y_test = diabetes_split
    model = _small_evidence_network()
    unit = clone(model).fit(X_train, y_train)
    large = clone(model).fit(X_train, y_train * 1e6)
    assert large.score(X_test, y_test * 1e6) == pytest.approx(
        unit.score(X_test, y_test), abs=0.01
    )
    # the hidden layer's alpha scales with the units squared, the output's
    # not.  The two loops solve the same scaled problem up to rounding, which
    # a ReLU network's L-BFGS fits amplify: they settle 25% and 36% apart in
    # a flat valley of the evidence (held-out R^2 0.357 and 0.352), where a
    # runaway was off by a factor of 1e60
    assert_allclose(large.alpha_ / unit.alpha_, [1e12, 1.0], rtol=0.5)
    assert large.noise_precision_ * 1e12 == pytest.approx(
        unit.noise_precision_, rel=0.5
    )


def test_the_evidence_fits_a_sparse_X_as_its_dense_copy(diabetes_split):
    """The Laplace posterior indexed a CSR matrix as a 3-D array and raised."""
    import scipy.sparse as sp

    X_train, X_test, y_train, _ = diabetes_split
    model = _small_evidence_network()
    dense = clone(model).fit(X_train, y_train)
    sparse = clone(model).fit(sp.csr_matrix(X_train), y_train)
    # sparse products round differently, and the loop follows its own fits
    assert_allclose(sparse.alpha_, dense.alpha_, rtol=0.1)
    _, std = sparse.predict(sp.csr_matrix(X_test), return_std=True)
    assert_allclose(std, sparse.predict(X_test, return_std=True)[1], rtol=1e-10)
    assert_allclose(std, dense.predict(X_test, return_std=True)[1], rtol=0.1)


def test_a_classifier_says_it_has_no_predictive_std():
    """It raised a TypeError (an unexpected keyword argument)."""
    X, y = load_breast_cancer(return_X_y=True)
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(), solver="lbfgs", max_iter=2000
    ).fit(StandardScaler().fit_transform(X), y)
    with pytest.raises(ValueError, match="predict_proba"):
        model.predict(X, return_std=True)


def test_map_fits_that_stop_early_give_one_warning_at_the_call_to_fit(diabetes_split):
    """Adam warned 'Maximum iterations' once per update of the loop, from inside it."""
    X_train, _, y_train, _ = diabetes_split
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), alpha="evidence", solver="adam", max_iter=50,
        n_iter_no_change=50, learning_rate_init=0.01, evidence_tol=0.05,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X_train, y_train)
    assert [w.category for w in caught] == [ConvergenceWarning]
    message = str(caught[0].message)
    counts = re.match(r"(\d+) of the (\d+) MAP fits of the evidence loop", message)
    # max_iter=50 caps no fit: every update's fit and the final one count
    n_stopped, n_fits = map(int, counts.groups())
    assert 2 <= n_stopped <= n_fits == len(model.alpha_history_)
    assert "Maximum iterations (50)" in message and "max_iter=50" in message
    assert caught[0].filename == __file__  # the user's call to fit


@pytest.mark.parametrize(
    "data, hidden", [("iris_standardized", (8,)), ("breast_cancer", (16,))]
)
def test_a_refit_that_starts_at_its_map_does_not_warn(request, data, hidden):
    """'lbfgs failed to converge after 0 iteration(s) ... ABNORMAL', at any max_iter.

    Warm-started at the previous MAP, L-BFGS-B's first line search found no
    lower point (a ReLU kink): the fit was done, and more iterations did nothing.
    """
    if data == "breast_cancer":  # unscaled
        X, y = load_breast_cancer(return_X_y=True)
    else:
        X, y = request.getfixturevalue(data)
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=hidden, alpha="evidence", solver="lbfgs", max_iter=5000,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    assert model.score(X, y) > 0.9


@pytest.mark.parametrize("hidden, seed", [((8,), 23), ((16,), 15)])
def test_the_updates_settle_when_a_sample_sits_at_a_relu_kink(
    iris_standardized, hidden, seed
):
    """They cycled between two alphas 15% apart and used all 100 updates.

    A sample at a unit's kink is active after one MAP fit and not after the
    next, and its curvature with it; halving the steps that turn back settles.
    """
    X, y = iris_standardized
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=hidden, alpha="evidence", solver="lbfgs",
        random_state=seed,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    history = model.alpha_history_
    assert len(history) <= 30
    assert np.max(np.abs(history[-1] - history[-2]) / history[-2]) <= model.evidence_tol
    assert model.score(X, y) > 0.95


@pytest.mark.parametrize("max_iter, settled", [(500, 250), (200, None)])
def test_settled_fits_get_half_of_max_iter_and_the_final_fit_all(
    diabetes_split, monkeypatch, max_iter, settled
):
    """Rough fits get 100, settled ones max_iter / 2 (if over 100), the last all."""
    from skreg._solvers import evidence

    budgets = []
    run = evidence._MapFits._run

    def spy(self, objective, budget):
        budgets.append(budget)
        return run(self, objective, budget)

    monkeypatch.setattr(evidence._MapFits, "_run", spy)
    X_train, _, y_train, _ = diabetes_split
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), alpha="evidence", solver="lbfgs",
        max_iter=max_iter, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    assert budgets[-1] is None  # the final fit, at alpha_: max_iter
    behind_updates = budgets[:-1]
    assert set(behind_updates) <= {evidence.ROUGH_ITERATIONS, settled}
    assert settled in behind_updates  # the loop ends after a settled fit
