"""The estimators: validate -> build the objective -> solve -> store.

Everything numerical lives below this module: the network in ``_network``,
the penalties in ``_penalties``, the objective, L-BFGS and the mini-batch
trainer in ``_solvers``.  The estimators check their parameters and data,
build the objective of the fit, hand it to a solver and store what it returns
as fitted attributes.
"""

import copy
import warnings
from abc import ABC, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _assert_all_finite,
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _docstrings
from ._network import (
    ACTIVATIONS,
    LOSSES,
    compact_network,
    layer_units_of,
    predict_output,
    zero_fraction,
)
from ._network.constant import fit_constant_output
from ._penalties import PENALTY_NAMES, Penalty, make_penalty
from ._penalties.strength import alpha_max
from ._solvers import (
    NON_FINITE_WEIGHTS,
    AdamOptimizer,
    Checkpoint,
    HeldOut,
    MiniBatchTrainer,
    Objective,
    SGDOptimizer,
    TrainingHistory,
    check_penalty_supported,
    fit_evidence,
    fit_lbfgs,
    split_held_out,
)
from ._utils.callbacks import CallbackSupportMixin, end_fit, start_fit, step_reporter
from ._utils.state import AtomicSetParamsMixin, restore_state_on_error
from ._utils.threads import SMALL_FULL_BATCH_WORK, blas_threads_for

_STOCHASTIC_SOLVERS = ("sgd", "adam")


class EmptyNetworkWarning(ConvergenceWarning):
    """A fit ended with every weight of a layer exactly zero (a constant model)."""


# TrainingHistory's fields and the fitted attributes that hold them
_HISTORY_ATTRIBUTES = {
    "n_iter": "n_iter_",
    "t": "t_",
    "loss": "loss_",
    "loss_curve": "loss_curve_",
    "data_loss_curve": "data_loss_curve_",
    "penalty_curve": "penalty_curve_",
    "best_loss": "best_loss_",
    "no_improvement_count": "_no_improvement_count",
    "validation_scores": "validation_scores_",
    "validation_loss_curve": "validation_loss_curve_",
    "best_validation_score": "best_validation_score_",
    "best_coefs": "_best_coefs",
    "best_intercepts": "_best_intercepts",
}

# EvidenceResult's fields and the fitted attributes that hold them; a fit at
# a given alpha drops them all
_EVIDENCE_ATTRIBUTES = {
    "alpha": "alpha_",
    "prior_precision": "prior_precision_",
    "effective_parameters": "effective_parameters_",
    "log_evidence": "log_evidence_",
    "alpha_history": "alpha_history_",
    "noise_precision": "noise_precision_",
    "posterior": "_laplace",
}


# the constructor parameters shared by both estimators, validated by scikit-learn
_PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "activation": [StrOptions(set(ACTIVATIONS))],
    "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
    "alpha": [Interval(Real, 0, None, closed="left"), StrOptions({"evidence"})],
    "penalty": [StrOptions(set(PENALTY_NAMES)), Penalty, None],
    "l1_ratio": [Interval(Real, 0, 1, closed="both")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
    "evidence_tol": [Interval(Real, 0, None, closed="neither")],
    "evidence_max_updates": [Interval(Integral, 1, None, closed="left")],
}


