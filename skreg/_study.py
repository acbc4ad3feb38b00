"""The penalty study behind ``python -m skreg study``.

For every dataset, penalty and alpha of a small grid, one pipeline is
cross-validated and summarised as a :class:`StudyRow`: the cross-validated
score, the training score and the fraction of weights that are exactly zero.
Nothing here prints: :func:`run_study` returns the rows (and can hand each one
to a callback as soon as it is ready); the command line formats them.
"""

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from ._mlp import RegularizedMLPClassifier, RegularizedMLPRegressor

PENALTIES = (None, "l2", "l1", "elasticnet")
DEFAULT_ALPHAS = (0.1, 1.0, 10.0, 100.0)
QUICK_ALPHAS = (10.0,)

# One small network fitted to convergence (or max_iter) by full-batch L-BFGS:
# at the optimum its L1 weights are exactly zero (see ``_lbfgs``), and on these
# small datasets it is faster than the stochastic solvers.
MLP_PARAMS = {"hidden_layer_sizes": (32,), "solver": "lbfgs", "max_iter": 200}


@dataclass(frozen=True)
class StudyRow:
    """Cross-validation summary of one (dataset, penalty, alpha) setting.

    Attributes
    ----------
    dataset : str
        Name of the dataset ("digits" or "diabetes").
    metric : str
        Name of the score: accuracy for digits, R^2 for diabetes.
    penalty : {"l2", "l1", "elasticnet"} or None
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
    """

    dataset: str
    metric: str
    penalty: str | None
    alpha: float
    test_mean: float
    test_std: float
    train_mean: float
    zero_fraction: float


def make_classifier(penalty, alpha, random_state=0):
    """Return ``StandardScaler`` followed by a :class:`RegularizedMLPClassifier`.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"} or None
        The penalty on the weights.
    alpha : float
        Strength of the penalty.
    random_state : int, default=0
        Seed of the weight initialisation.

    Returns
    -------
    estimator : Pipeline
        The unfitted pipeline.
    """
    mlp = RegularizedMLPClassifier(
        penalty=penalty, alpha=alpha, random_state=random_state, **MLP_PARAMS
    )
    return make_pipeline(StandardScaler(), mlp)


def make_regressor(penalty, alpha, random_state=0):
    """Return a scaled :class:`RegularizedMLPRegressor` with a standardised target.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"} or None
        The penalty on the weights.
    alpha : float
        Strength of the penalty.
    random_state : int, default=0
        Seed of the weight initialisation.

    Returns
    -------
    estimator : TransformedTargetRegressor
        ``StandardScaler`` followed by the regressor, fitted to ``y`` scaled to
        zero mean and unit variance (predictions are mapped back).
    """
    mlp = RegularizedMLPRegressor(
        penalty=penalty, alpha=alpha, random_state=random_state, **MLP_PARAMS
    )
    return TransformedTargetRegressor(
        regressor=make_pipeline(StandardScaler(), mlp), transformer=StandardScaler()
    )


@dataclass(frozen=True)
class _Task:
    name: str
    metric: str
    load: Callable
    build: Callable


TASKS = {
    "digits": _Task("digits", "accuracy", load_digits, make_classifier),
    "diabetes": _Task("diabetes", "R^2", load_diabetes, make_regressor),
}


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
    n_zero = sum(int(np.count_nonzero(W == 0)) for W in mlp.coefs_)
    return n_zero / sum(W.size for W in mlp.coefs_)


def study_grid(alphas, penalties=PENALTIES):
    """Return the (penalty, alpha) pairs to evaluate.

    Parameters
    ----------
    alphas : sequence of float
        Strengths tried for every penalty.
    penalties : sequence of {"l2", "l1", "elasticnet", None}, default=PENALTIES
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


def evaluate(estimator, X, y, cv=5, n_jobs=None):
    """Cross-validate one estimator and summarise its scores and sparsity.

    Parameters
    ----------
    estimator : estimator
        Unfitted pipeline ending in a regularized MLP.
    X : ndarray of shape (n_samples, n_features)
        The input data.
    y : ndarray of shape (n_samples,)
        The target.
    cv : int, default=5
        Number of folds (stratified for classifiers).
    n_jobs : int, default=None
        Number of folds fitted in parallel.

    Returns
    -------
    summary : dict
        ``test_mean``, ``test_std``, ``train_mean`` and ``zero_fraction``.
    """
    result = cross_validate(
        estimator, X, y, cv=cv, n_jobs=n_jobs,
        return_train_score=True, return_estimator=True, error_score="raise",
    )  # fmt: skip
    zeros = [zero_fraction(final_mlp(fitted)) for fitted in result["estimator"]]
    return {
        "test_mean": float(np.mean(result["test_score"])),
        "test_std": float(np.std(result["test_score"])),
        "train_mean": float(np.mean(result["train_score"])),
        "zero_fraction": float(np.mean(zeros)),
    }


def run_study(
    alphas=DEFAULT_ALPHAS,
    *,
    penalties=PENALTIES,
    datasets=tuple(TASKS),
    cv=5,
    n_jobs=None,
    random_state=0,
    on_row=None,
):
    """Cross-validate every penalty and alpha on every dataset.

    Convergence warnings of the fits are silenced (a fit that stops at
    ``max_iter`` is part of what the study measures), and BLAS runs on one
    thread: the matrices are small, so threads cost more than they save.

    Parameters
    ----------
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Strengths tried for every penalty other than None.
    penalties : sequence of {"l2", "l1", "elasticnet", None}, default=PENALTIES
        Penalties to try.
    datasets : sequence of {"digits", "diabetes"}, default=("digits", "diabetes")
        Datasets to use, both bundled with scikit-learn.
    cv : int, default=5
        Number of cross-validation folds.
    n_jobs : int, default=None
        Number of folds fitted in parallel.
    random_state : int, default=0
        Seed of the weight initialisation of every network.
    on_row : callable, default=None
        Called with each :class:`StudyRow` as soon as it is computed.

    Returns
    -------
    rows : list of StudyRow
        One row per dataset and (penalty, alpha) pair, in grid order.
    """
    rows = []
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        for task in (TASKS[name] for name in datasets):
            X, y = task.load(return_X_y=True)
            for penalty, alpha in study_grid(alphas, penalties):
                estimator = task.build(penalty, alpha, random_state)
                summary = evaluate(estimator, X, y, cv=cv, n_jobs=n_jobs)
                row = StudyRow(task.name, task.metric, penalty, alpha, **summary)
                rows.append(row)
                if on_row is not None:
                    on_row(row)
    return rows
