"""Simulated LED display board of a lane (LED 显示屏)."""

from __future__ import annotations

import numpy as np

from core.gate import DeviceKind, ShowOnDisplay
from hardware_models.sim.actuator import SimActuator
from hardware_models.sim.params import SimActuatorParams

__all__ = ["SimDisplayBoard"]


class SimDisplayBoard(SimActuator):
    """Shows :class:`core.gate.ShowOnDisplay` texts; keeps the last one for inspection."""

    kind = DeviceKind.DISPLAY_BOARD
    command = ShowOnDisplay

    def __init__(
        self, device_id: str, *, rng: np.random.Generator, params: SimActuatorParams | None = None
    ) -> None:
        """Create the board; ``rng`` and ``params`` as for every simulated actuator."""
        super().__init__(device_id, rng=rng, params=params)
        self.text = ""
        self.shown = 0

    def _do(self, command: object, now: float) -> None:
        assert isinstance(command, ShowOnDisplay)  # checked by write()
        self.text = command.text
        self.shown += 1