class _BaseRegularizedMLP(AtomicSetParamsMixin, BaseEstimator, ABC):
    """Shared training code of the two estimators."""

    _parameter_constraints: dict = _PARAMETER_CONSTRAINTS
    _evidence_per_layer = True  # alpha="evidence": a prior precision per matrix

    @abstractmethod
    def __init__(
        self, hidden_layer_sizes, activation, solver, alpha, penalty, l1_ratio,
        batch_size, learning_rate, learning_rate_init, power_t, max_iter, loss,
        shuffle, random_state, tol, verbose, warm_start, momentum,
        nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2,
        epsilon, n_iter_no_change, max_fun, dropout, evidence_tol,
        evidence_max_updates,
    ):  # fmt: skip
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.loss = loss
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
        self.evidence_tol = evidence_tol
        self.evidence_max_updates = evidence_max_updates

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers in
            regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; the objective is normalised by their sum.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with restore_state_on_error(self) as guard:
            return self._fit(X, y, sample_weight, False, guard)

    def _fit(self, X, y, sample_weight, incremental, guard):
        """Validate, build the objective, solve, store.

        ``guard`` (a FitGuard) restores the estimator if the call fails;
        training registers with it how to undo its in-place updates.
        """
        hidden_sizes = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        penalty = self._checked_penalty()
        dropout_rates = _check_dropout(self.dropout, len(hidden_sizes), self.solver)
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, Y, sample_weight = self._validate_fit_data(
            X, y, sample_weight, incremental, first_pass
        )
        layer_units = [X.shape[1], *hidden_sizes, Y.shape[1]]
        if not incremental or not hasattr(self, "_random_state"):
            # partial_fit continues the random stream: with an int seed,
            # re-seeding would give every call the same shuffles and masks
            self._random_state = check_random_state(self.random_state)
        if first_pass:
            self._initialize(Y, layer_units, X.dtype)
        else:
            self._check_warm_start_shapes(layer_units)
        objective = self._objective(X, Y, sample_weight, penalty)
        evidence = self.alpha == "evidence"
        if evidence and incremental:
            raise ValueError(
                "partial_fit trains at a fixed alpha; alpha='evidence' needs fit."
            )
        context = start_fit(
            self, X, y, max_subtasks=None if evidence else self.max_iter
        )
        in_place = None if first_pass else guard  # training the model's own arrays
        solve = self._solver(context, X, y, dropout_rates, incremental, in_place)
        try:
            self._solve(objective, solve, evidence, first_pass)
            end_fit(context, self, X, y)
            self._check_finite_weights()
        except ValueError as error:
            _refuse_an_overflowing_alpha(self, objective, error)
            raise
        self._fit_the_constant_of_an_emptied_network(objective, evidence)
        self.sparsity_ = [zero_fraction([W]) for W in self.coefs_]
        _warn_if_a_layer_is_empty(self)
        return self

    def _solve(self, objective, solve, evidence, first_pass):
        """Train at the fixed alpha, or choose it by the evidence."""
        if evidence:
            options = self._evidence_options(objective, warm=not first_pass)
            result = fit_evidence(objective, solve, **options)
            _store_evidence(self, result)
        else:
            _forget_evidence(self)  # an earlier evidence fit's alpha_ and posterior
            solve(objective)

    def _fit_the_constant_of_an_emptied_network(self, objective, evidence):
        """An emptied network predicts the weighted mean of the targets.

        See :mod:`skreg._network.constant`: the unpenalised output
        intercepts of a constant network get their closed-form optimum, and
        ``loss_`` is then the objective's value there (at a fixed alpha).
        """
        changed = fit_constant_output(
            self.coefs_, self.intercepts_, objective.X, objective.Y,
            objective.sample_weight, self.activation, objective.loss,
        )  # fmt: skip
        if changed and not evidence:
            penalty = objective.penalty_sum(self.coefs_) / objective.weight_sum
            self.loss_ = objective.data_term(self.coefs_, self.intercepts_) + penalty

    def _solver(self, context, X, y, dropout_rates, incremental, guard):
        """The function that fits the network to the minimum of an objective.

        It takes the objective and, optionally, a smaller iteration budget
        than ``max_iter`` (the evidence loop's early, inexact fits).
        """
        if self.solver not in _STOCHASTIC_SOLVERS:
            report = step_reporter(context, self, X, y, "iteration")
            return lambda objective, max_iter=None: self._fit_lbfgs(
                objective, report, max_iter
            )
        report = step_reporter(context, self, X, y, "epoch")
        return lambda objective, max_iter=None: self._fit_stochastic(
            objective, dropout_rates, incremental, report, guard, max_iter
        )

    def _validate_fit_data(self, X, y, sample_weight, incremental, first_pass):
        """X, the 2-D training targets Y and the sample weights (class weights in)."""
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        Y = Y.reshape(X.shape[0], -1).astype(X.dtype, copy=False)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        sample_weight = self._apply_class_weight(Y, sample_weight)
        if sample_weight is not None and not sample_weight.sum() > 0:
            raise ValueError(
                "The sample weights (times the class weights) sum to zero: the "
                "objective, divided by that sum, is undefined. Give some samples "
                "a positive weight."
            )
        return X, Y, sample_weight

    def _objective(self, X, Y, sample_weight, penalty=None):
        """The regularized objective of this network on (X, Y)."""
        return training_objective(self, X, Y, sample_weight, penalty)

    def _evidence_options(self, objective, warm):
        """What :func:`fit_evidence` takes besides the objective and the solver."""
        previous = self.warm_start and hasattr(self, "alpha_")
        return dict(
            parameters=lambda: objective.layout.pack(
                self.coefs_, self.intercepts_, np.float64
            ),
            initial_alpha=self.alpha_ if previous else None,
            per_layer=self._evidence_per_layer, tol=self.evidence_tol,
            max_updates=self.evidence_max_updates, max_iter=self.max_iter,
            scale_outputs=self._scale_outputs, warm=warm,
        )  # fmt: skip

    def _scale_outputs(self, factor):
        """Multiply the output layer by ``factor``, in place (views of a fit)."""
        self.coefs_[-1] *= factor
        self.intercepts_[-1] *= factor

    def _penalty(self):
        return make_penalty(self.penalty, self.l1_ratio)

    def _checked_penalty(self):
        """The penalty object, checked against what the solver can apply."""
        if self.alpha == "evidence" and self.penalty != "l2":
            raise ValueError(
                "alpha='evidence' chooses the precision of a Gaussian prior on "
                f"the weights, which is penalty='l2'; got penalty={self.penalty!r}."
            )
        penalty = self._penalty()
        check_penalty_supported(self.solver, penalty, self.penalty)
        return penalty

    def _initialize(self, Y, layer_units, dtype):
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._output_activation()
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:], strict=True):
            coef, intercept = self._init_coef(fan_in, fan_out, dtype)
            self.coefs_.append(coef)
            self.intercepts_.append(intercept)
        if self.solver in _STOCHASTIC_SOLVERS and self.early_stopping:
            history = TrainingHistory.for_early_stopping()
        else:
            history = TrainingHistory()
        history.best_coefs = [c.copy() for c in self.coefs_]
        history.best_intercepts = [b.copy() for b in self.intercepts_]
        _store_history(self, history)

    def _init_coef(self, fan_in, fan_out, dtype, random_state=None):
        # Glorot & Bengio (2010) uniform initialisation, as scikit-learn's MLP.
        rng = self._random_state if random_state is None else random_state
        factor = 2.0 if self.activation == "logistic" else 6.0
        bound = np.sqrt(factor / (fan_in + fan_out))
        coef = rng.uniform(-bound, bound, (fan_in, fan_out))
        intercept = rng.uniform(-bound, bound, fan_out)
        return coef.astype(dtype, copy=False), intercept.astype(dtype, copy=False)

    def _check_warm_start_shapes(self, layer_units):
        fitted = layer_units_of(self.coefs_)
        if fitted != layer_units:
            raise ValueError(
                "warm_start and partial_fit need the same network as the previous "
                f"fit: its layer sizes were {fitted}, this call needs {layer_units}. "
                "Set warm_start=False to start from scratch."
            )

    def _check_finite_weights(self):
        if not all(np.isfinite(w).all() for w in self.coefs_ + self.intercepts_):
            raise ValueError(NON_FINITE_WEIGHTS)

    # ---------------------------------------------------------------- lbfgs
    def _fit_lbfgs(self, objective, report=None, max_iter=None):
        def on_iteration(coefs, intercepts):
            self.coefs_, self.intercepts_ = coefs, intercepts
            if report():
                raise StopIteration

        # L-BFGS-B's own vector updates and the full-batch products of a small
        # network are too small for a second BLAS thread, whose wake-ups cost
        # more than they save
        n_weights = objective.layout.n_coef
        with blas_threads_for(objective.X.shape[0], n_weights, SMALL_FULL_BATCH_WORK):
            self.coefs_, self.intercepts_, info = fit_lbfgs(
                objective, self.coefs_, self.intercepts_,
                max_iter=max_iter or self.max_iter,
                max_fun=self.max_fun, tol=self.tol, verbose=bool(self.verbose),
                on_iteration=on_iteration if report is not None else None,
            )  # fmt: skip
        self.n_iter_ = info["n_iter"]
        self.loss_ = info["loss"]
        self.loss_curve_ = info["loss_curve"]
        self.data_loss_curve_ = info["data_loss_curve"]
        self.penalty_curve_ = [
            total - data
            for total, data in zip(self.loss_curve_, self.data_loss_curve_, strict=True)
        ]
        self.best_loss_ = min(self.loss_curve_, default=self.loss_)

    # ----------------------------------------------------------- sgd / adam
    def _apply_class_weight(self, Y, sample_weight):
        return sample_weight

    def _fit_stochastic(self, objective, dropout_rates, incremental, report=None,
                        guard=None, max_iter=None):  # fmt: skip
        """Mini-batch training; ``guard`` is given when it updates existing arrays."""
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        params = self._pack_parameters(objective.layout)
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer(params)
        checkpoint = None
        if guard is not None:  # a warm start or partial_fit: keep a way back
            checkpoint = Checkpoint(params, self._optimizer)
            guard.on_failure(checkpoint.restore)
        objective, held_out = self._hold_out(objective)
        trainer = MiniBatchTrainer(
            objective, self._optimizer, batch_size=self.batch_size,
            max_iter=max_iter or self.max_iter, tol=self.tol,
            n_iter_no_change=self.n_iter_no_change, shuffle=self.shuffle,
            random_state=self._random_state, verbose=self.verbose,
            dropout_rates=dropout_rates, held_out=held_out, on_epoch=report,
        )  # fmt: skip
        history = _load_history(self)
        trainer.train(params, history, incremental, checkpoint)
        _store_history(self, history)
        if held_out is not None:
            self.coefs_, self.intercepts_ = self._best_coefs, self._best_intercepts

    def _hold_out(self, objective):
        """Split off ``validation_fraction`` of the data when early stopping."""
        if not self.early_stopping:
            return objective, None
        train, val = split_held_out(
            objective.X, objective.Y, objective.sample_weight,
            self.validation_fraction, self._random_state,
            stratify=self._stratify_labels(objective.Y, self.validation_fraction),
        )  # fmt: skip
        X_val, Y_val, sw_val = val
        held_out = HeldOut(
            X_val, self._decode_targets(Y_val), sw_val,
            objective.with_data(*val), self._score,
        )  # fmt: skip
        return objective.with_data(*train), held_out

    def _pack_parameters(self, layout):
        """The parameters as one flat vector; coefs_ and intercepts_ view into it.

        Packed once and kept across partial_fit calls, so that the arrays a
        caller holds stay the ones being trained.
        """
        if layout.is_packed(self.coefs_, self.intercepts_):
            return self.coefs_[0].base
        params = layout.pack(self.coefs_, self.intercepts_, self.coefs_[0].dtype)
        best_is_current = getattr(self, "_best_coefs", None) is self.coefs_
        self.coefs_, self.intercepts_ = layout.views(params)
        if best_is_current:  # after early stopping, as in scikit-learn (see fit)
            self._best_coefs, self._best_intercepts = self.coefs_, self.intercepts_
        return params

    def _make_optimizer(self, params):
        if self.solver == "sgd":
            return SGDOptimizer(
                [params], self.learning_rate_init, self.learning_rate,
                self.momentum, self.nesterovs_momentum, self.power_t,
            )  # fmt: skip
        return AdamOptimizer(
            [params], self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon
        )

    def _stratify_labels(self, Y, fraction):
        return None

    def _decode_targets(self, Y):
        return Y

    def _encode_targets(self, y):
        """The 2-D float targets the network is trained on, for ``y`` as given."""
        return np.asarray(y, dtype=np.float64).reshape(len(y), -1)

    # ------------------------------------------------------------- sparsity
    @property
    def feature_importances_(self):
        """Norm of each input feature's first-layer weights, shape (`n_features_in_`,).

        Zero for a feature the network does not read (for example one removed
        by ``penalty="group_lasso"`` or ``"sparse_group_lasso"``), so that
        :class:`~sklearn.feature_selection.SelectFromModel` can select features.
        """
        check_is_fitted(self)
        return np.linalg.norm(self.coefs_[0], axis=1)

    def compact(self, drop_features=False):
        """Return an equivalent estimator without its dead hidden units.

        Hidden units whose outgoing weights are all zero are removed; units
        whose incoming weights are all zero output a constant, which is folded
        into the next layer's biases before they are removed.  Predictions are
        unchanged (up to rounding) and ``hidden_layer_sizes`` of the returned
        estimator gives the new sizes.

        Parameters
        ----------
        drop_features : bool, default=False
            Also remove the input features whose first-layer weights are all
            zero.  The returned estimator then expects only the kept columns,
            ``X[:, selected_features_]``, and records their indices in
            ``selected_features_``.

        Returns
        -------
        estimator : object
            A fitted copy of this estimator; this one is not modified.
        """
        check_is_fitted(self)
        coefs, intercepts, kept = compact_network(
            self.coefs_, self.intercepts_, self.activation, drop_features
        )
        if kept.size == 0:
            raise ValueError(
                "compact(drop_features=True) would keep no input feature: every "
                "first-layer weight is zero, so the network predicts a constant. "
                "Use drop_features=False, or refit with a smaller alpha."
            )
        compacted = copy.deepcopy(self)
        for name in ("_optimizer", "_best_coefs", "_best_intercepts"):
            vars(compacted).pop(name, None)
        compacted.coefs_, compacted.intercepts_ = coefs, intercepts
        compacted.hidden_layer_sizes = tuple(W.shape[1] for W in coefs[:-1])
        compacted.sparsity_ = [zero_fraction([W]) for W in coefs]
        compacted.selected_features_ = kept
        compacted.n_features_in_ = len(kept)
        if hasattr(self, "feature_names_in_"):
            compacted.feature_names_in_ = self.feature_names_in_[kept]
        return compacted

    # -------------------------------------------------------------- predict
    def _forward_pass_fast(self, X, check_input=True):
        if check_input:
            X = validate_data(
                self, X, accept_sparse=["csr", "csc"],
                dtype=(np.float64, np.float32), reset=False,
            )  # fmt: skip
        return predict_output(
            self.coefs_, self.intercepts_, X, self.activation,
            LOSSES[self.out_activation_],
        )  # fmt: skip

    def _score_with_function(self, X, y, sample_weight, score_function):
        y_pred = self._predict(X, check_input=False)
        if np.issubdtype(y_pred.dtype, np.floating) and not np.isfinite(y_pred).all():
            return np.nan
        return score_function(y, y_pred, sample_weight=sample_weight)

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _check_hidden_layer_sizes(sizes):
    """``hidden_layer_sizes`` as a list of positive ints (raises otherwise)."""
    sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
    if any(
        not isinstance(s, Integral | np.integer) or isinstance(s, bool) or s <= 0
        for s in sizes
    ):
        raise ValueError(f"hidden_layer_sizes must be positive integers, got {sizes}.")
    return [int(s) for s in sizes]


