r"""The estimators' numpydoc docstrings, which share most of their parameters.

Every parameter has one entry in ``_PARAMETER_ENTRIES``; the class decorator
:func:`documented` writes a class's Parameters section from the entries of
the parameters of its signature, so a shared entry cannot drift between the
four estimators.
"""

import inspect

from ._network.activations import ACTIVATIONS

_SUMMARY = {
    "classifier": """Multi-layer perceptron classifier with a choice of weight penalty.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`
    (same parameters, attributes and behaviour) with hand-written numpy
    backpropagation, that adds ``penalty`` ("l2", "l1", "elasticnet", "l0",
    "group_lasso", "sparse_group_lasso" or None) and ``l1_ratio``.  Sparse
    penalties give weights that are exactly zero.
""",
    "regressor": """Multi-layer perceptron regressor with a choice of weight penalty.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`
    (same parameters, attributes and behaviour) with hand-written numpy
    backpropagation, that adds ``penalty`` ("l2", "l1", "elasticnet", "l0",
    "group_lasso", "sparse_group_lasso" or None) and ``l1_ratio``.  Sparse
    penalties give weights that are exactly zero.
""",
}


# One entry per constructor parameter, as numpydoc writes it; each class
# documents the parameters of its signature, in its order (see ``documented``).
_PARAMETER_ENTRIES = {
    "loss": """
    loss : {"squared_error", "poisson"}, default="squared_error"
        The data term: half squared error with an identity output, or half
        Poisson deviance with an exponential output (needs ``y >= 0``).
""",
    "hidden_layer_sizes": """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The number of units of each hidden layer.  ``()`` gives a model with no
        hidden layer: linear, logistic or softmax regression.
""",
    "solver": """
    solver : {"lbfgs", "sgd", "adam"}, default="adam"
        The optimizer.  "lbfgs" is full-batch L-BFGS-B (weights split into
        positive and negative parts for penalties with an L1 part); "sgd" and
        "adam" are mini-batch methods that apply non-smooth penalties by a
        proximal step after each update.
""",
    "alpha": """
    alpha : float or "evidence", default=0.0001
        Strength of the penalty, divided by the sum of sample weights (the
        number of samples when unweighted) for every solver and batch size.
        "evidence" (with ``penalty="l2"``) chooses it from the training data
        by maximising the evidence, one strength per weight matrix: the fit
        alternates MAP fits and MacKay's updates (see the user guide,
        "Choosing alpha by the evidence"); approximate with "sgd" and "adam".
""",
    "penalty": """
    penalty : {"l2", "l1", "elasticnet", "l0", "group_lasso", \
            "sparse_group_lasso"}, penalty object or None, default="l2"
        The penalty on the weights (biases are never penalised):
        ``1/2 sum W**2``, ``sum |W|``, their mix
        ``l1_ratio sum|W| + (1 - l1_ratio)/2 sum W**2``, the number of non-zero
        weights, the sum of the norms of each unit's outgoing weights (rows of
        every ``coefs_[k]``), the mix ``l1_ratio sum|W| + (1 - l1_ratio) sum_k
        sqrt(p_k) sum_j ||coefs_[k][j]||`` of L1 and those norms weighted by
        the square root of the rows' length ``p_k``, or none.  "l0",
        "group_lasso" and "sparse_group_lasso" need ``solver="sgd"`` or
        ``"adam"`` ("lbfgs" takes "sparse_group_lasso" at ``l1_ratio=1``).
        A penalty object (a subclass of ``skreg._penalties.Penalty``, see the
        user guide's "Architecture") adds a penalty of one's own.
""",
    "l1_ratio": """
    l1_ratio : float, default=0.5
        Share of the L1 part of the "elasticnet" and "sparse_group_lasso"
        penalties, in [0, 1].
""",
    "batch_size": """
    batch_size : int or "auto", default="auto"
        Mini-batch size of the stochastic solvers; "auto" is
        ``min(200, n_samples)``.  Larger values are clipped with a warning.
""",
    "learning_rate": """
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule of "sgd": constant ``learning_rate_init``; divided by
        ``t ** power_t`` after every epoch (t counts samples seen); or divided
        by 5 each time ``n_iter_no_change`` epochs fail to improve by ``tol``.
""",
    "learning_rate_init": """
    learning_rate_init : float, default=0.001
        Initial step size of "sgd" and "adam".
""",
    "power_t": """
    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.
""",
    "max_iter": """
    max_iter : int, default=200
        Maximum number of epochs ("sgd", "adam") or iterations ("lbfgs").
""",
    "shuffle": """
    shuffle : bool, default=True
        Whether to shuffle the samples every epoch ("sgd", "adam").
""",
    "random_state": """
    random_state : int, RandomState instance or None, default=None
        Controls the weight initialisation, the shuffling and the
        early-stopping split.  Pass an int for reproducible results.
""",
    "tol": """
    tol : float, default=1e-4
        Tolerance of the stopping rules: the projected gradient for "lbfgs"
        (whose relative-decrease test is also tightened to ``tol**2`` when
        that is below scipy's default of 2.2e-9);
        the improvement of the training loss or validation score over
        ``n_iter_no_change`` epochs for "sgd" and "adam".
""",
    "verbose": """
    verbose : bool, default=False
        Whether to print progress (one line per epoch or iteration).
""",
    "warm_start": """
    warm_start : bool, default=False
        When True, start from the solution of the previous call to fit.
""",
    "momentum": """
    momentum : float, default=0.9
        Momentum of "sgd", in [0, 1].
""",
    "nesterovs_momentum": """
    nesterovs_momentum : bool, default=True
        Whether "sgd" uses Nesterov's momentum.
""",
    "early_stopping": """
    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the data (stratified for
        single-label classification) and stop when its score stops improving;
        the weights with the best validation score are kept.  "sgd" and "adam"
        only.
""",
    "validation_fraction": """
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
""",
    "beta_1, beta_2": """
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates.
""",
    "epsilon": """
    epsilon : float, default=1e-8
        Adam's numerical-stability constant.
""",
    "n_iter_no_change": """
    n_iter_no_change : int, default=10
        Number of epochs without an improvement of ``tol`` before stopping
        ("sgd", "adam").
""",
    "max_fun": """
    max_fun : int, default=15000
        Maximum number of objective evaluations ("lbfgs").
""",
    "dropout": """
    dropout : float or array-like of shape (n_layers - 2,), default=0.0
        Inverted dropout rate of the hidden units during "sgd"/"adam" training
        (one value, or one per hidden layer): each unit's output is zeroed with
        this probability and the others scaled by ``1 / (1 - rate)``; the masks
        are drawn from ``random_state``.  Nothing is dropped at predict time.
        Not supported by "lbfgs".
""",
    "evidence_tol": """
    evidence_tol : float, default=1e-2
        With ``alpha="evidence"``: the updates stop when no strength changes
        by more than this, relatively.  Each update refits the network, so
        the strengths cannot settle more finely than the refits converge
        (with the default ``tol``, to a few parts in a thousand; a linear
        model with a tight ``tol`` settles to any precision).
""",
    "evidence_max_updates": """
    evidence_max_updates : int, default=100
        With ``alpha="evidence"``: the largest number of evidence updates (a
        ConvergenceWarning when reached).
""",
    "class_weight": """
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplying ``sample_weight`` (as in
        scikit-learn's linear classifiers).  "balanced" uses
        ``n_samples / (n_classes * np.bincount(y))`` over the classes present in
        the call's ``y`` (a ``partial_fit`` chunk balances itself).  Not for
        multilabel targets.
""",
    "alphas": """
    alphas : int or array-like of shape (n_alphas,), default=10
        The penalty strengths.  An int gives that many values evenly spaced
        on a log scale from ``alpha_max = max |X_c^T Y_c|`` (centred inputs
        and targets, class indicators for a classifier; all-zero weights are
        optimal from there on for a linear model with an L1 penalty) down to
        ``1e-3 * alpha_max``, chosen on all the data as
        :func:`skreg.regularization_path` does.  The paths run from the
        smallest to the largest value.
""",
    "penalties": """
    penalties : sequence, default=("l2",)
        The penalties to compare, each one of "l2", "l1", "elasticnet", "l0",
        "group_lasso", "sparse_group_lasso", None or a penalty object, and
        each one the solver can apply ("l0", "group_lasso" and
        "sparse_group_lasso" need "sgd" or "adam"; "lbfgs" takes
        "sparse_group_lasso" at ``l1_ratio=1``).  None (no penalty) is fitted
        once per fold: alpha does not change it.
""",
    "cv": """
    cv : int, cross-validation generator or iterable, default=None
        The splitting strategy: None for 5 folds, an int for that many
        (:class:`~sklearn.model_selection.StratifiedKFold` for the
        classifier's single-label targets,
        :class:`~sklearn.model_selection.KFold` otherwise, not shuffled), a
        splitter, or an iterable of (train, test) index arrays.
""",
    "scoring": """
    scoring : str, callable or None, default=None
        The held-out score (greater is better); None uses the estimator's
        ``score`` (accuracy for the classifier, R^2 for the regressor).
""",
    "selection": """
    selection : {"best", "one_se"}, default="best"
        How alpha is chosen for the winning penalty (the one with the best
        mean score): the best mean score, or the largest alpha whose mean
        score is at least the best minus one standard error (the standard
        deviation over the folds, ``ddof=0``, divided by ``sqrt(n_folds)``).
""",
    "n_jobs": """
    n_jobs : int, default=None
        Number of (fold, penalty) paths fitted in parallel by joblib (None:
        one at a time, -1: all cores).  With more than one job, BLAS runs on
        one thread in every worker.
""",
    "refit": """
    refit : bool, default=True
        Refit the chosen penalty and alpha on all the data.  Without it only
        the cross-validation results are kept and the estimator cannot
        predict.
""",
}

