"""Cross-validated estimators: penalty and alpha chosen along warm-started paths.

For every fold and penalty, one path of fits runs from the smallest alpha to
the largest, each fit warm-started from the previous one
(:func:`~skreg._path.fit_on_path`), and every fit is scored on the fold's
held-out part.  Upwards, because a network trained at a weak penalty shrinks
smoothly to a stronger one's optimum, while one shrunk by a strong penalty
(tiny weights, near the saddle point of zero) regrows slowly: downwards from
alpha_max, Adam's fits on Boston housing ((100,), 500 epochs) stayed behind
cold fits at every alpha (held-out R^2 0.80 against 0.90).  The (penalty,
alpha) with the best mean score, or the largest alpha within one standard
error of it, is then refitted on all the data, continuing the first fold's
network at that alpha, and the fitted attributes of that plain estimator
become the CV estimator's own, so that it predicts like one (as ``LassoCV``
does).

The paths of different folds and penalties are independent: joblib runs them
in parallel, with BLAS on one thread in every worker (two workers each
running a two-thread BLAS on two cores would contend for them).  Warnings of
the path fits are collected in the workers and summarised once.
"""

import copy
import time
import warnings
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    is_classifier,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from . import _docstrings
from ._capacity import CapacityCurve
from ._mlp import RegularizedMLPClassifier, RegularizedMLPRegressor
from ._network import zero_fraction
from ._path import check_alphas, default_alphas, fit_on_path, starts_fresh
from ._penalties import PENALTY_NAMES, Penalty, make_penalty
from ._solvers import check_penalty_supported
from ._utils.callbacks import CallbackSupportMixin
from ._utils.plotting import import_pyplot, plot_mean_and_band
from ._utils.state import AtomicSetParamsMixin, restore_state_on_error
from ._utils.threads import blas_threads

# An int ``alphas`` gives that many strengths from ``alpha_max`` (the weights
# are all zero for a linear model with an L1 penalty) down to this fraction.
ALPHA_MIN_RATIO = 1e-3

# When the best mean score sits at an end of an int ``alphas`` grid, the grid
# grows by one decade past that end (at the grid's own spacing), at most this
# many times per end; past an explicit list's end the estimator warns.
MAX_GRID_EXTENSIONS = 3
# ... and stops when a growth raised the best mean score by less than this
# share of the range of the mean scores.
GRID_GAIN = 1e-3

# path_max_iter="auto": a warm-started fit along a path gets max_iter divided
# by this.  Adam: on digits ((64,), max_iter=100, 8 alphas, 5 folds) a tenth
# gave the held-out accuracy of cold fits in 3.3 times less time than the
# grid search, a fifth 2.6 times, no cap 1.0 times (benchmarks/cv.py); on the
# Swiss labour data ((100,), max_iter=500) a tenth under-trained the paths
# (accuracy 0.639, a fifth 0.683, no cap 0.687, the grid search 0.680).
# L-BFGS, whose warm starts converge faster: a quarter keeps linear models
# exact (diabetes needs at most 30 of 200 iterations) and, on the study's
# digits networks (100 iterations), the L1 and elastic-net scores within
# 0.01 of uncapped paths.
AUTO_PATH_DIVISORS = {"sgd": 5, "adam": 5, "lbfgs": 4}

# Parameters of the plain estimators that a CV estimator does not take:
# it chooses alpha and penalty, and its alphas are numbers, never "evidence"
# (which the two evidence parameters are about).
_CHOSEN_PARAMETERS = ("alpha", "penalty", "evidence_tol", "evidence_max_updates")

_CV_PARAMETER_CONSTRAINTS = {
    "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "penalties": ["array-like"],
    "cv": ["cv_object"],
    "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    "selection": [StrOptions({"best", "one_se"})],
    "n_jobs": [Integral, None],
    "refit": ["boolean"],
    "path_max_iter": [
        Interval(Integral, 1, None, closed="left"),
        StrOptions({"auto"}),
        None,
    ],
}


def _cv_constraints(plain_class):
    kept = {
        name: constraint
        for name, constraint in plain_class._parameter_constraints.items()
        if name not in _CHOSEN_PARAMETERS
    }
    return {**kept, **_CV_PARAMETER_CONSTRAINTS}


