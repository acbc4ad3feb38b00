"""Stochastic optimizers: gradients in, in-place parameter updates out.

Both keep their state in preallocated arrays and update the parameters in place,
and both expose the step size they just used (a scalar for SGD, one value per
coordinate for Adam) so that a penalty's proximal operator can be applied with
the matching step (the proximal steps of docs/penalties.rst).
"""

import math

import numpy as np


class SGDOptimizer:
    """Stochastic gradient descent with optional (Nesterov) momentum.

    ``v <- momentum * v - lr * g``; the parameter moves by ``v``, or by
    ``momentum * v - lr * g`` with Nesterov's momentum.

    Parameters
    ----------
    params : list of ndarray
        Parameters to update in place (coefs then intercepts).
    learning_rate_init : float
    lr_schedule : {"constant", "invscaling", "adaptive"}
    momentum : float
    nesterov : bool
    power_t : float
    """

    def __init__(
        self,
        params,
        learning_rate_init=0.1,
        lr_schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = [np.zeros_like(p) for p in params]
        self._scratch = [np.empty_like(p) for p in params]

    def state_arrays(self):
        """The arrays of the optimizer's state, updated in place by ``update``."""
        return list(self.velocities)

    def scalar_state(self):
        """The optimizer's state that is not in :meth:`state_arrays`."""
        return {"learning_rate": self.learning_rate}

    def load_scalar_state(self, state):
        """Set the state that :meth:`scalar_state` returned."""
        self.learning_rate = state["learning_rate"]

    def update(self, params, grads):
        """Take one step in place."""
        lr, mu = self.learning_rate, self.momentum
        for param, grad, velocity, scratch in zip(
            params, grads, self.velocities, self._scratch, strict=True
        ):
            np.multiply(grad, lr, out=scratch)
            velocity *= mu
            velocity -= scratch
            if self.nesterov:
                param -= scratch
                scratch[...] = velocity
                scratch *= mu
                param += scratch
            else:
                param += velocity

    def step_size(self, index):
        """Effective step of the last update, ``learning_rate / (1 - momentum)``.

        With momentum, a steady gradient g moves the parameters by
        ``learning_rate / (1 - momentum) * g`` per step (also with Nesterov's
        momentum), so this is the step the proximal operator must use for its
        fixed points to be those of the penalised objective.
        """
        return self.learning_rate / max(1.0 - self.momentum, 1e-12)

    def iteration_ends(self, time_step):
        """Update the learning rate at the end of an epoch ("invscaling")."""
        if self.lr_schedule == "invscaling":
            self.learning_rate = (
                float(self.learning_rate_init) / (time_step + 1) ** self.power_t
            )

    def trigger_stopping(self):
        """Return (stop, message suffix); "adaptive" divides the rate by 5 instead."""
        if self.lr_schedule != "adaptive":
            return True, "Stopping."
        if self.learning_rate <= 1e-6:
            return True, "Learning rate too small. Stopping."
        self.learning_rate /= 5.0
        return False, "Setting learning rate to %f" % self.learning_rate


class AdamOptimizer:
    """Adam (Kingma and Ba, 2014) with bias-corrected step size.

    The moments are kept divided by their weights' complement,
    ``ms = m / (1 - beta_1)`` and ``vs = v / (1 - beta_2)``, so that each
    update is ``ms = beta_1 * ms + g``, ``vs = beta_2 * vs + g**2`` and
    ``param -= c * ms / (sqrt(vs) + eps / sqrt(1 - beta_2))`` with
    ``c = lr_t (1 - beta_1) / sqrt(1 - beta_2)``: the step of
    ``lr_t * m / (sqrt(v) + eps)``, in ten passes over the parameters where
    the textbook form takes twelve.

    Parameters
    ----------
    params : list of ndarray
    learning_rate_init : float
    beta_1, beta_2 : float
    epsilon : float
    """

    def __init__(
        self, params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]
        self._steps = [np.empty_like(p) for p in params]
        self._steps_current = [False] * len(params)

    def state_arrays(self):
        """The arrays of the optimizer's state, updated in place by ``update``."""
        return [*self.ms, *self.vs]

    def scalar_state(self):
        """The optimizer's state that is not in :meth:`state_arrays`."""
        return {"t": self.t, "learning_rate": self.learning_rate}

    def load_scalar_state(self, state):
        """Set the state that :meth:`scalar_state` returned."""
        self.t, self.learning_rate = state["t"], state["learning_rate"]
        self._steps_current = [False] * len(self._steps)  # steps are recomputed

    def update(self, params, grads):
        """Take one step in place: ``param -= lr_t * m / (sqrt(v) + eps)``.

        ``grads`` is used as scratch space and overwritten.
        """
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        self.learning_rate = (
            self.learning_rate_init * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        # Python floats: a numpy float64 scalar would run every float32
        # operation through a float64 loop and a cast (20% slower)
        root = math.sqrt(1 - b2)
        scale, epsilon = self.learning_rate * (1 - b1) / root, self.epsilon / root
        for param, grad, m, v, scratch in zip(
            params, grads, self.ms, self.vs, self._steps, strict=True
        ):
            m *= b1
            m += grad
            v *= b2
            v += np.square(grad, out=grad)  # the gradient is consumed
            # kept in _steps: step_size turns it into the step if asked
            denominator = np.sqrt(v, out=scratch)
            denominator += epsilon
            # scaled, then divided: a step that overflows is non-finite
            # (inf / inf), not zero, as the textbook order makes it
            update = np.multiply(m, scale, out=grad)
            update /= denominator
            param -= update
        self._steps_current = [False] * len(self._steps)

    def step_size(self, index):
        """Per-coordinate steps used for parameter ``index`` in the last update.

        ``lr_t / (sqrt(v) + eps)``, that is ``lr_t / sqrt(1 - beta_2)`` over
        the denominator the update left in place, computed on demand (only
        the proximal penalties need it).
        """
        step = self._steps[index]
        if not self._steps_current[index]:
            np.divide(self.learning_rate / math.sqrt(1 - self.beta_2), step, out=step)
            self._steps_current[index] = True
        return step

    def iteration_ends(self, time_step):
        """Adam keeps its own schedule."""

    def trigger_stopping(self):
        return True, "Stopping."
