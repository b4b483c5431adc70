"""Simulated RFID readers: electronic plate (电子车牌), IC card (IC卡), e-seal (电子关锁)."""

from __future__ import annotations

from collections.abc import Sequence

from core.gate import DeviceKind, EPlateRead, SealRead
from hardware_models.sim.base import SimSensor, corrupt_one_glyph

__all__ = ["SimEPlateReader", "SimESealReader", "SimIcCardReader"]


class SimEPlateReader(SimSensor):
    """Reads the electronic plate tag of the truck in the lane (≥ 99.99% read rate).

    A misread corrupts one glyph of the tag id (a collision or a weak signal).
    """

    kind = DeviceKind.E_PLATE_READER

    def present(self, tag: EPlateRead, now: float) -> float:
        """Bring the truck's tag (as it really is, cloned or not) into the field at ``now``.

        Returns:
            The time (seconds) at which the result can be read.
        """
        return self._stimulate((tag,), now)

    def _misread(self, truth: EPlateRead, u: Sequence[float], z: float) -> EPlateRead:
        return EPlateRead(corrupt_one_glyph(truth.tag_id, float(u[2]), float(u[3])), truth.plate)


class SimIcCardReader(SimSensor):
    """Reads the driver's RFID IC card when it is swiped or comes into range."""

    kind = DeviceKind.IC_CARD_READER

    def present(self, card_id: str, now: float) -> float:
        """Present the card ``card_id`` at ``now``; return when the result can be read."""
        return self._stimulate((card_id,), now)

    def _misread(self, truth: str, u: Sequence[float], z: float) -> str:
        return corrupt_one_glyph(truth, float(u[2]), float(u[3]))


class SimESealReader(SimSensor):
    """Reads every electronic seal on the truck: id and whether it was opened.

    One reading per seal. A misread corrupts the seal id.
    """

    kind = DeviceKind.E_SEAL_READER

    def present(self, seals: Sequence[SealRead], now: float) -> float:
        """Bring the truck's seals (their true state) into range at ``now``.

        Returns:
            The time (seconds) at which the results can be read.
        """
        return self._stimulate(tuple(seals), now)

    def _misread(self, truth: SealRead, u: Sequence[float], z: float) -> SealRead:
        return SealRead(corrupt_one_glyph(truth.seal_id, float(u[2]), float(u[3])), truth.intact)
