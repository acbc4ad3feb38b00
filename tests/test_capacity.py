"""capacity_curve and the choice of capacity by validation error (docs/capacity.rst)."""

import re
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg._capacity import CapacityCurve, capacity_curve
from skreg._mlp import RegularizedMLPRegressor
from skreg._polynomial import PolynomialCapacity

# y = a0 + a1 x + a2 x^2 + a3 x^3 + noise, x uniform on [-1, 1]
CUBIC = (0.5, 1.0, -2.0, 3.0)
NOISE = 0.3


def _noisy_cubic(seed, n_samples=60):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=n_samples)
    y = np.polynomial.polynomial.polyval(x, CUBIC)
    return x.reshape(-1, 1), y + rng.normal(scale=NOISE, size=n_samples)


def _one_standard_error_refit(cv_results):
    """Index of the first (simplest) candidate within one standard error of the best.

    Written independently of skreg._capacity, for GridSearchCV(refit=...).
    """
    mean, std = cv_results["mean_test_score"], cv_results["std_test_score"]
    n_folds = sum(
        key.startswith("split") and key.endswith("_test_score") for key in cv_results
    )
    best = np.argmax(mean)
    return int(np.flatnonzero(mean >= mean[best] - std[best] / np.sqrt(n_folds))[0])


# ------------------------------------------------------------ acceptance 3
def test_one_standard_error_rule_picks_the_cubic():
    # 10 seeds; 10-fold shuffled cross-validation of the mean squared error over
    # degrees 1..12 (ordered from simplest to most complex).
    picks = []
    for seed in range(10):
        X, y = _noisy_cubic(seed)
        search = GridSearchCV(
            PolynomialCapacity(),
            {"degree": list(range(1, 13))},
            cv=KFold(10, shuffle=True, random_state=seed),
            scoring="neg_mean_squared_error",
            refit=_one_standard_error_refit,
        ).fit(X, y)
        picks.append(search.best_params_["degree"])
    count = picks.count(3)
    print(f"one-SE rule picked degree 3 in {count} of 10 seeds; picks: {picks}")
    assert count >= 8


def test_capacity_curve_agrees_with_grid_search():
    X, y = _noisy_cubic(0)
    cv = KFold(5, shuffle=True, random_state=0)
    degrees = list(range(1, 13))
    curve = capacity_curve(
        PolynomialCapacity(), X, y, param_range=degrees, cv=cv,
        scoring="neg_mean_squared_error",
    )  # fmt: skip
    search = GridSearchCV(
        PolynomialCapacity(), {"degree": degrees}, cv=cv,
        scoring="neg_mean_squared_error", refit=_one_standard_error_refit,
        return_train_score=True,
    ).fit(X, y)  # fmt: skip
    results = search.cv_results_
    assert_allclose(
        curve.validation_scores_mean, results["mean_test_score"], rtol=1e-10
    )
    assert_allclose(curve.validation_scores_std, results["std_test_score"], rtol=1e-10)
    assert_allclose(curve.train_scores_mean, results["mean_train_score"], rtol=1e-10)
    assert curve.best_param_ == degrees[results["rank_test_score"].argmin()]
    assert curve.one_se_param_ == search.best_params_["degree"]
    assert curve.validation_scores.shape == curve.train_scores.shape == (12, 5)
    assert_allclose(curve.gap, curve.train_scores_mean - curve.validation_scores_mean)


def test_training_error_vanishes_while_validation_error_turns_up():
    # 20 points, 5 folds: each training part has 16 points, which a polynomial
    # of degree 15 interpolates.
    rng = np.random.default_rng(0)
    x = np.linspace(-1, 1, 20).reshape(-1, 1)
    y = np.polynomial.polynomial.polyval(x[:, 0], CUBIC) + rng.normal(
        scale=NOISE, size=20
    )
    curve = capacity_curve(
        PolynomialCapacity(), x, y, param_range=range(16),
        cv=KFold(5, shuffle=True, random_state=0), scoring="neg_mean_squared_error",
    )  # fmt: skip
    train_error = -curve.train_scores_mean
    validation_error = -curve.validation_scores_mean
    assert np.all(np.diff(train_error) <= 1e-12)  # nested models: never worse
    assert train_error[15] < 1e-12 * np.var(y)
    assert validation_error[15] > 10 * validation_error[3]
    assert curve.gap[15] > curve.gap[3]
    assert 3 <= curve.one_se_param_ <= curve.best_param_ <= 6


