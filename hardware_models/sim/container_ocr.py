"""Simulated container-number recogniser (集装箱箱号识别, ≥ 95% recognition)."""

from __future__ import annotations

from collections.abc import Sequence

from core.gate import DeviceKind
from hardware_models.sim.base import SimSensor, corrupt_one_glyph

__all__ = ["SimContainerOcr"]


class SimContainerOcr(SimSensor):
    """Reads the number of each container on the truck; ``""`` when it sees none.

    One reading per container. A misread swaps one glyph as OCR does, which almost
    always breaks the ISO 6346 check digit.
    """

    kind = DeviceKind.CONTAINER_OCR

    def present(self, containers: Sequence[str], now: float) -> float:
        """Drive the truck's real ``containers`` past the recogniser at ``now``.

        Returns:
            The time (seconds) at which the results can be read.
        """
        return self._stimulate(tuple(containers) or ("",), now)

    def _misread(self, truth: str, u: Sequence[float], z: float) -> str:
        return corrupt_one_glyph(truth, float(u[2]), float(u[3]))
