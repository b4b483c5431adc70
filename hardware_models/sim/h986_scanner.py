"""Simulated H986 container/vehicle X-ray scanner (H986 集装箱/车辆检查系统).

A scanner is a request → busy → result cycle: :meth:`SimH986Scanner.request` starts a
scan (about 2.5 min by the published figure, the ``latency_s`` parameter), the scanner
is busy until then, and :meth:`SimSensor.read` delivers the verdict as a reading whose
value is ``"clear"`` or ``"suspect"``. A request while busy is refused with a ``busy``
fault; a scan that yields no usable image is a ``no_read`` fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.gate import DeviceKind
from hardware_models.sim.base import SimSensor
from hardware_models.sim.params import SimSensorParams

__all__ = ["ScanSubject", "SimH986Scanner"]


@dataclass(frozen=True)
class ScanSubject:
    """What is driven through the scanner.

    Attributes:
        case_id: The passage scanned.
        anomaly: Ground truth known only to the twin: whether the load holds something
            the image would show (undeclared goods, hidden compartments). A real driver
            ignores it.
    """

    case_id: str
    anomaly: bool = False


class SimH986Scanner(SimSensor):
    """An H986 scanner with scan time, detection misses and false alarms (``misread_rate``)."""

    kind = DeviceKind.H986_SCANNER

    def __init__(
        self, device_id: str, *, rng: np.random.Generator, params: SimSensorParams | None = None
    ) -> None:
        """Create the scanner; arguments as for every simulated sensor (``rng``, ``params``)."""
        super().__init__(device_id, rng=rng, params=params)
        self._busy_until = float("-inf")

    def is_busy(self, now: float) -> bool:
        """Return whether a scan is in progress at ``now``."""
        return now < self._busy_until

    def request(self, subject: ScanSubject, now: float) -> float:
        """Start scanning ``subject`` at ``now``.

        Returns:
            The time (seconds) at which the verdict can be read; ``now`` when the request
            was refused (busy, failed, not active) and a fault waits in the outbox.
        """
        if self.is_busy(now):
            self._post(now, self._fault("busy", "scan in progress", now))
            return now
        ready = self._stimulate((subject,), now)
        if ready > now:
            self._busy_until = ready
        return ready

    def present(self, subject: ScanSubject, now: float) -> float:
        """Same as :meth:`request`: the stimulus every simulated sensor offers."""
        return self.request(subject, now)

    def _observe(self, truth: ScanSubject, u: Sequence[float], z: float) -> str:
        return "suspect" if truth.anomaly else "clear"

    def _misread(self, truth: ScanSubject, u: Sequence[float], z: float) -> str:
        return "clear" if truth.anomaly else "suspect"
