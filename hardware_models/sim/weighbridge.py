"""Simulated electronic weighbridge (电子地磅)."""

from __future__ import annotations

import numpy as np

from core.gate import DeviceKind
from hardware_models.sim.base import SimSensor

__all__ = ["SimWeighbridge"]


class SimWeighbridge(SimSensor):
    """Weighs the whole truck: true weight plus Gaussian noise (``noise_sd`` in kg).

    A misread is a truck not fully on the platform: 5–30% too light.
    """

    kind = DeviceKind.WEIGHBRIDGE

    def present(self, weight_kg: float, now: float) -> float:
        """Drive a truck of true ``weight_kg`` onto the platform at ``now``.

        Returns:
            The time (seconds) at which the weight can be read.
        """
        return self._stimulate((float(weight_kg),), now)

    def _observe(self, truth: float, u: np.ndarray, z: float) -> float:
        return max(0.0, truth + self.params.noise_sd * z)

    def _misread(self, truth: float, u: np.ndarray, z: float) -> float:
        return truth * (0.95 - 0.25 * float(u[2]))
