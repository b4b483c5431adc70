"""Simulated licence-plate OCR camera."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np

from core.gate import DeviceFault, DeviceKind, Reading
from hardware_models.ports import DeviceLifecycle, LifecycleState
from hardware_models.sim.failures import FailureProcess
from hardware_models.sim.params import SimSensorParams

__all__ = ["SimPlateCamera"]

# A misread swaps one glyph for the one OCR most often takes it for.
_MISREAD = {"0": "O", "O": "0", "8": "B", "B": "8", "1": "I", "I": "1", "5": "S", "S": "5"}
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


class SimPlateCamera(DeviceLifecycle):
    """A plate camera that reads what is in front of it, with latency and errors.

    The twin *presents* a truck's true plate with :meth:`present`; the reading becomes
    available after the drawn latency and is collected with :meth:`read`, exactly as the
    live runtime collects a real camera's readings.
    """

    kind = DeviceKind.PLATE_CAMERA

    def __init__(
        self, device_id: str, *, rng: np.random.Generator, params: SimSensorParams | None = None
    ) -> None:
        """Create the camera ``device_id`` drawing from its own random stream ``rng``."""
        self.device_id = device_id
        self.params = params or SimSensorParams()
        self._rng = rng
        self._failures = FailureProcess(rng, self.params.mttf_h, self.params.mttr_min)
        self._seq = 0
        self._outbox: deque[tuple[float, Reading | DeviceFault]] = deque()

    @property
    def downtime_s(self) -> float:
        """Seconds spent failed so far."""
        return self._failures.downtime_s

    def present(self, plate: str, now: float) -> float:
        """Put a truck with the true ``plate`` in front of the camera at ``now``.

        Returns:
            The time (seconds) at which the result can be read.
        """
        if self.state is not LifecycleState.ACTIVE or self._failures.is_down(now):
            if self.state is LifecycleState.ACTIVE:
                self.mark_faulted()
            fault = DeviceFault(self.device_id, self.kind, "device_down", "camera failed", now)
            self._outbox.append((now, fault))
            return now
        ready = now + max(0.0, self.params.latency_s.sample(self._rng))
        u_miss, u_misread = self._rng.random(2)
        result: Reading | DeviceFault
        if u_miss < self.params.miss_rate:
            result = DeviceFault(self.device_id, self.kind, "no_read", "no plate found", ready)
        else:
            text = self._misread(plate) if u_misread < self.params.misread_rate else plate
            self._seq += 1
            confidence = float(0.6 + 0.4 * self._rng.random()) if text != plate else 0.97
            result = Reading(self.device_id, self.kind, text, confidence, self._seq, ready)
        self._outbox.append((ready, result))
        return ready

    def read(self, now: float) -> Sequence[Reading | DeviceFault]:
        """Return the results that are ready at ``now``."""
        if self.state is LifecycleState.FAULTED and not self._failures.is_down(now):
            self.activate()  # repaired
        out: list[Reading | DeviceFault] = []
        while self._outbox and self._outbox[0][0] <= now:
            out.append(self._outbox.popleft()[1])
        return out

    def _misread(self, plate: str) -> str:
        if not plate:
            return plate
        i = int(self._rng.integers(len(plate)))
        ch = plate[i]
        sub = _MISREAD.get(ch) or _ALNUM[int(self._rng.integers(len(_ALNUM)))]
        return plate[:i] + sub + plate[i + 1 :]
