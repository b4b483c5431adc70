"""Simulated electronic weighbridge (电子地磅), showing what its indicator displays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.gate import DeviceKind
from hardware_models.sim.base import SimSensor
from hardware_models.sim.params import SimSensorParams

__all__ = ["DISPLAY_INCREMENT_KG", "SimWeighbridge", "display_weight"]

DISPLAY_INCREMENT_KG = 10.0  # the display increment of the Toledo encoder (docs/protocols.md)


def display_weight(weight_kg: float, increment_kg: float = DISPLAY_INCREMENT_KG) -> float:
    """Return ``weight_kg`` as an indicator displays it: rounded to its display increment.

    A weighbridge terminal (Mettler-Toledo and the like) shows and sends the weight in
    whole display increments (10 or 20 kg on a truck scale); the twin's model and the
    serial encoder round through this one function, so a weight crosses a serial line
    unchanged.
    """
    return float(round(max(0.0, weight_kg) / increment_kg)) * increment_kg


class SimWeighbridge(SimSensor):
    """Weighs the whole truck: true weight plus Gaussian noise (``noise_sd`` in kg).

    The weight is shown in whole display increments (``increment_kg``), as its indicator
    does, with confidence 1 (a scale reports none). A misread is a truck not fully on
    the platform: 5–30% too light.
    """

    kind = DeviceKind.WEIGHBRIDGE
    reports_confidence = False

    def __init__(
        self,
        device_id: str,
        *,
        rng: np.random.Generator,
        params: SimSensorParams | None = None,
        increment_kg: float = DISPLAY_INCREMENT_KG,
        **_ignored: Any,
    ) -> None:
        """Create the weighbridge; ``increment_kg`` is its indicator's display increment."""
        super().__init__(device_id, rng=rng, params=params)
        self.increment_kg = increment_kg

    def present(self, weight_kg: float, now: float) -> float:
        """Drive a truck of true ``weight_kg`` onto the platform at ``now``.

        Returns:
            The time (seconds) at which the weight can be read.
        """
        return self._stimulate((float(weight_kg),), now)

    def _observe(self, truth: float, u: Sequence[float], z: float) -> float:
        return display_weight(truth + self.params.noise_sd * z, self.increment_kg)

    def _misread(self, truth: float, u: Sequence[float], z: float) -> float:
        return display_weight(truth * (0.95 - 0.25 * float(u[2])), self.increment_kg)
