"""matplotlib, imported only when something is drawn (it is an optional extra)."""

import numpy as np


def import_pyplot():
    """Return ``matplotlib.pyplot``, or raise an ImportError that says how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot() needs matplotlib: pip install matplotlib (in skreg's checkout: "
            'pip install -e ".[plot]")'
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


def mark_empty_networks(ax, x):
    """Mark empty networks at ``x`` with gray triangles on the bottom edge of ``ax``.

    A network whose weights are all zero is the constant model (the majority
    class, R^2 = 0), whose score lies far below the others': scaled to it,
    the differences that matter would flatten.  The triangles' height is in
    axes coordinates, so they stay on the edge whatever the limits and do
    not widen them.
    """
    if len(x):
        ax.plot(x, np.zeros(len(x)), "v", color="gray", clip_on=False,
                transform=ax.get_xaxis_transform(),
                label="empty network (constant model)")  # fmt: skip
