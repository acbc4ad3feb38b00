"""The penalty study behind ``python -m skreg study``.

A cross-validated grid search over the penalty and ``alpha`` of a regularized
MLP on one dataset.  Every (penalty, alpha) candidate is summarised as a
:class:`StudyRow`: the cross-validated score, the training score, the
generalization gap, the fraction of weights that are exactly zero and the fit
time.  The best candidate is then refitted on all the data (its loss curves
go into the report).

Dropout candidates (``dropouts``, off by default) are added for the
unpenalized model and for ``penalty="l2"`` at every alpha, once per dropout
rate, when those penalties are in the grid: dropout is another way to
regularize, and these are the candidates it is naturally compared with.
Dropout needs a mini-batch solver, so these candidates use the Adam settings
of l0 and group_lasso (:data:`ADAM_PARAMS`).  Crossing dropout with every
penalty would multiply the grid, and its Adam fits are slower than the
L-BFGS ones, for comparisons (dropout on top of an L1 or L0 penalty) that
say little more.  Nothing here prints: :func:`run_study` returns a
:class:`StudyResult` and can hand each row to a callback as soon as it is
ready; the command line formats them.
"""

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
from joblib import Parallel, delayed
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from .._mlp import RegularizedMLPClassifier, RegularizedMLPRegressor
from .._network import zero_fraction as _zero_fraction
from .._penalties import PENALTY_NAMES, make_penalty
from .._solvers import solver_supports
from .._utils.threads import blas_threads
from .data import Dataset

PENALTIES = (None, *PENALTY_NAMES)
DEFAULT_ALPHAS = (0.1, 1.0, 10.0, 100.0)
QUICK_ALPHAS = (1.0,)
DEFAULT_CV = 3
QUICK_CV = 2

# One small network.  Full-batch L-BFGS fits the smooth penalties and the L1
# ones (by split weights, so L1 weights are exactly zero at the optimum) and is
# the fastest on these small datasets.  l0 and group_lasso are applied by a
# proximal step, which L-BFGS does not take: they use Adam with a larger step
# than its default and fewer epochs.  skreg scales alpha the same way for
# every solver, so a given alpha means the same objective in both.
NETWORK_PARAMS = {"hidden_layer_sizes": (32,)}
LBFGS_PARAMS = {"solver": "lbfgs", "max_iter": 100}
ADAM_PARAMS = {"solver": "adam", "learning_rate_init": 0.01, "max_iter": 50}
# The penalties that also get one candidate per dropout rate.
DROPOUT_PENALTIES = (None, "l2")


def mlp_params(penalty, dropout=0.0):
    """Return the network and solver parameters used for ``penalty``.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", "l0", "group_lasso"} or None
        The penalty on the weights.
    dropout : float, default=0.0
        Dropout rate of the hidden units; any rate above 0 needs Adam.

    Returns
    -------
    params : dict
        Keyword arguments of the MLP other than ``penalty``, ``alpha``,
        ``dropout`` and ``random_state``.
    """
    adam = dropout > 0 or not solver_supports("lbfgs", make_penalty(penalty))
    return {**NETWORK_PARAMS, **(ADAM_PARAMS if adam else LBFGS_PARAMS)}