@dataclass
class _PathRecord:
    """What one path (one fold, one penalty) measured, one entry per alpha."""

    test: np.ndarray
    train: np.ndarray
    n_iter: np.ndarray
    zero_fraction: np.ndarray
    fit_time: np.ndarray
    # the fitted state of each fit (an object array), kept by the first
    # fold's paths only and only with refit=True, for the refit to start
    # from; None elsewhere
    networks: np.ndarray
    caught: list = field(default_factory=list)  # (category, message) of warnings

    def _columns(self):
        """The per-alpha arrays, in the fields' order."""
        return (self.test, self.train, self.n_iter, self.zero_fraction,
                self.fit_time, self.networks)  # fmt: skip

    @classmethod
    def empty(cls, n_alphas):
        numbers = (np.full(n_alphas, np.nan) for _ in range(5))
        return cls(*numbers, np.full(n_alphas, None, dtype=object))

    def joined(self, other):
        """This record followed by ``other`` (a path continued, or prepended)."""
        pairs = zip(self._columns(), other._columns(), strict=True)
        return _PathRecord(*(np.r_[a, b] for a, b in pairs), self.caught + other.caught)

    def reversed(self):
        """This record in the opposite order of alphas."""
        return _PathRecord(*(c[::-1] for c in self._columns()), self.caught)

    def repeated(self, n_alphas):
        """The record of its first fit standing for every alpha (no penalty)."""
        repeated = (np.repeat(c[:1], n_alphas) for c in self._columns())
        return _PathRecord(*repeated, self.caught)


def _subset(X, y, sample_weight, indices):
    weights = None if sample_weight is None else sample_weight[indices]
    return _safe_indexing(X, indices), _safe_indexing(y, indices), weights


def _weighted(scorer, model, X, y, sample_weight):
    if sample_weight is None:
        return scorer(model, X, y)
    return scorer(model, X, y, sample_weight=sample_weight)


def _path_scores(model, alphas, data, split, scoring, warm_max_iter, keep):
    """Fit ``model`` along ``alphas`` on a fold's training part, scoring each fit.

    With ``keep``, the record holds every fit's network (see
    :func:`_network_state`).  An L-BFGS fit stopped by the path's budget
    (``warm_max_iter``) whose held-out score is the path's best so far may
    decide the choice: it is continued with the model's full ``max_iter``
    and scored again, so that the candidates that win are trained as a
    plain fit would be.
    """
    train = _subset(*data, split[0])
    test = _subset(*data, split[1])
    scorer = check_scoring(model, scoring)
    record = _PathRecord.empty(len(alphas))
    best = -np.inf
    for k, alpha in enumerate(alphas):
        start = time.perf_counter()
        capped = warm_max_iter is not None and not starts_fresh(model, alpha, train[0])
        fit_on_path(model, alpha, *train, warm_max_iter=warm_max_iter)
        n_iter, score = model.n_iter_, _weighted(scorer, model, *test)
        if capped and _stopped_by_the_budget(model, warm_max_iter) and score >= best:
            fit_on_path(model, alpha, *train)
            n_iter, score = n_iter + model.n_iter_, _weighted(scorer, model, *test)
        best = max(best, score)
        record.fit_time[k] = time.perf_counter() - start
        record.n_iter[k] = n_iter
        record.zero_fraction[k] = zero_fraction(model.coefs_)
        record.test[k] = score
        record.train[k] = _weighted(scorer, model, *train)
        if keep:
            record.networks[k] = _network_state(model)
    return record


def _network_state(model):
    """A copy of what a warm start of ``model`` continues (not its optimizer).

    A warm-started fit builds a new optimizer, so its state (Adam's moments,
    twice the weights) is not kept.
    """
    state = _fitted_state(model)
    state.pop("_optimizer", None)
    return {name: _copied(value) for name, value in state.items()}


def _copied(value):
    """A deep copy; arrays and lists of numbers without ``copy.deepcopy``.

    The loss curves grow along a path, and deep-copying their floats one by
    one for every fit of the first fold is slow (a profiled CV fit on 200
    rows spent 6% of its time there).
    """
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, (int, float, str, np.generic)) or value is None:
        return value  # immutable
    return copy.deepcopy(value)


def _stopped_by_the_budget(model, warm_max_iter):
    """Whether a warm-started L-BFGS fit used up a path budget below max_iter.

    Only L-BFGS: its warm starts converge within the budget unless the fit
    is far from done.  Adam and SGD reach theirs as planned (they seldom meet
    ``tol``); continuing every leading fit of theirs cost the CV estimator
    its speed (digits, benchmarks/cv.py: 3.0 times faster than the grid
    search before, 0.9 times with it), for the same accuracy.
    """
    if model.solver != "lbfgs":
        return False
    return warm_max_iter < model.max_iter and model.n_iter_ >= warm_max_iter


def _run_path(model, alphas, data, split, scoring, warm_max_iter, one_thread, keep):
    """:func:`_path_scores` in a worker: its warnings are recorded, not shown.

    ``alphas`` are in the grid's order (decreasing), and so is the record;
    the fits run the other way, from the smallest alpha up.

    A worker process would print every warning of its fits; the estimator
    reports them once instead (see ``_report_warnings``).
    """
    with (
        warnings.catch_warnings(record=True) as caught,
        blas_threads(1 if one_thread else None),
    ):
        warnings.simplefilter("always")
        upwards = alphas[::-1]
        record = _path_scores(model, upwards, data, split, scoring, warm_max_iter, keep)
    record = record.reversed()
    record.caught = [(w.category, str(w.message)) for w in caught]
    return record, model