def _check_dropout(dropout, n_hidden, solver):
    """One dropout rate per hidden layer, validated against the solver."""
    if np.ndim(dropout) and np.size(dropout) != n_hidden:
        raise ValueError(
            f"dropout has {np.size(dropout)} values but the network has "
            f"{n_hidden} hidden layers; give one value per hidden layer."
        )
    rates = np.broadcast_to(np.asarray(dropout, dtype=float), (n_hidden,))
    if not ((rates >= 0) & (rates < 1)).all():
        raise ValueError(f"dropout rates must be in [0, 1), got {dropout}.")
    if rates.any() and solver == "lbfgs":
        raise ValueError(
            "dropout is applied during mini-batch training and needs "
            "solver='sgd' or 'adam'; solver='lbfgs' does not support it."
        )
    return [float(r) for r in rates]


def _warn_if_a_layer_is_empty(estimator):
    """A layer with no non-zero weight cuts the inputs off: the output is constant."""
    empty = [k + 1 for k, W in enumerate(estimator.coefs_) if not W.any()]
    if not empty:
        return
    layers = ", ".join(str(k) for k in empty)
    warnings.warn(
        f"Every weight of layer {layers} is exactly zero, so the network predicts "
        f"a constant (the same class or value for every input): "
        f"alpha={estimator.alpha!r} is too strong for penalty="
        f"{estimator.penalty!r}. Try a smaller alpha (skreg.regularization_path "
        "or cross-validation over alpha shows the useful range).",
        EmptyNetworkWarning,
        stacklevel=4,
    )


