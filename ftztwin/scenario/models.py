"""Scenario models: site, uncertainties, levers and run settings.

A scenario separates what a planner cannot control (``uncertainties``) from what they
choose (``levers``), on a given ``site`` and with given ``run`` settings (EMA Workbench's
split). Every model is frozen and forbids unknown keys; cross references (a gate's zone,
an arrival's gate, a device's driver) are checked here so that no simulation object is
ever built from an inconsistent scenario.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from core.gate import DeviceKind
from ftztwin.scenario.dists import Dist, Exponential, Fixed, LogNormal
from hardware_models import known_drivers
from hardware_models.registry import driver_spec

__all__ = [
    "Arrival",
    "Device",
    "DeviceUncertainty",
    "FieldPathError",
    "Gate",
    "Levers",
    "Probability",
    "Run",
    "Scenario",
    "Site",
    "StaffPool",
    "StaffRole",
    "Times",
    "Uncertainties",
    "Zone",
]

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$|^[a-z][A-Za-z0-9_]*$", max_length=64)]


class FieldPathError(ValueError):
    """A cross-reference error that knows the path of the offending field.

    Raised inside model validators so that the message names ``site.gates[2].zone`` rather
    than just ``site``.
    """

    def __init__(self, path: tuple[str | int, ...], value: Any, message: str) -> None:
        self.path = path
        self.value = value
        self.message = message
        super().__init__(message)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Zone(_Model):
    """A special customs supervision zone (海关特殊监管区域)."""

    id: Ident
    name: str = Field(description="Name in English and Chinese")


class Device(_Model):
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
        if driver_spec(self.driver).kind is not self.kind:
            raise FieldPathError(
                ("driver",),
                self.driver,
                f"driver serves {driver_spec(self.driver).kind.value}, not {self.kind.value}",
            )
        return self


class Gate(_Model):
    """A gate (卡口) of a zone: first line (zone ↔ abroad) or second line (zone ↔ China)."""

    id: Ident
    zone: str
    line: Literal["first", "second"]
    mode: Literal["single", "double"] = "single"
    lanes: PositiveInt
    devices: tuple[Device, ...] = ()

    @property
    def ref(self) -> str:
        """``<zone>/<gate>``: how arrivals and device ids name this gate."""
        return f"{self.zone}/{self.id}"


class StaffRole(StrEnum):
    """Staff roles, grouped as in the plan's 5 : 20 : 75 split."""

    SUPPORT = "support"  # 综合保障
    RISK_ANALYSIS = "risk_analysis"  # functional department
    AUDIT = "audit"  # functional department (稽查)
    IT = "it"  # functional department
    DOCUMENT_REVIEW = "document_review"  # field
    GATE = "gate"  # field (卡口监管)
    INSPECTION = "inspection"  # field (查验)


class StaffPool(_Model):
    """Officers of one role, optionally tied to one zone."""

    id: Ident
    role: StaffRole
    zone: str | None = None
    count: NonNegativeInt


def _unique(items: tuple[Any, ...], key: str, where: str) -> None:
    seen: set[Any] = set()
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            raise FieldPathError((where, i, key), value, f"duplicate {key}")
        seen.add(value)