def _report_warnings(caught, n_fits):
    """One ConvergenceWarning for the path fits that stopped early; others once.

    ``caught`` holds the (category, message) of every warning of ``n_fits``
    fits along the paths.
    """
    n_stopped = sum(issubclass(category, ConvergenceWarning) for category, _ in caught)
    if n_stopped:
        warnings.warn(
            f"{n_stopped} of the {n_fits} fits along the cross-validation paths "
            "stopped before converging (their scores are those of the unconverged "
            "fits); increase max_iter, or tol for a looser convergence.",
            ConvergenceWarning,
            stacklevel=5,  # the caller of fit, past scikit-learn's fit wrapper
        )
    others = {(c, m) for c, m in caught if not issubclass(c, ConvergenceWarning)}
    for category, message in sorted(others, key=str):
        warnings.warn(message, category, stacklevel=5)


def _print_path(path, alphas, record):
    """With ``verbose``: one line per fit of a path, in the order they ran."""
    for alpha, score, n_iter in zip(
        alphas[::-1], record.test[::-1], record.n_iter[::-1], strict=False
    ):
        print(
            f"[fold {path.fold}, penalty {path.penalty!s}] alpha={alpha:.3g}: "
            f"held-out score {score:.4f}, {int(n_iter)} iterations"
        )


def _check_some_score_is_defined(paths, scoring):
    """Refuse, and say why, when no fold has a defined score at any alpha.

    A metric undefined on every validation fold (R^2 on the single sample of
    a LeaveOneOut fold) leaves nothing to choose from; the metric's own
    warnings, collected in the workers, say why.
    """
    if any(np.isfinite(path.record.test).any() for path in paths):
        return
    reasons = {
        message.splitlines()[0]
        for path in paths
        for category, message in path.record.caught
        if not issubclass(category, ConvergenceWarning)
    }
    why = f" The fits warned: {'; '.join(sorted(reasons))}" if reasons else ""
    raise ValueError(
        f"No validation score is defined: the scoring ({scoring or 'the default'}"
        f") gave NaN on every fold at every alpha.{why} Use a cv whose "
        "validation folds the metric can score (for R^2, at least two samples "
        "each), or another scoring."
    )


@dataclass
class _Path:
    """One (penalty, fold) path: its model after its last fit, and its record."""

    penalty: object
    split: tuple
    model: object
    record: _PathRecord = None
    n_fits: int = 0
    fold: int = 0


def _decade_past(alphas, edge):
    """One more decade of alphas past an end, at the grid's own spacing."""
    ratio = alphas[0] / alphas[1] if len(alphas) > 1 and alphas[1] > 0 else 10.0
    steps = max(1, int(np.ceil(np.log(10.0) / np.log(ratio) - 1e-9)))
    powers = np.arange(1, steps + 1)
    if edge == "smaller":
        return alphas[-1] / ratio**powers
    return alphas[0] * ratio ** powers[::-1]


def _warn_at_the_edge(edge, alpha, grown):
    """The best mean score at an end of the grid: its optimum may lie past it."""
    how = (
        f"the grid was already extended by {MAX_GRID_EXTENSIONS} decades there; "
        "give alphas that reach further"
        if grown
        else "give alphas that reach past it"
    )
    warnings.warn(
        f"The best mean score is at the {edge} end of the alphas (alpha_="
        f"{alpha:.3g}): a {edge} alpha may score better; {how}.",
        UserWarning,
        stacklevel=5,  # the caller of fit, past scikit-learn's fit wrapper
    )


def _check_penalties(penalties, solver, l1_ratio):
    """The penalties as a tuple, each checked against what the solver applies.

    (A single penalty, not in a sequence, is refused by the parameter
    validation, as not array-like.)
    """
    penalties = tuple(penalties)
    if not penalties:
        raise ValueError("penalties is empty: give at least one penalty.")
    for penalty in penalties:
        known = penalty is None or isinstance(penalty, Penalty)
        if not (known or penalty in PENALTY_NAMES):
            raise ValueError(
                f"Unknown penalty {penalty!r} in penalties; each must be one of "
                f"{', '.join(map(repr, PENALTY_NAMES))}, None or a penalty object."
            )
        check_penalty_supported(solver, make_penalty(penalty, l1_ratio), penalty)
    if len(set(map(_penalty_key, penalties))) < len(penalties):
        raise ValueError(f"penalties has repeated entries: {penalties!r}.")
    return penalties


def _penalty_key(penalty):
    return penalty if penalty is None or isinstance(penalty, str) else id(penalty)


