"""The truck's way through one gate, as a SimPy process that reads like the procedure.

arrive → queue for a lane → devices read (or an officer looks) → the core decides →
barrier opens, or the truck is diverted to a manual post (转岗) → leave.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import simpy

from core.gate import (
    DeviceFault,
    DeviceKind,
    DivertToManualPost,
    FaultReported,
    GateController,
    GateDecision,
    GatePass,
    OpenBarrier,
    Reading,
    ReadingReceived,
    RecordDecision,
    TruckArrived,
)
from core.trace import Lifecycle
from twin.recorder import Recorder

__all__ = ["GateSite", "Truck", "truck_through_gate"]


@dataclass(frozen=True)
class Truck:
    """One truck and the ground truth that only the twin knows.

    Attributes:
        case_id: The passage id.
        plate: The plate the truck really carries.
        gate_pass: The gate pass (核放单) it presents.
        service_s: Time the truck occupies a lane for the check itself.
        manual_check_s: Time an officer needs to check it at a manual gate.
        manual_post_s: Time a manual post needs if it is diverted.
    """

    case_id: str
    plate: str
    gate_pass: GatePass
    service_s: float
    manual_check_s: float
    manual_post_s: float

    @property
    def violation(self) -> bool:
        """Whether the truck is not the one the gate pass was issued for."""
        return self.plate != self.gate_pass.plate


@dataclass
class GateSite:
    """Everything of one gate that trucks use: lanes, devices, staff, the controller."""

    ref: str
    lanes: simpy.Store  # holds free lane ids, so each truck knows its lane
    cameras: dict[str, Any]
    barriers: dict[str, Any]
    officers: simpy.Resource
    officers_name: str
    controller: GateController
    intelligent: bool
    officer_seq: int = 0


def truck_through_gate(
    env: simpy.Environment, site: GateSite, truck: Truck, rec: Recorder
) -> Generator[simpy.Event, Any, None]:
    """Move one truck through the gate as a whole case and record every step."""
    cid = truck.case_id
    rec.emit(cid, "clearance", Lifecycle.START, site.ref, env.now, {"violation": truck.violation})
    decision = yield from pass_gate(env, site, truck, rec)
    rec.emit(
        cid,
        "clearance",
        Lifecycle.STOP,
        site.ref,
        env.now,
        {"outcome": decision.outcome.value, "violation": truck.violation},
    )


def pass_gate(
    env: simpy.Environment,
    site: GateSite,
    truck: Truck,
    rec: Recorder,
    manual_reason: str = "",
) -> Generator[simpy.Event, Any, GateDecision]:
    """Queue for a lane, be checked, and leave or go to a manual post; return the decision.

    ``manual_reason`` sends a truck that passed the automatic check to a manual post all
    the same (e.g. a transfer that no electronic fence has watched on its way).
    """
    cid = truck.case_id
    rec.emit(cid, "gate_queue", Lifecycle.WAIT_START, f"{site.ref}/lanes", env.now)
    lane = yield site.lanes.get()
    rec.emit(cid, "gate_queue", Lifecycle.WAIT_STOP, f"{site.ref}/lanes", env.now)
    rec.emit(cid, "gate_check", Lifecycle.START, f"{site.ref}/lanes", env.now, {"lane": lane})
    commands = site.controller.handle(TruckArrived(lane, cid, truck.gate_pass), env.now)
    if not commands:
        commands = yield from _read_plate(env, site, truck, lane, rec)
    diverted = any(isinstance(c, DivertToManualPost) for c in commands)
    decision = next(c.decision for c in commands if isinstance(c, RecordDecision))
    for cmd in commands:
        if isinstance(cmd, OpenBarrier):
            site.barriers[lane].write(cmd, env.now)
    attrs = {"outcome": decision.outcome.value, "reasons": ";".join(decision.reasons)}
    rec.emit(cid, "gate_check", Lifecycle.STOP, f"{site.ref}/lanes", env.now, attrs)
    site.lanes.put(lane)
    if diverted or manual_reason:
        yield from _manual_post(env, site, truck, rec)
    return decision


def _read_plate(
    env: simpy.Environment, site: GateSite, truck: Truck, lane: str, rec: Recorder
) -> Generator[simpy.Event, Any, list[Any]]:
    """Let the plate reader of the lane look, then feed what it says to the controller."""
    started = env.now
    if site.intelligent:
        camera = site.cameras[lane]
        ready = camera.present(truck.plate, env.now)
        yield env.timeout(ready - env.now)
        results = camera.read(env.now)
        rest = truck.service_s
    else:
        # At a manual gate the officer is the plate reader: slower, needs a free officer,
        # and sees the real plate. The core still takes the decision.
        with site.officers.request() as req:
            yield req
            rec.emit(truck.case_id, "manual_check", Lifecycle.START, site.officers_name, env.now)
            yield env.timeout(truck.manual_check_s)
            rec.emit(truck.case_id, "manual_check", Lifecycle.STOP, site.officers_name, env.now)
        site.officer_seq += 1
        camera = site.cameras[lane]
        results = [
            Reading(
                f"{site.ref}/officer",
                DeviceKind.PLATE_CAMERA,
                truck.plate,
                1.0,
                site.officer_seq,
                env.now,
            )
        ]
        rest = 0.0
    commands: list[Any] = []
    for result in results:
        event = (
            FaultReported(lane, result)
            if isinstance(result, DeviceFault)
            else ReadingReceived(lane, result)
        )
        commands += site.controller.handle(event, env.now)
    if not commands:  # nothing arrived in time: the core fails closed on a timeout fault
        fault = DeviceFault(camera.device_id, camera.kind, "timeout", "no reading", env.now)
        commands = site.controller.handle(FaultReported(lane, fault), env.now)
    yield env.timeout(max(0.0, rest - (env.now - started)))
    return commands


def _manual_post(
    env: simpy.Environment, site: GateSite, truck: Truck, rec: Recorder
) -> Generator[simpy.Event, Any, None]:
    cid = truck.case_id
    rec.emit(cid, "manual_post", Lifecycle.WAIT_START, site.officers_name, env.now)
    with site.officers.request() as req:
        yield req
        rec.emit(cid, "manual_post", Lifecycle.WAIT_STOP, site.officers_name, env.now)
        rec.emit(cid, "manual_post", Lifecycle.START, site.officers_name, env.now)
        yield env.timeout(truck.manual_post_s)
        rec.emit(cid, "manual_post", Lifecycle.STOP, site.officers_name, env.now)
