"""The scenario: site, uncertainties, levers and run settings, checked as one.

A scenario separates what a planner cannot control (``uncertainties``) from what they
choose (``levers``), on a given ``site`` with given ``run`` settings (EMA Workbench's
split). Every model is frozen and forbids unknown keys; cross references (a flow's gate,
a transfer's destination, an outage's resource) are checked here so that no simulation
object is ever built from an inconsistent scenario.
"""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from ftz_spec.assembly import AssemblyError, assemble_gate
from ftz_spec.base import FieldPathError, Model, Probability
from ftz_spec.feasibility import SetupWarning, check_staffing, staffing_warnings
from ftz_spec.levers import Levers
from ftz_spec.provenance import check_sources
from ftz_spec.site import Device, Gate, Place, Road, Site, StaffPool, StaffRole, Zone
from ftz_spec.source import Source
from ftz_spec.uncertain import (
    DeviceUncertainty,
    Enterprises,
    Flow,
    Outage,
    Times,
    Uncertainties,
)
from hardware_models.registry import driver_spec

__all__ = [
    "Device",
    "DeviceUncertainty",
    "Enterprises",
    "FieldPathError",
    "Flow",
    "Gate",
    "Levers",
    "Outage",
    "Place",
    "Probability",
    "Road",
    "Run",
    "Scenario",
    "SetupWarning",
    "Site",
    "StaffPool",
    "StaffRole",
    "Times",
    "Uncertainties",
    "Zone",
]

_LINE = {
    "first_line_entry": "first",
    "first_line_exit": "first",
    "second_line_import": "second",
    "second_line_export": "second",
    "transfer_between_zones": "second",
    "bonded_exhibition": "second",
}


MAX_HORIZON_H = 366 * 24.0  # a leap year of simulated time
MAX_REPLICATIONS = 1_000


def flow_line(flow: Flow) -> str:
    """Return the line (``first`` / ``second``) whose gates a flow crosses."""
    return _LINE[flow.kind]


class Run(Model):
    """How long and how often to run, and what happens to trucks still in the system.

    ``steady_state`` (the default) asks for the long-run behaviour: cases arriving in the
    warm-up are not counted, arrivals stop at ``horizon_h`` and the run goes on until every
    truck has left, at most ``drain_cap_h`` more hours; trucks still inside then are
    counted as unfinished and their clearance times as right-censored. ``terminating``
    asks about one period (a day, a shift) as it is: the run stops at the horizon and the
    trucks still inside are the carry-over, counted and censored the same way.
    """

    type: Literal["steady_state", "terminating"] = Field(
        default="steady_state",
        description="steady_state: warm-up, observation, drain; terminating: stop at the horizon",
    )
    horizon_h: PositiveFloat = Field(
        default=168.0, le=MAX_HORIZON_H, description="Arrivals stop here (hours)"
    )
    warmup_h: NonNegativeFloat = Field(
        default=24.0,
        le=MAX_HORIZON_H,
        description="Cases arriving before this are not counted (hours)",
    )
    drain_cap_h: NonNegativeFloat = Field(
        default=72.0,
        le=MAX_HORIZON_H,
        description="steady_state: longest the run goes on after the horizon to let trucks leave",
    )
    replications: PositiveInt = Field(default=5, le=MAX_REPLICATIONS)
    seed: NonNegativeInt = Field(default=20140101, le=2**63 - 1)
    event_log: Literal["none", "first", "all"] = Field(
        default="first",
        description="Stream the event log to disk for no, the first or all replications",
    )
    unfinished_warning: Probability = Field(
        default=0.01,
        description="Warn when more than this share of counted trucks never finished",
    )
    stall_warning_h: PositiveFloat = Field(
        default=72.0,
        description="Name a resource whose queue waited this long with no one taken into service",
    )

    @property
    def drains(self) -> bool:
        """Whether the run continues after the horizon until the trucks have left."""
        return self.type == "steady_state" and self.drain_cap_h > 0

    @property
    def end_h(self) -> float:
        """The latest the run can stop (hours)."""
        return self.horizon_h + (self.drain_cap_h if self.drains else 0.0)

    @model_validator(mode="after")
    def _warmup_inside_horizon(self) -> Run:
        if self.warmup_h >= self.horizon_h:
            raise FieldPathError(
                ("warmup_h",),
                self.warmup_h,
                f"warm-up must be shorter than horizon_h={self.horizon_h}",
            )
        return self