# The CV estimators' own meaning of a shared parameter
_CV_ENTRIES = {
    "warm_start": """
    warm_start : bool, default=False
        When True, every path (each fold's and the refit's) starts from the
        network of the previous call to fit instead of a fresh
        initialisation.  The fits along a path are always warm-started.
""",
}

_ATTRIBUTES = """
    Attributes
    ----------
    loss_ : float
        The objective (data term plus penalty) at the last epoch or iteration.

    best_loss_ : float or None
        The smallest objective seen; None when early stopping is used.

    loss_curve_ : list of float
        The objective after each epoch ("sgd", "adam") or iteration ("lbfgs").

    data_loss_curve_ : list of float
        The data term of ``loss_curve_``.

    penalty_curve_ : list of float
        The penalty term of ``loss_curve_``, ``alpha * Omega(W) / sum(s)``,
        at the weights each epoch starts from.

    validation_scores_ : list of float or None
        Score on the held-out split after each epoch when early stopping
        (``nan`` for a diverged epoch); None otherwise.

    validation_loss_curve_ : list of float or None
        The data term (as in ``data_loss_curve_``) on the held-out split after
        each epoch when early stopping; None otherwise.

    best_validation_score_ : float or None
        The best of ``validation_scores_``; None without early stopping.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray of shape (n_fan_in, n_fan_out)
        Weight matrix of each layer.

    intercepts_ : list of ndarray of shape (n_fan_out,)
        Bias vector of each layer.

    sparsity_ : list of float
        Fraction of the weights of each layer that are exactly zero.

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Norm of each input feature's first-layer weights (zero for a feature
        the network does not read).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs or iterations run by the last call to fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Name of the output activation.

    alpha_ : float or ndarray of shape (`n_layers_` - 1,)
        With ``alpha="evidence"``: the strength of the final fit, one per
        weight matrix (a float for a network without hidden layers).

    prior_precision_ : float or ndarray of shape (`n_layers_` - 1,)
        With ``alpha="evidence"``: the precision of the Gaussian prior on each
        weight matrix (``alpha_`` times ``noise_precision_`` for the squared
        error, ``alpha_`` otherwise).

    effective_parameters_ : float
        With ``alpha="evidence"``: the effective number of weights, gamma, at
        the final fit.

    log_evidence_ : float
        With ``alpha="evidence"``: the Laplace approximation of the log
        marginal likelihood at the final fit.

    alpha_history_ : ndarray of shape (n_updates + 1,) or (n_updates + 1, n_groups)
        With ``alpha="evidence"``: the strengths from the first to the last,
        one row per update (``n_groups = n_layers_ - 1``, one per weight
        matrix).
"""