def _fitted_state(estimator):
    """The fitted attributes of a plain estimator, to warm-start another one.

    Fitted attributes end with "_" or are private ("_label_binarizer",
    "_optimizer"); other public names (the classifier's fixed ``loss``) are
    not fitted.  scikit-learn's callback attributes stay with the estimator
    they belong to.
    """
    params = estimator.get_params(deep=False)
    return {
        name: value
        for name, value in vars(estimator).items()
        if name not in params
        and (name.startswith("_") or name.endswith("_"))
        and "callback" not in name
    }


# Fitted attributes of the refitted plain estimator that a CV estimator shows
# as its own (read from ``best_estimator_``), so that it can stand where a
# plain fitted estimator stands (an ONNX converter, SelectFromModel, a plot
# of the loss curve).
_REFITTED_ATTRIBUTES = (
    "coefs_", "intercepts_", "n_iter_", "t_", "loss_", "loss_curve_",
    "best_loss_", "data_loss_curve_", "penalty_curve_", "validation_scores_",
    "validation_loss_curve_", "best_validation_score_", "n_layers_",
    "n_outputs_", "out_activation_", "sparsity_", "feature_importances_",
)  # fmt: skip


def _refitted_attribute(name):
    def read(self):
        check_is_fitted(self)
        return getattr(self.best_estimator_, name)

    return property(read, doc=f"The refitted model's ``{name}``.")


