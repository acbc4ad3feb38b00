"""matplotlib, imported only when something is drawn (it is an optional extra)."""


def import_pyplot():
    """Return ``matplotlib.pyplot``, or raise an ImportError that says how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot() needs matplotlib: pip install matplotlib (or skreg[plot])"
        ) from exc
    return plt
