"""Keep a fitted estimator unchanged when a call that updates it fails."""

from contextlib import contextmanager

import numpy as np


class FitGuard:
    """What a failing call must undo, saved without copying the model.

    A call replaces most fitted attributes by new objects, so references to
    the old ones are enough to restore them.  What a call changes in place is
    saved apart: lists (the loss curves grow) are copied, a random state's
    state is kept, and the arrays that training updates in place (the flat
    parameter vector and the optimizer's state, for warm starts and
    ``partial_fit``) are saved by whoever is about to change them, which
    registers how to put them back with :meth:`on_failure`.  Deep-copying the
    whole model instead cost a fifth of a small ``partial_fit`` call on a
    large network, and twice its memory.
    """

    def __init__(self, estimator):
        self.estimator = estimator
        params = estimator.get_params(deep=False)
        self._saved = {
            name: _snapshot(value)
            for name, value in vars(estimator).items()
            if name not in params and not _is_callback_plumbing(name)
        }
        self._undo = []

    def on_failure(self, undo):
        """Call ``undo()`` (it restores state changed in place) if the call fails."""
        self._undo.append(undo)

    def restore(self):
        """Put back every attribute as it was when the guard was made."""
        for undo in reversed(self._undo):
            undo()
        params = self.estimator.get_params(deep=False)
        attributes = vars(self.estimator)
        for name in [n for n in attributes if n not in params]:
            if not _is_callback_plumbing(name):
                del attributes[name]
        for name, value in self._saved.items():
            attributes[name] = _restored(value)


class _RandomStateSnapshot:
    def __init__(self, random_state):
        self.random_state, self.state = random_state, random_state.get_state()


def _snapshot(value):
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, np.random.RandomState):
        return _RandomStateSnapshot(value)
    return value


def _restored(value):
    if isinstance(value, _RandomStateSnapshot):
        value.random_state.set_state(value.state)
        return value.random_state
    return value


def _is_callback_plumbing(name):
    """scikit-learn's callback attributes belong to its callback machinery.

    They are neither saved nor restored: ``_skl_callbacks`` and a parent's
    context are the caller's, and the context of this fit
    (``_callback_fit_ctx``, ``_skl_callbacks_to_teardown``) must survive a
    failure so that scikit-learn's fit wrapper can tear the callbacks down (a
    ``ProgressBar`` left without its teardown keeps the process from exiting).
    """
    return "callback" in name


@contextmanager
def restore_state_on_error(estimator):
    """Restore the fitted state of ``estimator`` if the block raises.

    Yields the :class:`FitGuard`, to which code that changes arrays in place
    registers how to undo it.
    """
    guard = FitGuard(estimator)
    try:
        yield guard
    except BaseException:
        guard.restore()
        raise


class AtomicSetParamsMixin:
    """``set_params`` that changes nothing when any of its keys is invalid.

    scikit-learn's ``BaseEstimator.set_params`` sets the keys one by one and
    raises at the first unknown one, leaving the earlier ones changed.
    """

    def set_params(self, **params):
        """Set the parameters of this estimator, all or none of them.

        As :meth:`sklearn.base.BaseEstimator.set_params`, but an invalid key
        raises before any parameter is changed.

        Parameters
        ----------
        **params : dict
            Estimator parameters, ``<component>__<parameter>`` for nested ones.

        Returns
        -------
        self : estimator instance
            The estimator, with the new parameters.
        """
        valid = self.get_params(deep=True)
        unknown = [key for key in params if key.partition("__")[0] not in valid]
        if unknown:
            raise ValueError(
                f"Invalid parameter {unknown[0]!r} for estimator {self}. Valid "
                f"parameters are: {sorted(self.get_params(deep=False))!r}."
            )
        return super().set_params(**params)
