"""Simulated lane barrier (electronic barrier, 电子道闸)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.gate import DeviceFault, DeviceKind, OpenBarrier
from hardware_models.ports import DeviceLifecycle, LifecycleState

__all__ = ["SimBarrier", "SimBarrierParams"]


@dataclass(frozen=True)
class SimBarrierParams:
    """Behaviour of a simulated barrier.

    Attributes:
        open_time_s: Seconds from command to fully open.
        stuck_rate: Probability that an open command fails (barrier stuck).
    """

    open_time_s: float = 2.0
    stuck_rate: float = 0.0


class SimBarrier(DeviceLifecycle):
    """A barrier that opens on :class:`core.gate.OpenBarrier` and can stick."""

    kind = DeviceKind.BARRIER

    def __init__(
        self, device_id: str, *, rng: np.random.Generator, params: SimBarrierParams | None = None
    ) -> None:
        """Create the barrier ``device_id`` drawing from its own random stream ``rng``."""
        self.device_id = device_id
        self.params = params or SimBarrierParams()
        self._rng = rng
        self.opened = 0

    def write(self, command: object, now: float) -> DeviceFault | None:
        """Carry out an ``OpenBarrier`` command; other commands are refused as a fault."""
        if self.state is not LifecycleState.ACTIVE:
            return DeviceFault(self.device_id, self.kind, "not_active", self.state.value, now)
        if not isinstance(command, OpenBarrier):
            return DeviceFault(
                self.device_id, self.kind, "bad_command", type(command).__name__, now
            )
        if self._rng.random() < self.params.stuck_rate:
            return DeviceFault(self.device_id, self.kind, "stuck", "barrier did not open", now)
        self.opened += 1
        return None