class Site(_Model):
    """The physical and organisational site: zones, gates with devices, staff pools."""

    zones: tuple[Zone, ...] = Field(min_length=1)
    gates: tuple[Gate, ...] = Field(min_length=1)
    staff_pools: tuple[StaffPool, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Site:
        _unique(self.zones, "id", "zones")
        _unique(self.gates, "ref", "gates")
        _unique(self.staff_pools, "id", "staff_pools")
        zones = {z.id for z in self.zones}
        for i, gate in enumerate(self.gates):
            if gate.zone not in zones:
                raise FieldPathError(("gates", i, "zone"), gate.zone, "gate in an undefined zone")
            for j, dev in enumerate(gate.devices):
                if dev.id in {d.id for d in gate.devices[:j]}:
                    raise FieldPathError(("gates", i, "devices", j, "id"), dev.id, "duplicate id")
        for i, pool in enumerate(self.staff_pools):
            if pool.zone is not None and pool.zone not in zones:
                raise FieldPathError(("staff_pools", i, "zone"), pool.zone, "undefined zone")
        return self

    def gate(self, ref: str) -> Gate:
        """Return the gate ``<zone>/<gate>``."""
        return next(g for g in self.gates if g.ref == ref)

    def staff(self, role: StaffRole, zone: str | None = None) -> int:
        """Return the number of officers of ``role`` (in ``zone`` or site-wide if None)."""
        return sum(
            p.count for p in self.staff_pools if p.role is role and (zone is None or p.zone == zone)
        )


class Arrival(_Model):
    """Truck arrivals at one gate (Poisson)."""

    gate: str = Field(description="<zone>/<gate>")
    trucks_per_h: NonNegativeFloat


class DeviceUncertainty(_Model):
    """How a kind of simulated device errs and fails."""

    latency_s: Dist = Fixed(value=0.5)
    misread_rate: Probability = 0.0
    miss_rate: Probability = 0.0
    mttf_h: PositiveFloat | None = None
    mttr_min: PositiveFloat = 30.0


class Times(_Model):
    """Activity durations (seconds)."""

    auto_check_s: Dist = Field(
        default=LogNormal(mean=10.0, sd=3.0),
        description="Intelligent gate, all data match: about 10 s per truck (published figure)",
    )
    manual_check_s: Dist = Field(
        default=LogNormal(mean=90.0, sd=30.0),
        description="Officer checks papers and vehicle at a manual gate (assumption)",
    )
    manual_post_s: Dist = Field(
        default=Exponential(mean=300.0),
        description="Handling at a manual post (转岗) after a diversion (assumption)",
    )


class Uncertainties(_Model):
    """What the planner cannot control: traffic, violations, device behaviour, durations."""

    traffic_scale: PositiveFloat = 1.0
    arrivals: tuple[Arrival, ...] = ()
    plate_mismatch_rate: Probability = Field(
        default=0.005, description="Share of trucks whose plate differs from the gate pass"
    )
    devices: dict[DeviceKind, DeviceUncertainty] = Field(default_factory=dict)
    times: Times = Times()


class Levers(_Model):
    """What the planner chooses."""

    intelligent_gates: bool = Field(
        default=True, description="Automatic gate check (卡口自动核放) instead of an officer"
    )


class Run(_Model):
    """How long and how often to run."""

    horizon_h: PositiveFloat = 24.0
    warmup_h: NonNegativeFloat = 1.0
    replications: PositiveInt = 5
    seed: NonNegativeInt = 20140101
    event_log: bool = Field(default=True, description="Stream the full event log to disk")

    @model_validator(mode="after")
    def _warmup_inside_horizon(self) -> Run:
        if self.warmup_h >= self.horizon_h:
            raise FieldPathError(
                ("warmup_h",),
                self.warmup_h,
                f"warm-up must be shorter than horizon_h={self.horizon_h}",
            )
        return self


class Scenario(_Model):
    """A whole scenario: validated once at the edge, frozen, with a digest."""

    name: str
    description: str = ""
    extends: str | None = Field(
        default=None, description="Base scenario file merged under this one before validation"
    )
    site: Site
    uncertainties: Uncertainties = Uncertainties()
    levers: Levers = Levers()
    run: Run = Run()

    @model_validator(mode="after")
    def _arrivals_at_known_gates(self) -> Scenario:
        refs = {g.ref for g in self.site.gates}
        for i, arrival in enumerate(self.uncertainties.arrivals):
            if arrival.gate not in refs:
                raise FieldPathError(
                    ("uncertainties", "arrivals", i, "gate"), arrival.gate, "unknown gate"
                )
        return self