# An alpha this many times the data's alpha_max (skreg._penalties.strength)
# is far past the strengths that empty a network; a solver that overflows
# there does so because of alpha, not because of the data.
OVERFLOWING_ALPHA_RATIO = 1e6


def _refuse_an_overflowing_alpha(estimator, objective, error):
    """Say that alpha is too large when the weights overflowed because of it.

    The solvers' non-finite failure blames the input data (scikit-learn's
    message); at alpha=1e160 (L-BFGS), 1e200 (SGD) or 1e308 (Adam) it is the
    penalty's terms that overflow float64.
    """
    if str(error) != NON_FINITE_WEIGHTS or isinstance(estimator.alpha, str):
        return
    scale = alpha_max(objective.X, objective.Y, objective.sample_weight)
    if not estimator.alpha > OVERFLOWING_ALPHA_RATIO * scale:
        return
    raise ValueError(
        f"alpha={estimator.alpha:g} is too large: the penalty's terms overflowed "
        f"float64 while training. For these data alpha_max = {scale:.3g} (the "
        "strength at which L1 empties a linear model; skreg.default_alphas "
        "starts there), and any alpha far above it gives the network of a "
        "constant; use alphas of that order or smaller."
    ) from error


def training_objective(estimator, X, Y, sample_weight=None, penalty=None):
    """The regularized objective of an estimator's network on (X, Y).

    The one place that builds it: the fits, and :mod:`skreg.theory` on a
    fitted estimator.  With ``alpha="evidence"`` its strength is a
    placeholder (1): the evidence loop sets the strengths of each fit
    (``Objective.with_strength``).

    Parameters
    ----------
    estimator : RegularizedMLPRegressor or RegularizedMLPClassifier
        An estimator whose ``coefs_`` and ``out_activation_`` are set.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Validated input.
    Y : ndarray of shape (n_samples, n_outputs)
        The 2-D targets the network is trained on.
    sample_weight : ndarray of shape (n_samples,), default=None
        Validated sample weights.
    penalty : Penalty, default=None
        The penalty object when already made (and checked); None makes it.

    Returns
    -------
    objective : Objective
        The objective of the estimator's network, loss, penalty and alpha.
    """
    alpha = 1.0 if estimator.alpha == "evidence" else estimator.alpha
    return Objective(
        layer_units_of(estimator.coefs_), estimator.activation,
        LOSSES[estimator.out_activation_], penalty or estimator._penalty(), alpha,
        X, Y, sample_weight,
    )  # fmt: skip