def make_estimator(task, penalty, alpha, random_state=0, dropout=0.0):
    """Return the unfitted pipeline of one candidate.

    Parameters
    ----------
    task : {"classification", "regression"}
        Which estimator to build.
    penalty : {"l2", "l1", "elasticnet", "l0", "group_lasso"} or None
        The penalty on the weights.
    alpha : float
        Strength of the penalty.
    random_state : int, default=0
        Seed of the weight initialisation (and of Adam's shuffling).
    dropout : float, default=0.0
        Dropout rate of the hidden units (Adam when above 0).

    Returns
    -------
    estimator : Pipeline or TransformedTargetRegressor
        ``StandardScaler`` followed by a :class:`RegularizedMLPClassifier`;
        for regression, ``StandardScaler`` followed by a
        :class:`RegularizedMLPRegressor` fitted to the target scaled to zero
        mean and unit variance (predictions are mapped back).
    """
    params = dict(penalty=penalty, alpha=alpha, random_state=random_state)
    params.update(mlp_params(penalty, dropout))
    if dropout > 0:
        params["dropout"] = dropout
    if task == "classification":
        return make_pipeline(StandardScaler(), RegularizedMLPClassifier(**params))
    return TransformedTargetRegressor(
        regressor=make_pipeline(StandardScaler(), RegularizedMLPRegressor(**params)),
        transformer=StandardScaler(),
    )


def final_mlp(estimator):
    """Return the MLP at the end of a fitted pipeline or target transformer.

    Parameters
    ----------
    estimator : estimator
        A fitted MLP, :class:`~sklearn.pipeline.Pipeline` or
        :class:`~sklearn.compose.TransformedTargetRegressor`.

    Returns
    -------
    mlp : RegularizedMLPClassifier or RegularizedMLPRegressor
        The fitted network.
    """
    if isinstance(estimator, TransformedTargetRegressor):
        return final_mlp(estimator.regressor_)
    if isinstance(estimator, Pipeline):
        return final_mlp(estimator[-1])
    return estimator


def zero_fraction(mlp):
    """Return the fraction of exactly-zero entries over all of ``mlp.coefs_``.

    Parameters
    ----------
    mlp : RegularizedMLPClassifier or RegularizedMLPRegressor
        A fitted network.

    Returns
    -------
    fraction : float
        Number of zero weights divided by the number of weights, in [0, 1].
    """
    return _zero_fraction(mlp.coefs_)


def study_grid(alphas, penalties=PENALTIES):
    """Return the (penalty, alpha) pairs to evaluate.

    Parameters
    ----------
    alphas : sequence of float
        Strengths tried for every penalty.
    penalties : sequence of str or None, default=PENALTIES
        Penalties to try; None is tried once, with ``alpha=0``.

    Returns
    -------
    grid : list of tuple (penalty, alpha)
    """
    return [
        (penalty, float(alpha))
        for penalty in penalties
        for alpha in ([0.0] if penalty is None else alphas)
    ]


def dropout_grid(alphas, penalties=PENALTIES, dropouts=()):
    """Return the (penalty, alpha, dropout) candidates that use dropout.

    Parameters
    ----------
    alphas : sequence of float
        Strengths tried for ``"l2"``.
    penalties : sequence of str or None, default=PENALTIES
        Penalties of the grid; only those in :data:`DROPOUT_PENALTIES` get
        dropout candidates.
    dropouts : sequence of float, default=()
        Dropout rates, each in (0, 1).

    Returns
    -------
    grid : list of tuple (penalty, alpha, dropout)
        For each rate, the (penalty, alpha) pairs of :func:`study_grid` whose
        penalty is in :data:`DROPOUT_PENALTIES`.
    """
    kept = [penalty for penalty in penalties if penalty in DROPOUT_PENALTIES]
    return [
        (penalty, alpha, float(dropout))
        for dropout in dropouts
        for penalty, alpha in study_grid(alphas, kept)
    ]


def candidates(alphas, penalties=PENALTIES, dropouts=()):
    """Return every (penalty, alpha, dropout) candidate of a study, in order.

    Parameters
    ----------
    alphas : sequence of float
        Strengths tried for every penalty other than None.
    penalties : sequence of str or None, default=PENALTIES
        Penalties to try.
    dropouts : sequence of float, default=()
        Dropout rates of the extra candidates (see :func:`dropout_grid`).

    Returns
    -------
    grid : list of tuple (penalty, alpha, dropout)
        :func:`study_grid` without dropout (``dropout=0.0``), then
        :func:`dropout_grid`.
    """
    plain = [(penalty, alpha, 0.0) for penalty, alpha in study_grid(alphas, penalties)]
    return plain + dropout_grid(alphas, penalties, dropouts)