class _RegularizedMLPCV(AtomicSetParamsMixin, BaseEstimator):
    """Cross-validation along paths, the choice and the refit of both CV estimators.

    A meta-estimator: it fits plain estimators (``_plain_class``) built by
    :meth:`_get_estimator` and, after the refit, holds the chosen one as
    ``best_estimator_``, through which it predicts.
    """

    _plain_class = None
    _parameter_constraints: dict = {}

    def __init__(
        self, hidden_layer_sizes, activation, alphas, penalties, cv, scoring,
        selection, n_jobs, refit, path_max_iter, solver, l1_ratio, batch_size,
        learning_rate, learning_rate_init, power_t, max_iter, shuffle,
        random_state, tol, verbose, warm_start, momentum, nesterovs_momentum,
        early_stopping, validation_fraction, beta_1, beta_2, epsilon,
        n_iter_no_change, max_fun, dropout,
    ):  # fmt: skip
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.alphas = alphas
        self.penalties = penalties
        self.cv = cv
        self.scoring = scoring
        self.selection = selection
        self.n_jobs = n_jobs
        self.refit = refit
        self.path_max_iter = path_max_iter
        self.solver = solver
        self.l1_ratio = l1_ratio
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout

    def __sklearn_is_fitted__(self):
        return hasattr(self, "best_estimator_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate every penalty along the alphas, then refit the chosen one.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers
            in regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, used by every fit and by the held-out scores.
        groups : array-like of shape (n_samples,), default=None
            Group labels of the samples, for a group splitter such as
            :class:`~sklearn.model_selection.GroupKFold`.

        Returns
        -------
        self : object
            The fitted estimator: the chosen ``penalty_`` and ``alpha_``, the
            cross-validation scores and (with ``refit=True``) the refitted
            ``best_estimator_``.
        """
        with restore_state_on_error(self):
            return self._fit_cv(X, y, sample_weight, groups)

    def _fit_cv(self, X, y, sample_weight, groups):
        start = self._warm_start_state()
        self._forget_fit()
        X, y = self._check_cv_data(X, y)
        if sample_weight is not None:
            # as the plain estimators (and LassoCV): a scalar is every row's
            # weight; a wrong length, NaN or a negative weight is refused
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        penalties = _check_penalties(self.penalties, self.solver, self.l1_ratio)
        alphas = self._alpha_grid(X, y, sample_weight)
        splits = list(
            check_cv(self.cv, y, classifier=is_classifier(self)).split(X, y, groups)
        )
        data = (X, y, sample_weight)
        paths = [
            _Path(penalty, split, self._get_estimator(penalty, start), fold=fold)
            for penalty in penalties
            for fold, split in enumerate(splits)
        ]
        self._run_paths(paths, data, alphas)
        _check_some_score_is_defined(paths, self.scoring)
        alphas = self._bracket_the_best(paths, data, alphas, penalties)
        caught = [item for path in paths for item in path.record.caught]
        n_fits = sum(path.n_fits for path in paths)
        if self.verbose:
            self._print_the_choice()
        _report_warnings(caught, n_fits)
        if self.refit:
            self._refit(data, start, paths)
        return self

    def _print_the_choice(self):
        refit = "; refitting on all the data" if self.refit else ""
        print(
            f"Chose penalty {self.penalty_!s}, alpha={self.alpha_:.3g} (mean "
            f"held-out score {self.best_score_:.4f}) of {len(self.alphas_)} "
            f"alphas{refit}."
        )

    def _forget_fit(self):
        """Drop what a previous fit found (a new fit may not refit)."""
        for name in [n for n in vars(self) if n.endswith("_")]:
            delattr(self, name)

    def _warm_start_state(self):
        """The refitted model's state of the previous fit, for ``warm_start=True``.

        None (fresh starts) without ``warm_start`` or a previous refit.
        """
        if not (self.warm_start and hasattr(self, "best_estimator_")):
            return None
        return _fitted_state(self.best_estimator_)

    def _check_cv_data(self, X, y):
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            y_numeric=not is_classifier(self), dtype=(np.float64, np.float32),
        )  # fmt: skip
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if is_classifier(self):
            check_classification_targets(y)
        return X, y

    def _alpha_grid(self, X, y, sample_weight):
        if isinstance(self.alphas, Integral):
            return default_alphas(
                X, y, is_classifier(self), self.alphas, ALPHA_MIN_RATIO, sample_weight
            )
        return check_alphas(self.alphas)

    def _warm_max_iter(self):
        """The budget of a warm-started fit along a path (None: ``max_iter``).

        "auto" is ``max_iter`` divided by the solver's entry of
        ``AUTO_PATH_DIVISORS``, at least 1.
        """
        if self.path_max_iter != "auto":
            return self.path_max_iter
        return max(1, self.max_iter // AUTO_PATH_DIVISORS[self.solver])

    def _get_estimator(self, penalty, start=None):
        """The plain estimator of ``penalty`` with this one's shared parameters.

        Every fit along the paths and the refit use such a model, quiet (the
        refit gets ``verbose``).  ``start``, the fitted state of a
        previous refit, is copied in: the fits update some arrays in place.
        """
        shared = self._plain_class._get_param_names()
        params = {name: value for name, value in self.get_params(deep=False).items()
                  if name in shared}  # fmt: skip
        # a RandomState object is copied, as GridSearchCV's clone copies it,
        # so that every path starts from its same state, in whichever order
        # (or process) the paths run
        if isinstance(params.get("random_state"), np.random.RandomState):
            params["random_state"] = copy.deepcopy(params["random_state"])
        model = self._plain_class(**{**params, "penalty": penalty, "verbose": False})
        if start is not None:
            vars(model).update(copy.deepcopy(start))
        return model

    def _run_paths(self, paths, data, alphas, continued=True):
        """Fit every path along ``alphas``, in parallel, and join the records.

        ``continued``: the alphas come after the path's in the fits' order
        (larger ones, the path's own models warm-started from their last fit);
        otherwise before (smaller ones, fitted by fresh models).  No penalty
        takes one fit, which stands for every alpha.
        """
        for path in paths:
            if path.penalty is None and path.record is not None:
                more = path.record.repeated(len(alphas))
                more.caught = []  # the fit's warnings are already recorded once
                path.record = path.record.joined(more)
        fitted = [p for p in paths if p.penalty is not None or p.record is None]
        one_thread = effective_n_jobs(self.n_jobs) > 1
        budget = self._warm_max_iter()
        run = delayed(_run_path)
        results = Parallel(n_jobs=self.n_jobs)(
            run(path.model if continued else self._get_estimator(path.penalty),
                alphas if path.penalty is not None else alphas[:1], data,
                path.split, self.scoring, budget, one_thread,
                self.refit and path.fold == 0)
            for path in fitted
        )  # fmt: skip
        for path, (record, model) in zip(fitted, results, strict=True):
            if self.verbose:
                _print_path(path, alphas, record)
            path.n_fits += len(record.test)
            if path.penalty is None:
                record = record.repeated(len(alphas))
            if path.record is None:
                path.record, path.model = record, model
            elif continued:
                path.record, path.model = record.joined(path.record), model
            else:
                path.record = path.record.joined(record)

    def _bracket_the_best(self, paths, data, alphas, penalties):
        """Store the scores and the choice; grow an int grid past its best end.

        An explicit ``alphas`` list is not grown: a best mean score at its
        end (and at the end of a grown grid) warns.  Growth stops quietly
        when it no longer pays: the last one raised the best mean score by
        less than GRID_GAIN of the scores' range (a plateau, such as a
        linear model's least squares as alpha goes to 0).
        """
        self.grid_extensions_ = []
        previous = None
        while True:
            records = [
                [p.record for p in paths if _penalty_key(p.penalty) == key]
                for key in map(_penalty_key, penalties)
            ]
            self._store_scores(alphas, penalties, records)
            self._select()
            edge = self._best_edge()
            grown = self.grid_extensions_.count(edge)
            if edge is None or (grown and self._plateau(previous)):
                return alphas
            previous = self.best_score_
            if not isinstance(self.alphas, Integral) or grown == MAX_GRID_EXTENSIONS:
                _warn_at_the_edge(edge, self.alpha_, isinstance(self.alphas, Integral))
                return alphas
            more = _decade_past(alphas, edge)
            self._run_paths(paths, data, more, continued=edge == "larger")
            alphas = np.r_[alphas, more] if edge == "smaller" else np.r_[more, alphas]
            self.grid_extensions_.append(edge)
            if self.verbose:
                print(f"The best mean score was at the {edge} end of the alphas: "
                      f"added {len(more)} down to {more.min():.3g} / up to "
                      f"{more.max():.3g}.")  # fmt: skip

    def _plateau(self, previous):
        """Whether the best mean score rose by under GRID_GAIN of its range."""
        scores = self.cv_results_["mean_test_score"]
        spread = np.nanmax(scores) - np.nanmin(scores)
        return self.best_score_ - previous <= GRID_GAIN * spread

    def _best_edge(self):
        """ "smaller"/"larger" when the chosen alpha is at that end of the grid.

        Not at the larger end when the networks there are empty (a larger
        alpha empties them as well), nor without a penalty or at alpha 0.
        """
        if self.penalty_ is None:
            return None
        last = len(self.alphas_) - 1
        if self.best_index_ == last and self.alphas_[last] > 0:
            return "smaller"
        zeros = self.cv_results_["mean_zero_fraction"]
        chosen = self.cv_results_["param_penalty"] == self.penalty_
        if self.best_index_ == 0 and last > 0 and zeros[chosen][0] < 1.0:
            return "larger"
        return None

    def _store_scores(self, alphas, penalties, records):
        self.alphas_ = alphas
        self.penalties_ = penalties

        def stacked(name):
            return {
                penalty: np.vstack([getattr(r, name) for r in per_fold])
                for penalty, per_fold in zip(penalties, records, strict=True)
            }

        self.scores_ = stacked("test")
        self.train_scores_ = stacked("train")
        self.n_iter_path_ = {p: n.astype(int) for p, n in stacked("n_iter").items()}
        self.cv_results_ = _cv_results(
            alphas, penalties, self.scores_, self.train_scores_,
            self.n_iter_path_, stacked("zero_fraction"), stacked("fit_time"),
        )  # fmt: skip

    def _select(self):
        """Store the choice of ``selection`` (see :meth:`choice`)."""
        self.penalty_, self.alpha_, self.best_index_, self.best_score_ = self.choice()

    def choice(self, selection=None):
        """The (penalty, alpha) a selection rule picks from this fit's scores.

        The penalty is the one with the best mean held-out score; its alpha
        is the best one (``"best"``) or the largest alpha whose mean score is
        within one standard error of the best (``"one_se"``).  Asking for the
        rule the estimator was not fitted with costs no fit.

        Parameters
        ----------
        selection : {"best", "one_se"}, default=None
            The rule; None is this estimator's ``selection``.

        Returns
        -------
        penalty : str, Penalty or None
            The chosen penalty.
        alpha : float
            The chosen strength (0.0 for no penalty).
        index : int
            Its position in ``alphas_``.
        score : float
            Its mean held-out score.
        """
        if not hasattr(self, "scores_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet; call "
                "fit before asking for its choice."
            )
        selection = self.selection if selection is None else selection
        if selection not in ("best", "one_se"):
            raise ValueError(
                f"selection must be 'best' or 'one_se', got {selection!r}."
            )
        curves = [
            CapacityCurve(
                "alpha", self.alphas_, self.train_scores_[p].T, self.scores_[p].T
            )
            for p in self.penalties_
        ]
        best = [c.validation_scores_mean[c.best_index_] for c in curves]
        chosen = int(np.argmax(best))  # the first of equal bests
        curve = curves[chosen]
        index = curve.one_se_index_ if selection == "one_se" else curve.best_index_
        penalty = self.penalties_[chosen]
        alpha = 0.0 if penalty is None else float(self.alphas_[index])
        return penalty, alpha, int(index), float(curve.validation_scores_mean[index])

    def _refit(self, data, start, paths):
        """Fit the chosen (penalty, alpha) on all the data, from a path's network.

        The fit continues the first fold's network at ``alpha_`` (the model
        that was scored, trained on part of the data) with the full
        ``max_iter``; a fresh fit (or one from ``start``, a previous refit's
        state) stands in when that network knows other classes.  It warns
        (and reports to callbacks) as a plain fit, and becomes
        ``best_estimator_``.
        """
        X, y, sample_weight = data
        model = self._get_estimator(self.penalty_, start)
        network = self._first_fold_network(paths, y)
        if network is not None:
            # the record's copy, used once: the paths end with this fit
            vars(model).update(network)
        # at alpha_ already, so that the warm start neither revives units nor
        # restarts a collapsed network (fit_on_path does so only downwards)
        model.set_params(alpha=self.alpha_, verbose=self.verbose)
        if getattr(self, "_skl_callbacks", None):
            model.set_callbacks(*self._skl_callbacks)
        fit_on_path(model, self.alpha_, X, y, sample_weight)
        self.best_estimator_ = model

    def _first_fold_network(self, paths, y):
        """The first fold's fitted state at the choice, if a refit can continue it.

        None when the fold's training part lacked a class of ``y``.
        """
        key = _penalty_key(self.penalty_)
        path = next(p for p in paths if p.fold == 0
                    and _penalty_key(p.penalty) == key)  # fmt: skip
        network = path.record.networks[self.best_index_]
        if is_classifier(self) and not np.array_equal(
            network["classes_"], unique_labels(y)
        ):
            return None
        return network

    def _checked_input(self, X):
        """X validated against the fit's features and names, for the refitted model.

        The refitted model was fitted on the validated array, so it knows no
        feature names: the names are checked here, once.
        """
        check_is_fitted(self)
        return validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32),
            reset=False,
        )  # fmt: skip

    def predict(self, X):
        """Predict with the refitted model, ``best_estimator_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted classes (classifier) or values (regressor).
        """
        X = self._checked_input(X)
        return self.best_estimator_.predict(X)

    def compact(self, drop_features=False):
        """Return the refitted model without its dead hidden units.

        ``best_estimator_.compact(drop_features)``: a plain fitted estimator
        (see :meth:`RegularizedMLPClassifier.compact`); this one is not
        modified.

        Parameters
        ----------
        drop_features : bool, default=False
            Also remove the input features whose first-layer weights are all
            zero (their indices are in ``selected_features_`` of the result).

        Returns
        -------
        estimator : RegularizedMLPClassifier or RegularizedMLPRegressor
            A compacted copy of ``best_estimator_``.
        """
        check_is_fitted(self)
        return self.best_estimator_.compact(drop_features=drop_features)

    def plot(self, ax=None, *, penalties=None, score_type="test", mark_chosen=True):
        """Plot the mean score against alpha per penalty (needs matplotlib).

        Each held-out curve is the mean over the folds with a band of one
        standard deviation, each training curve is dashed in the same color,
        and no penalty (one fit, whatever alpha) is a gray horizontal line.
        An alpha at which the network of every fold is empty (all weights
        exactly zero: the constant model) is a triangle on the bottom edge
        instead of a point, so that the axis zooms to the networks that are
        not empty.  A star marks the chosen ``(penalty_, alpha_)``.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        penalties : sequence of str, Penalty or None, default=None
            The penalties drawn, among ``penalties_``; None draws all of them.
        score_type : {"test", "train", "both"}, default="test"
            Draw the held-out scores, the training scores or both.
        mark_chosen : bool, default=True
            Mark the chosen candidate (when its penalty is drawn).

        Returns
        -------
        ax : matplotlib Axes
            The axes drawn on.
        """
        from ._utils.plotting import mark_empty_networks

        check_is_fitted(self, "scores_")
        if ax is None:
            _, ax = import_pyplot().subplots()
        drawn = self.penalties_ if penalties is None else tuple(penalties)
        kinds = {"test": [False], "train": [True], "both": [False, True]}[score_type]
        results = self.cv_results_
        for penalty in drawn:
            rows = [k for k, p in enumerate(results["param_penalty"]) if p == penalty]
            keep = results["mean_zero_fraction"][rows] < 1  # not the constant model
            name, color = "no penalty" if penalty is None else str(penalty), None
            for train in kinds:
                scores = (self.train_scores_ if train else self.scores_)[penalty]
                label = f"{name}, training" if train else name
                mean, std = scores.mean(axis=0), scores.std(axis=0)
                if penalty is None:  # one fit, repeated along the alphas
                    style = "-." if train else ":"
                    ax.axhline(mean[0], color="gray", linestyle=style, label=label)
                elif train:
                    x = self.alphas_[keep]
                    ax.plot(x, mean[keep], "s--", color=color, label=label)
                else:
                    color = plot_mean_and_band(
                        ax, self.alphas_[keep], mean[keep], std[keep], marker="o",
                        label=label,
                    ).get_color()  # fmt: skip
            if penalty is not None:
                mark_empty_networks(ax, self.alphas_[~keep])
        if mark_chosen and self.penalty_ in drawn:
            ax.plot(
                self.alpha_ if self.penalty_ is not None else self.alphas_[0],
                self.best_score_, marker="*", markersize=14, color="k", linestyle="",
                label=f"chosen: {self.penalty_}, alpha={self.alpha_:.3g}",
            )  # fmt: skip
        ax.set(xscale="log", xlabel="alpha", ylabel=_score_label(self.scoring))
        ax.legend()
        return ax


for _name in _REFITTED_ATTRIBUTES:
    setattr(_RegularizedMLPCV, _name, _refitted_attribute(_name))


def _score_label(scoring):
    return scoring if isinstance(scoring, str) else "held-out score"


def _cv_results(alphas, penalties, test, train, n_iter, zeros, fit_time):
    """One entry per (penalty, alpha) candidate; no penalty is one candidate."""
    rows = [
        (penalty, 0 if penalty is None else k)
        for penalty in penalties
        for k in ([0] if penalty is None else range(len(alphas)))
    ]

    def column(values, reduce):
        return np.array([reduce(values[p][:, k]) for p, k in rows])

    mean_test = column(test, np.mean)
    results = {
        "param_penalty": np.array([p for p, _ in rows], dtype=object),
        "param_alpha": np.array([0.0 if p is None else alphas[k] for p, k in rows]),
        "mean_test_score": mean_test,
        "std_test_score": column(test, np.std),
        "mean_train_score": column(train, np.mean),
        "std_train_score": column(train, np.std),
        "mean_n_iter": column(n_iter, np.mean),
        "mean_zero_fraction": column(zeros, np.mean),
        "mean_fit_time": column(fit_time, np.mean),
    }
    order = np.argsort(-np.nan_to_num(mean_test, nan=-np.inf), kind="stable")
    results["rank_test_score"] = np.empty(len(rows), dtype=int)
    results["rank_test_score"][order] = np.arange(1, len(rows) + 1)
    results["params"] = [
        {"penalty": p, "alpha": a}
        for p, a in zip(results["param_penalty"], results["param_alpha"], strict=True)
    ]
    return results


@_docstrings.documented("classifier_cv", AUTO_PATH_DIVISORS)
class RegularizedMLPClassifierCV(
    CallbackSupportMixin, ClassifierMixin, _RegularizedMLPCV
):
    _plain_class = RegularizedMLPClassifier
    _parameter_constraints: dict = _cv_constraints(RegularizedMLPClassifier)

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, alphas=10,
        penalties=("l2",), cv=None, scoring=None, selection="best", n_jobs=None,
        refit=True, path_max_iter="auto", solver="adam", l1_ratio=0.5,
        batch_size="auto", learning_rate="constant", learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
        warm_start=False, momentum=0.9, nesterovs_momentum=True,
        early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
        epsilon=1e-8, n_iter_no_change=10, max_fun=15000, dropout=0.0,
        class_weight=None,
    ):  # fmt: skip
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation,
            alphas=alphas, penalties=penalties, cv=cv, scoring=scoring,
            selection=selection, n_jobs=n_jobs, refit=refit,
            path_max_iter=path_max_iter, solver=solver, l1_ratio=l1_ratio,
            batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t,
            max_iter=max_iter, shuffle=shuffle, random_state=random_state,
            tol=tol, verbose=verbose, warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun,
            dropout=dropout,
        )  # fmt: skip
        self.class_weight = class_weight

    classes_ = _refitted_attribute("classes_")

    def predict_proba(self, X):
        """Probability estimates of the refitted model, ``best_estimator_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            The probability of each class, in the order of ``classes_``.
        """
        X = self._checked_input(X)
        return self.best_estimator_.predict_proba(X)

    def predict_log_proba(self, X):
        """Log of the probability estimates, ``log(predict_proba(X))``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes)
            The log-probability of each class, in the order of ``classes_``.
        """
        X = self._checked_input(X)
        return self.best_estimator_.predict_log_proba(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


@_docstrings.documented("regressor_cv", AUTO_PATH_DIVISORS)
class RegularizedMLPRegressorCV(
    CallbackSupportMixin, RegressorMixin, _RegularizedMLPCV
):
    _plain_class = RegularizedMLPRegressor
    _parameter_constraints: dict = _cv_constraints(RegularizedMLPRegressor)

    def __init__(
        self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
        alphas=10, penalties=("l2",), cv=None, scoring=None, selection="best",
        n_jobs=None, refit=True, path_max_iter="auto", solver="adam", l1_ratio=0.5,
        batch_size="auto", learning_rate="constant", learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
        warm_start=False, momentum=0.9, nesterovs_momentum=True,
        early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
        epsilon=1e-8, n_iter_no_change=10, max_fun=15000, dropout=0.0,
    ):  # fmt: skip
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation,
            alphas=alphas, penalties=penalties, cv=cv, scoring=scoring,
            selection=selection, n_jobs=n_jobs, refit=refit,
            path_max_iter=path_max_iter, solver=solver, l1_ratio=l1_ratio,
            batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t,
            max_iter=max_iter, shuffle=shuffle, random_state=random_state,
            tol=tol, verbose=verbose, warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun,
            dropout=dropout,
        )  # fmt: skip
        self.loss = loss
