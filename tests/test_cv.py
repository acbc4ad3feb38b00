"""RegularizedMLPClassifierCV and RegularizedMLPRegressorCV: paths, choice, refit.

Oracles: scikit-learn's Ridge and Lasso fitted on every fold (a network
without hidden layers is a linear model), the one-standard-error rule worked
out from ``scores_`` by hand, and a plain estimator refitted along the same
path.
"""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_friedman1, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import Lasso, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg import (
    RegularizedMLPClassifier,
    RegularizedMLPClassifierCV,
    RegularizedMLPRegressor,
    RegularizedMLPRegressorCV,
    regularization_path,
)
from skreg._cv import GRID_GAIN, MAX_GRID_EXTENSIONS
from skreg._path import (
    default_alphas,
    fit_on_path,
    is_collapsed,
    revive_unreachable_units,
)

ALPHAS = [300.0, 30.0, 3.0, 0.3]

# The oracle fits ask L-BFGS for tol=1e-10, where some line searches end on
# rounding ("ABNORMAL"); the warnings' own tests record them explicitly.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _linear_cv(**params):
    return RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", tol=1e-10, alphas=ALPHAS,
        cv=KFold(5, shuffle=True, random_state=0), **params,
    )  # fmt: skip


@pytest.fixture(scope="module")
def linear_cv(diabetes_standardized):
    return _linear_cv().fit(*diabetes_standardized)


# ------------------------------------------------------------- the oracle
def test_every_fold_score_is_that_of_ridge(linear_cv, diabetes_standardized):
    X, y = diabetes_standardized
    folds = KFold(5, shuffle=True, random_state=0).split(X)
    expected = np.array(
        [
            [Ridge(alpha=a).fit(X[tr], y[tr]).score(X[te], y[te]) for a in ALPHAS]
            for tr, te in folds
        ]
    )
    assert_array_equal(linear_cv.alphas_, ALPHAS)
    assert linear_cv.scores_["l2"].shape == (5, 4)
    assert_allclose(linear_cv.scores_["l2"], expected, atol=1e-6)
    assert linear_cv.alpha_ == ALPHAS[int(np.argmax(expected.mean(axis=0)))]
    assert linear_cv.penalty_ == "l2"


def test_refit_coefficients_are_those_of_ridge(linear_cv, diabetes_standardized):
    X, y = diabetes_standardized
    ridge = Ridge(alpha=linear_cv.alpha_).fit(X, y)
    assert_allclose(linear_cv.coefs_[0].ravel(), ridge.coef_, atol=1e-6)
    assert_allclose(linear_cv.intercepts_[0], ridge.intercept_, atol=1e-6)
    assert_allclose(linear_cv.predict(X), ridge.predict(X), atol=1e-6)
    assert linear_cv.score(X, y) == pytest.approx(ridge.score(X, y), abs=1e-9)


def test_l1_fold_scores_are_those_of_lasso(diabetes_standardized):
    # skreg's (1/2 sum (y - f)^2 + alpha |W|) / n is Lasso's at alpha / n
    X, y = diabetes_standardized
    alphas = [30.0, 3.0, 0.3]
    cv = KFold(3, shuffle=True, random_state=1)
    est = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", tol=1e-12, alphas=alphas,
        penalties=("l1",), cv=cv,
    ).fit(X, y)  # fmt: skip
    for fold, (tr, te) in enumerate(cv.split(X)):
        for k, alpha in enumerate(alphas):
            lasso = Lasso(alpha=alpha / len(tr), tol=1e-12, max_iter=100_000)
            score = lasso.fit(X[tr], y[tr]).score(X[te], y[te])
            assert est.scores_["l1"][fold, k] == pytest.approx(score, abs=1e-6)


def test_a_scoring_string_is_used_for_the_held_out_scores(diabetes_standardized):
    X, y = diabetes_standardized
    est = _linear_cv(scoring="neg_mean_squared_error").fit(X, y)
    folds = KFold(5, shuffle=True, random_state=0).split(X)
    for fold, (tr, te) in enumerate(folds):
        ridge = Ridge(alpha=ALPHAS[1]).fit(X[tr], y[tr])
        error = mean_squared_error(y[te], ridge.predict(X[te]))
        assert est.scores_["l2"][fold, 1] == pytest.approx(-error, abs=1e-6)


# ---------------------------------------------------------------- choice
def _one_se_alpha(scores, alphas):
    mean = scores.mean(axis=0)
    best = int(np.argmax(mean))
    standard_error = scores[:, best].std(ddof=0) / np.sqrt(scores.shape[0])
    return alphas[int(np.flatnonzero(mean >= mean[best] - standard_error)[0])]