@dataclass(frozen=True)
class StudyRow:
    """Cross-validation summary of one (penalty, alpha, dropout) candidate.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", "l0", "group_lasso"} or None
        The estimator's ``penalty``.
    alpha : float
        The estimator's ``alpha`` (0 when ``penalty`` is None).
    test_mean, test_std : float
        Mean and standard deviation of the held-out scores over the folds.
    train_mean : float
        Mean of the training scores over the folds.
    zero_fraction : float
        Fraction of the weights (all of ``coefs_``, not the biases) that are
        exactly zero, averaged over the models fitted in the folds.
    fit_time : float
        Mean time to fit one fold, in seconds.
    dropout : float, default=0.0
        The estimator's ``dropout`` rate (0: no dropout).

    Attributes
    ----------
    gap : float
        The generalization gap, ``train_mean - test_mean``.
    """

    penalty: str | None
    alpha: float
    test_mean: float
    test_std: float
    train_mean: float
    zero_fraction: float
    fit_time: float
    dropout: float = 0.0

    @property
    def gap(self):
        """The generalization gap: mean training score minus CV score."""
        return self.train_mean - self.test_mean


@dataclass(frozen=True)
class StudyResult:
    """Everything :func:`run_study` found.

    Attributes
    ----------
    dataset : Dataset
        The data of the study.
    alphas : tuple of float
        The strengths tried for every penalty other than None.
    penalties : tuple
        The penalties tried.
    cv : int
        Number of cross-validation folds.
    rows : list of StudyRow
        One row per candidate, in the order of :func:`candidates`.
    best_estimator : estimator or None
        The best candidate refitted on all the data (None when not refitted).
    dropouts : tuple of float, default=()
        The dropout rates of the extra candidates (empty: no dropout).
    """

    dataset: Dataset
    alphas: tuple
    penalties: tuple
    cv: int
    rows: list
    best_estimator: object = field(default=None, repr=False)
    dropouts: tuple = ()

    @property
    def ranked(self):
        """The rows from the best CV score to the worst (stable for ties, NaN last)."""
        return sorted(
            self.rows, key=lambda row: (np.isnan(row.test_mean), -row.test_mean)
        )

    @property
    def best_row(self):
        """The row with the best CV score (the first in grid order if tied)."""
        return self.ranked[0]


def make_cv(task, n_splits, random_state=0):
    """Return shuffled (stratified for classification) K-fold splits.

    Parameters
    ----------
    task : {"classification", "regression"}
        Stratify the folds for classification.
    n_splits : int
        Number of folds.
    random_state : int, default=0
        Seed of the shuffling.

    Returns
    -------
    cv : KFold or StratifiedKFold
    """
    splitter = StratifiedKFold if task == "classification" else KFold
    return splitter(n_splits, shuffle=True, random_state=random_state)


def evaluate(estimator, X, y, cv):
    """Cross-validate one estimator and summarise its scores and sparsity.

    Parameters
    ----------
    estimator : estimator
        Unfitted pipeline ending in a regularized MLP.
    X : ndarray of shape (n_samples, n_features)
        The input data.
    y : ndarray of shape (n_samples,)
        The target.
    cv : int or cross-validation generator
        The folds.

    Returns
    -------
    summary : dict
        ``test_mean``, ``test_std``, ``train_mean``, ``zero_fraction`` and
        ``fit_time``.
    """
    result = cross_validate(
        estimator, X, y, cv=cv, return_train_score=True,
        return_estimator=True, error_score="raise",
    )  # fmt: skip
    zeros = [zero_fraction(final_mlp(fitted)) for fitted in result["estimator"]]
    return {
        "test_mean": float(np.mean(result["test_score"])),
        "test_std": float(np.std(result["test_score"])),
        "train_mean": float(np.mean(result["train_score"])),
        "zero_fraction": float(np.mean(zeros)),
        "fit_time": float(np.mean(result["fit_time"])),
    }


