"""Capacity studies: training and validation scores over a range of capacities.

:func:`capacity_curve` cross-validates one estimator for every value of one of
its parameters and returns a :class:`CapacityCurve`: the scores of every fold,
their means and standard deviations, the generalization gap, the value with
the best validation score and the simplest value within one standard error of
it (docs/capacity_and_model_selection.rst).  Nothing here prints; matplotlib
is imported only by :meth:`CapacityCurve.plot`, and only when no axes are
given.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import validation_curve

from ._utils.plotting import import_pyplot, plot_mean_and_band


def _label(value):
    """Short text for a parameter value: 3 significant digits for floats."""
    if isinstance(value, Real) and not isinstance(value, Integral | bool):
        return f"{value:.3g}"
    return str(value)


def _check_param_range(param_name, param_range):
    """``param_range`` as a list; a ValueError if it is empty."""
    values = list(param_range)
    if not values:
        raise ValueError(
            f"param_range must hold at least one value of {param_name!r}; got 0 values."
        )
    return values


def _check_scores(n_params, train_scores, validation_scores):
    """Both score arrays as floats of shape (n_params, n_folds), or a ValueError.

    The shape is that of scikit-learn's ``validation_curve``: one row per
    value of ``param_range``, one column per cross-validation fold.
    """
    scores = {}
    for name, given in [
        ("train_scores", train_scores),
        ("validation_scores", validation_scores),
    ]:
        array = np.asarray(given, dtype=float)
        if array.ndim != 2 or array.shape[0] != n_params:
            what = f"a {array.ndim}-D array of shape {array.shape}"
            raise ValueError(
                f"{name} must be of shape (n_params, n_folds) with n_params = "
                f"len(param_range) = {n_params}, one row per value and one column "
                f"per cross-validation fold; got {what}."
            )
        if array.shape[1] == 0:
            raise ValueError(
                f"{name} must hold at least one fold (a column); got shape "
                f"{array.shape}."
            )
        scores[name] = array
    train, validation = scores["train_scores"], scores["validation_scores"]
    if train.shape != validation.shape:
        raise ValueError(
            "train_scores and validation_scores must have the same shape "
            f"(n_params, n_folds); got {train.shape} and {validation.shape}."
        )
    return train, validation


class CapacityCurve:
    """Cross-validated training and validation scores over a parameter range.

    Returned by :func:`capacity_curve`.  Scores follow scikit-learn's
    convention that greater is better (so errors appear negated, as in
    ``scoring="neg_mean_squared_error"``).

    Parameters
    ----------
    param_name : str
        Name of the parameter that was varied.
    param_range : sequence
        Its values, ordered from the simplest model to the most complex; at
        least one.
    train_scores : array-like of shape (n_params, n_folds)
        Score of every fold's model on its training part: one row per value
        of ``param_range`` (``n_params = len(param_range)``) and one column per
        fold, as scikit-learn's
        :func:`~sklearn.model_selection.validation_curve` returns them.
    validation_scores : array-like of shape (n_params, n_folds)
        Score of every fold's model on its held-out part, of the same shape.
    scoring : str, callable or None, default=None
        The scoring that produced the scores (used as the axis label).

    Attributes
    ----------
    param_name : str
        Name of the parameter that was varied.
    param_range : list
        Its values, from the simplest model to the most complex.
    scoring : str, callable or None
        The scoring used.
    train_scores, validation_scores : ndarray of shape (n_params, n_folds)
        The raw per-fold scores.
    n_folds : int
        Number of cross-validation folds.
    train_scores_mean, train_scores_std : ndarray of shape (n_params,)
        Mean and standard deviation (over the folds) of the training scores.
    validation_scores_mean, validation_scores_std : ndarray of shape (n_params,)
        Mean and standard deviation of the validation scores.
    gap : ndarray of shape (n_params,)
        The generalization gap, ``train_scores_mean - validation_scores_mean``.
    best_index_ : int
        Index of the best mean validation score among the finite ones
        (values whose fits failed, with a NaN mean, and values whose scores
        overflow, with an infinite mean, are ignored).
    best_param_ : object
        ``param_range[best_index_]``.
    standard_error_ : float
        Standard error of the best mean validation score,
        ``validation_scores_std[best_index_] / sqrt(n_folds)``.
    one_se_index_ : int
        Index of the first value, in ``param_range`` order, whose mean
        validation score is finite and at least the best one minus
        ``standard_error_`` (which is infinite when the scores are too large
        to square):
        the simplest model that is not significantly worse than the best (the
        "one-standard-error rule").
    one_se_param_ : object
        ``param_range[one_se_index_]``.

    See Also
    --------
    capacity_curve : Cross-validates an estimator over a parameter range.
    sklearn.model_selection.validation_curve : The per-fold scores alone.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import CapacityCurve
    >>> train = [[1.0, 1.0], [0.9, 0.8], [0.95, 0.97]]
    >>> validation = [[0.6, 0.7], [0.9, 0.6], [0.7, 0.6]]
    >>> curve = CapacityCurve("degree", [1, 2, 3], train, validation)
    >>> curve.best_param_, curve.one_se_param_
    (2, 1)
    """

    def __init__(
        self, param_name, param_range, train_scores, validation_scores, scoring=None
    ):
        self.param_name = param_name
        self.param_range = _check_param_range(param_name, param_range)
        self.scoring = scoring
        self.train_scores, self.validation_scores = _check_scores(
            len(self.param_range), train_scores, validation_scores
        )
        self.n_folds = self.validation_scores.shape[1]
        # Infinite scores (an error that overflows) give infinite or NaN means
        # and standard deviations without numpy's warnings: _select ignores
        # them, or says that no value has a finite score.
        with np.errstate(over="ignore", invalid="ignore"):
            self.train_scores_mean = self.train_scores.mean(axis=1)
            self.train_scores_std = self.train_scores.std(axis=1)
            self.validation_scores_mean = self.validation_scores.mean(axis=1)
            self.validation_scores_std = self.validation_scores.std(axis=1)
            self.gap = self.train_scores_mean - self.validation_scores_mean
        self._select()

    def _select(self):
        mean = self.validation_scores_mean
        if np.all(np.isnan(mean)):
            raise ValueError(
                "Every fit failed: no validation score to choose a value from."
            )
        finite = np.isfinite(mean)
        if not finite.any():
            raise ValueError(
                f"No value of {self.param_name!r} has a finite mean validation "
                "score: the scores overflow (the data may be too large in "
                "magnitude; rescale them)."
            )
        # An infinite mean is an overflow, not a perfect or a hopeless model:
        # the best and the one-SE values are chosen among the finite means.
        self.best_index_ = int(np.flatnonzero(finite)[np.argmax(mean[finite])])
        self.best_param_ = self.param_range[self.best_index_]
        self.standard_error_ = float(
            self.validation_scores_std[self.best_index_] / np.sqrt(self.n_folds)
        )
        # The fold scores of a finite mean are finite, so the standard error
        # is finite or, when their squares overflow, +inf: the threshold is at
        # most the best mean, which therefore passes.
        threshold = mean[self.best_index_] - self.standard_error_
        self.one_se_index_ = int(np.flatnonzero(finite & (mean >= threshold))[0])
        self.one_se_param_ = self.param_range[self.one_se_index_]

    def __repr__(self):
        return (
            f"CapacityCurve(param_name={self.param_name!r}, "
            f"best_param_={self.best_param_!r}, "
            f"one_se_param_={self.one_se_param_!r})"
        )

    def _positions(self):
        """x coordinates of the values, and tick labels if they are not numbers."""
        numeric = all(
            isinstance(v, Real) and not isinstance(v, bool) for v in self.param_range
        )
        if numeric:
            return np.asarray(self.param_range, dtype=float), None
        labels = [_label(v) for v in self.param_range]
        return np.arange(len(labels), dtype=float), labels

    def plot(self, ax=None):
        """Plot training and validation scores against the parameter (needs matplotlib).

        Each curve is the mean over the folds with a band of one standard
        deviation; dashed and dotted vertical lines mark ``best_param_`` and
        ``one_se_param_``.  Numeric values are placed at their value (call
        ``ax.set_xscale("log")`` for a logarithmic range), others (such as
        ``hidden_layer_sizes``) at equal spacing with their value as label.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.

        Returns
        -------
        ax : matplotlib Axes
            The axes drawn on.
        """
        if ax is None:
            _, ax = import_pyplot().subplots()
        positions, labels = self._positions()
        curves = [
            ("training", self.train_scores_mean, self.train_scores_std),
            ("validation", self.validation_scores_mean, self.validation_scores_std),
        ]
        for name, mean, std in curves:
            plot_mean_and_band(
                ax, positions, mean, std, marker="o", label=f"{name} score"
            )
        ax.axvline(
            positions[self.best_index_], color="k", linestyle="--",
            label=f"best: {_label(self.best_param_)}",
        )  # fmt: skip
        ax.axvline(
            positions[self.one_se_index_], color="k", linestyle=":",
            label=f"one standard error: {_label(self.one_se_param_)}",
        )  # fmt: skip
        if labels is not None:
            ax.set_xticks(positions, labels)
        ax.set_xlabel(self.param_name)
        ax.set_ylabel(self.scoring if isinstance(self.scoring, str) else "score")
        ax.legend()
        return ax


def capacity_curve(
    estimator,
    X,
    y,
    *,
    param_name="degree",
    param_range,
    cv=5,
    scoring=None,
    n_jobs=None,
):
    """Cross-validated training and validation scores over a range of capacities.

    Fits ``estimator`` with ``param_name`` set to every value of
    ``param_range`` on the same cross-validation splits (scikit-learn's
    :func:`~sklearn.model_selection.validation_curve`) and summarises the
    scores: training scores keep improving with capacity while validation
    scores eventually get worse, and the value to keep is chosen on the
    validation scores.  Works with any estimator, e.g.
    :class:`skreg.PolynomialCapacity` over ``degree``, or
    :class:`skreg.RegularizedMLPRegressor` over ``alpha`` or
    ``hidden_layer_sizes``.

    Parameters
    ----------
    estimator : estimator object
        The model to cross-validate; it is cloned for every fit.
    X : array-like of shape (n_samples, n_features)
        The input data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The target values.
    param_name : str, default="degree"
        The parameter to vary (``"step__param"`` inside a pipeline).
    param_range : sequence
        Its values, **ordered from the simplest model to the most complex**:
        increasing for ``degree`` or ``hidden_layer_sizes``, decreasing for a
        penalty strength such as ``alpha``.  ``one_se_param_`` relies on
        this order.  At least one value.
    cv : int, cross-validation generator or iterable, default=5
        The splitting strategy, as in
        :func:`~sklearn.model_selection.cross_validate`.
    scoring : str, callable or None, default=None
        The score (greater is better), e.g. ``"neg_mean_squared_error"``;
        None uses the estimator's ``score`` method.
    n_jobs : int, default=None
        Number of jobs to run in parallel; None means 1 unless in a
        :obj:`joblib.parallel_backend` context.

    Returns
    -------
    result : CapacityCurve
        The per-fold scores, their means and standard deviations, the
        generalization gap, ``best_param_`` and ``one_se_param_``.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import PolynomialCapacity, capacity_curve
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(60, 1))
    >>> y = 1 - 2 * X[:, 0] + 3 * X[:, 0] ** 3 + rng.normal(scale=0.3, size=60)
    >>> curve = capacity_curve(PolynomialCapacity(), X, y, param_range=range(1, 9),
    ...                        scoring="neg_mean_squared_error")
    >>> curve.one_se_param_
    3
    """
    param_range = _check_param_range(param_name, param_range)
    train_scores, validation_scores = validation_curve(
        estimator, X, y, param_name=param_name, param_range=param_range,
        cv=cv, scoring=scoring, n_jobs=n_jobs,
    )  # fmt: skip
    return CapacityCurve(
        param_name, param_range, train_scores, validation_scores, scoring=scoring
    )
