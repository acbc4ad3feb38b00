"""Keep a fitted estimator unchanged when a call that updates it fails."""

import copy
from contextlib import contextmanager


@contextmanager
def restore_state_on_error(estimator):
    """Restore every non-parameter attribute of ``estimator`` if the block raises.

    Constructor parameters are never modified by fitting, so only the fitted
    (and private) attributes are saved; they are deep-copied because training
    updates arrays and lists in place.  The callback plumbing scikit-learn
    attaches (``_skl_callbacks``, ``_parent_callback_ctx``, ...) is kept by
    reference: it belongs to the caller, and a meta-estimator's context holds
    its whole task tree (deep-copying it made a grid search 20% slower).
    """
    params = estimator.get_params(deep=False)
    saved = {
        name: value if "callback" in name else copy.deepcopy(value)
        for name, value in vars(estimator).items()
        if name not in params
    }
    try:
        yield
    except BaseException:
        for name in [n for n in vars(estimator) if n not in params]:
            delattr(estimator, name)
        vars(estimator).update(saved)
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