# ---------------------------------------------------- the result on its own
def test_best_and_one_standard_error_choices():
    validation = np.array(
        [
            [-4.0, -4.0, -4.0, -4.0],  # mean -4
            [-2.0, -1.0, -3.0, -2.0],  # mean -2, within one SE of the best
            [-1.0, -2.0, -1.0, -2.0],  # mean -1.5, the best; SE = 0.5 / 2
            [np.nan, -1.0, -1.0, -1.0],  # a failed fit: ignored
        ]
    )
    train = np.zeros_like(validation)
    curve = CapacityCurve("degree", [1, 2, 3, 4], train, validation)
    assert curve.best_index_ == 2 and curve.best_param_ == 3
    assert curve.standard_error_ == pytest.approx(0.25)
    assert curve.one_se_param_ == 3  # -2 < -1.5 - 0.25
    wider = validation.copy()
    wider[2] = [0.0, -3.0, 0.0, -3.0]  # same mean, SE = 0.75
    curve = CapacityCurve("degree", [1, 2, 3, 4], train, wider)
    assert curve.one_se_param_ == 2 and curve.one_se_index_ == 1
    assert_allclose(curve.gap, -curve.validation_scores_mean)
    assert "one_se_param_=2" in repr(curve)
    with pytest.raises(ValueError, match="Every fit failed"):
        CapacityCurve("degree", [1], [[0.0]], [[np.nan]])


def test_non_finite_mean_scores_are_ignored():
    validation = np.array(
        [
            [-np.inf] * 4,  # scores that overflow: ignored, although simplest
            [-2.0, -1.0, -3.0, -2.0],  # mean -2
            [-1.0, -2.0, -1.0, -2.0],  # mean -1.5, the best; SE = 0.5 / 2
            [np.inf] * 4,  # an overflow too, not a perfect model
            [-np.inf, -1.0, -1.0, -1.0],  # one fold overflows: mean -inf
        ]
    )
    train = np.zeros_like(validation)
    curve = CapacityCurve("degree", [0, 1, 2, 3, 4], train, validation)
    assert (curve.best_param_, curve.one_se_param_) == (2, 2)
    assert curve.standard_error_ == pytest.approx(0.25)
    validation[2] = [0.0, -3.0, 0.0, -3.0]  # same mean, SE = 0.75
    curve = CapacityCurve("degree", [0, 1, 2, 3, 4], train, validation)
    assert (curve.best_param_, curve.one_se_param_) == (2, 1)  # not 0 (-inf)
    # Fold scores too large to square: the standard error of the best is
    # infinite, and the one-SE rule takes the first finite mean.
    huge = [[-np.inf, -np.inf], [-1e308, -1.0], [-1e308, -1e308]]
    curve = CapacityCurve("degree", [0, 1, 2], np.zeros((3, 2)), huge)
    assert curve.validation_scores_mean[2] == -np.inf  # the sum overflows
    assert curve.best_index_ == 1 and curve.standard_error_ == np.inf
    assert curve.one_se_index_ == 1


@pytest.mark.parametrize(
    "validation",
    [
        np.full((3, 4), -np.inf),
        [[-np.inf] * 4, [np.nan, -1.0, -1.0, -1.0], [np.inf, -np.inf, 0.0, 0.0]],
    ],
)
def test_no_finite_mean_score_raises(validation):
    with pytest.raises(ValueError, match="No value of 'degree' has a finite mean"):
        CapacityCurve("degree", [0, 1, 2], np.zeros((3, 4)), validation)


