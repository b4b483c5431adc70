"""The site: zones, external places, gates with devices, roads, staff pools."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import (
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from core.gate import DeviceKind
from ftz_spec.base import FieldPathError, Ident, Model, Probability, unique
from hardware_models import known_drivers
from hardware_models.registry import driver_spec

__all__ = [
    "Device",
    "Gate",
    "GateTolerances",
    "Place",
    "Road",
    "Site",
    "StaffPool",
    "StaffRole",
    "Zone",
]


class Zone(Model):
    """A special customs supervision zone (海关特殊监管区域)."""

    id: Ident
    name: str = Field(description="Name in English and Chinese")
    lat: float = Field(default=31.2, ge=-90, le=90, description="For the map")
    lon: float = Field(default=121.5, ge=-180, le=180, description="For the map")
    inspection_bays: PositiveInt = Field(
        default=4, description="Physical inspection places (查验场地)"
    )


class Place(Model):
    """A place outside the zones where trucks come from or go to (terminal, market)."""

    id: Ident
    name: str
    kind: Literal["port", "airport", "domestic", "venue"]
    lat: float = Field(default=31.2, ge=-90, le=90)
    lon: float = Field(default=121.5, ge=-180, le=180)


class Device(Model):
    """A device at a gate and the driver that implements it (``sim.*`` or a real one)."""

    id: Ident
    kind: DeviceKind
    driver: str = Field(description="Driver name from the registry, e.g. sim.plate_camera")

    @model_validator(mode="after")
    def _driver_known_and_of_kind(self) -> Device:
        if self.driver not in known_drivers():
            raise FieldPathError(
                ("driver",), self.driver, f"unknown driver; known: {', '.join(known_drivers())}"
            )
        kind = driver_spec(self.driver).kind
        if kind is not self.kind:
            raise FieldPathError(
                ("driver",), self.driver, f"driver serves {kind.value}, not {self.kind.value}"
            )
        return self


class GateTolerances(Model):
    """A gate's own figures where its line's preset does not fit; unset keeps the preset's."""

    weight_tolerance_pct: NonNegativeFloat | None = Field(
        default=None, description="Allowed weighbridge error, % of the declared total"
    )
    weight_tolerance_kg: NonNegativeFloat | None = Field(
        default=None, description="Allowed weighbridge error for light loads, kg"
    )
    min_confidence: Probability | None = Field(
        default=None, description="Readings below this confidence are not trusted"
    )
    max_reading_age_s: PositiveFloat | None = Field(
        default=None, description="A reading older than this on arrival is stale"
    )
    early_reading_s: NonNegativeFloat | None = Field(
        default=None, description="A reading may precede its truck's arrival by this much"
    )
    max_passage_s: PositiveFloat | None = Field(
        default=None, description="Longest wait for a passage's readings (then fail closed)"
    )
    max_scan_s: PositiveFloat | None = Field(
        default=None, description="Longest wait for an H986 result"
    )
    radiation_alarm_ratio: PositiveFloat | None = Field(
        default=None, description="Radiation level (multiple of background) that alarms"
    )
    track_max_stop_s: PositiveFloat | None = Field(
        default=None, description="Longest unexplained stop on a transfer's GPS track"
    )
    track_max_gap_s: PositiveFloat | None = Field(
        default=None, description="Longest gap between two GPS fixes"
    )


class Gate(Model):
    """A gate (卡口) of a zone: first line (zone ↔ abroad) or second line (zone ↔ China).

    ``mode`` says whether the gate stands alone or is the first or the second gate of a
    double gate (双卡口); ``tolerances`` override its line's figures. The one place that
    turns this description into a controller policy is :mod:`ftz_spec.assembly`.
    """

    id: Ident
    zone: str
    line: Literal["first", "second"]
    mode: Literal["single", "first_of_two", "second_of_two"] = "single"
    lanes: PositiveInt
    devices: tuple[Device, ...] = ()
    tolerances: GateTolerances = GateTolerances()

    @property
    def ref(self) -> str:
        """``<zone>/<gate>``: how flows and device ids name this gate."""
        return f"{self.zone}/{self.id}"


