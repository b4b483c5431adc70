"""The site: zones, external places, gates with devices, roads, staff pools."""

from __future__ import annotations

import functools
import math
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
    "DAYS",
    "HOURS_PER_WEEK",
    "WORK_H_PER_WEEK",
    "Device",
    "Gate",
    "GateTolerances",
    "Place",
    "Road",
    "Shift",
    "Site",
    "StaffPool",
    "StaffRole",
    "Zone",
    "hour_label",
    "on_duty_fraction",
    "pools_for",
    "serving_pool",
    "shift_cover",
]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WORK_H_PER_WEEK = 40.0  # contract hours of one officer (assumption)
HOURS_PER_WEEK = 168
_WEEK_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def on_duty_fraction(roster: str, hour_of_week: int) -> float:
    """Share of a pool's available headcount on duty in ``hour_of_week`` (0 = Monday 00:00).

    Officers work 40 hours a week; the roster says when: ``shifts`` spreads them over all
    168 hours, ``day`` over 08:00-20:00 every day, ``office`` over weekday office hours.
    """
    day, hour = divmod(hour_of_week % HOURS_PER_WEEK, 24)
    if roster == "shifts":
        return 40.0 / 168.0
    if roster == "day":
        return 40.0 / 84.0 if 8 <= hour < 20 else 0.0
    return 1.0 if day < 5 and 8 <= hour < 17 else 0.0


def hour_label(hour_of_week: int) -> str:
    """``Mon 08:00`` for hour 8 of the week."""
    day, hour = divmod(hour_of_week % HOURS_PER_WEEK, 24)
    return f"{_WEEK_DAY_NAMES[day]} {hour:02d}:00"


