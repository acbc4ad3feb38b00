"""Estimator behaviour: pipelines, linear models, dtypes and bad input."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

ESTIMATORS = [RegularizedMLPClassifier, RegularizedMLPRegressor]


def test_grid_search_over_penalty_and_alpha_in_a_pipeline(digits_400):
    X, y = digits_400
    pipe = Pipeline([
        ("scale", StandardScaler()),
        ("mlp", RegularizedMLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
                                         max_iter=60, random_state=0)),
    ])  # fmt: skip
    grid = {"mlp__penalty": [None, "l2", "l1", "elasticnet"], "mlp__alpha": [0.1, 10.0]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
        cv = cross_validate(pipe, X, y, cv=3, return_train_score=True)
    assert len(search.cv_results_["params"]) == 8
    assert search.best_score_ > 0.85
    gap = cv["train_score"].mean() - cv["test_score"].mean()
    assert 0 <= gap < 0.2
    best = search.best_estimator_.named_steps["mlp"]
    assert best.penalty in (None, "l2", "l1", "elasticnet")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_no_hidden_layer_is_a_linear_model(Estimator, digits_400):
    X, y = digits_400
    model = Estimator(hidden_layer_sizes=(), solver="lbfgs", max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert model.n_layers_ == 2 and len(model.coefs_) == 1
    outputs = 10 if Estimator is RegularizedMLPClassifier else 1
    assert model.coefs_[0].shape == (64, outputs)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_float32_input_trains_and_predicts_in_float32(Estimator, solver, digits_400):
    X, y = digits_400
    model = Estimator(hidden_layer_sizes=(8,), solver=solver, max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in model.coefs_ + model.intercepts_)
    if solver == "adam":  # the optimizer's state too: float32 end to end
        state = model._optimizer.ms + model._optimizer.vs
        assert all(moment.dtype == np.float32 for moment in state)
    out = (
        model.predict_proba(X.astype(np.float32))
        if Estimator is RegularizedMLPClassifier
        else model.predict(X.astype(np.float32))
    )
    assert out.dtype == np.float32


@pytest.mark.parametrize(
    "params, message",
    [
        ({"penalty": "l3"}, "penalty"),
        ({"l1_ratio": 1.5}, "l1_ratio"),
        ({"alpha": -1.0}, "alpha"),
        ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": (4, 2.5)}, "hidden_layer_sizes"),
        ({"solver": "newton"}, "solver"),
    ],
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_invalid_parameters_are_rejected_by_name(Estimator, params, message):
    X, y = np.ones((6, 2)), np.array([0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match=message):
        Estimator(**params).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "X, message",
    [
        (np.array([[1.0, np.nan], [0.0, 1.0], [1.0, 1.0]]), "NaN"),
        (np.array([[1.0, np.inf], [0.0, 1.0], [1.0, 1.0]]), "infinity"),
        (np.array([["a", "b"], ["c", "d"], ["e", "f"]], dtype=object), "could not"),
        (np.ones((3, 2, 2)), "dim"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_error(Estimator, X, message):
    with pytest.raises(ValueError, match=message):
        Estimator().fit(X, np.array([0, 1, 0]))


def test_a_failed_fit_leaves_the_fitted_model_unchanged():
    X, y = make_regression(n_samples=50, n_features=3, random_state=0)
    model = RegularizedMLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    before = pickle.dumps(model)
    prediction = model.predict(X)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError):
        model.fit(X_bad, y)
    model.set_params(warm_start=True)
    with pytest.raises(ValueError, match="features"):
        model.fit(np.hstack([X, X]), y)
    with pytest.raises(ValueError, match="layer sizes"):
        model.set_params(hidden_layer_sizes=(5,)).fit(X, y)
    model.set_params(warm_start=False, hidden_layer_sizes=(4,))
    assert_array_equal(model.predict(X), prediction)
    assert pickle.loads(before).n_iter_ == model.n_iter_


def test_negative_targets_are_rejected_for_poisson():
    X, y = np.ones((4, 2)), np.array([1.0, -1.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="negative"):
        RegularizedMLPRegressor(loss="poisson").fit(X, y)


def test_multioutput_squared_error_loss_matches_its_gradient():
    """The loss is 1/2 sum over outputs, so lbfgs's loss_ is the exact optimum
    value (scikit-learn averages the loss over outputs; issue 8349)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    Y = np.column_stack([X @ [1.0, 2.0, 0.0], X @ [0.0, -1.0, 3.0]]) + 0.1
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(), solver="lbfgs", penalty=None, tol=1e-12, max_iter=500
    ).fit(X, Y)
    residual = model.predict(X) - Y
    assert model.loss_ == pytest.approx(0.5 * (residual**2).sum() / len(X), abs=1e-12)
    assert_allclose(model.predict(X), Y, atol=1e-6)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_verbose_prints_data_loss_penalty_and_sparsity(solver, capsys):
    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(3,), solver=solver, penalty="l1", alpha=5.0,
        max_iter=3, verbose=True,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if "Iter" in line]
    assert len(lines) == model.n_iter_
    for line, loss in zip(lines, model.loss_curve_, strict=True):
        assert f"loss = {loss:.8f}" in line
        assert "data " in line and "penalty " in line and "zero weights" in line


def test_html_repr_shows_the_estimator_and_its_penalty():
    html = RegularizedMLPClassifier(penalty="group_lasso")._repr_html_()
    assert "RegularizedMLPClassifier" in html and "group_lasso" in html


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_a_failed_set_params_changes_nothing(Estimator):
    model = Estimator(alpha=1.0)
    with pytest.raises(ValueError, match="bogus"):
        model.set_params(alpha=3.0, bogus=1)
    assert model.alpha == 1.0
    assert model.set_params(alpha=3.0).alpha == 3.0


@pytest.mark.parametrize(
    "fit_labels, labels",
    [
        ([3, 1, 2, 3], [1, 3, 3, 2]),
        (["b", "a", "c"], ["c", "a"]),
        ([0.0, 1.0], [1.0, 1.0, 0.0]),
        ([5, 7], [7, 5, 9]),  # an unseen label: the binarizer decides
        ([1, 2, 3], [[1, 0], [0, 1]]),  # not one label per sample
    ],
)
def test_fast_label_binarization_equals_label_binarizer(fit_labels, labels):
    from sklearn.preprocessing import LabelBinarizer

    from skreg._mlp import _binarize_labels

    binarizer = LabelBinarizer().fit(fit_labels)
    labels = np.asarray(labels)
    try:
        expected = binarizer.transform(labels)
    except ValueError as error:
        with pytest.raises(ValueError, match=str(error)[:30]):
            _binarize_labels(binarizer, labels)
        return
    assert_array_equal(_binarize_labels(binarizer, labels), expected)
