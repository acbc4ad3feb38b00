"""The ``verbose`` line every solver prints per epoch or iteration."""


def progress_line(iteration, loss, data_loss, zero_fraction):
    """The ``verbose`` line of an epoch or iteration.

    ``zero_fraction`` is the fraction of exactly-zero weights over all layers
    (``skreg._network.zero_fraction``), the same for every solver.
    """
    return (
        f"Iteration {iteration}, loss = {loss:.8f} (data {data_loss:.8f}, "
        f"penalty {loss - data_loss:.8f}, zero weights {zero_fraction:.1%})"
    )
