"""The penalty study behind ``python -m skreg study``.

A cross-validated grid search over the penalty and ``alpha`` of a regularized
MLP on one dataset, run by the CV estimators, one per group of penalties that
share solver settings.  The study has no model selection of its own: its rows
are their ``cv_results_``, its best candidate is their choice and refit, its
one-standard-error candidate the same CV estimator's ``choice("one_se")``.

The inputs (and a regression's target) are standardized on all the data
before the cross-validation, as a pipeline around a CV estimator does: the
held-out folds enter the scaling by a few samples in hundreds, far less than
the spread of the scores between folds.  A CSV file's preprocessing
(imputation, one-hot encoding, scaling) takes the scaler's place, as the CV
estimators refit nothing per fold: it sees the held-out rows' features, never
their target (refitted in each fold instead, on two test files, the scores
moved by less than their std over the folds, either way).

Dropout candidates are added, once per rate, for no penalty and for L2 only,
the models dropout (another way to regularize) is naturally compared with:
crossing it with every penalty would multiply the grid, with slow Adam fits,
for comparisons that say little more.  Nothing here prints.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from .._cv import RegularizedMLPClassifierCV, RegularizedMLPRegressorCV
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
# The largest alpha per sample the study takes.  The objective is (sum of the
# losses + alpha * Omega) / n, so alpha / n is what matters: on standardized
# data every penalty has emptied the network (a constant's score) by alpha / n
# of a few units (diabetes: 20, digits: 1).  Far past that, L-BFGS stops on the
# penalty alone with the biases unfitted (diabetes' L2: R^2 -0.075 instead of
# -0.002 from alpha / n = 1e8 on) and the fits overflow (L-BFGS from alpha =
# 1e160, Adam at 1e308), an error that blames the data.  1e4 stays clear of
# both.
MAX_ALPHA_PER_SAMPLE = 1e4

# One small network.  Full-batch L-BFGS fits the smooth penalties and the L1
# ones (by split weights, so L1 weights are exactly zero at the optimum) and is
# the fastest on these small datasets.  l0, group_lasso and sparse_group_lasso
# (at the estimators' l1_ratio of 0.5) are applied by a proximal step, which
# L-BFGS does not take: they use Adam with a larger step than its default and
# fewer epochs.  skreg scales alpha the same way for every solver, so a given
# alpha means the same objective in both.
NETWORK_PARAMS = {"hidden_layer_sizes": (32,)}
LBFGS_PARAMS = {"solver": "lbfgs", "max_iter": 100}
ADAM_PARAMS = {"solver": "adam", "learning_rate_init": 0.01, "max_iter": 50}
# The penalties that also get one candidate per dropout rate.
DROPOUT_PENALTIES = (None, "l2")


def mlp_params(penalty, dropout=0.0):
    """Return the MLP's network and solver settings for ``penalty`` and ``dropout``.

    Adam for any dropout rate above 0 and for the penalties L-BFGS does not
    apply, L-BFGS otherwise.
    """
    adam = dropout > 0 or not solver_supports("lbfgs", make_penalty(penalty))
    return {**NETWORK_PARAMS, **(ADAM_PARAMS if adam else LBFGS_PARAMS)}


def candidate_budget(penalty, dropout=0.0):
    """A candidate's share of a study's time, for the ETA: its solver's max_iter.

    An L-BFGS iteration and an Adam epoch each take about one forward and
    backward pass over the training rows; per candidate, the L-BFGS group
    took 2.2 to 2.7 times as long as the Adam one (default study, on
    diabetes, digits, iris, wine and breast_cancer), for twice the budget.
    """
    return mlp_params(penalty, dropout)["max_iter"]


def max_alpha(n_samples):
    """The largest alpha a study on ``n_samples`` takes (see MAX_ALPHA_PER_SAMPLE)."""
    return MAX_ALPHA_PER_SAMPLE * n_samples


def final_mlp(estimator):
    """Return the estimator at the end of a pipeline or target transformer."""
    if isinstance(estimator, TransformedTargetRegressor):
        return final_mlp(estimator.regressor_)
    if isinstance(estimator, Pipeline):
        return final_mlp(estimator[-1])
    return estimator


def dropout_penalties(penalties, dropouts):
    """Return the penalties that get dropout candidates (none without rates)."""
    return [p for p in penalties if p in DROPOUT_PENALTIES] if dropouts else []


def candidates(alphas, penalties=PENALTIES, dropouts=()):
    """Return every (penalty, alpha, dropout) candidate of a study, in order.

    Every penalty with every alpha (None once, with ``alpha=0``) and
    ``dropout=0.0``, then the same for each dropout rate and each of the
    :func:`dropout_penalties`.
    """
    series = [(penalty, 0.0) for penalty in penalties] + [
        (penalty, float(dropout))
        for dropout in dropouts
        for penalty in dropout_penalties(penalties, dropouts)
    ]
    return [
        (penalty, float(alpha), dropout)
        for penalty, dropout in series
        for alpha in ([0.0] if penalty is None else alphas)
    ]


@dataclass(frozen=True)
class StudyRow:
    """Cross-validation summary of one (penalty, alpha, dropout) candidate.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", "l0", "group_lasso", \
            "sparse_group_lasso"} or None
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
    """Everything :func:`run_study` found: its settings, rows and choices.

    ``rows`` holds one :class:`StudyRow` per candidate, in the order of
    :func:`candidates`.  ``best_row`` is the choice of the CV estimator with
    the best ``best_score_``, and ``best_estimator`` its fitted pipeline,
    refitted on all the data (None without a refit); ``one_se_row`` is that
    CV estimator's one-standard-error choice.  ``cv_estimators`` holds the
    fitted CV estimator of each (penalty, dropout) series, out of its pipeline.
    """

    dataset: Dataset
    alphas: tuple
    penalties: tuple
    cv: int
    rows: list
    best_estimator: object = field(default=None, repr=False)
    dropouts: tuple = ()
    best_row: StudyRow = None
    one_se_row: StudyRow = None
    cv_estimators: dict = field(default_factory=dict, repr=False)

    @property
    def ranked(self):
        """The rows from the best CV score to the worst (stable for ties, NaN last)."""
        return sorted(
            self.rows, key=lambda row: (np.isnan(row.test_mean), -row.test_mean)
        )