class Scenario(Model):
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
    sources: dict[str, Source] = Field(
        default_factory=dict,
        description="Source of the values under each path (ftz_spec.provenance); "
        "a source may also be written inline, beside its value",
    )

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        zones = {z.id for z in self.site.zones}
        places = {p.id for p in self.site.places}
        for i, flow in enumerate(self.uncertainties.flows):
            self._check_flow(i, flow, zones, places)
        self._check_staffed(zones)
        self._check_gates()
        for zone in self.levers.h986:
            if zone not in zones:
                raise FieldPathError(("levers", "h986", zone), zone, "undefined zone")
        for i, outage in enumerate(self.uncertainties.outages):
            zone, _, what = outage.resource.partition("/")
            if zone not in zones or not (
                what == "h986" or f"{zone}/{what}" in {g.ref for g in self.site.gates}
            ):
                raise FieldPathError(
                    ("uncertainties", "outages", i, "resource"),
                    outage.resource,
                    "expected <zone>/h986 or <zone>/<gate>",
                )
            if outage.to_h <= outage.from_h:
                raise FieldPathError(
                    ("uncertainties", "outages", i, "to_h"), outage.to_h, "must be after from_h"
                )
        check_sources(self)
        return self

    def _flow_zones(self) -> set[str]:
        zones = {f.zone for f in self.uncertainties.flows}
        return zones | {f.to for f in self.uncertainties.flows if f.to is not None}

    def _check_gates(self) -> None:
        """The twin simulates every device, and each gate must assemble."""
        for i, gate in enumerate(self.site.gates):
            for j, dev in enumerate(gate.devices):
                if not driver_spec(dev.driver).simulated:
                    raise FieldPathError(
                        ("site", "gates", i, "devices", j, "driver"),
                        dev.driver,
                        f"a scenario runs in the twin, which simulates every device: use "
                        f"sim.{dev.kind.value} (a real driver belongs in a live site file "
                        "for ftztwin serve-gate; ftztwin run --hil puts the real protocols "
                        "in place of the sim.* drivers by itself)",
                    )
            try:
                assemble_gate(gate, self.levers.intelligent_gates)
            except AssemblyError as exc:  # the path names the gate; a traceback adds nothing
                path = ("site", "gates", i, *exc.path)
                raise FieldPathError(path, exc.value, exc.message) from None

    def _check_staffed(self, zones: set[str]) -> None:
        """Every zone with traffic needs gate, document and inspection staff on duty."""
        check_staffing(self.site, self._flow_zones() & zones)

    def warnings(self) -> list[SetupWarning]:
        """Named warnings of a set-up that runs but drops or delays work (see feasibility)."""
        out = staffing_warnings(self.site, self._flow_zones())
        if self.run.type == "terminating" and self.run.warmup_h > 0:
            out.append(
                SetupWarning(
                    "terminating_with_warmup",
                    "run.warmup_h",
                    f"a terminating run counts the period as it is; warm-up {self.run.warmup_h:g} h "
                    "leaves its first hours out",
                )
            )
        return out

    def _check_flow(self, i: int, flow: Flow, zones: set[str], places: set[str]) -> None:
        path: tuple[str | int, ...] = ("uncertainties", "flows", i)
        if flow.zone not in zones:
            raise FieldPathError((*path, "zone"), flow.zone, "undefined zone")
        if flow.place is not None and flow.place not in places:
            raise FieldPathError((*path, "place"), flow.place, "undefined place")
        if flow.kind == "transfer_between_zones":
            if flow.to is None or flow.to not in zones or flow.to == flow.zone:
                raise FieldPathError(
                    (*path, "to"), flow.to, "a transfer needs another, defined zone"
                )
            if not self.site.gates_of(flow.to, "second"):
                raise FieldPathError(
                    (*path, "to"), flow.to, "destination zone has no second-line gate"
                )
        if flow.gate is not None:
            refs = {
                g.ref for g in self.site.gates if g.zone == flow.zone and g.line == flow_line(flow)
            }
            if flow.gate not in refs:
                raise FieldPathError(
                    (*path, "gate"), flow.gate, f"not a {flow_line(flow)}-line gate of {flow.zone}"
                )
        elif not self.site.gates_of(flow.zone, flow_line(flow)):
            raise FieldPathError(
                (*path, "zone"), flow.zone, f"zone has no {flow_line(flow)}-line gate"
            )
