"""Regularization paths: one fit per alpha, from strong to weak, warm-started."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.validation import check_array

from ._mlp import EmptyNetworkWarning
from ._network.constant import CONSTANT_SPREAD
from ._penalties.strength import alpha_max
from ._utils.plotting import import_pyplot


class RegularizationPath:
    """What :func:`regularization_path` found, one entry per alpha.

    Built by :func:`regularization_path`, which fits from the largest alpha to
    the smallest; every parameter is kept as the attribute of the same name.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The penalty strengths, in decreasing order (the order of the fits).
    n_nonzero : ndarray of shape (n_alphas, n_layers - 1)
        Number of non-zero weights in each layer.
    selected_features : list of ndarray
        Indices of the input features with a non-zero first-layer row.
    train_scores : ndarray of shape (n_alphas,)
        ``estimator.score`` on the training data.
    validation_scores : ndarray of shape (n_alphas,)
        ``estimator.score`` on the held-out data (``nan`` without held-out
        data).
    coefs : list of list of ndarray or None
        Copies of ``coefs_`` after each fit, when kept.

    Attributes
    ----------
    alphas, n_nonzero, selected_features, train_scores, validation_scores, coefs
        The parameters above.
    n_selected_features : ndarray of shape (n_alphas,)
        Number of selected input features for each alpha.

    See Also
    --------
    regularization_path : Computes it.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import RegularizationPath
    >>> path = RegularizationPath(
    ...     alphas=np.array([10.0, 1.0]), n_nonzero=np.array([[0], [3]]),
    ...     selected_features=[np.array([], dtype=int), np.array([0, 2])],
    ...     train_scores=np.array([0.1, 0.9]),
    ...     validation_scores=np.array([0.1, 0.8]), coefs=None)
    >>> path.n_selected_features
    array([0, 2])
    """

    def __init__(
        self,
        alphas,
        n_nonzero,
        selected_features,
        train_scores,
        validation_scores,
        coefs,
    ):
        self.alphas = alphas
        self.n_nonzero = n_nonzero
        self.selected_features = selected_features
        self.train_scores = train_scores
        self.validation_scores = validation_scores
        self.coefs = coefs

    @property
    def n_selected_features(self):
        """Number of selected input features for each alpha."""
        return np.array([len(f) for f in self.selected_features])

    def plot(self, axes=None):
        """Draw non-zero weights and scores against alpha (needs matplotlib).

        Parameters
        ----------
        axes : sequence of two matplotlib Axes, default=None
            Where to draw; a new figure with two panels when None.

        Returns
        -------
        axes : sequence of two matplotlib Axes
            The panels drawn on: non-zero weights and selected features (left),
            training and validation scores (right), against alpha.
        """
        if axes is None:
            plt = import_pyplot()
            _, axes = plt.subplots(1, 2, figsize=(10, 4))
        left, right = axes
        for layer in range(self.n_nonzero.shape[1]):
            left.plot(
                self.alphas,
                self.n_nonzero[:, layer],
                marker="o",
                label=f"layer {layer + 1}",
            )
        left.plot(self.alphas, self.n_selected_features, "k--", label="input features")
        left.set(xscale="log", xlabel="alpha", ylabel="non-zero weights / features")
        left.legend()
        right.plot(self.alphas, self.train_scores, marker="o", label="train")
        right.plot(self.alphas, self.validation_scores, marker="o", label="validation")
        right.set(xscale="log", xlabel="alpha", ylabel="score")
        right.legend()
        return axes


def check_alphas(alphas):
    """Penalty strengths as a decreasing array of distinct floats (a path's order).

    Parameters
    ----------
    alphas : array-like of real numbers
        Finite, non-negative, at least one.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        Decreasing and without repeats.
    """
    # a set has no order, a string is not numbers; complex values are not real
    unordered = isinstance(alphas, (set, frozenset, dict, str))
    kind = None if unordered else np.asarray(alphas).dtype.kind
    values = np.asarray(alphas, dtype=float).ravel() if kind and kind in "iuf" else None
    valid = values is not None and values.size > 0
    if not (valid and np.all(np.isfinite(values)) and np.all(values >= 0)):
        raise ValueError(
            "alphas must be a non-empty sequence of finite, non-negative real "
            f"numbers (penalty strengths); got {alphas!r}."
        )
    return np.unique(values)[::-1]


def default_alphas(
    X, y, classifier, n_alphas=10, alpha_min_ratio=1e-3, sample_weight=None
):
    r"""A log-spaced grid from ``alpha_max`` down to ``alpha_min_ratio * alpha_max``.

    ``alpha_max = max |X_c^T Y_c|`` (centred inputs and targets, class
    indicators for a classifier) is the smallest alpha at which the all-zero
    weights are optimal for a linear model with an L1 penalty, in skreg's
    scaling ``(sum_i loss_i + alpha |W|) / n``; for networks it is a heuristic
    starting point.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The input data; a sparse matrix is used as it is (never densified).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The targets.
    classifier : bool
        Whether ``y`` holds class labels (correlated as 0/1 indicators).
    n_alphas : int, default=10
        Number of penalty strengths.
    alpha_min_ratio : float, default=1e-3
        Ratio of the smallest to the largest strength.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights: ``alpha_max = max |X^T S (Y - Y_w)|`` with ``S`` the
        diagonal of the weights and ``Y_w`` the weighted mean, so that
        integer weights give the grid of the repeated samples.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        Decreasing penalty strengths.
    """
    if not isinstance(n_alphas, Integral) or isinstance(n_alphas, bool) or n_alphas < 1:
        raise ValueError(f"n_alphas must be a positive int; got {n_alphas!r}.")
    X = check_array(X, accept_sparse=["csr", "csc"], dtype=np.float64)
    Y = LabelBinarizer().fit_transform(y) if classifier else np.asarray(y, float)
    Y = Y.reshape(X.shape[0], -1)
    largest = alpha_max(X, Y, sample_weight)
    return np.geomspace(largest, largest * alpha_min_ratio, n_alphas)


def regularization_path(
    estimator,
    X,
    y,
    alphas=None,
    *,
    n_alphas=10,
    alpha_min_ratio=1e-3,
    validation_fraction=0.2,
    random_state=None,
    keep_coefs=True,
):
    """Fit ``estimator`` along a decreasing grid of alpha with warm starts.

    Each fit starts from the previous solution, as in the path algorithms of
    linear models, so weights enter the model one by one as alpha decreases.
    After a fit that zeroed a whole layer (a network with no gradient left),
    the next fit starts from a fresh initialisation instead.

    Parameters
    ----------
    estimator : RegularizedMLPClassifier or RegularizedMLPRegressor
        The model (not modified; a clone is fitted).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The input data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The targets.
    alphas : array-like, default=None
        Penalty strengths; sorted in decreasing order.  When None,
        ``n_alphas`` values are chosen from the data (see Notes).
    n_alphas : int, default=10
        Number of penalty strengths when ``alphas`` is None.
    alpha_min_ratio : float, default=1e-3
        Ratio of the smallest to the largest chosen strength.
    validation_fraction : float, default=0.2
        Share of the data held out for ``validation_scores`` (stratified for a
        classifier); 0 fits on all the data.
    random_state : int, RandomState instance or None, default=None
        Controls the held-out split.
    keep_coefs : bool, default=True
        Whether to keep a copy of ``coefs_`` for every alpha.

    Returns
    -------
    path : RegularizationPath
        Non-zero weights, selected features, scores and (with ``keep_coefs``)
        the weights, for every alpha.

    See Also
    --------
    RegularizationPath : The result, with its ``plot`` method.

    Notes
    -----
    The default grid runs from ``alpha_max = max |X_c^T Y_c|`` (centred inputs
    and targets, class indicators for a classifier), the smallest alpha at
    which all-zero weights are optimal for a linear model with an L1 penalty
    in skreg's scaling, down to ``alpha_min_ratio * alpha_max``, evenly on a
    log scale.  For networks ``alpha_max`` is a heuristic starting point.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import RegularizedMLPRegressor, regularization_path
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> model = RegularizedMLPRegressor(
    ...     hidden_layer_sizes=(), solver="lbfgs", penalty="l1", max_iter=500,
    ...     random_state=0)
    >>> path = regularization_path(model, X, y, n_alphas=4, random_state=0)
    >>> [int(n) for n in path.n_selected_features]
    [0, 5, 9, 10]
    """
    X_train, X_val, y_train, y_val = _split(
        estimator, X, y, validation_fraction, random_state
    )
    if alphas is None:
        alphas = default_alphas(
            X_train, y_train, is_classifier(estimator), n_alphas, alpha_min_ratio
        )
    alphas = check_alphas(alphas)
    model = clone(estimator).set_params(warm_start=True)
    rows = [_fit_one(model, alpha, X_train, y_train, X_val, y_val) for alpha in alphas]
    n_nonzero, selected, train, val, coefs = zip(*rows, strict=True)
    return RegularizationPath(
        alphas,
        np.array(n_nonzero),
        list(selected),
        np.array(train),
        np.array(val),
        list(coefs) if keep_coefs else None,
    )


def _split(estimator, X, y, validation_fraction, random_state):
    if not validation_fraction:
        return X, None, y, None
    stratify = y if is_classifier(estimator) else None
    return train_test_split(
        X,
        y,
        test_size=validation_fraction,
        random_state=random_state,
        stratify=stratify,
    )


# A network whose outputs vary over the training data by less than this
# (relative to their size) is constant: the one threshold of
# skreg._network.constant, where it is argued.
COLLAPSED_SPREAD = CONSTANT_SPREAD


# The warnings of a fit that used up its iteration budget (the mini-batch
# trainer's and L-BFGS-B's status 1): for a capped warm-started fit that is
# the plan, not a failure to converge.
_BUDGET_REACHED = (
    r"Stochastic Optimizer: Maximum iterations"
    r"|lbfgs failed to converge after \d+ iteration\(s\) \(status=1\)"
)


def fit_on_path(model, alpha, X, y, sample_weight=None, *, warm_max_iter=None):
    """Fit ``model`` at ``alpha``, warm-started from its previous fit on the path.

    A path may run either way.  Towards weaker penalties (smaller alphas, as
    :func:`regularization_path` goes), two states need more than a warm
    start:

    - a network whose layer is all zero has zero gradient in every layer
      before it, and one whose weights all shrank to almost zero sits where
      the gradient almost vanishes: a warm start could not leave either, so
      after such a fit (see :func:`is_collapsed`) the next starts from a
      fresh initialisation;
    - a hidden unit whose outgoing weights are all zero gets no gradient on
      its incoming weights, which a sparse penalty then keeps at zero too: it
      could never come back, though the weaker penalty might want it.  Before
      the warm start such units get fresh incoming weights
      (:func:`revive_unreachable_units`); the function is unchanged, and their
      outgoing weights enter again if the weaker penalty lets them, as a zero
      weight enters a lasso path.

    Towards stronger penalties (the CV estimators' paths) neither applies: an
    emptied network or unit stays empty under a stronger penalty, which a
    warm start finds at once.  The first fits of a path may be meant to be
    that strong, so the warning of an empty network is not repeated (the path
    records the zeros).

    ``warm_max_iter``, when given, caps the epochs (iterations) of a
    warm-started fit, which continues the previous one; a fresh start gets
    the model's ``max_iter``.  A capped fit that reaches its cap does not warn.
    """
    fresh = starts_fresh(model, alpha, X)
    if not fresh:
        if alpha < model.alpha:
            revive_unreachable_units(model)
        _forget_convergence(model)
    full = model.max_iter
    capped = not fresh and warm_max_iter is not None and warm_max_iter < full
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyNetworkWarning)
        if capped:
            warnings.filterwarnings("ignore", _BUDGET_REACHED, ConvergenceWarning)
        model.set_params(
            alpha=alpha, warm_start=not fresh,
            max_iter=warm_max_iter if capped else full,
        )  # fmt: skip
        try:
            return model.fit(X, y, sample_weight=sample_weight)
        finally:
            model.set_params(max_iter=full)


def _forget_convergence(model):
    """Start the stopping rule afresh: a new alpha is a new objective.

    The previous fit's best loss (or held-out score) and its count of epochs
    without improvement belong to another alpha's objective; carried over (as
    a warm start of scikit-learn's MLP does), a fit at a larger alpha, whose
    loss starts above the previous best, stopped after one epoch.
    """
    model.best_loss_ = np.inf if model.best_loss_ is not None else None
    model._no_improvement_count = 0
    if getattr(model, "best_validation_score_", None) is not None:
        model.best_validation_score_ = -np.inf


def starts_fresh(model, alpha, X):
    """Whether :func:`fit_on_path`'s next fit of ``model`` at ``alpha`` starts afresh.

    It does without a previous fit, or towards a weaker penalty after one
    that collapsed (see :func:`is_collapsed`); such a fit gets the full
    ``max_iter``.
    """
    if not hasattr(model, "coefs_"):
        return True
    return alpha < model.alpha and is_collapsed(model, X)


def revive_unreachable_units(model):
    """Draw fresh incoming weights for the hidden units that reach nothing.

    A unit whose outgoing weights (its row of the next ``coefs_``) are all
    exactly zero does not change the network's output, so new incoming
    weights, drawn as at initialisation, leave the function as it is while
    making the unit trainable again.  With an int ``random_state`` they are
    drawn from a stream of that seed and the layer, not from the model's own
    stream, whose position depends on how many rows the fits shuffled: a
    weighted fit and one on repeated rows then revive the same weights.

    Returns
    -------
    n_revived : int
        The number of units given new incoming weights.
    """
    n_revived = 0
    layers = zip(model.coefs_[:-1], model.coefs_[1:], strict=True)
    for layer, (W_in, W_out) in enumerate(layers):
        unreachable = ~W_out.any(axis=1)
        if unreachable.any():
            seed = model.random_state
            rng = np.random.RandomState([seed, layer]) if isinstance(
                seed, Integral) and seed >= 0 else None  # fmt: skip
            fresh, _ = model._init_coef(*W_in.shape, W_in.dtype, rng)
            W_in[:, unreachable] = fresh[:, unreachable]  # in place: views of a fit
            n_revived += int(unreachable.sum())
    return n_revived


def is_collapsed(model, X):
    """Whether the fitted ``model`` is a constant function a warm start cannot leave.

    True when a layer's weights are all exactly zero, or when the outputs on
    ``X`` vary by at most :data:`COLLAPSED_SPREAD` times their largest size
    (at least 1).
    """
    if any(not W.any() for W in model.coefs_):
        return True
    outputs = model._forward_pass_fast(X)
    spread = float(np.ptp(outputs, axis=0).max())
    return spread <= COLLAPSED_SPREAD * max(1.0, float(np.abs(outputs).max()))


def _fit_one(model, alpha, X_train, y_train, X_val, y_val):
    fit_on_path(model, alpha, X_train, y_train)
    n_nonzero = [int(np.count_nonzero(W)) for W in model.coefs_]
    selected = np.flatnonzero(np.any(model.coefs_[0] != 0, axis=1))
    train = model.score(X_train, y_train)
    val = np.nan if X_val is None else model.score(X_val, y_val)
    return n_nonzero, selected, train, val, [W.copy() for W in model.coefs_]
