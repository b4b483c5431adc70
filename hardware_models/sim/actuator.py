"""The common machinery of simulated actuators: lifecycle, failures, stuck commands."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from core.gate import DeviceFault, DeviceKind
from hardware_models.ports import DeviceLifecycle, LifecycleState
from hardware_models.sim.failures import FailureProcess
from hardware_models.sim.params import SimActuatorParams

__all__ = ["SimActuator"]


class SimActuator(DeviceLifecycle):
    """Base of the simulated actuators; subclasses set ``kind``, ``command`` and ``_do``."""

    kind: ClassVar[DeviceKind]
    command: ClassVar[type]

    def __init__(
        self,
        device_id: str,
        *,
        rng: np.random.Generator,
        params: SimActuatorParams | None = None,
    ) -> None:
        """Create the actuator ``device_id`` drawing from its own random stream ``rng``."""
        self.device_id = device_id
        self.params = params or SimActuatorParams()
        self._rng = rng
        self._failures = FailureProcess(rng.spawn(1)[0], self.params.mttf_h, self.params.mttr_min)

    def write(self, command: object, now: float) -> DeviceFault | None:
        """Carry out ``command`` at ``now``; return a fault instead of raising.

        One uniform is drawn per command whatever happens (common random numbers).
        """
        u = float(self._rng.random())
        down = self._failures.is_down(now)
        if self.state is LifecycleState.FAULTED and not down:
            self.activate()  # repaired
        if self.state is LifecycleState.ACTIVE and down:
            self.mark_faulted()
            return self._fault("device_down", "actuator failed", now)
        if self.state is not LifecycleState.ACTIVE:
            return self._fault("not_active", self.state.value, now)
        if not isinstance(command, self.command):
            return self._fault("bad_command", type(command).__name__, now)
        if u < self.params.stuck_rate:
            return self._fault("stuck", "command not carried out", now)
        self._do(command, now)
        return None

    def _fault(self, code: str, detail: str, now: float) -> DeviceFault:
        return DeviceFault(self.device_id, self.kind, code, detail, now)

    def _do(self, command: object, now: float) -> None:
        raise NotImplementedError