def test_one_se_chooses_the_largest_alpha_within_one_standard_error(
    diabetes_standardized,
):
    X, y = diabetes_standardized
    alphas = np.geomspace(3000, 0.3, 9)
    best = _linear_cv(selection="best").set_params(alphas=alphas).fit(X, y)
    one_se = clone(best).set_params(selection="one_se").fit(X, y)
    scores = one_se.scores_["l2"]
    assert_allclose(scores, best.scores_["l2"])
    assert one_se.alpha_ == _one_se_alpha(scores, one_se.alphas_)
    # on these data the rule picks a strictly stronger penalty than the best
    assert one_se.alpha_ > best.alpha_
    assert one_se.best_score_ == pytest.approx(scores.mean(axis=0)[one_se.best_index_])
    ridge = Ridge(alpha=one_se.alpha_).fit(X, y)
    assert_allclose(one_se.coefs_[0].ravel(), ridge.coef_, atol=1e-6)
    # the other rule's choice, from the scores of a fit with "best"
    penalty, alpha, index, score = best.choice("one_se")
    assert (penalty, alpha, index) == (one_se.penalty_, one_se.alpha_,
                                       one_se.best_index_)  # fmt: skip
    assert score == pytest.approx(one_se.best_score_, rel=1e-9)
    assert best.choice() == (best.penalty_, best.alpha_, best.best_index_,
                             best.best_score_)  # fmt: skip


def test_choice_needs_a_fit_and_a_known_rule(diabetes_standardized):
    estimator = _linear_cv()
    with pytest.raises(NotFittedError):
        estimator.choice()
    X, y = diabetes_standardized
    estimator.set_params(refit=False).fit(X, y)  # the scores are enough
    with pytest.raises(ValueError, match="selection must be"):
        estimator.choice("worst")


@pytest.fixture(scope="module")
def sparse_truth():
    X, y = make_regression(
        n_samples=80, n_features=40, n_informative=3, noise=1.0, random_state=0
    )
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def test_the_penalty_with_the_best_mean_score_wins(sparse_truth):
    X, y = sparse_truth
    est = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", tol=1e-10, alphas=[10.0, 1.0, 0.1],
        penalties=("l2", "l1"), cv=KFold(4, shuffle=True, random_state=0),
    ).fit(X, y)  # fmt: skip
    best = {p: est.scores_[p].mean(axis=0).max() for p in ("l2", "l1")}
    assert best["l1"] > best["l2"]  # three informative features of forty
    assert est.penalty_ == "l1"
    assert est.best_score_ == pytest.approx(best["l1"])
    # the refitted plain model carries the choice as its parameters
    assert est.best_estimator_.penalty == "l1"
    assert est.best_estimator_.alpha == est.alpha_
    assert est.sparsity_[0] > 0.5  # the refitted lasso is sparse
    # the same data with l2 alone: l2 wins by default
    only_l2 = clone(est).set_params(penalties=("l2",)).fit(X, y)
    assert only_l2.penalty_ == "l2"


def test_cv_results_rank_every_candidate(sparse_truth):
    X, y = sparse_truth
    est = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", alphas=[10.0, 1.0],
        penalties=(None, "l2", "l1"), cv=3,
    ).fit(X, y)  # fmt: skip
    results = est.cv_results_
    assert list(results["param_penalty"]) == [None, "l2", "l2", "l1", "l1"]
    assert_array_equal(results["param_alpha"], [0.0, 10.0, 1.0, 10.0, 1.0])
    assert_allclose(results["mean_test_score"][1:3], est.scores_["l2"].mean(axis=0))
    order = np.argsort(-results["mean_test_score"], kind="stable")
    assert_array_equal(results["rank_test_score"][order], np.arange(1, 6))
    assert results["params"][3] == {"penalty": "l1", "alpha": 10.0}
    # no penalty: one fit per fold, the same for every alpha
    assert_array_equal(est.scores_[None][:, 0], est.scores_[None][:, 1])
    zeros = results["mean_zero_fraction"]
    assert np.all(zeros[3:] >= zeros[1:3])


