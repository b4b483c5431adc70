"""Simulated licence-plate OCR camera (车牌识别)."""

from __future__ import annotations

from collections.abc import Sequence

from core.gate import DeviceKind
from hardware_models.sim.base import SimSensor, corrupt_one_glyph

__all__ = ["SimPlateCamera"]


class SimPlateCamera(SimSensor):
    """A plate camera that reads what is in front of it, with latency and errors.

    The twin *presents* a truck's true plate with :meth:`present`; the reading becomes
    available after the drawn latency and is collected with :meth:`read`, exactly as the
    live runtime collects a real camera's readings. A misread swaps one glyph for the one
    OCR most often takes it for (0/O, 8/B, 1/I, 5/S), at a lower confidence.
    """

    kind = DeviceKind.PLATE_CAMERA

    def present(self, plate: str, now: float) -> float:
        """Put a truck with the true ``plate`` in front of the camera at ``now``.

        Returns:
            The time (seconds) at which the result can be read.
        """
        return self._stimulate((plate,), now)

    def _misread(self, truth: str, u: Sequence[float], z: float) -> str:
        return corrupt_one_glyph(truth, float(u[2]), float(u[3]))
