"""Simulated radiation portal monitor (辐射探测门)."""

from __future__ import annotations

from collections.abc import Sequence

from core.gate import DeviceKind
from hardware_models.sim.base import SimSensor

__all__ = ["SimRadiationPortal"]


class SimRadiationPortal(SimSensor):
    """Measures radiation as a multiple of background (1.0 = nothing there).

    Noise is ``noise_sd`` background multiples; a misread is a false alarm, a spike of
    two to three times background (natural sources, a passing cloud of radon).
    """

    kind = DeviceKind.RADIATION_PORTAL

    def present(self, level_ratio: float, now: float) -> float:
        """Drive a truck emitting ``level_ratio`` × background through at ``now``.

        Returns:
            The time (seconds) at which the measurement can be read.
        """
        return self._stimulate((float(level_ratio),), now)

    def _observe(self, truth: float, u: Sequence[float], z: float) -> float:
        return max(0.0, truth + self.params.noise_sd * z)

    def _misread(self, truth: float, u: Sequence[float], z: float) -> float:
        return truth + 1.0 + float(u[2])
