"""The penalty study behind ``python -m skreg study``.

A cross-validated grid search over the penalty and ``alpha`` of a regularized
MLP on one dataset, run by the CV estimators
(:class:`~skreg.RegularizedMLPClassifierCV`,
:class:`~skreg.RegularizedMLPRegressorCV`): one per solver, whose paths fit
each fold along the alphas with warm starts.  Every (penalty, alpha)
candidate is summarised as a :class:`StudyRow`: the cross-validated score,
the training score, the generalization gap, the fraction of weights that are
exactly zero and the fit time.  The best candidate is then refitted on all the
data from a fresh start (its loss curves go into the report), and the
one-standard-error rule's choice is reported beside it.

The inputs (and, for regression, the target) are standardized on all the
data before the cross-validation, as a pipeline around a CV estimator does:
unlike a pipeline cross-validated as a whole, the held-out folds' means and
variances enter the scaling (by a few samples in hundreds, far less than the
spread of the scores between folds).

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
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from .._capacity import CapacityCurve
from .._cv import RegularizedMLPClassifierCV, RegularizedMLPRegressorCV
from .._mlp import RegularizedMLPClassifier, RegularizedMLPRegressor
from .._network import zero_fraction as _zero_fraction
from .._penalties import PENALTY_NAMES, make_penalty
from .._solvers import solver_supports
from .._utils.threads import blas_threads
from .data import Dataset

PENALTIES = (None, *PENALTY_NAMES)
DEFAULT_ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
QUICK_ALPHAS = (1.0,)
# The default data: on diabetes the network without a penalty overfits
# (training R^2 0.90, cross-validated -0.08, as `python -m skreg` prints) and
# the penalties close the gap, the sparse ones with most weights at zero; on
# digits every penalty scores within 1.5 points of the others, and the report
# shows little.
DEFAULT_DATASET = "diabetes"
DEFAULT_CV = 5
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
        Mean time of one fit along a fold's warm-started path, in seconds.
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
    one_se_row : StudyRow, default=None
        The one-standard-error rule's choice: among the candidates of the best
        row's penalty (and dropout rate), the largest alpha whose CV score is
        within one standard error (std over the folds / sqrt(cv)) of the best.
    """

    dataset: Dataset
    alphas: tuple
    penalties: tuple
    cv: int
    rows: list
    best_estimator: object = field(default=None, repr=False)
    dropouts: tuple = ()
    one_se_row: StudyRow = None

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


def study_groups(penalties=PENALTIES, dropouts=()):
    """Return the CV estimators of a study, as (penalties, dropout) pairs.

    Parameters
    ----------
    penalties : sequence of str or None, default=PENALTIES
        Penalties of the grid.
    dropouts : sequence of float, default=()
        Dropout rates of the extra candidates.

    Returns
    -------
    groups : list of tuple (penalties, dropout)
        The penalties L-BFGS fits, those that need Adam (l0, group_lasso),
        then for each dropout rate the penalties of :data:`DROPOUT_PENALTIES`;
        empty groups are left out.  Each group is one CV estimator: its
        penalties share the solver settings of :func:`mlp_params`.
    """
    lbfgs = tuple(p for p in penalties if mlp_params(p)["solver"] == "lbfgs")
    adam = tuple(p for p in penalties if mlp_params(p)["solver"] != "lbfgs")
    kept = tuple(p for p in penalties if p in DROPOUT_PENALTIES)
    groups = [(lbfgs, 0.0), (adam, 0.0)] + [(kept, float(d)) for d in dropouts]
    return [(group, dropout) for group, dropout in groups if group]


def make_cv_estimator(task, penalties, alphas, cv, random_state=0, dropout=0.0,
                      n_jobs=None):  # fmt: skip
    """Return the unfitted pipeline that cross-validates one group of penalties.

    Parameters
    ----------
    task : {"classification", "regression"}
        Which estimator to build.
    penalties : tuple of str or None
        The penalties, all fitted with the solver settings of the first.
    alphas : sequence of float
        The strengths of the paths.
    cv : int or cross-validation generator
        The folds.
    random_state : int, default=0
        Seed of the weight initialisation (and of Adam's shuffling).
    dropout : float, default=0.0
        Dropout rate of the hidden units (Adam when above 0).
    n_jobs : int, default=None
        Number of paths fitted in parallel.

    Returns
    -------
    estimator : Pipeline or TransformedTargetRegressor
        As :func:`make_estimator`, with a CV estimator (``refit=False``: the
        study refits its best candidate itself) in place of the MLP.
    """
    params = dict(
        alphas=alphas, penalties=penalties, cv=cv, refit=False, n_jobs=n_jobs,
        random_state=random_state, **mlp_params(penalties[0], dropout),
    )  # fmt: skip
    if dropout > 0:
        params["dropout"] = dropout
    if task == "classification":
        return make_pipeline(StandardScaler(), RegularizedMLPClassifierCV(**params))
    return TransformedTargetRegressor(
        regressor=make_pipeline(StandardScaler(), RegularizedMLPRegressorCV(**params)),
        transformer=StandardScaler(),
    )


