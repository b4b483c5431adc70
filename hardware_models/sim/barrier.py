"""Simulated lane barrier (electronic barrier, 电子道闸)."""

from __future__ import annotations

import numpy as np

from core.gate import DeviceKind, OpenBarrier
from hardware_models.sim.actuator import SimActuator
from hardware_models.sim.params import SimActuatorParams

__all__ = ["SimBarrier", "SimBarrierParams"]

SimBarrierParams = SimActuatorParams  # the name the walking skeleton used


class SimBarrier(SimActuator):
    """A barrier that opens on :class:`core.gate.OpenBarrier` and can stick or fail."""

    kind = DeviceKind.BARRIER
    command = OpenBarrier

    def __init__(
        self, device_id: str, *, rng: np.random.Generator, params: SimActuatorParams | None = None
    ) -> None:
        """Create the barrier; ``rng`` and ``params`` as for every simulated actuator."""
        super().__init__(device_id, rng=rng, params=params)
        self.opened = 0

    def _do(self, command: object, now: float) -> None:
        self.opened += 1
