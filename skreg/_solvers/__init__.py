"""The solvers: the objective, L-BFGS, the mini-batch epoch, optimizers, trainer.

- ``objective``: the one regularized objective, built per fit;
- ``lbfgs``: full-batch L-BFGS-B (split weights for an L1 part);
- ``stochastic``: one mini-batch epoch (gradient step, then the penalty);
- ``optimizers``: sgd and adam updates, exposing their step for the prox;
- ``trainer``: the epoch loop, stopping rules, early stopping, divergence guard;
- ``evidence``: ``alpha="evidence"``, MAP fits alternating with evidence updates.

Each solver declares below which penalty capabilities it can use
(``skreg._penalties.base``); :func:`check_penalty_supported` is the one check
that rejects a penalty a solver cannot apply.
"""

from .evidence import EvidenceResult, fit_evidence
from .lbfgs import fit_lbfgs
from .objective import Objective
from .optimizers import AdamOptimizer, SGDOptimizer
from .progress import NON_FINITE_WEIGHTS
from .trainer import (
    Checkpoint,
    HeldOut,
    MiniBatchTrainer,
    TrainingHistory,
    split_held_out,
)

__all__ = [
    "NON_FINITE_WEIGHTS",
    "SOLVER_NEEDS",
    "AdamOptimizer",
    "Checkpoint",
    "EvidenceResult",
    "HeldOut",
    "MiniBatchTrainer",
    "Objective",
    "SGDOptimizer",
    "TrainingHistory",
    "check_penalty_supported",
    "fit_evidence",
    "fit_lbfgs",
    "solver_supports",
    "split_held_out",
]

SOLVER_NEEDS = {
    # L-BFGS-B minimises a smooth function, or one made smooth by split weights
    "lbfgs": ("gradient", "l1_split"),
    # a mini-batch step takes the penalty's gradient, or its prox after the step
    "sgd": ("gradient", "prox"),
    "adam": ("gradient", "prox"),
}
"""For each solver, the penalty capabilities it can work with (any one of them)."""


def solver_supports(solver, penalty):
    """True when ``solver`` can apply ``penalty`` (a Penalty object)."""
    return any(need in penalty.capabilities for need in SOLVER_NEEDS[solver])


def check_penalty_supported(solver, penalty, name):
    """Raise a ValueError if ``solver`` cannot apply ``penalty``, naming those that can.

    ``name`` is how the user gave the penalty (the ``penalty`` parameter).
    """
    if solver_supports(solver, penalty):
        return
    able = [other for other in SOLVER_NEEDS if solver_supports(other, penalty)]
    if penalty.capabilities == {"prox"}:
        how = "is applied by a proximal step"
    else:
        offered = ", ".join(sorted(penalty.capabilities)) or "none"
        how = f"offers the capabilities ({offered})"
    advice = (
        "use solver=" + " or ".join(repr(s) for s in able)
        if able
        else "no solver can apply it (see skreg._penalties.base)"
    )
    raise ValueError(
        f"penalty={name!r} {how}, which solver={solver!r} does not take; {advice}."
    )
