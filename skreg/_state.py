"""Keep a fitted estimator unchanged when a call that updates it fails."""

import copy
from contextlib import contextmanager


@contextmanager
def restore_state_on_error(estimator):
    """Restore every non-parameter attribute of ``estimator`` if the block raises.

    Constructor parameters are never modified by fitting, so only the fitted
    (and private) attributes are saved; they are deep-copied because training
    updates arrays and lists in place.
    """
    params = estimator.get_params(deep=False)
    saved = {
        name: copy.deepcopy(value)
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