_CLASSES = """
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels for each output.
"""


_NOTES = r"""
    Notes
    -----
    With sample weights :math:`s_i` the objective is, for every solver and
    batch size,

    .. math::

        \tilde J(W, b) = \frac{\sum_i s_i\, \mathrm{loss}_i
                               + \alpha\, \Omega(W)}{\sum_i s_i}.

    A mini-batch step uses the batch's weighted mean loss gradient plus
    :math:`\alpha \nabla\Omega(W) / \sum_i s_i` with the sum over the whole fit
    (or ``partial_fit`` call).  With "lbfgs" and ``penalty="l2"`` this is
    exactly scikit-learn's MLP objective; scikit-learn's "sgd" and "adam" divide
    the penalty by the mini-batch's weight sum instead, which makes their L2
    ``n / batch_size`` times stronger.  skreg deliberately keeps one objective,
    so a value of ``alpha`` means the same model whatever the solver.

    The squared error of a multi-output regressor is
    :math:`\frac12 \sum_j (z_j - y_j)^2` per sample, whose gradient is exactly
    :math:`z - y` (scikit-learn averages the loss over outputs but not its
    gradient, scikit-learn issue 8349).
"""

_EXAMPLES = {
    "classifier": """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skreg import RegularizedMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = RegularizedMLPClassifier(hidden_layer_sizes=(), solver="lbfgs",
    ...                                penalty="l1", alpha=5.0, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    >>> bool((clf.coefs_[0] == 0).any())
    True
""",
    "regressor": """
    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RegularizedMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = RegularizedMLPRegressor(hidden_layer_sizes=(), solver="lbfgs",
    ...                               penalty="l2", alpha=1.0, random_state=0)
    >>> reg = reg.fit(X, y)
    >>> round(reg.score(X, y), 2)
    0.45
""",
}