class Road(Model):
    """A road between two zones or places, used in both directions."""

    a: str
    b: str
    km: PositiveFloat
    speed_kmh: PositiveFloat = 50.0
    name: str = ""


class StaffRole(StrEnum):
    """Staff roles, grouped as in the plan's 5 : 20 : 75 split."""

    SUPPORT = "support"  # 综合保障
    RISK_ANALYSIS = "risk_analysis"  # functional department (风险管理)
    AUDIT = "audit"  # functional department (稽查)
    IT = "it"  # functional department (科技)
    DOCUMENT_REVIEW = "document_review"  # field (单证备案审核)
    GATE = "gate"  # field (卡口监管)
    INSPECTION = "inspection"  # field (查验)

    @property
    def group(self) -> str:
        """``support``, ``functional`` or ``field``."""
        if self is StaffRole.SUPPORT:
            return "support"
        if self in (StaffRole.RISK_ANALYSIS, StaffRole.AUDIT, StaffRole.IT):
            return "functional"
        return "field"


class StaffPool(Model):
    """Officers of one role, tied to one zone or (``zone: null``) to the whole area."""

    id: Ident
    role: StaffRole
    zone: str | None = None
    also_serves: tuple[str, ...] = Field(
        default=(), description="Further zones this pool serves (a field office)"
    )
    count: NonNegativeInt = Field(description="Headcount (not officers on duty)")
    roster: Literal["office", "shifts", "day"] = Field(
        default="shifts",
        description="office: weekdays 08:30-17:30; day: every day 08:00-20:00; shifts: 24/7",
    )
    availability: Probability = Field(default=0.9, description="Share not on leave or training")


class Site(Model):
    """The physical and organisational site."""

    zones: tuple[Zone, ...] = Field(min_length=1)
    places: tuple[Place, ...] = ()
    gates: tuple[Gate, ...] = Field(min_length=1)
    roads: tuple[Road, ...] = ()
    staff_pools: tuple[StaffPool, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Site:
        unique(self.zones, "id", "zones")
        unique(self.places, "id", "places")
        unique(self.gates, "ref", "gates")
        unique(self.staff_pools, "id", "staff_pools")
        zones = {z.id for z in self.zones}
        for i, place in enumerate(self.places):
            if place.id in zones:
                raise FieldPathError(
                    ("places", i, "id"), place.id, "a place may not share a zone's id"
                )
        for i, gate in enumerate(self.gates):
            if gate.zone not in zones:
                raise FieldPathError(("gates", i, "zone"), gate.zone, "gate in an undefined zone")
            for j, dev in enumerate(gate.devices):
                if dev.id in {d.id for d in gate.devices[:j]}:
                    raise FieldPathError(("gates", i, "devices", j, "id"), dev.id, "duplicate id")
        nodes = zones | {p.id for p in self.places}
        for i, road in enumerate(self.roads):
            for end in ("a", "b"):
                if getattr(road, end) not in nodes:
                    raise FieldPathError(
                        ("roads", i, end), getattr(road, end), "undefined zone or place"
                    )
        for i, pool in enumerate(self.staff_pools):
            if pool.zone is not None and pool.zone not in zones:
                raise FieldPathError(("staff_pools", i, "zone"), pool.zone, "undefined zone")
            for j, other in enumerate(pool.also_serves):
                if other not in zones:
                    raise FieldPathError(
                        ("staff_pools", i, "also_serves", j), other, "undefined zone"
                    )
        return self

    def gate(self, ref: str) -> Gate:
        """Return the gate ``<zone>/<gate>``."""
        return next(g for g in self.gates if g.ref == ref)

    def gates_of(self, zone: str, line: str) -> tuple[Gate, ...]:
        """Return the gates of ``zone`` on ``line`` (``first`` or ``second``)."""
        return tuple(g for g in self.gates if g.zone == zone and g.line == line)

    def staff(self, role: StaffRole, zone: str | None = None) -> int:
        """Return the headcount of ``role`` (in ``zone``, or everywhere if None)."""
        return sum(
            p.count for p in self.staff_pools if p.role is role and (zone is None or p.zone == zone)
        )
