"""What every solver reports: the ``verbose`` line, and the non-finite failure."""


def progress_line(iteration, loss, data_loss, zero_fraction):
    """The ``verbose`` line of an epoch or iteration.

    ``zero_fraction`` is the fraction of exactly-zero weights over all layers
    (``skreg._network.zero_fraction``), the same for every solver.
    """
    return (
        f"Iteration {iteration}, loss = {loss:.8f} (data {data_loss:.8f}, "
        f"penalty {loss - data_loss:.8f}, zero weights {zero_fraction:.1%})"
    )


NON_FINITE_WEIGHTS = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed."
)
"""scikit-learn's message when training never reached finite weights."""