# ------------------------------------------- shapes of the scores (issue 26)
@pytest.mark.parametrize(
    "train, validation, given",
    [
        # 3 values but 2 rows: accepted before, with a best value
        (np.zeros((2, 4)), np.zeros((2, 4)), r"train_scores .* shape \(2, 4\)"),
        (np.zeros((3, 4)), np.zeros((2, 4)), r"validation_scores .* shape \(2, 4\)"),
        (np.zeros((2, 4)), np.zeros((3, 4)), r"train_scores .* shape \(2, 4\)"),
        # 1-D scores: IndexError before
        (np.zeros(3), np.zeros(3), r"train_scores .* 1-D array of shape \(3,\)"),
        (np.zeros((3, 4)), np.zeros(3), r"validation_scores .* 1-D array"),
        (np.zeros((3, 4, 1)), np.zeros((3, 4)), r"train_scores .* 3-D array"),
        (np.zeros((3, 4)), np.zeros((3, 0)), r"at least one fold.* shape \(3, 0\)"),
        (np.zeros((3, 2)), np.zeros((3, 4)), r"same shape.*\(3, 2\).*\(3, 4\)"),
    ],
)
def test_scores_of_the_wrong_shape_raise(train, validation, given):
    expected = r"shape \(n_params, n_folds\) with n_params = len\(param_range\) = 3"
    with pytest.raises(ValueError, match=given) as error:
        CapacityCurve("degree", [1, 2, 3], train, validation)
    if "same shape" not in given and "fold" not in given:
        assert re.search(expected, str(error.value)), str(error.value)


@pytest.mark.parametrize("param_range", [[], range(0), ()])
def test_an_empty_param_range_raises(param_range):
    X, y = _noisy_cubic(0)
    message = r"param_range must hold at least one value of 'degree'; got 0"
    with pytest.raises(ValueError, match=message):  # IndexError before
        capacity_curve(PolynomialCapacity(), X, y, param_range=param_range)
    with pytest.raises(ValueError, match=message):
        CapacityCurve("degree", param_range, np.zeros((0, 4)), np.zeros((0, 4)))


# scikit-learn's mean_squared_error warns as it squares the errors
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_capacity_curve_on_a_target_too_large():
    X, y = _noisy_cubic(0)
    with pytest.raises(ValueError, match="finite mean .* too large in magnitude"):
        capacity_curve(
            PolynomialCapacity(), X, 1e300 * y, param_range=range(4),
            scoring="neg_mean_squared_error",
        )  # fmt: skip


# ----------------------------------------------------- any estimator works
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "param_name, param_range",
    [("alpha", [100.0, 1.0, 1e-2]), ("hidden_layer_sizes", [(), (4,), (16,)])],
)
def test_works_with_the_mlp(param_name, param_range):
    X, y = _noisy_cubic(1, n_samples=80)
    mlp = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), solver="lbfgs", max_iter=200, random_state=0
    )
    curve = capacity_curve(
        mlp, X, y, param_name=param_name, param_range=param_range, cv=3
    )
    assert curve.param_range == param_range
    assert curve.validation_scores.shape == (3, 3)
    assert curve.best_param_ in param_range and curve.one_se_param_ in param_range
    assert curve.one_se_index_ <= curve.best_index_


def test_parameter_of_a_pipeline_step():
    X, y = _noisy_cubic(2)
    pipeline = make_pipeline(StandardScaler(), PolynomialCapacity())
    curve = capacity_curve(
        pipeline, X, y, param_name="polynomialcapacity__degree", param_range=[1, 3, 9]
    )
    assert curve.param_name == "polynomialcapacity__degree"
    assert curve.validation_scores.shape == (3, 5)


# -------------------------------------------------------------------- plot
def _curve():
    scores = np.array([[0.0, 1.0], [2.0, 3.0], [1.0, 1.0]])
    return CapacityCurve("hidden_layer_sizes", [(), (4,), (16,)], scores + 1, scores)


def test_plot_on_given_axes():
    figure = pytest.importorskip("matplotlib.figure")
    ax = figure.Figure().subplots()
    curve = _curve()
    assert curve.plot(ax) is ax
    labels = [text.get_text() for text in ax.get_xticklabels()]
    assert labels == ["()", "(4,)", "(16,)"]
    assert ax.get_xlabel() == "hidden_layer_sizes"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend[:2] == ["training score", "validation score"]
    assert_array_equal(ax.lines[1].get_ydata(), curve.validation_scores_mean)


def test_plot_creates_axes():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curve = CapacityCurve("alpha", [10.0, 1.0], [[1.0], [2.0]], [[0.5], [0.4]])
    ax = curve.plot()
    assert_array_equal(ax.lines[0].get_xdata(), [10.0, 1.0])  # numbers at their value
    plt.close(ax.figure)


def test_plot_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        _curve().plot()