def study_groups(penalties=PENALTIES, dropouts=()):
    """Return the CV estimators of a study, as (penalties, dropout) pairs.

    The penalties L-BFGS fits, those that need Adam, then the
    :func:`dropout_penalties` once per rate: the penalties of a group share
    the settings of :func:`mlp_params`.  Empty groups are left out.
    """
    lbfgs = tuple(p for p in penalties if mlp_params(p)["solver"] == "lbfgs")
    adam = tuple(p for p in penalties if mlp_params(p)["solver"] != "lbfgs")
    kept = tuple(dropout_penalties(penalties, dropouts))
    groups = [(lbfgs, 0.0), (adam, 0.0)] + [(kept, float(d)) for d in dropouts]
    return [(group, dropout) for group, dropout in groups if group]


def make_cv_estimator(task, penalties, alphas, cv, random_state=0, dropout=0.0,
                      n_jobs=None, *, refit=True, preprocessing=None):  # fmt: skip
    """Return the unfitted pipeline that cross-validates one group of penalties.

    ``StandardScaler`` (or a copy of the ``preprocessing``'s transformer) then
    the CV estimator, with the solver settings of the first penalty; for
    regression it is fitted to the standardized target (and its predictions
    are mapped back).
    """
    params = dict(
        alphas=alphas, penalties=penalties, cv=cv, refit=refit, n_jobs=n_jobs,
        random_state=random_state, **mlp_params(penalties[0], dropout),
    )  # fmt: skip
    if dropout > 0:
        params["dropout"] = dropout
    inputs = StandardScaler() if preprocessing is None else preprocessing.transformer
    if task == "classification":
        return make_pipeline(clone(inputs), RegularizedMLPClassifierCV(**params))
    return TransformedTargetRegressor(
        regressor=make_pipeline(clone(inputs), RegularizedMLPRegressorCV(**params)),
        transformer=StandardScaler(),
    )


