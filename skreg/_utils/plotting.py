"""matplotlib, imported only when something is drawn (it is an optional extra)."""

import numpy as np


def import_pyplot():
    """Return ``matplotlib.pyplot``, or raise an ImportError that says how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot() needs matplotlib: pip install matplotlib (or skreg[plot])"
        ) from exc
    return plt


def plot_mean_and_band(ax, x, mean, std, *, floor=None, **line_options):
    """Draw ``mean`` against ``x`` with a band of one ``std``, in the line's color.

    ``floor`` (an array or scalar) bounds the band from below, for a log axis
    where ``mean - std`` may be negative.  Returns the line.
    """
    (line,) = ax.plot(x, mean, **line_options)
    low = mean - std if floor is None else np.maximum(mean - std, floor)
    ax.fill_between(x, low, mean + std, color=line.get_color(), alpha=0.2)
    return line