_NOISE = """
    noise_precision_ : float
        With ``alpha="evidence"`` and the squared error: the precision beta of
        the Gaussian noise of the targets (all outputs share it); ``predict``
        with ``return_std=True`` uses it.
"""


# ---------------------------------------------------------------- CV estimators
_CV_SUMMARY = {
    "classifier": """MLP classifier with penalty and alpha chosen by cross-validation.

    For every fold and penalty, the network is fitted from the smallest alpha
    to the largest, each fit warm-started from the previous one (as
    :class:`~sklearn.linear_model.LassoCV` and
    :class:`~sklearn.linear_model.LogisticRegressionCV` warm-start theirs,
    in the other direction, for linear models),
    and every fit is scored on the fold's held-out part.  The chosen penalty
    and alpha are refitted on all the data, continuing the first fold's
    network at that alpha; the CV estimator then predicts through the refitted
    :class:`RegularizedMLPClassifier`, ``best_estimator_``, whose fitted
    attributes it shows.
""",
    "regressor": """MLP regressor with penalty and alpha chosen by cross-validation.

    For every fold and penalty, the network is fitted from the smallest alpha
    to the largest, each fit warm-started from the previous one (as
    :class:`~sklearn.linear_model.LassoCV` and
    :class:`~sklearn.linear_model.ElasticNetCV` warm-start theirs, in the
    other direction, for linear models), and
    every fit is scored on the fold's held-out part.  The chosen penalty and
    alpha are refitted on all the data, continuing the first fold's network
    at that alpha; the CV estimator then predicts through the refitted
    :class:`RegularizedMLPRegressor`, ``best_estimator_``, whose fitted
    attributes it shows.
""",
}


