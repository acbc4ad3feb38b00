"""scikit-learn's callback API (``sklearn.callback``, new in 1.9), when present.

The estimators report the fit as one task with one subtask per epoch ("sgd",
"adam") or iteration ("lbfgs").  Nothing is set up unless callbacks are set on
the estimator or propagated to it by a meta-estimator, so a fit without
callbacks pays nothing; with a scikit-learn that has no callback module the
estimators simply do not offer ``set_callbacks``.
"""

import copy

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:  # noqa: D101 - a stand-in with no behaviour
        pass


def start_fit(estimator, X, y, max_subtasks):
    """Return the fit's callback context, or None when no callback listens."""
    listening = getattr(estimator, "_skl_callbacks", None) or hasattr(
        estimator, "_parent_callback_ctx"
    )
    if not listening or not hasattr(estimator, "_init_callback_context"):
        return None
    context = estimator._init_callback_context(max_subtasks=max_subtasks)
    context.call_on_fit_task_begin(estimator=estimator, X=X, y=y)
    return context


def step_reporter(context, estimator, X, y, name="epoch"):
    """A function that reports one finished step; None when no callback listens.

    Calling it returns True if a callback asks to stop.
    """
    if context is None:
        return None
    return lambda: report_step(context, estimator, X, y, name)


def report_step(context, estimator, X, y, name="epoch"):
    """Report a finished epoch or iteration; True if a callback asks to stop."""
    if context is None:
        return False
    step = context.subcontext(task_name=name)
    state = _reconstruction(estimator)
    step.call_on_fit_task_begin(estimator=estimator, X=X, y=y)
    return bool(
        step.call_on_fit_task_end(
            estimator=estimator, X=X, y=y, reconstruction_attributes=state
        )
    )


def end_fit(context, estimator, X, y):
    if context is not None:
        context.call_on_fit_task_end(
            estimator=estimator, X=X, y=y, reconstruction_attributes={}
        )


def _reconstruction(estimator):
    """Fitted weights as they are now, copied only if a callback asks for them."""
    return lambda: {
        "coefs_": copy.deepcopy(estimator.coefs_),
        "intercepts_": copy.deepcopy(estimator.intercepts_),
    }
