"""Structured sparsity: L0, group lasso, feature selection, compaction, paths."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import lasso_path
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import (
    RegularizedMLPClassifier,
    RegularizedMLPRegressor,
    regularization_path,
)
from skreg._penalties import GroupLassoPenalty, L0Penalty

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def selection_task():
    """The first 5 of 50 features are informative (shuffle=False)."""
    X, y = make_classification(
        n_samples=1000,
        n_features=50,
        n_informative=5,
        n_redundant=0,
        shuffle=False,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


ADAM = dict(
    hidden_layer_sizes=(32,),
    solver="adam",
    learning_rate_init=0.01,
    max_iter=100,
    random_state=0,
)


# ----------------------------------------------------------- penalty operators
def test_group_lasso_prox_is_block_soft_thresholding():
    W = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])  # row norms 5, 0.5, 0
    result = GroupLassoPenalty().prox(W.copy(), 1.0)
    assert_allclose(result, [[2.4, 3.2], [0.0, 0.0], [0.0, 0.0]])
    assert GroupLassoPenalty().value([W]) == pytest.approx(5.5)


def test_l0_prox_is_hard_thresholding():
    w = np.array([-1.0, -0.45, 0.44, 0.2, 2.0])
    # keep w when w^2 / 2 > step (here step 0.1: |w| > sqrt(0.2) = 0.447)
    assert_array_equal(L0Penalty().prox(w.copy(), 0.1), [-1.0, -0.45, 0.0, 0.0, 2.0])
    assert L0Penalty().value([w.reshape(1, -1)]) == 5


@pytest.mark.parametrize("penalty", ["l0", "group_lasso"])
def test_prox_only_penalties_are_rejected_for_lbfgs(penalty):
    clf = RegularizedMLPClassifier(solver="lbfgs", penalty=penalty)
    with pytest.raises(ValueError, match=r"solver='sgd' or 'adam'"):
        clf.fit(np.eye(4), [0, 1, 0, 1])


def test_hard_threshold_leaves_no_weight_below_its_threshold_after_each_step():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 6)), rng.normal(size=40)
    lr, alpha = 0.05, 2.0
    threshold = np.sqrt(2 * lr * alpha / len(X))  # prox step = lr * alpha / n
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(5,),
        solver="sgd",
        penalty="l0",
        alpha=alpha,
        learning_rate_init=lr,
        momentum=0.0,
        batch_size=len(X),
        max_iter=1,
        warm_start=True,
        random_state=0,
    )
    n_zero = []
    for _ in range(30):  # one full-batch step per fit
        model.fit(X, y)
        weights = np.concatenate([W.ravel() for W in model.coefs_])
        assert not np.any((weights != 0) & (np.abs(weights) <= threshold))
        n_zero.append(int((weights == 0).sum()))
    assert n_zero[-1] > 0


def test_l0_gives_more_zeros_than_l2_at_equal_accuracy(digits_split):
    """Digits, (32,) relu, adam: l0 (alpha 0.03) keeps the l2 model's accuracy
    (0.98 on the held-out quarter) with about a third of the first layer zero."""
    X_train, X_test, y_train, y_test = digits_split
    common = dict(ADAM, max_iter=60)
    l2 = RegularizedMLPClassifier(penalty="l2", alpha=1.0, **common)
    l0 = RegularizedMLPClassifier(penalty="l0", alpha=0.03, **common)
    l2.fit(X_train, y_train)
    l0.fit(X_train, y_train)
    assert l0.score(X_test, y_test) >= l2.score(X_test, y_test) - 0.01
    assert l2.sparsity_ == [0.0, 0.0]
    assert l0.sparsity_[0] > 0.25 and l0.sparsity_[1] > 0.05


# ------------------------------------------------------- group lasso selection
def _one_standard_error_largest_alpha(cv_results):
    """Refit rule: the largest alpha whose score is within one SE of the best."""
    mean = cv_results["mean_test_score"]
    se = cv_results["std_test_score"] / np.sqrt(5)
    best = np.argmax(mean)
    alphas = np.array(cv_results["param_alpha"], dtype=float)
    within = np.flatnonzero(mean >= mean[best] - se[best])
    return int(within[np.argmax(alphas[within])])


@pytest.mark.slow
def test_group_lasso_selects_the_informative_features(selection_task):
    """alpha by 5-fold CV with the one-standard-error rule (the largest alpha
    within one SE of the best mean score, as for the lasso).  Figures seen: l2
    best CV accuracy 0.914 (alpha 10); group lasso CV accuracy 0.911, 0.940,
    0.958, 0.952, 0.897 for alpha 1, 2, 4, 8, 16; chosen alpha 8, which keeps
    all 5 informative features and drops 35 of the 45 others."""
    X, y = selection_task
    l2 = GridSearchCV(
        RegularizedMLPClassifier(**ADAM), {"alpha": [1.0, 10.0, 30.0]}, cv=5
    ).fit(X, y)
    group = GridSearchCV(
        RegularizedMLPClassifier(penalty="group_lasso", **ADAM),
        {"alpha": [1.0, 2.0, 4.0, 8.0, 16.0]},
        cv=5,
        refit=_one_standard_error_largest_alpha,
    ).fit(X, y)
    chosen = group.best_index_
    score = group.cv_results_["mean_test_score"][chosen]
    importances = group.best_estimator_.feature_importances_
    assert (importances[:5] > 0).all()
    assert (importances[5:] == 0).sum() >= 30
    assert score >= l2.best_score_ - 0.02


def test_select_from_model_in_a_pipeline(selection_task):
    X, y = selection_task
    selector = SelectFromModel(
        RegularizedMLPClassifier(penalty="group_lasso", alpha=8.0, **ADAM),
        threshold=1e-12,
    )
    downstream = RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), solver="lbfgs", alpha=1.0, random_state=0
    )
    pipe = make_pipeline(selector, downstream).fit(X, y)
    support = pipe[0].get_support()
    assert support[:5].all() and support[5:].sum() <= 15
    assert pipe[-1].n_features_in_ == support.sum()
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.9


# ------------------------------------------------------------------ compaction
@pytest.fixture(scope="module")
def group_lasso_model(selection_task):
    X, y = selection_task
    model = RegularizedMLPClassifier(penalty="group_lasso", alpha=8.0, **ADAM)
    return model.fit(X, y)


def test_compact_keeps_predictions_and_shrinks_the_network(
    group_lasso_model, selection_task
):
    X, _ = selection_task
    model = group_lasso_model
    dead_units = (np.linalg.norm(model.coefs_[1], axis=1) == 0).sum()
    assert dead_units > 0
    small = model.compact()
    assert small.coefs_[0].shape[1] == 32 - dead_units
    assert small.hidden_layer_sizes == (32 - dead_units,)
    assert_allclose(small.predict_proba(X), model.predict_proba(X), atol=1e-10)
    assert_array_equal(small.predict(X), model.predict(X))
    # dropping the unused inputs too: the model reads X[:, selected_features_]
    smaller = model.compact(drop_features=True)
    kept = smaller.selected_features_
    assert len(kept) == (model.feature_importances_ > 0).sum()
    assert_allclose(
        smaller.predict_proba(X[:, kept]), model.predict_proba(X), atol=1e-10
    )
    n_params = sum(W.size for W in model.coefs_)
    assert sum(W.size for W in smaller.coefs_) < n_params / 2
    assert model.coefs_[0].shape == (50, 32)  # the original is untouched


def test_compact_folds_units_with_no_inputs_into_the_next_bias():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), rng.normal(size=30)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(6, 5),
        activation="tanh",
        solver="lbfgs",
        max_iter=50,
        random_state=0,
    )
    model.fit(X, y)
    model.coefs_[0][:, [1, 4]] = 0.0  # units 1 and 4 now output tanh(b)
    model.coefs_[2][[0, 3]] = 0.0  # units 0 and 3 of layer 2 are silent
    small = model.compact()
    assert small.hidden_layer_sizes == (4, 3)
    assert_allclose(small.predict(X), model.predict(X), atol=1e-10)


def test_compact_refuses_to_drop_every_feature(iris_standardized):
    X, y = iris_standardized
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), solver="lbfgs", random_state=0
    ).fit(X, y)
    model.coefs_[0][:] = 0.0  # no input feature reaches the network
    with pytest.raises(ValueError, match="would keep no input feature"):
        model.compact(drop_features=True)
    assert model.compact().n_features_in_ == X.shape[1]


# ------------------------------------------------------------ an emptied layer
def test_a_fit_that_empties_a_layer_says_so(iris_standardized):
    X, y = iris_standardized
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver="adam", penalty="group_lasso", alpha=300.0,
        learning_rate_init=0.05, max_iter=50, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    assert not model.coefs_[0].any()
    messages = [
        str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)
    ]
    assert any("predicts a constant" in m and "smaller alpha" in m for m in messages)


# ----------------------------------------------------------- curves and paths
@pytest.mark.parametrize(
    "penalty", [None, "l2", "l1", "elasticnet", "l0", "group_lasso"]
)
def test_loss_curve_is_data_plus_penalty_and_sparsity_is_reported(penalty):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(60, 5)), rng.integers(0, 2, 60)
    clf = RegularizedMLPClassifier(
        hidden_layer_sizes=(4,), penalty=penalty, alpha=0.5, max_iter=20, random_state=0
    ).fit(X, y)
    assert_allclose(clf.loss_curve_, np.add(clf.data_loss_curve_, clf.penalty_curve_))
    assert len(clf.sparsity_) == 2
    assert (np.array(clf.penalty_curve_) == 0).all() == (penalty is None)


@pytest.fixture(scope="module")
def lasso_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 8))
    y = X @ [3.0, -2.0, 1.5, 0.0, 0.0, 0.5, 0.0, 0.0] + rng.normal(size=200)
    return X - X.mean(axis=0), y - y.mean()


def test_regularization_path_matches_lasso_path(lasso_problem):
    X, y = lasso_problem
    linear = RegularizedMLPRegressor(
        hidden_layer_sizes=(), solver="lbfgs", penalty="l1", tol=1e-10, max_iter=5000
    )
    path = regularization_path(linear, X, y, validation_fraction=0, n_alphas=8)
    assert (np.diff(path.alphas) < 0).all()
    # monotone in sparsity: weights only enter as alpha decreases
    assert (np.diff(path.n_nonzero[:, 0]) >= 0).all()
    # at alpha_max the zero solution is optimal (up to a rounding-level weight)
    assert np.abs(path.coefs[0][0]).max() < 1e-8
    assert path.n_nonzero[-1, 0] == 8
    # lasso_path minimises mean squares / 2 + a |w|: a = alpha / n
    _, lasso_coefs, _ = lasso_path(
        X, y, alphas=path.alphas / len(X), tol=1e-12, max_iter=100000
    )
    ours = np.array([coefs[0].ravel() for coefs in path.coefs]).T
    assert_allclose(ours, lasso_coefs, atol=1e-3)
    assert_array_equal(path.n_selected_features, path.n_nonzero[:, 0])


def test_regularization_path_for_a_network_reports_scores(selection_task):
    X, y = selection_task
    model = RegularizedMLPClassifier(penalty="group_lasso", **dict(ADAM, max_iter=30))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        path = regularization_path(
            model, X, y, alphas=[16.0, 8.0, 4.0, 1.0], random_state=0
        )
    assert path.n_nonzero.shape == (4, 2)
    assert np.isfinite(path.validation_scores).all()
    # features enter as alpha decreases (seen: 3, 15, 33, 50)
    assert (np.diff(path.n_selected_features) > 0).all()
    assert (path.validation_scores > 0.85).all()


@pytest.mark.parametrize("solver", ["lbfgs", "adam", "sgd"])
def test_every_solver_reports_the_one_fraction_of_zero_weights(
    solver, capsys, digits_unit
):
    """verbose lines, the CV paths (the study's zeros) and sparsity_ share one
    zero_fraction.

    The two layers have very different sizes and sparsity, so the mean of the
    per-layer fractions differs from the fraction over all weights.
    """
    from skreg._cv import zero_fraction as path_zero_fraction
    from skreg._network import zero_fraction

    X, y = digits_unit
    model = RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), solver=solver, penalty="l1", alpha=5.0,
        max_iter=3, verbose=True, random_state=0, learning_rate_init=0.1,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 3 iterations only
        model.fit(X, y)
    printed = [line for line in capsys.readouterr().out.splitlines() if "zero" in line]
    overall = zero_fraction(model.coefs_)
    per_layer_mean = np.mean(model.sparsity_)
    assert abs(overall - per_layer_mean) > 0.001  # the two definitions differ here
    assert printed[-1].endswith(f"zero weights {overall:.1%})")
    assert path_zero_fraction is zero_fraction  # cv_results_' mean_zero_fraction
    assert model.sparsity_ == [zero_fraction([W]) for W in model.coefs_]