class Zone(Model):
    """A special customs supervision zone (海关特殊监管区域)."""

    id: Ident
    name: str = Field(description="Name in English and Chinese")
    lat: float = Field(default=31.2, ge=-90, le=90, description="For the map")
    lon: float = Field(default=121.5, ge=-180, le=180, description="For the map")
    inspection_bays: PositiveInt = Field(
        default=4, le=1_000, description="Physical inspection places (查验场地)"
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
        default=None, le=100.0, description="Allowed weighbridge error, % of the declared total"
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
    lanes: PositiveInt = Field(le=64, description="Lanes of the gate (the largest has 12)")
    devices: tuple[Device, ...] = Field(default=(), max_length=32)
    tolerances: GateTolerances = GateTolerances()

    @property
    def ref(self) -> str:
        """``<zone>/<gate>``: how flows and device ids name this gate."""
        return f"{self.zone}/{self.id}"


class Road(Model):
    """A road between two zones or places, used in both directions."""

    a: str
    b: str
    km: PositiveFloat = Field(le=10_000)
    speed_kmh: float = Field(default=50.0, ge=1.0, le=200.0)
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


class Shift(Model):
    """One shift of an explicit roster: officers on duty from ``start_h`` for ``length_h``.

    A shift may run past midnight (it then ends on the next day; Sunday's runs into
    Monday). ``break_at_h`` takes one hour off duty for a meal break that many hours into
    the shift; that hour is not worked.
    """

    start_h: int = Field(ge=0, le=23, description="Hour of day the shift starts (0-23)")
    length_h: int = Field(ge=1, le=12, description="Hours from start to end, break included")
    officers: NonNegativeInt = Field(description="Officers on this shift on each of its days")
    days: tuple[Day, ...] = Field(default=DAYS, min_length=1, description="Days it starts on")
    break_at_h: int | None = Field(
        default=None, ge=1, description="Hours into the shift of a 1 h meal break (off duty)"
    )

    @model_validator(mode="after")
    def _break_inside(self) -> Shift:
        if self.break_at_h is not None and self.break_at_h >= self.length_h:
            raise FieldPathError(
                ("break_at_h",), self.break_at_h, f"break after the shift's {self.length_h} h"
            )
        if len(set(self.days)) != len(self.days):
            raise FieldPathError(("days",), list(self.days), "a day is named twice")
        return self

    @property
    def work_h(self) -> int:
        """Hours on duty per shift (the meal break not counted)."""
        return self.length_h - (self.break_at_h is not None)

    def hours_of_week(self) -> list[int]:
        """Hours of the week (0 = Monday 00:00-01:00) one officer of this shift is on duty."""
        out = []
        for day in self.days:
            first = DAYS.index(day) * 24 + self.start_h
            out += [(first + k) % 168 for k in range(self.length_h) if k != self.break_at_h]
        return out


@functools.lru_cache(maxsize=256)
def shift_cover(shifts: tuple[Shift, ...]) -> tuple[int, ...]:
    """Officers on duty in each hour of the week under ``shifts`` (asked every hour)."""
    cover = [0] * HOURS_PER_WEEK
    for shift in shifts:
        for h in shift.hours_of_week():
            cover[h] += shift.officers
    return tuple(cover)


class StaffPool(Model):
    """Officers of one role, tied to one zone or (``zone: null``) to the whole area."""

    id: Ident
    role: StaffRole
    zone: str | None = None
    also_serves: tuple[str, ...] = Field(
        default=(), max_length=64, description="Further zones this pool serves (a field office)"
    )
    count: NonNegativeInt = Field(le=10_000, description="Headcount (not officers on duty)")
    roster: Literal["office", "shifts", "day"] = Field(
        default="shifts",
        description="office: weekdays 08:30-17:30; day: every day 08:00-20:00; shifts: 24/7",
    )
    availability: Probability = Field(default=0.9, description="Share not on leave or training")
    shifts: tuple[Shift, ...] = Field(
        default=(),
        description="Explicit roster: when given, the officers on duty in each hour are those "
        "of the shifts covering it (replacing the pattern `roster` names)",
    )

    @model_validator(mode="after")
    def _shifts_staffed(self) -> StaffPool:
        need = self.shift_headcount()
        if self.shifts and self.count < need:
            raise FieldPathError(
                ("count",),
                self.count,
                f"the shifts need {need} officers ({self.shift_work_h()} h a week at "
                f"{WORK_H_PER_WEEK:g} h each and availability {self.availability:g})",
            )
        return self

    def shift_work_h(self) -> int:
        """Officer-hours a week the explicit shifts ask for (0 without shifts)."""
        return sum(s.officers * s.work_h * len(s.days) for s in self.shifts)

    def shift_headcount(self) -> int:
        """Headcount that works the explicit shifts: their hours over 40 h and availability."""
        if not self.shifts:
            return 0
        if self.availability <= 0:
            return 0 if self.shift_work_h() == 0 else 10**9
        return math.ceil(self.shift_work_h() / (WORK_H_PER_WEEK * self.availability) - 1e-9)

    def on_duty(self, hour_of_week: int) -> int:
        """Officers of this pool on duty in ``hour_of_week`` (0 = Monday 00:00).

        A pool with explicit shifts has exactly their officers on duty; otherwise the
        roster's share of the available headcount, rounded.
        """
        if self.shifts:
            return shift_cover(self.shifts)[hour_of_week % HOURS_PER_WEEK]
        return round(self.count * self.availability * on_duty_fraction(self.roster, hour_of_week))

    def duty_week(self) -> tuple[int, ...]:
        """Officers on duty in each of the 168 hours of a week."""
        return tuple(self.on_duty(h) for h in range(HOURS_PER_WEEK))

    def describe(self) -> str:
        """``insp_ys (inspection, count 6, shifts, availability 0.9)``: for messages."""
        return (
            f"{self.id} ({self.role.value}, count {self.count}, {self.roster}, "
            f"availability {self.availability:g})"
        )


class Site(Model):
    """The physical and organisational site."""

    # Upper bounds keep validation and the twin's set-up bounded (the cross-reference
    # checks are quadratic in places); the Shanghai FTZ needs a tenth of each.
    zones: tuple[Zone, ...] = Field(min_length=1, max_length=64)
    places: tuple[Place, ...] = Field(default=(), max_length=256)
    gates: tuple[Gate, ...] = Field(min_length=1, max_length=256)
    roads: tuple[Road, ...] = Field(default=(), max_length=1_024)
    staff_pools: tuple[StaffPool, ...] = Field(default=(), max_length=512)

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

    def serving_pool(self, role: StaffRole, zone: str | None) -> StaffPool | None:
        """The pool that does ``role`` work for ``zone`` (see :func:`serving_pool`)."""
        return serving_pool(self.staff_pools, role, zone)

    def staff(self, role: StaffRole, zone: str | None = None) -> int:
        """Return the headcount of ``role`` (in ``zone``, or everywhere if None)."""
        return sum(
            p.count for p in self.staff_pools if p.role is role and (zone is None or p.zone == zone)
        )


def pools_for(
    pools: tuple[StaffPool, ...], role: StaffRole, zone: str | None
) -> tuple[StaffPool, ...]:
    """Pools of ``role`` that could serve ``zone``: the zone's own first, then area-wide."""
    local = tuple(
        p
        for p in pools
        if p.role is role and zone is not None and (p.zone == zone or zone in p.also_serves)
    )
    return local + tuple(p for p in pools if p.role is role and p.zone is None)


def serving_pool(
    pools: tuple[StaffPool, ...], role: StaffRole, zone: str | None
) -> StaffPool | None:
    """The pool that does ``role`` work for ``zone``: the first with anyone ever on duty.

    A pool of the zone (or one that also serves it) comes before an area-wide pool
    (``zone: null``); a pool with nobody on duty in any hour of the week serves no one.
    The twin routes work with this and validation checks it, so the two always agree.
    """
    for pool in pools_for(pools, role, zone):
        if max(pool.duty_week()) > 0:
            return pool
    return None
