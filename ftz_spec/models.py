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
from ftz_spec.levers import Levers
from ftz_spec.site import Device, Gate, Place, Road, Site, StaffPool, StaffRole, Zone
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


def flow_line(flow: Flow) -> str:
    """Return the line (``first`` / ``second``) whose gates a flow crosses."""
    return _LINE[flow.kind]


class Run(Model):
    """How long and how often to run."""

    horizon_h: PositiveFloat = 168.0
    warmup_h: NonNegativeFloat = 24.0
    replications: PositiveInt = 5
    seed: NonNegativeInt = 20140101
    event_log: Literal["none", "first", "all"] = Field(
        default="first",
        description="Stream the event log to disk for no, the first or all replications",
    )

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
        return self

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
        """Every zone with gates needs someone for the gate, the documents and inspections."""
        needed = (StaffRole.GATE, StaffRole.DOCUMENT_REVIEW, StaffRole.INSPECTION)
        for zone in sorted({g.zone for g in self.site.gates}):
            for role in needed:
                if not any(
                    p.role is role and (p.zone is None or p.zone == zone or zone in p.also_serves)
                    for p in self.site.staff_pools
                ):
                    raise FieldPathError(
                        ("site", "staff_pools"), zone, f"no {role.value} staff pool serves zone"
                    )

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
