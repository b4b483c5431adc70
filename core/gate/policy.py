"""Gate policies: what a gate requires and how strictly it compares.

The reform plan's principle "一线放开、二线安全高效管住" becomes two presets: a first-line
gate (zone ↔ abroad) checks identity and containers and lets goods in on the manifest; a
second-line gate (zone ↔ domestic China, where duties are due) also weighs, reads the
seals and checks the transfer route. A scenario picks a preset per gate and overrides the
per-zone figures (weight tolerance above all).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from core.errors import CoreError
from core.gate.readings import ACTUATOR_KINDS, DeviceKind
from core.gate.track import TrackLimits

__all__ = ["GateLine", "GateMode", "GatePolicy", "GatePolicyError"]

K = DeviceKind


class GatePolicyError(CoreError, ValueError):
    """A gate policy with a value outside its range; the message names the field."""


class GateLine(StrEnum):
    """Which boundary of the zone the gate guards."""

    FIRST = "first"  # 一线: zone ↔ abroad
    SECOND = "second"  # 二线: zone ↔ domestic China


class GateMode(StrEnum):
    """Single gate, or which of the two gates of a double gate (双卡口) this one is."""

    SINGLE = "single"
    FIRST_OF_TWO = "first_of_two"
    SECOND_OF_TWO = "second_of_two"


_FIRST_LINE_KINDS = frozenset({K.PLATE_CAMERA, K.E_PLATE_READER, K.CONTAINER_OCR})
_SECOND_LINE_KINDS = frozenset(
    {
        K.PLATE_CAMERA,
        K.E_PLATE_READER,
        K.IC_CARD_READER,
        K.CONTAINER_OCR,
        K.WEIGHBRIDGE,
        K.E_SEAL_READER,
        K.GPS_TRACK,
    }
)


@dataclass(frozen=True, slots=True)
class GatePolicy:
    """Tunable rules of one gate.

    Attributes:
        line: First or second line.
        mode: Single gate or one gate of a double gate.
        required: Sensor kinds whose readings the gate waits for before deciding. Seal
            and GPS readings are awaited only for passes that declare seals or a route;
            container OCR reports ``""`` for a truck without a container.
        max_reading_age_s: A reading older than this when it arrives is stale.
        early_reading_s: A reading taken more than this before the truck arrived is
            stale too (it belongs to another truck).
        min_confidence: Readings below this confidence are not trusted.
        weight_tolerance_pct: Allowed weighbridge error, percent of the declared total
            (set per zone).
        weight_tolerance_kg: Allowed error in kg for light loads, where the percentage
            would be smaller than the weighbridge's resolution.
        radiation_alarm_ratio: Radiation level (multiple of background) that alarms.
        max_passage_s: A passage still missing readings this long after arrival is
            decided on the next :class:`core.gate.Tick` (fail closed).
        max_scan_s: Longest wait for an H986 result before the truck goes to a post.
        track: Limits of the GPS trajectory check.
        max_future_s: A reading dated further ahead of the controller's clock than this
            is refused (``future_reading``): the allowed clock skew of the devices.
        reserve_before_open: Reserve the gate pass in the ledger before the barrier
            opens (:class:`core.gate.ReservePass`): the live gate, whose ledger is the
            central pass state. Off in the twin, whose ledger link posts after opening.
        max_reservation_s: Longest wait for the ledger's answer to a reservation; then
            the truck goes to a post (``ledger_timeout``) and a late reservation is voided.
    """

    line: GateLine = GateLine.SECOND
    mode: GateMode = GateMode.SINGLE
    required: frozenset[DeviceKind] = field(default=frozenset({K.PLATE_CAMERA}))
    max_reading_age_s: float = 30.0
    early_reading_s: float = 10.0
    min_confidence: float = 0.8
    weight_tolerance_pct: float = 3.0
    weight_tolerance_kg: float = 200.0
    radiation_alarm_ratio: float = 1.5
    max_passage_s: float = 120.0
    max_scan_s: float = 600.0
    track: TrackLimits = field(default_factory=TrackLimits)
    max_future_s: float = 5.0
    reserve_before_open: bool = False
    max_reservation_s: float = 2.0

    def __post_init__(self) -> None:
        """Check ranges so a bad scenario fails at build time, not at a gate.

        Raises:
            GatePolicyError: A field is out of range; the message names it.
        """
        bad = (self.required & ACTUATOR_KINDS) | (self.required & {K.H986_SCANNER})
        if bad:
            names = sorted(k.value for k in bad)
            raise GatePolicyError(f"required: {names} are not sensors read at every passage")
        for name in (
            "max_reading_age_s",
            "weight_tolerance_pct",
            "weight_tolerance_kg",
            "max_future_s",
            "max_reservation_s",
        ):
            if getattr(self, name) < 0:
                raise GatePolicyError(f"{name}: must be >= 0 (got {getattr(self, name)!r})")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise GatePolicyError(
                f"min_confidence: must be in [0, 1] (got {self.min_confidence!r})"
            )

    @classmethod
    def first_line(cls, **overrides: Any) -> GatePolicy:
        """Return the first-line preset (一线放开): plate, e-plate and container number."""
        return cls(**{"line": GateLine.FIRST, "required": _FIRST_LINE_KINDS, **overrides})

    @classmethod
    def second_line(cls, **overrides: Any) -> GatePolicy:
        """Return the second-line preset (二线管住): every identity, weight, seal and track check."""
        return cls(**{"line": GateLine.SECOND, "required": _SECOND_LINE_KINDS, **overrides})

    def with_(self, **changes: Any) -> GatePolicy:
        """Return a copy with ``changes`` applied (e.g. a zone's weight tolerance)."""
        return replace(self, **changes)