def _store_evidence(estimator, result):
    """Write an EvidenceResult into the fitted attributes (None: left absent)."""
    _forget_evidence(estimator)  # no posterior of an earlier fit stays behind
    for field, name in _EVIDENCE_ATTRIBUTES.items():
        value = getattr(result, field)
        if value is not None:
            setattr(estimator, name, value)


def _forget_evidence(estimator):
    """Drop what an earlier evidence fit found."""
    for name in _EVIDENCE_ATTRIBUTES.values():
        vars(estimator).pop(name, None)


def _load_history(estimator):
    """The training record held in the estimator's fitted attributes."""
    return TrainingHistory(
        **{
            field: getattr(estimator, name)
            for field, name in _HISTORY_ATTRIBUTES.items()
            if hasattr(estimator, name)
        }
    )


def _store_history(estimator, history):
    """Write the training record into the estimator's fitted attributes."""
    for field, name in _HISTORY_ATTRIBUTES.items():
        value = getattr(history, field)
        if field != "loss" or value is not None:  # no loss_ before an epoch
            setattr(estimator, name, value)


def _fit_label_binarizer(labels):
    try:
        return LabelBinarizer().fit(labels)
    except TypeError as exc:  # e.g. ["a", 1] or [None, "a"]: labels cannot be sorted
        raise TypeError(
            "The class labels must be of one comparable type (all numbers or all "
            f"strings, no missing values): {exc}"
        ) from exc