@contextmanager
def _quiet_small_fits():
    """Silence convergence warnings and run BLAS on one thread.

    A fit that stops at ``max_iter`` is part of what the study measures, and
    the matrices are small, so BLAS threads cost more than they save.
    """
    with warnings.catch_warnings(), blas_threads(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _evaluate_candidate(dataset, candidate, cv, random_state):
    penalty, alpha, dropout = candidate
    with _quiet_small_fits():
        estimator = make_estimator(dataset.task, penalty, alpha, random_state, dropout)
        summary = evaluate(estimator, dataset.X, dataset.y, cv)
    return StudyRow(penalty, alpha, **summary, dropout=dropout)


def refit(dataset, row, random_state=0):
    """Fit the candidate of ``row`` on all of ``dataset``.

    Parameters
    ----------
    dataset : Dataset
        The data.
    row : StudyRow
        The candidate (its penalty, alpha and dropout rate).
    random_state : int, default=0
        Seed of the weight initialisation.

    Returns
    -------
    estimator : Pipeline or TransformedTargetRegressor
        The fitted pipeline.
    """
    with _quiet_small_fits():
        estimator = make_estimator(
            dataset.task, row.penalty, row.alpha, random_state, row.dropout
        )
        return estimator.fit(dataset.X, dataset.y)


def run_study(
    dataset,
    alphas=DEFAULT_ALPHAS,
    *,
    penalties=PENALTIES,
    dropouts=(),
    cv=DEFAULT_CV,
    n_jobs=None,
    random_state=0,
    refit_best=True,
    on_row=None,
):
    """Cross-validate every penalty and alpha (and dropout rate) on one dataset.

    Convergence warnings of the fits are silenced (a fit that stops at
    ``max_iter`` is part of what the study measures) and BLAS runs on one
    thread (the matrices are small); the folds are shuffled with
    ``random_state``.

    Parameters
    ----------
    dataset : Dataset
        The data, e.g. from :func:`skreg._cli_data.load_builtin`.
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Strengths tried for every penalty other than None.
    penalties : sequence of str or None, default=PENALTIES
        Penalties to try.
    dropouts : sequence of float, default=()
        Dropout rates, each in (0, 1): one more candidate per rate for the
        unpenalized model and for ``"l2"`` at every alpha (see
        :func:`dropout_grid`), fitted with Adam.
    cv : int, default=DEFAULT_CV
        Number of cross-validation folds (stratified for classification).
    n_jobs : int, default=None
        Number of candidates cross-validated in parallel (None: one at a
        time; -1: all cores).
    random_state : int, default=0
        Seed of the folds and of the weight initialisation of every network.
    refit_best : bool, default=True
        Refit the best candidate on all the data (``best_estimator``).
    on_row : callable, default=None
        Called with each :class:`StudyRow` as soon as it is computed (in the
        order they finish when ``n_jobs`` is not 1).

    Returns
    -------
    result : StudyResult
        The rows in grid order and the refitted best estimator.
    """
    grid = candidates(alphas, penalties, dropouts)
    splits = make_cv(dataset.task, cv, random_state)
    tasks = (
        delayed(_evaluate_candidate)(dataset, candidate, splits, random_state)
        for candidate in grid
    )
    rows = {}
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    for row in parallel(tasks):
        rows[row.penalty, row.alpha, row.dropout] = row
        if on_row is not None:
            on_row(row)
    ordered = [rows[key] for key in grid]
    result = StudyResult(
        dataset, tuple(alphas), tuple(penalties), cv, ordered, dropouts=tuple(dropouts)
    )
    if not refit_best:
        return result
    best = refit(dataset, result.best_row, random_state)
    return replace(result, best_estimator=best)