def _rows_of(cv_estimator):
    """One StudyRow per candidate of a fitted CV estimator's ``cv_results_``."""
    results = cv_estimator.cv_results_
    columns = ("param_alpha", "mean_test_score", "std_test_score",
               "mean_train_score", "mean_zero_fraction", "mean_fit_time")  # fmt: skip
    numbers = np.column_stack([results[column] for column in columns]).tolist()
    return [
        StudyRow(penalty, *values, dropout=cv_estimator.dropout)
        for penalty, values in zip(results["param_penalty"], numbers, strict=True)
    ]


def _fit_quietly(estimator, dataset):
    """Fit without convergence or grid-end warnings, BLAS on one thread (run_study)."""
    with warnings.catch_warnings(), blas_threads(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", "The best mean score is at the", UserWarning)
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
    on_rows=None,
):
    """Cross-validate every penalty and alpha (and dropout rate) on one dataset.

    Each group of penalties that share a solver (:func:`study_groups`) is one
    CV estimator, whose paths fit every fold along the alphas with warm
    starts.  Convergence warnings are silenced (a fit that stops at
    ``max_iter`` is part of what the study measures), and so are the
    warnings of a choice at an end of the alphas (the report says it of the
    best), and BLAS runs on one thread (the matrices are small).

    Parameters
    ----------
    dataset : Dataset
        The data, e.g. from :func:`skreg._cli.data.load_builtin`.
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Strengths tried for every penalty other than None.
    penalties : sequence of str or None, default=PENALTIES
        Penalties to try.
    dropouts : sequence of float, default=()
        Dropout rates, each in (0, 1): one more candidate per rate for the
        unpenalized model and for ``"l2"`` at every alpha (see
        :func:`candidates`), fitted with Adam.
    cv : int, default=DEFAULT_CV
        Number of cross-validation folds (stratified for classification).
    n_jobs : int, default=None
        Number of paths (one fold, one penalty) each CV estimator fits in
        parallel (None: one at a time; -1: all cores).
    random_state : int, default=0
        Seed of the shuffled folds and of the weight initialisation of every
        network.
    refit_best : bool, default=True
        Have the CV estimators refit their choice on all the data; the best
        one's is ``best_estimator``.
    on_rows : callable, default=None
        Called with the list of :class:`StudyRow` of each CV estimator (a
        group of penalties), as soon as it is fitted.

    Returns
    -------
    result : StudyResult
        The rows in grid order, the best and the one-standard-error choices,
        the CV estimators and the refitted best estimator.
    """
    splitter = StratifiedKFold if dataset.task == "classification" else KFold
    splits = splitter(cv, shuffle=True, random_state=random_state)
    rows, searches, fitted = {}, {}, []
    for group, dropout in study_groups(penalties, dropouts):
        estimator = make_cv_estimator(
            dataset.task, group, alphas, splits, random_state, dropout, n_jobs,
            refit=refit_best, preprocessing=dataset.preprocessing,
        )  # fmt: skip
        fitted.append(_fit_quietly(estimator, dataset))
        group_rows = _rows_of(final_mlp(fitted[-1]))
        for row in group_rows:
            rows[row.penalty, row.alpha, row.dropout] = row
            searches[row.penalty, row.dropout] = final_mlp(fitted[-1])
        if on_rows is not None:
            on_rows(group_rows)
    # Every CV estimator scores the same folds, so the best of their choices
    # is the study's (the first group's when tied).
    best = max(fitted, key=lambda estimator: final_mlp(estimator).best_score_)
    search = final_mlp(best)
    one_se_penalty, one_se_alpha, *_ = search.choice("one_se")  # without a fit
    return StudyResult(
        dataset, tuple(alphas), tuple(penalties), cv,
        [rows[key] for key in candidates(alphas, penalties, dropouts)],
        best_estimator=best if refit_best else None, dropouts=tuple(dropouts),
        best_row=rows[search.penalty_, search.alpha_, search.dropout],
        one_se_row=rows[one_se_penalty, one_se_alpha, search.dropout],
        cv_estimators=searches,
    )  # fmt: skip