_CV_ATTRIBUTES = """
    Attributes
    ----------
    alpha_ : float
        The chosen strength (0.0 when the chosen penalty is None).

    penalty_ : str, penalty object or None
        The chosen penalty.

    alphas_ : ndarray of shape (n_alphas,)
        The strengths of the paths, in decreasing order.

    penalties_ : tuple
        The penalties compared.

    scores_ : dict
        For each penalty, an ndarray of shape (n_folds, n_alphas): the
        held-out score of every fold's fit at every alpha, columns in the
        order of ``alphas_`` (for None, one fit's score repeated).

    train_scores_ : dict
        The same for the training part of every fold.

    n_iter_path_ : dict
        For each penalty, an int ndarray of shape (n_folds, n_alphas): the
        epochs or iterations of every fit along the paths, which the warm
        starts keep small after the first alphas.

    cv_results_ : dict of ndarray
        One entry per (penalty, alpha) candidate (a single one for None), as
        in :class:`~sklearn.model_selection.GridSearchCV`: ``param_penalty``,
        ``param_alpha``, ``params``, ``mean_test_score``,
        ``std_test_score``, ``mean_train_score``, ``std_train_score``,
        ``mean_n_iter``, ``mean_zero_fraction`` (of the weights, over the
        folds' fits), ``mean_fit_time`` (seconds per fit) and
        ``rank_test_score``.

    best_index_ : int
        Index in ``alphas_`` of ``alpha_`` (0 for the penalty None).

    grid_extensions_ : list of str
        With an int ``alphas``, each growth of the grid past an end where the
        best mean score sat: ``"smaller"`` or ``"larger"`` (about a decade
        each, at most three per end, until a growth raises the best mean
        score by less than 0.1% of the scores' range); empty when the best
        lay inside.

    best_score_ : float
        Mean held-out score of the chosen candidate.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    best_estimator_ : RegularizedMLPClassifier or RegularizedMLPRegressor
        With ``refit=True``: the plain estimator refitted on all the data at
        ``penalty_`` and ``alpha_``, through which the CV estimator predicts
        and scores.

    coefs_, intercepts_, loss_, loss_curve_, n_iter_, sparsity_, ...
        With ``refit=True``, the fitted attributes of ``best_estimator_``,
        read from it: ``coefs_``, ``intercepts_``, ``n_iter_``, ``t_``,
        ``loss_``, ``loss_curve_``, ``best_loss_``, ``data_loss_curve_``,
        ``penalty_curve_``, ``validation_scores_``,
        ``validation_loss_curve_``, ``best_validation_score_``,
        ``n_layers_``, ``n_outputs_``, ``out_activation_``, ``sparsity_`` and
        ``feature_importances_``; ``n_iter_`` is the refit's, and the
        curves run along the first fold's path up to ``alpha_`` and then
        the refit, which continues that path's network on all the data.
"""

_CV_CLASSES = """
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels for each output (``best_estimator_.classes_``).
"""

_CV_NOTES = """
    Notes
    -----
    A fit along a path is warm-started from the previous, weaker alpha's
    solution, so after the first it starts near its optimum and stops after
    few epochs (``n_iter_path_``).  The paths go upwards because a network
    trained at a weak penalty shrinks smoothly to a stronger one's optimum,
    while one shrunk by a strong penalty (tiny weights, near the saddle
    point of zero) regrows slowly: from the largest alpha down, Adam's path
    fits stayed far behind cold fits (:func:`skreg.regularization_path`,
    which goes down for the order in which weights enter, restarts after a
    network collapsed).  The convergence warnings of the path
    fits are summarised in one ConvergenceWarning; the refit warns as a
    plain fit does.  Callbacks set on the CV estimator observe the refit.

    The CV estimator is a meta-estimator, as
    :class:`~sklearn.linear_model.LassoCV` is beside
    :class:`~sklearn.linear_model.Lasso`: it builds its plain estimators from
    its own parameters and keeps the refitted one as ``best_estimator_``.  It
    has no ``alpha`` or ``penalty`` parameter (it chooses them), and no
    ``partial_fit`` (it chooses by full fits along paths); ``compact()``
    returns the compacted ``best_estimator_``.
"""

_CV_EXAMPLES = {
    "classifier": """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skreg import RegularizedMLPClassifierCV
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = RegularizedMLPClassifierCV(
    ...     hidden_layer_sizes=(), solver="lbfgs", alphas=[10.0, 1.0, 0.1],
    ...     penalties=("l2", "l1"), cv=3, max_iter=500, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> clf.scores_["l1"].shape
    (3, 3)
    >>> clf.score(X, y) > 0.9
    True
""",
    "regressor": """
    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RegularizedMLPRegressorCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = RegularizedMLPRegressorCV(
    ...     hidden_layer_sizes=(), solver="lbfgs", alphas=5, cv=5, random_state=0)
    >>> reg = reg.fit(X, y)
    >>> reg.grid_extensions_  # the best sat at the smaller end, up to a plateau
    ['smaller', 'smaller', 'smaller']
    >>> bool(reg.alpha_ < 1e-3)  # least squares is best on these 10 features
    True
""",
}