# -------------------------------------------------------------- networks
def test_a_network_on_digits_in_two_jobs(digits_unit):
    X, y = digits_unit
    est = RegularizedMLPClassifierCV(
        hidden_layer_sizes=(32,), solver="adam", alphas=5, cv=3, n_jobs=2,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        # the strongest alphas take more than max_iter=200 epochs, on purpose
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    assert est.scores_["l2"].shape == (3, len(est.alphas_))
    assert_allclose(est.alphas_[:5], default_alphas(X, y, True, 5))
    assert est.predict(X).shape == y.shape
    assert est.predict_proba(X).shape == (len(y), 10)
    assert est.score(X, y) > 0.9
    assert est.feature_importances_.shape == (64,)
    # warm starts: the paths start at the smallest alpha with max_iter=200
    # epochs, the later (larger) alphas get a fifth
    n_iter = est.n_iter_path_["l2"][:, :5]
    assert np.all(n_iter[:, -1] == 200) and np.all(n_iter[:, :-1] <= 40)


def test_parallel_paths_give_the_sequential_results(digits_unit):
    X, y = digits_unit[0][:400], digits_unit[1][:400]
    params = dict(
        hidden_layer_sizes=(8,), solver="lbfgs", alphas=3, cv=3, max_iter=30,
        random_state=0, penalties=("l2", "l1"),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        one = RegularizedMLPClassifierCV(**params, n_jobs=1).fit(X, y)
        two = RegularizedMLPClassifierCV(**params, n_jobs=2).fit(X, y)
    for penalty in ("l2", "l1"):
        assert_array_equal(one.scores_[penalty], two.scores_[penalty])
    assert_array_equal(one.coefs_[0], two.coefs_[0])


def _first_fold_path_then_all_the_data(est, X, y, warm_max_iter, **params):
    """A plain estimator along the first fold's path up to alpha_, then on X."""
    train, _ = next(StratifiedKFold(3).split(X, y))
    plain = RegularizedMLPClassifier(**params)
    for alpha in est.alphas_[est.best_index_ :][::-1]:
        fit_on_path(plain, alpha, X[train], y[train], warm_max_iter=warm_max_iter)
    fit_on_path(plain, est.alpha_, X, y)
    return plain


def test_the_refit_continues_the_first_folds_network_on_all_the_data(digits_unit):
    X, y = digits_unit[0][:300], digits_unit[1][:300]
    params = dict(hidden_layer_sizes=(16,), solver="adam", max_iter=300, random_state=0)
    est = RegularizedMLPClassifierCV(alphas=[10.0, 1.0, 0.1, 0.01], cv=3, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
        # up from the smallest alpha, capped as in the paths (adam: a fifth)
        plain = _first_fold_path_then_all_the_data(est, X, y, 300 // 5, **params)
    assert 0 < est.best_index_ < 3
    for W, V in zip(est.coefs_, plain.coefs_, strict=True):
        assert_array_equal(W, V)
    assert_array_equal(est.predict_proba(X), plain.predict_proba(X))
    assert_array_equal(est.classes_, plain.classes_)
    assert est.n_iter_ == plain.n_iter_


def test_a_first_fold_without_a_class_gives_a_fresh_refit():
    # class 2 has two rows, both in the first fold's test part (no shuffling)
    X, y = make_friedman1(n_samples=60, random_state=0)
    y = (y > np.median(y)).astype(int)
    y[[0, 1]] = 2
    params = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=50, random_state=0)
    est = RegularizedMLPClassifierCV(alphas=[1.0, 0.1], cv=KFold(3), **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
        fresh = RegularizedMLPClassifier(alpha=est.alpha_, **params).fit(X, y)
    assert_array_equal(est.classes_, [0, 1, 2])
    for W, V in zip(est.coefs_, fresh.coefs_, strict=True):
        assert_array_equal(W, V)


def test_path_warnings_are_summarised_once(digits_unit):
    X, y = digits_unit[0][:300], digits_unit[1][:300]
    est = RegularizedMLPClassifierCV(
        hidden_layer_sizes=(8,), solver="adam", alphas=3, cv=3, max_iter=3,
        path_max_iter=None, n_jobs=2, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    summaries = [w for w in caught if "cross-validation paths" in str(w.message)]
    assert len(summaries) == 1
    assert issubclass(summaries[0].category, ConvergenceWarning)
    # every path fit (3 folds, every alpha of the grid, grown or not) stops
    # at max_iter=3; the refit warns on its own
    n_stopped = 3 * len(est.alphas_)
    assert str(summaries[0].message).startswith(f"{n_stopped} of the ")
    assert summaries[0].filename == __file__
    assert len(caught) <= 2


def test_warm_started_adam_fits_get_a_fifth_of_max_iter(digits_unit):
    X, y = digits_unit[0][:300], digits_unit[1][:300]
    params = dict(
        hidden_layer_sizes=(8,), solver="adam", alphas=[1.0, 0.1, 0.01], cv=3,
        max_iter=50, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        auto = RegularizedMLPClassifierCV(**params).fit(X, y)
    n_iter = auto.n_iter_path_["l2"]
    # the first fit of each path, at the smallest alpha: max_iter
    assert np.all(n_iter[:, -1] == 50)
    assert np.all(n_iter[:, :-1] <= 10)  # then 50 // 5, never continued (adam)
    summary = [str(w.message) for w in caught if "paths" in str(w.message)]
    assert "of the 9 fits" in summary[0]
    assert auto.n_iter_ == 50  # the refit gets max_iter
    seven = clone(auto).set_params(path_max_iter=7).fit(X, y)
    assert seven.n_iter_path_["l2"][:, :-1].max() == 7
    uncapped = clone(auto).set_params(path_max_iter=None).fit(X, y)
    assert uncapped.n_iter_path_["l2"][:, :-1].max() > 7


def _assert_only_the_leaders_are_continued(estimator, cap):
    """A warm fit stops at ``cap``, unless it scored its path's best so far.

    Such a fit may decide the choice: it is continued with the full max_iter
    (so it has more than ``cap`` iterations) and scored again.
    """
    for n_iter in estimator.n_iter_path_.values():
        warm = n_iter[:, :-1]  # the first fit of a path is at the smallest alpha
        continued = warm > cap
        assert np.all(warm[~continued] <= cap)
        assert np.all(warm[continued] <= cap + estimator.max_iter)


def test_warm_started_lbfgs_fits_get_a_quarter_of_max_iter(diabetes_standardized):
    est = _linear_cv().fit(
        *diabetes_standardized
    )  # the Ridge oracle holds with the cap
    assert est._warm_max_iter() == 50
    assert est.n_iter_path_["l2"].max() <= 50
    capped = _linear_cv(path_max_iter=2).fit(*diabetes_standardized)
    _assert_only_the_leaders_are_continued(capped, cap=2)
    # "auto" leaves the choice and its score those of uncapped paths
    uncapped = _linear_cv(path_max_iter=None).fit(*diabetes_standardized)
    assert est.alpha_ == uncapped.alpha_
    assert est.best_score_ == pytest.approx(uncapped.best_score_, abs=1e-6)


def test_worker_processes_print_no_warnings():
    # A grid search in worker processes prints every fit's warning on the
    # terminal; the CV estimator's workers hand theirs to the parent.
    code = """
import warnings
from sklearn.datasets import load_digits
from skreg import RegularizedMLPClassifierCV
X, y = load_digits(return_X_y=True)
RegularizedMLPClassifierCV(
    hidden_layer_sizes=(8,), solver="adam", alphas=3, cv=3, max_iter=3,
    path_max_iter=None, n_jobs=2, random_state=0,
).fit(X[:300] / 16, y[:300])
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "Warning:" in line]
    # the summary and the refit's own warning, both from the parent
    assert len(lines) == 2, done.stderr
    assert "fits along the cross-validation paths" in lines[0] + lines[1]


# ------------------------------------------------- collapse and restarts
def test_a_path_restarts_after_a_strong_l2_fit_collapsed_the_network():
    # At alpha_max an L2 network shrinks to weights near 1e-5, whose gradient
    # almost vanishes: warm-started, L-BFGS would stop there at once.
    X, y = make_regression(n_samples=200, n_features=10, random_state=0)
    X, y = StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(10,), solver="lbfgs", max_iter=100, random_state=0
    )
    fit_on_path(model, 1e4, X, y)
    assert is_collapsed(model, X)
    fit_on_path(model, 0.1, X, y)
    assert model.n_iter_ > 1
    assert model.score(X, y) > 0.9
    assert not is_collapsed(model, X)
    path = regularization_path(model, X, y, alphas=[1e4, 0.1], random_state=0)
    assert path.validation_scores[-1] > 0.8


def test_units_that_reach_nothing_get_fresh_incoming_weights():
    X, y = make_regression(n_samples=60, n_features=5, random_state=0)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(6, 4), solver="lbfgs", random_state=0
    ).fit(X, y / y.std())
    model.coefs_[1][2] = 0.0  # unit 2 of the first hidden layer reaches nothing
    model.coefs_[0][:, 2] = 0.0  # and has no input either
    before = model.predict(X)
    assert revive_unreachable_units(model) == 1
    assert_array_equal(model.predict(X), before)  # the function is unchanged
    assert np.all(model.coefs_[0][:, 2] != 0)
    assert revive_unreachable_units(model) == 1  # its outgoing row is still zero
    model.coefs_[1][2] = 0.5
    assert revive_unreachable_units(model) == 0


def test_a_group_lasso_path_brings_units_back(digits_unit):
    # A strong group lasso switches hidden units off; without fresh incoming
    # weights they could never return at the weaker alphas.
    X, y = digits_unit
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), solver="adam", penalty="group_lasso",
        learning_rate_init=0.01, max_iter=30, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit_on_path(model, 20.0, X, y)
        strong = int(np.count_nonzero(model.coefs_[1].any(axis=1)))
        fit_on_path(model, 0.05, X, y)
    weak = int(np.count_nonzero(model.coefs_[1].any(axis=1)))
    assert strong < 16 and weak > strong


def test_towards_a_stronger_penalty_an_empty_network_is_kept():
    # An emptied network stays empty under a stronger penalty: the upward
    # step neither restarts it nor gives its units new weights.
    X, y = make_regression(n_samples=200, n_features=10, random_state=0)
    X, y = StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(10,), solver="lbfgs", penalty="l1", max_iter=100,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit_on_path(model, 1e4, X, y)
        assert not model.coefs_[1].any()
        fit_on_path(model, 1e5, X, y)
    assert not model.coefs_[1].any()
    # warm-started at its optimum (restarted, it took 3 iterations to empty)
    assert model.n_iter_ == 0


def test_a_warm_fit_at_a_larger_alpha_starts_its_stopping_rule_afresh(
    diabetes_standardized,
):
    # The previous fit's best loss and its count of epochs without
    # improvement belong to another objective: carried over, the fit at a
    # larger alpha (whose loss starts above that best) stopped after 1 epoch.
    X, y = diabetes_standardized
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(16,), solver="adam", max_iter=1000, random_state=0
    )
    fit_on_path(model, 0.01, X, y)
    assert model.n_iter_ < 1000  # stopped by tol: no improvement for 10 epochs
    fit_on_path(model, 100.0, X, y)
    assert model.n_iter_ > model.n_iter_no_change + 1


def test_adam_path_scores_follow_cold_fits():
    # Downwards from alpha_max, every warm start came from a network shrunk
    # by a stronger penalty (tiny weights, near the saddle point of zero),
    # and Adam's fits stayed far behind cold fits (held-out R^2 0.68 against
    # 0.84 at alpha 5.3, rising only as alpha went to 0).  Upwards they stay
    # with (or above) them.
    X, y = make_friedman1(n_samples=300, noise=1.0, random_state=0)
    X, y = StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    params = dict(hidden_layer_sizes=(100,), max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = RegularizedMLPRegressorCV(**params, cv=KFold(3), alphas=5).fit(X, y)
        for alpha, score in zip(
            est.alphas_, est.cv_results_["mean_test_score"], strict=True
        ):
            cold = RegularizedMLPRegressor(**params, alpha=alpha)
            cold_score = cross_val_score(cold, X, y, cv=KFold(3)).mean()
            assert score > cold_score - 0.03
    assert est.grid_extensions_ == []  # the best sits inside the grid
    assert est.score(X, y) > 0.9


def test_is_collapsed_sees_an_empty_layer():
    X, y = make_regression(n_samples=50, n_features=4, random_state=0)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(3,), solver="lbfgs", random_state=0
    ).fit(X, y / y.std())
    assert not is_collapsed(model, X)
    model.coefs_[1][:] = 0
    assert is_collapsed(model, X)


def test_integer_weights_give_the_alpha_grid_of_repeated_rows(digits_unit):
    X, y = digits_unit[0][:100], digits_unit[1][:100]
    weights = np.random.default_rng(0).integers(0, 4, size=100)
    repeated = default_alphas(X.repeat(weights, axis=0), y.repeat(weights), True, 6)
    weighted = default_alphas(X, y, True, 6, sample_weight=weights)
    assert_allclose(weighted, repeated, rtol=1e-12)


# ---------------------------------------------------- the scikit-learn API
def test_alpha_and_penalty_are_not_parameters():
    params = RegularizedMLPRegressorCV().get_params()
    for name in ("alpha", "penalty", "evidence_tol", "evidence_max_updates"):
        assert name not in params
    plain = set(RegularizedMLPRegressor().get_params())
    assert plain - set(params) == {
        "alpha", "penalty", "evidence_tol", "evidence_max_updates",
    }  # fmt: skip
    assert not hasattr(RegularizedMLPRegressorCV(), "alpha")  # not fitted yet
    assert not hasattr(RegularizedMLPClassifierCV(solver="adam"), "partial_fit")


@pytest.mark.parametrize(
    "cv_class, plain_class",
    [
        (RegularizedMLPClassifierCV, RegularizedMLPClassifier),
        (RegularizedMLPRegressorCV, RegularizedMLPRegressor),
    ],
)
def test_the_cv_estimators_are_meta_estimators_not_subclasses(cv_class, plain_class):
    assert not issubclass(cv_class, plain_class)
    estimator = cv_class()
    for name in ("alpha", "penalty", "partial_fit", "evidence_tol"):
        assert not hasattr(estimator, name)
    # the plain model is built from the CV estimator's shared parameters
    estimator.set_params(hidden_layer_sizes=(3,), max_iter=7, random_state=5)
    model = estimator._get_estimator("l1")
    assert type(model) is plain_class
    shared = set(plain_class().get_params()) & set(estimator.get_params())
    for name in shared - {"verbose"}:
        assert model.get_params()[name] is estimator.get_params()[name], name
    assert model.penalty == "l1" and model.verbose is False


def test_predictions_and_fitted_attributes_go_through_best_estimator(digits_unit):
    X, y = digits_unit[0][:300], digits_unit[1][:300]
    est = RegularizedMLPClassifierCV(
        hidden_layer_sizes=(8,), solver="lbfgs", alphas=[3.0, 0.3], cv=3,
        max_iter=200, random_state=0,
    ).fit(X, y)  # fmt: skip
    best = est.best_estimator_
    assert type(best) is RegularizedMLPClassifier
    assert (best.penalty, best.alpha) == (est.penalty_, est.alpha_)
    assert est.coefs_ is best.coefs_ and est.loss_curve_ is best.loss_curve_
    assert_array_equal(est.classes_, best.classes_)
    assert_array_equal(est.feature_importances_, best.feature_importances_)
    assert_array_equal(est.predict_proba(X), best.predict_proba(X))
    assert_array_equal(est.predict_log_proba(X), best.predict_log_proba(X))
    assert est.score(X, y) == best.score(X, y)
    compacted = est.compact()
    assert type(compacted) is RegularizedMLPClassifier
    assert_array_equal(compacted.predict(X), est.predict(X))


def test_feature_names_are_checked_once_by_the_cv_estimator(diabetes_standardized):
    pandas = pytest.importorskip("pandas")
    X = pandas.DataFrame(diabetes_standardized[0], columns=[f"f{k}" for k in range(10)])
    est = _linear_cv().fit(X, diabetes_standardized[1])
    assert list(est.feature_names_in_) == list(X.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X has feature names" warning
        assert_array_equal(est.predict(X), est.best_estimator_.predict(X.values))
    with pytest.raises(ValueError, match="feature names"):
        est.predict(X.rename(columns={"f0": "other"}))


def test_the_documented_auto_budgets_are_the_ones_used():
    from skreg._cv import AUTO_PATH_DIVISORS

    assert AUTO_PATH_DIVISORS == {"sgd": 5, "adam": 5, "lbfgs": 4}
    doc = " ".join(RegularizedMLPRegressorCV.__doc__.split())
    assert 'by 5 for "sgd", 5 for "adam"' in doc
    assert 'and 4 for "lbfgs"' in doc
    page = Path(__file__).parents[1] / "docs" / "choosing_alpha.rst"
    text = " ".join(page.read_text().split())
    assert 'a fifth of ``max_iter`` for "sgd" and "adam"' in text
    assert 'a quarter for "lbfgs"' in text


@pytest.mark.parametrize(
    "penalties, message",
    [
        ("l2", "'penalties' parameter .* must be an array-like"),
        ((), "is empty"),
        (("l2", "ridge"), "Unknown penalty 'ridge'"),
        (("l2", "l2"), "repeated"),
        (("l2", "l0"), "penalty='l0'.*solver='lbfgs'"),
    ],
)
def test_bad_penalties_are_rejected(diabetes_standardized, penalties, message):
    X, y = diabetes_standardized
    est = _linear_cv(penalties=penalties)
    with pytest.raises(ValueError, match=message):
        est.fit(X, y)


@pytest.mark.parametrize("alphas", [[1.0, -1.0], [], [np.nan], 0, 1.5])
def test_bad_alphas_are_rejected(diabetes_standardized, alphas):
    with pytest.raises(ValueError):
        _linear_cv().set_params(alphas=alphas).fit(*diabetes_standardized)


def test_refit_false_keeps_the_scores_only(diabetes_standardized):
    est = _linear_cv(refit=False).fit(*diabetes_standardized)
    assert est.scores_["l2"].shape == (5, 4)
    assert not hasattr(est, "coefs_")
    with pytest.raises(NotFittedError):
        est.predict(diabetes_standardized[0])


def test_a_second_fit_forgets_the_first(diabetes_standardized):
    est = _linear_cv().fit(*diabetes_standardized)
    est.set_params(refit=False).fit(*diabetes_standardized)
    assert not hasattr(est, "coefs_")  # no stale model from the first fit


def test_warm_start_starts_every_path_from_the_previous_fit(diabetes_standardized):
    X, y = diabetes_standardized
    est = _linear_cv(warm_start=True).set_params(alphas=[3.0]).fit(X, y)
    # one L-BFGS iteration from the all-data fit at alpha=3 is already close
    # to every fold's optimum; one from a fresh start is not
    est.set_params(max_iter=1).fit(X, y)
    cold = clone(est).set_params(warm_start=False).fit(X, y)
    folds = KFold(5, shuffle=True, random_state=0).split(X)
    ridge = [Ridge(alpha=3.0).fit(X[tr], y[tr]).score(X[te], y[te]) for tr, te in folds]
    warm_error = np.abs(est.scores_["l2"][:, 0] - ridge).max()
    cold_error = np.abs(cold.scores_["l2"][:, 0] - ridge).max()
    assert warm_error < 0.02 < cold_error


def test_groups_reach_the_splitter(diabetes_standardized):
    X, y = diabetes_standardized
    groups = np.arange(len(y)) % 4
    est = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", tol=1e-12, alphas=[3.0],
        cv=GroupKFold(4),
    ).fit(X, y, groups=groups)  # fmt: skip
    for fold, (tr, te) in enumerate(GroupKFold(4).split(X, y, groups)):
        ridge = Ridge(alpha=3.0).fit(X[tr], y[tr])
        assert est.scores_["l2"][fold, 0] == pytest.approx(
            ridge.score(X[te], y[te]), abs=1e-6
        )


def test_an_int_cv_is_stratified_for_the_classifier(digits_unit):
    X, y = digits_unit[0][:200], digits_unit[1][:200]
    est = RegularizedMLPClassifierCV(
        hidden_layer_sizes=(), solver="lbfgs", alphas=[1.0], cv=4, random_state=0
    ).fit(X, y)  # fmt: skip
    for fold, (tr, te) in enumerate(StratifiedKFold(4).split(X, y)):
        plain = RegularizedMLPClassifier(
            hidden_layer_sizes=(), solver="lbfgs", alpha=1.0, random_state=0
        ).fit(X[tr], y[tr])
        assert est.scores_["l2"][fold, 0] == plain.score(X[te], y[te])


def test_plot_marks_the_chosen_candidate(sparse_truth):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    X, y = sparse_truth
    est = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", alphas=[10.0, 1.0, 0.1],
        penalties=("l2", "l1"), cv=3,
    ).fit(X, y)  # fmt: skip
    ax = est.plot()
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert {"l2", "l1"} <= set(lines)
    chosen = [line for label, line in lines.items() if label.startswith("chosen")]
    assert chosen[0].get_xdata()[0] == est.alpha_
    assert chosen[0].get_ydata()[0] == pytest.approx(est.best_score_)
    assert ax.get_xscale() == "log"


def test_callbacks_observe_the_refit(digits_unit):
    callback = pytest.importorskip("sklearn.callback")
    X, y = digits_unit[0][:200], digits_unit[1][:200]
    monitor = callback.ScoringMonitor(scoring="accuracy")
    est = RegularizedMLPClassifierCV(
        hidden_layer_sizes=(8,), solver="lbfgs", alphas=[10.0, 1.0], cv=3,
        max_iter=20, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.set_callbacks(monitor).fit(X, y)
    frame = monitor.get_logs().data_as_pandas
    depth = frame["task_id_path"].map(len)
    scores = frame[depth == depth.max()]["accuracy"].to_numpy()
    assert len(scores) == est.n_iter_
    assert scores[-1] == pytest.approx(est.score(X, y))


# ------------------------------------------------ scikit-learn's checks
def _check_instances():
    # The checks' tiny data sets: a small network, two alphas, Adam (whose
    # full-batch steps on these few rows make weights and repeats agree).
    for penalties in (("l2",), (None, "group_lasso")):
        for Estimator in (RegularizedMLPClassifierCV, RegularizedMLPRegressorCV):
            yield Estimator(
                hidden_layer_sizes=(20,), alphas=[1.0, 0.1], penalties=penalties,
                cv=3, max_iter=200, random_state=0,
            )  # fmt: skip


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(list(_check_instances()))
def test_sklearn_compatible_cv_estimator(estimator, check):
    check(estimator)


# ------------------------------------------------------- grid edges
def _edge_data(noise):
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5)
    signal = X @ rng.randn(5) if noise < 1 else 0.0
    return X, signal + noise * rng.randn(200)


def test_an_int_grid_grows_past_the_smaller_end_where_the_best_sits():
    X, y = _edge_data(noise=0.01)  # almost no noise: the best alpha is tiny
    params = dict(hidden_layer_sizes=(), solver="lbfgs", cv=KFold(3), tol=1e-10)
    grown = RegularizedMLPRegressorCV(alphas=4, **params).fit(X, y)
    n_grown = len(grown.grid_extensions_)
    assert n_grown >= 1 and set(grown.grid_extensions_) == {"smaller"}
    first = default_alphas(X, y, False, 4)
    assert_allclose(grown.alphas_[:4], first)
    assert_allclose(grown.alphas_[4:], first[-1] / 10.0 ** np.arange(1, n_grown + 1))
    assert grown.alpha_ == grown.alphas_[-1]
    # the path continued: the first alphas' scores are those of the short grid
    short = RegularizedMLPRegressorCV(alphas=first, **params)
    with pytest.warns(UserWarning, match="give alphas that reach past it"):
        short.fit(X, y)
    assert_allclose(grown.scores_["l2"][:, :4], short.scores_["l2"], rtol=1e-8)
    assert grown.best_score_ > short.best_score_
    # it stopped where a growth no longer paid (least squares as alpha -> 0)
    mean = grown.scores_["l2"].mean(axis=0)
    spread = mean.max() - mean.min()
    assert n_grown == MAX_GRID_EXTENSIONS or mean[-1] - mean[-2] <= GRID_GAIN * spread


def test_a_grid_grown_three_times_warns_at_its_end(monkeypatch):
    import skreg._cv as cv

    monkeypatch.setattr(cv, "GRID_GAIN", -np.inf)  # every growth pays
    X, y = _edge_data(noise=0.01)
    grown = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", alphas=4, cv=KFold(3), tol=1e-10
    )
    with pytest.warns(UserWarning, match="smaller end of the alphas .* extended"):
        grown.fit(X, y)
    assert grown.grid_extensions_ == ["smaller"] * MAX_GRID_EXTENSIONS


def test_an_int_grid_grows_past_the_larger_end_where_the_best_sits():
    X, y = _edge_data(noise=1.0)  # pure noise: the more shrinkage the better
    est = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", alphas=4, cv=KFold(3), tol=1e-10
    )
    with pytest.warns(UserWarning, match="larger end"):
        est.fit(X, y)
    assert est.grid_extensions_[0] == "larger"
    assert est.alphas_[0] > default_alphas(X, y, False, 4)[0]
    assert np.all(np.diff(est.alphas_) < 0)  # still decreasing, the path's order


def test_no_growth_inside_the_grid_or_past_empty_networks(diabetes_standardized):
    X, y = diabetes_standardized
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inside = _linear_cv().set_params(alphas=8).fit(X, y)
    assert not [w for w in caught if "end of the alphas" in str(w.message)]
    assert inside.grid_extensions_ == [] and 0 < inside.best_index_ < 7
    # l1 at alpha_max empties the linear model: larger alphas change nothing
    # (the folds' alpha_max differ from the whole data's: one step may be added)
    rng = np.random.RandomState(0)
    empty = RegularizedMLPRegressorCV(
        hidden_layer_sizes=(), solver="lbfgs", alphas=3, penalties=("l1",),
        cv=KFold(3),
    ).fit(X, rng.randn(len(y)))  # fmt: skip
    assert empty.grid_extensions_.count("larger") <= 1
    assert empty.cv_results_["mean_zero_fraction"][0] == 1.0


def test_weighted_and_repeated_paths_revive_the_same_units():
    """Revived units drew from the model's stream, which shuffling moves."""
    rng = np.random.RandomState(42)
    X, y = rng.rand(15, 10), rng.randint(0, 3, 15).astype(float)
    weights = rng.randint(0, 3, 15)
    X_repeated, y_repeated = np.repeat(X, weights, axis=0), np.repeat(y, weights)
    params = dict(hidden_layer_sizes=(20,), penalty="group_lasso", random_state=0)
    weighted, repeated = (
        RegularizedMLPRegressor(**params),
        clone(RegularizedMLPRegressor(**params)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for alpha in (1.0, 0.1):
            fit_on_path(weighted, alpha, X, y, weights.astype(float))
            fit_on_path(repeated, alpha, X_repeated, y_repeated)
    assert_allclose(weighted.predict(X), repeated.predict(X), atol=1e-10)


# ------------------------------------------------------- alphas checked
@pytest.mark.parametrize("alphas", [[], ["evidence"], [1 + 2j], [1.0, np.nan], [-1.0]])
def test_bad_alphas_get_one_clear_error(alphas, diabetes_standardized):
    """They raised numpy's unpacking or float-conversion errors."""
    X, y = diabetes_standardized
    with pytest.raises(ValueError, match="alphas must be a non-empty sequence"):
        _linear_cv().set_params(alphas=alphas).fit(X, y)
    model = RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs")
    with pytest.raises(ValueError, match="alphas must be a non-empty sequence"):
        regularization_path(model, X, y, alphas=alphas)


def test_a_set_of_alphas_and_zero_alphas_are_refused(diabetes_standardized):
    X, y = diabetes_standardized
    model = RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs")
    with pytest.raises(ValueError, match="alphas must be"):
        regularization_path(model, X, y, alphas={1.0, 10.0})  # no order
    with pytest.raises(ValueError, match="n_alphas must be a positive int"):
        regularization_path(model, X, y, n_alphas=0)


# --------------------------------------------- reliability (issue 26)
def test_a_random_state_object_gives_the_same_fit_in_one_or_two_jobs():
    # Every path's model got the same RandomState object: in one process the
    # paths advanced it in turn, in two each got a copy (fold scores differed
    # by up to 4.1).  Cloned as GridSearchCV clones, every path starts alike.
    X, y = make_regression(n_samples=120, n_features=6, noise=5.0, random_state=0)
    y = y / y.std()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short fits, the best at a grid end
        fits = [
            RegularizedMLPRegressorCV(
                hidden_layer_sizes=(8,),
                solver="adam",
                max_iter=30,
                alphas=3,
                cv=3,
                random_state=np.random.RandomState(0),
                n_jobs=n_jobs,
            ).fit(X, y)
            for n_jobs in (1, 2)
        ]
    assert_allclose(fits[0].scores_["l2"], fits[1].scores_["l2"], rtol=1e-10)
    assert_allclose(fits[0].predict(X), fits[1].predict(X), rtol=1e-10)


@pytest.mark.parametrize(
    "weights, match",
    [
        (np.ones(5), "sample_weight.shape == \\(5,\\), expected \\(442,\\)"),
        (np.r_[np.nan, np.ones(441)], "NaN"),
        (np.r_[-1.0, np.ones(441)], "Negative values"),
    ],
)
def test_bad_sample_weights_are_refused_as_by_the_plain_estimators(
    diabetes_standardized, weights, match
):
    with pytest.raises(ValueError, match=match):
        _linear_cv().fit(*diabetes_standardized, sample_weight=weights)


def test_a_scalar_sample_weight_weighs_every_row_alike(diabetes_standardized):
    # it raised "IndexError: too many indices"
    X, y = diabetes_standardized
    scalar = _linear_cv().fit(X, y, sample_weight=2.0)
    full = _linear_cv().fit(X, y, sample_weight=np.full(len(y), 2.0))
    assert scalar.alpha_ == full.alpha_
    # (to rounding: two runs of one L-BFGS fit differ at 1e-9 through the
    # alignment of their arrays)
    assert_allclose(scalar.scores_["l2"], full.scores_["l2"], rtol=1e-6)
    assert_allclose(scalar.coefs_[0], full.coefs_[0], rtol=1e-6, atol=1e-6)


def test_a_metric_undefined_on_every_fold_says_why(diabetes_standardized):
    # R^2 on LeaveOneOut's one-sample folds: it raised "Every fit failed"
    # and swallowed scikit-learn's UndefinedMetricWarning, which says why.
    from sklearn.model_selection import LeaveOneOut

    X, y = diabetes_standardized[0][:20], diabetes_standardized[1][:20]
    est = _linear_cv().set_params(alphas=2, cv=LeaveOneOut())
    with pytest.raises(ValueError, match="not well-defined with less than two"):
        est.fit(X, y)
    scored = est.set_params(scoring="neg_mean_squared_error").fit(X, y)
    assert np.isfinite(scored.best_score_)


def test_verbose_tells_every_fold_alpha_and_the_choice(diabetes_standardized, capsys):
    # it printed only the refit's iterations
    X, y = diabetes_standardized
    est = _linear_cv(verbose=True).set_params(alphas=[1.0, 0.1], cv=KFold(2))
    est.fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    for fold in (0, 1):
        for alpha in ("0.1", "1"):
            assert any(
                line.startswith(f"[fold {fold}, penalty l2] alpha={alpha}:")
                for line in lines
            )
    assert any(line.startswith(f"Chose penalty l2, alpha={est.alpha_:.3g}")
               for line in lines)  # fmt: skip
    assert any(line.startswith("Iteration 1, loss") for line in lines)  # the refit