def _rows_of(cv_estimator, dropout):
    """One StudyRow per candidate of a fitted CV estimator."""
    results = cv_estimator.cv_results_
    columns = ("mean_test_score", "std_test_score", "mean_train_score",
               "mean_zero_fraction", "mean_fit_time")  # fmt: skip
    candidates = zip(results["param_penalty"], results["param_alpha"], strict=True)
    rows = []
    for k, (penalty, alpha) in enumerate(candidates):
        summary = (float(results[c][k]) for c in columns)
        rows.append(StudyRow(penalty, float(alpha), *summary, dropout=dropout))
    return rows


@contextmanager
def _quiet_small_fits():
    """Silence convergence warnings and run BLAS on one thread.

    A fit that stops at ``max_iter`` is part of what the study measures, and
    the matrices are small, so BLAS threads cost more than they save.
    """
    with warnings.catch_warnings(), blas_threads(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _evaluate_group(dataset, group, alphas, splits, random_state, n_jobs):
    penalties, dropout = group
    with _quiet_small_fits():
        estimator = make_cv_estimator(
            dataset.task, penalties, alphas, splits, random_state, dropout, n_jobs
        )
        cv_estimator = final_mlp(estimator.fit(dataset.X, dataset.y))
    return cv_estimator, _rows_of(cv_estimator, dropout)


def _one_se_row(result, cv_estimators):
    """The one-standard-error choice among the best row's penalty (and dropout).

    The largest alpha whose mean CV score is within one standard error of the
    best one's (as :class:`~skreg.CapacityCurve` and the CV estimators'
    ``selection="one_se"`` choose); no penalty is its own choice.
    """
    best = result.best_row
    if best.penalty is None:
        return best
    cv_estimator = cv_estimators[best.penalty, best.dropout]
    curve = CapacityCurve(
        "alpha", cv_estimator.alphas_,
        cv_estimator.train_scores_[best.penalty].T,
        cv_estimator.scores_[best.penalty].T,
    )  # fmt: skip
    alpha = float(curve.one_se_param_)
    return next(
        row for row in result.rows
        if (row.penalty, row.alpha, row.dropout) == (best.penalty, alpha, best.dropout)
    )  # fmt: skip


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

    Each group of penalties that share a solver (:func:`study_groups`) is one
    CV estimator, whose paths fit every fold along the alphas with warm
    starts.  Convergence warnings of the fits are silenced (a fit that stops at
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
        Number of paths (one fold, one penalty) each CV estimator fits in
        parallel (None: one at a time; -1: all cores).
    random_state : int, default=0
        Seed of the folds and of the weight initialisation of every network.
    refit_best : bool, default=True
        Refit the best candidate on all the data (``best_estimator``).
    on_row : callable, default=None
        Called with each :class:`StudyRow` as soon as it is computed: the
        rows of a group of penalties together, when its CV estimator is done.

    Returns
    -------
    result : StudyResult
        The rows in grid order, the one-standard-error choice and the
        refitted best estimator.
    """
    splits = make_cv(dataset.task, cv, random_state)
    rows, cv_estimators = {}, {}
    for group in study_groups(penalties, dropouts):
        cv_estimator, group_rows = _evaluate_group(
            dataset, group, alphas, splits, random_state, n_jobs
        )
        for row in group_rows:
            rows[row.penalty, row.alpha, row.dropout] = row
            cv_estimators[row.penalty, row.dropout] = cv_estimator
            if on_row is not None:
                on_row(row)
    ordered = [rows[key] for key in candidates(alphas, penalties, dropouts)]
    result = StudyResult(
        dataset, tuple(alphas), tuple(penalties), cv, ordered, dropouts=tuple(dropouts)
    )
    result = replace(result, one_se_row=_one_se_row(result, cv_estimators))
    if not refit_best:
        return result
    best = refit(dataset, result.best_row, random_state)
    return replace(result, best_estimator=best)