def _activation_entry():
    names = ", ".join(f'"{name}"' for name in ACTIVATIONS)
    return f"""
    activation : {{{names}}}, default="relu"
        Activation function of the hidden layers.
"""


def _path_max_iter_entry(divisors):
    """The entry of ``path_max_iter``, with the "auto" budgets the CV uses."""
    sgd, adam, lbfgs = (divisors[solver] for solver in ("sgd", "adam", "lbfgs"))
    return f"""
    path_max_iter : int, "auto" or None, default="auto"
        The largest number of epochs (iterations) of a warm-started fit along
        a path, which continues the previous alpha's fit.  The first fit of a
        path (at its smallest alpha) and the refit, at ``alpha_``, get
        ``max_iter``.  "auto" divides ``max_iter`` by
        {sgd} for "sgd", {adam} for "adam" (whose fits seldom meet ``tol``
        within ``max_iter``, warm or cold) and {lbfgs} for "lbfgs" (whose warm
        starts converge in few iterations), keeping at least 1; None never
        caps.  A capped fit that reaches its cap does not warn.
"""


def _parameters_section(estimator_class, entries):
    """The Parameters section: an entry per parameter of the class's signature.

    Entries are looked up by name; one entry may document several parameters
    ("beta_1, beta_2"), and is then written once.
    """
    keys = []
    for name in inspect.signature(estimator_class).parameters:
        key = next(key for key in entries if name in key.split(", "))
        if key not in keys:
            keys.append(key)
    return "\n    Parameters\n    ----------" + "".join(entries[k] for k in keys)


def _see_also(kind):
    if kind in ("classifier", "regressor"):
        return (
            "    sklearn.neural_network.MLPClassifier : The scikit-learn classifier "
            "that skreg's follows parameter for parameter.\n"
            "    sklearn.neural_network.MLPRegressor : The scikit-learn regressor "
            "that skreg's follows parameter for parameter.\n"
        )
    plain = "RegularizedMLPClassifier" if kind == "classifier_cv" else (
        "RegularizedMLPRegressor")  # fmt: skip
    return (
        f"    {plain} : The estimator fitted along the paths.\n"
        "    sklearn.model_selection.GridSearchCV : Cold fits of every "
        "candidate.\n    regularization_path : One path on one split.\n"
    )


def _sections(kind):
    """Summary, Attributes and what follows See Also, per kind of estimator."""
    task = kind.removesuffix("_cv")
    if kind == task:
        extra = _CLASSES if task == "classifier" else _NOISE
        return _SUMMARY[task], _ATTRIBUTES + extra, _NOTES + _EXAMPLES[task]
    extra = _CV_CLASSES if task == "classifier" else ""
    attributes = _CV_ATTRIBUTES.rstrip() + "\n" + extra
    return _CV_SUMMARY[task], attributes, _CV_NOTES + _CV_EXAMPLES[task]


def documented(kind, auto_path_divisors=None):
    """Class decorator: the numpydoc docstring of an estimator, from its signature.

    Parameters
    ----------
    kind : {"classifier", "regressor", "classifier_cv", "regressor_cv"}
        Which summary, attributes, notes and examples the class gets.
    auto_path_divisors : dict, default=None
        The CV estimators' "auto" budget of a warm-started fit, ``max_iter``
        divided by this, per solver (for the ``path_max_iter`` entry).

    Returns
    -------
    decorate : callable
        Sets ``__doc__`` of the class it is applied to and returns the class.
    """
    entries = {**_PARAMETER_ENTRIES, "activation": _activation_entry()}
    if kind.endswith("_cv"):
        entries.update(_CV_ENTRIES)
        entries["path_max_iter"] = _path_max_iter_entry(auto_path_divisors)
    summary, attributes, closing = _sections(kind)

    def decorate(estimator_class):
        estimator_class.__doc__ = (
            summary + _parameters_section(estimator_class, entries) + attributes
            + "\n    See Also\n    --------\n" + _see_also(kind) + closing
        )  # fmt: skip
        return estimator_class

    return decorate