def _binarize_labels(label_binarizer, y):
    """``label_binarizer.transform(y)``, with a fast path for one label per sample.

    One-hot columns (one column of 0/1 for two classes) by a sorted search,
    ~30x faster than LabelBinarizer.transform, whose input checks cost more
    than a small fit's iteration; anything else goes through the binarizer.
    """
    classes = label_binarizer.classes_
    if label_binarizer.y_type_ not in ("binary", "multiclass") or y.ndim != 1:
        return label_binarizer.transform(y)
    try:
        index = np.minimum(np.searchsorted(classes, y), len(classes) - 1)
        known = np.array_equal(classes[index], y)
    except TypeError:  # labels that do not compare with the classes
        known = False
    if not known:  # let the binarizer handle (or reject) unseen labels
        return label_binarizer.transform(y)
    if len(classes) == 2:
        return (index == 1).astype(int).reshape(-1, 1)
    Y = np.zeros((len(y), len(classes)), dtype=int)
    Y[np.arange(len(y)), index] = 1
    return Y


@_docstrings.documented("classifier")
class RegularizedMLPClassifier(
    CallbackSupportMixin, ClassifierMixin, _BaseRegularizedMLP
):
    _parameter_constraints: dict = {
        **_BaseRegularizedMLP._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
        alpha=0.0001, penalty="l2", l1_ratio=0.5, batch_size="auto",
        learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
        max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
        warm_start=False, momentum=0.9, nesterovs_momentum=True,
        early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
        epsilon=1e-8, n_iter_no_change=10, max_fun=15000, dropout=0.0,
        evidence_tol=1e-2, evidence_max_updates=100, class_weight=None,
    ):  # fmt: skip
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation,
            solver=solver, alpha=alpha, penalty=penalty, l1_ratio=l1_ratio,
            batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t,
            max_iter=max_iter, loss="log_loss", shuffle=shuffle,
            random_state=random_state, tol=tol, verbose=verbose,
            warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun,
            dropout=dropout, evidence_tol=evidence_tol,
            evidence_max_updates=evidence_max_updates,
        )  # fmt: skip
        self.class_weight = class_weight

    def _output_activation(self):
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax"
        return "logistic"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            dtype=(np.float64, np.float32), reset=reset,
        )  # fmt: skip
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = _fit_label_binarizer(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            self._check_known_classes(y)
        return X, _binarize_labels(self._label_binarizer, y)

    def _check_known_classes(self, y):
        classes = unique_labels(y)
        if self.warm_start:
            if set(classes) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as "
                    f"in the previous call to fit. Previously got {self.classes_}, "
                    f"`y` has {classes}"
                )
        elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. 'y' has {classes}."
            )

    def _apply_class_weight(self, Y, sample_weight):
        """Multiply the sample weights by the weight of each sample's class.

        "balanced" weighs class c by ``n / (n_classes * n_c)`` over the classes
        present in this call's y (for ``partial_fit``: in this chunk).
        """
        if self.class_weight is None:
            return sample_weight
        if self._label_binarizer.y_type_.startswith("multilabel"):
            raise ValueError("class_weight is not supported for multilabel targets.")
        index = Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(int)
        labels = self.classes_[index]
        present = np.unique(index)
        classes = (
            self.classes_ if self.class_weight != "balanced" else self.classes_[present]
        )
        weights = compute_class_weight(self.class_weight, classes=classes, y=labels)
        per_class = np.ones(len(self.classes_), dtype=Y.dtype)
        per_class[np.searchsorted(self.classes_, classes)] = weights
        per_sample = per_class[index]
        return per_sample if sample_weight is None else sample_weight * per_sample

    def _stratify_labels(self, Y, fraction):
        """What to stratify the early-stopping split by (None: a plain split).

        Binary targets are stratified as scikit-learn's MLP does, by the 0/1
        column as booleans, so that its errors (a class with one member, say)
        are raised alike.  Multiclass targets, which scikit-learn does not
        stratify, are stratified by class when the split allows it: every
        class with two members or more, and as many rows on each side as
        there are classes.  Multilabel targets are not stratified.
        """
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return None
        if Y.shape[1] == 1:
            return Y.astype(bool)
        labels = Y.argmax(axis=1)
        counts = np.bincount(labels)
        counts = counts[counts > 0]
        n_held_out = int(np.ceil(fraction * len(labels)))
        smallest_side = min(n_held_out, len(labels) - n_held_out)
        if counts.min() >= 2 and smallest_side >= counts.size:
            return labels
        return None

    def _decode_targets(self, Y):
        return self._label_binarizer.inverse_transform(Y)

    def _encode_targets(self, y):
        """The 2-D 0/1 indicator targets the network is trained on, for labels y."""
        Y = self._label_binarizer.transform(y)
        return np.asarray(Y, dtype=np.float64).reshape(len(y), -1)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with a single epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array of shape (n_classes,), default=None
            Classes across all calls to partial_fit; required on the first call
            (not for multilabel targets).

        Returns
        -------
        self : object
            The updated estimator.
        """
        with restore_state_on_error(self) as guard:
            if _check_partial_fit_first_call(self, classes):
                if type_of_target(y).startswith("multilabel"):
                    self._label_binarizer = _fit_label_binarizer(y)
                else:
                    self._label_binarizer = _fit_label_binarizer(classes)
            return self._fit(X, y, sample_weight, True, guard)

    def predict(self, X, return_std=False):
        """Predict using the multi-layer perceptron classifier.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        return_std : bool, default=False
            Accepted for symmetry with :meth:`RegularizedMLPRegressor.predict`
            only to say, with True, that a classifier has no predictive
            standard deviation: its uncertainty is :meth:`predict_proba`.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        if return_std:
            raise ValueError(
                "return_std=True is the predictive standard deviation of a "
                "regression (RegularizedMLPRegressor fitted with alpha='evidence' "
                "and loss='squared_error'); a classifier's uncertainty is its "
                "predict_proba."
            )
        check_is_fitted(self)
        return self._predict(X)

    def _predict(self, X, check_input=True):
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return self._label_binarizer.inverse_transform(y_pred)

    def _score(self, X, y, sample_weight=None):
        return self._score_with_function(X, y, sample_weight, accuracy_score)

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            The probability of each class, in the order of ``classes_``.
        """
        check_is_fitted(self)
        y_pred = self._forward_pass_fast(X)
        if self.n_outputs_ == 1:
            return np.column_stack([1 - y_pred[:, 0], y_pred[:, 0]])
        return y_pred

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
        y_prob = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(y_prob, out=y_prob)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


@_docstrings.documented("regressor")
class RegularizedMLPRegressor(
    CallbackSupportMixin, RegressorMixin, _BaseRegularizedMLP
):
    _parameter_constraints: dict = {
        **_BaseRegularizedMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
        solver="adam", alpha=0.0001, penalty="l2", l1_ratio=0.5,
        batch_size="auto", learning_rate="constant", learning_rate_init=0.001,
        power_t=0.5, max_iter=200, shuffle=True, random_state=None, tol=1e-4,
        verbose=False, warm_start=False, momentum=0.9, nesterovs_momentum=True,
        early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
        epsilon=1e-8, n_iter_no_change=10, max_fun=15000, dropout=0.0,
        evidence_tol=1e-2, evidence_max_updates=100,
    ):  # fmt: skip
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation,
            solver=solver, alpha=alpha, penalty=penalty, l1_ratio=l1_ratio,
            batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t,
            max_iter=max_iter, loss=loss, shuffle=shuffle,
            random_state=random_state, tol=tol, verbose=verbose,
            warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun,
            dropout=dropout, evidence_tol=evidence_tol,
            evidence_max_updates=evidence_max_updates,
        )  # fmt: skip

    def _output_activation(self):
        return "exp" if self.loss == "poisson" else "identity"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            y_numeric=True, dtype=(np.float64, np.float32), reset=reset,
        )  # fmt: skip
        _assert_all_finite(y, input_name="y")
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for "
                "loss='poisson'."
            )
        return X, y

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with a single epoch over the given data.

        Unlike scikit-learn's ``MLPRegressor``, this is rejected for
        ``solver="lbfgs"`` (as the classifier does), since L-BFGS is not an
        incremental method.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        with restore_state_on_error(self) as guard:
            return self._fit(X, y, sample_weight, True, guard)

    def predict(self, X, return_std=False):
        """Predict using the multi-layer perceptron model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        return_std : bool, default=False
            Also return the predictive standard deviation of the linearised
            Laplace posterior, ``sqrt(g(x)^T Sigma g(x) + 1 / beta)`` with
            ``g(x)`` the gradient of the output with respect to the
            parameters: after a fit with ``alpha="evidence"`` and the squared
            error only (a ValueError otherwise).  Networks of more than 1000
            parameters use the posterior of the last layer.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        y_std : ndarray of the shape of ``y``
            The predictive standard deviation, with ``return_std=True`` only.
        """
        check_is_fitted(self)
        y_pred = self._predict(X)
        if not return_std:
            return y_pred
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=np.float64, reset=False
        )
        X = X.toarray() if hasattr(X, "toarray") else X
        return y_pred, self._predictive_std(X)

    def _predictive_std(self, X):
        """The predictive std of the Laplace posterior an evidence fit stored."""
        if not hasattr(self, "_laplace"):
            raise ValueError(
                "return_std=True needs the posterior of a fit with "
                "alpha='evidence' and loss='squared_error'; this model was "
                f"fitted with alpha={self.alpha!r}, loss={self.loss!r}."
            )
        std = self._laplace.predictive_std(
            self.coefs_, self.intercepts_, X, self.activation
        )
        return std.ravel() if std.shape[1] == 1 else std

    def _predict(self, X, check_input=True):
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def _score(self, X, y, sample_weight=None):
        return self._score_with_function(X, y, sample_weight, r2_score)
