"""Mini-batch training: the epoch loop, its stopping rules and its guards.

:class:`MiniBatchTrainer` runs epochs of ``stochastic.run_epoch`` until
``max_iter``, the no-improvement rule (on the training loss, or on a held-out
score with early stopping) or a callback stops it, and keeps the weights of
the last finite epoch when training diverges.  It knows nothing of the
estimators: it receives the objective, the optimizer, the held-out data with a
scoring function, and a :class:`TrainingHistory` to record into, which the
estimator stores as its fitted attributes.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from .._network import Workspace, forward, zero_fraction
from .._utils.threads import blas_threads_for
from .progress import NON_FINITE_WEIGHTS, progress_line
from .stochastic import resolve_batch_size, run_epoch

# rows checked for finite predictions after every epoch
_FINITE_CHECK_ROWS = 64


@dataclass
class TrainingHistory:
    """What training records; carried across warm starts and ``partial_fit``.

    The names are those of the estimators' fitted attributes without the
    trailing underscore (``best_coefs`` and ``no_improvement_count`` are
    private there).
    """

    n_iter: int = 0
    t: int = 0
    loss: float | None = None
    loss_curve: list = field(default_factory=list)
    data_loss_curve: list = field(default_factory=list)
    penalty_curve: list = field(default_factory=list)
    best_loss: float | None = np.inf
    no_improvement_count: int = 0
    validation_scores: list | None = None
    validation_loss_curve: list | None = None
    best_validation_score: float | None = None
    best_coefs: list | None = None
    best_intercepts: list | None = None

    @classmethod
    def for_early_stopping(cls):
        """A new history that watches a held-out score."""
        return cls(
            best_loss=None, validation_scores=[], validation_loss_curve=[],
            best_validation_score=-np.inf,
        )  # fmt: skip


@dataclass
class HeldOut:
    """The held-out part of early stopping and how to score the model on it.

    ``score(X, y, sample_weight)`` scores the model being trained; ``objective``
    is the training objective on these rows (for the validation loss).
    """

    X: object
    y: np.ndarray
    sample_weight: np.ndarray | None
    objective: object
    score: object


class Checkpoint:
    """Copies of the parameters and the optimizer's state, to go back to.

    The copies are taken when it is built and by :meth:`save`, into buffers
    allocated once; :meth:`restore` copies them back in place.
    """

    def __init__(self, params, optimizer):
        self.params, self.optimizer = params, optimizer
        self._copies = [np.empty_like(array) for array in self._arrays()]
        self.save()

    def _arrays(self):
        return [self.params, *self.optimizer.state_arrays()]

    def save(self):
        for copy, array in zip(self._copies, self._arrays(), strict=True):
            np.copyto(copy, array)
        self._scalars = self.optimizer.scalar_state()

    def restore(self):
        for copy, array in zip(self._copies, self._arrays(), strict=True):
            np.copyto(array, copy)
        self.optimizer.load_scalar_state(self._scalars)


def split_held_out(X, Y, sample_weight, fraction, random_state, stratify=None):
    """Hold out ``fraction`` of the rows; return the training part and the held-out.

    Returns ``(X, Y, sample_weight)`` of the training rows and the same of the
    held-out rows, split as scikit-learn's MLP does: ``train_test_split``
    first (so its errors come first, as there), then the size check.
    """
    arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
    parts = train_test_split(
        *arrays, random_state=random_state, test_size=fraction, stratify=stratify,
    )  # fmt: skip
    train, val = parts[0::2], parts[1::2]
    if val[0].shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' "
            "or the size of your dataset."
        )
    if sample_weight is None:
        return (*train, None), (*val, None)
    return tuple(train), tuple(val)


def finite_predictions(objective, params, X, workspace, x_size=None, weight_size=None):
    """Whether the network's predictions on X are finite.

    Cheaply when a bound on the logits' size says so (see
    :func:`logit_size_bound`; ``x_size`` and ``weight_size`` are the largest
    sizes of an entry of X and of a parameter, computed here if not given);
    otherwise the logits are computed in the training buffers, and the loss
    says when its prediction is finite (for Poisson, when exp does not
    overflow).
    """
    x_size = largest_size(X) if x_size is None else x_size
    weight_size = largest_size(params) if weight_size is None else weight_size
    bound = logit_size_bound(objective.layout.layer_units, weight_size, x_size)
    if objective.loss.prediction_is_finite(np.array([bound], params.dtype)):
        return True
    coefs, intercepts = objective.layout.views(params)
    with np.errstate(all="ignore"):
        layers = forward(coefs, intercepts, X, objective.activation, workspace)
    return objective.loss.prediction_is_finite(layers[-1])


def largest_size(array):
    """max |entry| of a dense or sparse array (0.0 when empty; nan if one is)."""
    if array.size == 0 or (sp.issparse(array) and array.nnz == 0):
        return 0.0
    return float(max(array.max(), -array.min()))


def logit_size_bound(layer_units, weight_size, x_size):
    """An upper bound on |logit| for parameters and inputs of the sizes given.

    Layer by layer, |z_j| <= fan_in * max|W| * max|a| + max|b|, and every
    hidden activation is at most max(|z|, 1) in size (relu and the identity
    at most |z|, tanh and the logistic at most 1); ``weight_size`` bounds
    every weight and bias.  Twice that, so that the rounding of the actual
    sums stays inside it; a non-finite weight size gives a non-finite bound.
    With weights far smaller than an overflow needs (the usual case) the
    bound decides finiteness without a forward pass.
    """
    size = x_size
    for fan_in in layer_units[:-1]:
        size = fan_in * weight_size * max(size, 1.0) + weight_size
    return 2.0 * size


class MiniBatchTrainer:
    """Epochs of mini-batch training with the stopping rules of scikit-learn's MLP.

    Parameters
    ----------
    objective : Objective
        The training objective (its data are the training rows).
    optimizer : SGDOptimizer or AdamOptimizer
        Built for the flat parameter vector.
    batch_size : "auto" or int
    max_iter, tol, n_iter_no_change, shuffle, verbose :
        As the estimators' parameters of the same names.
    random_state : RandomState
        Draws the shuffles and the dropout masks.
    dropout_rates : list of float or None
    held_out : HeldOut or None
        The held-out part when early stopping.
    on_epoch : callable or None
        Called after every epoch; returns True to stop (callbacks).
    """

    def __init__(self, objective, optimizer, *, batch_size, max_iter, tol,
                 n_iter_no_change, shuffle, random_state, verbose=False,
                 dropout_rates=None, held_out=None, on_epoch=None):  # fmt: skip
        self.objective, self.optimizer = objective, optimizer
        self.batch_size = resolve_batch_size(batch_size, objective.X.shape[0])
        self.max_iter, self.tol = max_iter, tol
        self.n_iter_no_change = n_iter_no_change
        self.shuffle, self.random_state = shuffle, random_state
        self.verbose, self.dropout_rates = verbose, dropout_rates
        self.held_out, self.on_epoch = held_out, on_epoch

    def train(self, params, history, incremental=False, checkpoint=None):
        """Train ``params`` in place, recording into ``history``.

        With ``incremental`` (``partial_fit``) one epoch is run.  ``checkpoint``,
        a :class:`Checkpoint` of ``params`` and the optimizer taken just before,
        saves a copy for a single epoch.  Ctrl-C ends training with a warning,
        keeping what was learnt.
        """
        layout = self.objective.layout
        workspace = Workspace(layout.layer_units, self.batch_size, params.dtype)
        if checkpoint is None or not incremental:
            checkpoint = Checkpoint(params, self.optimizer)
        history.n_iter = 0
        try:
            with blas_threads_for(self.batch_size, layout.n_coef):
                self._epochs(params, history, workspace, incremental, checkpoint)
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=4)

    def _epochs(self, params, history, workspace, incremental, checkpoint):
        """Run epochs until a stopping rule, max_iter or divergence ends training."""
        X = self.objective.X
        sample_idx = np.arange(X.shape[0])
        X_check = X[: min(_FINITE_CHECK_ROWS, self.batch_size)]
        check = X_check, largest_size(X_check)
        for epoch_index in range(self.max_iter):
            if self.shuffle:
                # in place; the same permutation as sklearn.utils.shuffle
                self.random_state.shuffle(sample_idx)
            if epoch_index:  # the first epoch starts from the checkpoint as built
                checkpoint.save()
            # overflow is detected and reported by _diverged, not by numpy
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                epoch = run_epoch(
                    params, self.objective, sample_idx, self.batch_size,
                    optimizer=self.optimizer, workspace=workspace,
                    shuffled=self.shuffle, dropout_rates=self.dropout_rates,
                    random_state=self.random_state,
                )  # fmt: skip
            if self._diverged(epoch, params, checkpoint, check, workspace, history):
                return
            stop = self._end_epoch(epoch, params, history)
            if self.on_epoch is not None:
                stop |= bool(self.on_epoch())
            if stop or incremental:
                return
            if history.n_iter == self.max_iter:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=5,
                )

    def _diverged(self, epoch, params, checkpoint, check, workspace, history):
        """Go back to the last finite epoch and warn if this one blew up.

        The epoch's loss is taken before each step, so the weights after the
        last step are also checked: finite, with finite predictions on a few
        rows.  The weights and the optimizer's state (a velocity or Adam's
        second moments can be non-finite with finite weights) are restored.
        With no finite epoch ever (nothing trained yet), the fit fails.
        """
        X_check, x_size = check
        weight_size = largest_size(params)  # nan or inf when a weight is
        finite = np.isfinite(epoch.loss) and np.isfinite(weight_size)
        if finite and finite_predictions(
            self.objective, params, X_check, workspace, x_size, weight_size
        ):
            return False
        checkpoint.restore()
        if history.t == 0:
            raise ValueError(NON_FINITE_WEIGHTS)
        self._record_diverged_held_out(history)
        warnings.warn(
            f"Training diverged in epoch {history.n_iter + 1}: the objective or "
            "the weights became non-finite, so training stopped and the weights "
            "of the previous epoch were kept. Try a smaller learning_rate_init or "
            "scale the data.",
            ConvergenceWarning,
            stacklevel=5,
        )
        return True

    def _record_diverged_held_out(self, history):
        """With early stopping, the diverged epoch scores nan (as in scikit-learn)."""
        if self.held_out is not None:
            history.validation_loss_curve.append(np.nan)
            history.validation_scores.append(np.nan)

    def _end_epoch(self, epoch, params, history):
        """Record the epoch; return True when training should stop."""
        history.n_iter += 1
        history.t += self.objective.X.shape[0]
        history.loss = epoch.loss
        history.loss_curve.append(epoch.loss)
        history.data_loss_curve.append(epoch.data_loss)
        history.penalty_curve.append(epoch.penalty)
        if self.verbose:
            zeros = zero_fraction(self.objective.layout.views(params)[0])
            print(progress_line(history.n_iter, epoch.loss, epoch.data_loss, zeros))
        improved = self._improved(params, history)
        history.no_improvement_count = (
            0 if improved else history.no_improvement_count + 1
        )
        self.optimizer.iteration_ends(history.t)
        if history.no_improvement_count <= self.n_iter_no_change:
            return False
        watched = "Validation score" if self.held_out is not None else "Training loss"
        message = (
            f"{watched} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        stop, action = self.optimizer.trigger_stopping()
        if self.verbose:
            print(message, action)
        if not stop:
            history.no_improvement_count = 0
        return stop

    def _improved(self, params, history):
        """Whether this epoch improved on the best loss (or held-out score) by tol."""
        if self.held_out is None:
            last = history.loss_curve[-1]
            improved = last <= history.best_loss - self.tol
            history.best_loss = min(history.best_loss, last)
            return improved
        last = self._held_out_score(params, history)
        improved = last >= history.best_validation_score + self.tol
        if last > history.best_validation_score:
            history.best_validation_score = last
            coefs, intercepts = self.objective.layout.views(params)
            history.best_coefs = [c.copy() for c in coefs]
            history.best_intercepts = [b.copy() for b in intercepts]
        return improved

    def _held_out_score(self, params, history):
        """Record the held-out data term and score; a non-finite score is nan."""
        held_out = self.held_out
        coefs, intercepts = self.objective.layout.views(params)
        history.validation_loss_curve.append(
            held_out.objective.data_term(coefs, intercepts)
        )
        score = held_out.score(held_out.X, held_out.y, held_out.sample_weight)
        if not np.isfinite(score):
            warnings.warn(
                f"Epoch {history.n_iter}: the validation score is not finite; the "
                "fit is diverging (try a smaller learning_rate_init). Recorded as "
                "nan; the best finite weights are kept.",
                ConvergenceWarning,
                stacklevel=6,
            )
            score = np.nan
        history.validation_scores.append(score)
        if self.verbose:
            print("Validation score: %f" % score)
        return score
