"""The truck's way through one gate, as a SimPy process that reads like the procedure.

arrive → queue for a lane → every device of the lane reads the truck (or an officer
looks) → the core's controller decides → barrier opens and the ledger is annotated, or
the truck goes to a manual post (转岗) → leave.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from typing import Any

import simpy

from core.gate import (
    DeviceFault,
    DeviceKind,
    DiscardReading,
    GateDecision,
    GatePass,
    GeoPoint,
    OpenBarrier,
    Outcome,
    PostGatePassage,
    Reading,
    RecordDecision,
    Tick,
    Track,
    TransferRoute,
    TruckArrived,
    event_for,
)
from core.gate.readings import EPlateRead, SealRead
from core.trace import Lifecycle, Recorder
from ftz_spec import Flow, Scenario, flow_line
from hardware_models.sim import track_along

__all__ = ["GateSite", "Truck", "pass_gate", "transfer_plan", "truck_through_gate"]

_BACKGROUND = 1.0  # radiation: no load in the twin carries a source (a multiple of background)
_TRANSFER_SPEED_MPS = 16.0  # about 60 km/h on the Donghai Bridge and the expressways
_GPS_SAMPLE_S = 60.0  # a fix a minute, as fleet platforms report


def _local_m(lat: float, lon: float, lat0: float, lon0: float) -> GeoPoint:
    """Project WGS-84 to the local planar grid the core's track check uses (metres)."""
    return GeoPoint(
        (lon - lon0) * 111_320.0 * math.cos(math.radians(lat0)), (lat - lat0) * 110_540.0
    )


def transfer_plan(scenario: Scenario, flow: Flow) -> tuple[TransferRoute, Track] | None:
    """The declared route of a transfer between zones and the track its truck really drives.

    The route runs from the zone of departure to the arrival zone's gate, which alone
    checks the track (electronic fence, 电子围网); the truck keeps to it. None for a flow
    that is not a transfer.
    """
    if flow.kind != "transfer_between_zones" or flow.to is None:
        return None
    zones = {z.id: z for z in scenario.site.zones}
    a, b = zones[flow.zone], zones[flow.to]
    waypoints = (GeoPoint(0.0, 0.0), _local_m(b.lat, b.lon, a.lat, a.lon))
    to_gate = scenario.site.gates_of(flow.to, flow_line(flow))[0].ref
    track = track_along(waypoints, 0.0, _TRANSFER_SPEED_MPS, _GPS_SAMPLE_S)
    return TransferRoute(waypoints, to_gate=to_gate), track


@dataclass(frozen=True)
class Truck:
    """One truck and the ground truth that only the twin knows.

    Attributes:
        case_id: The passage id.
        plate: The plate the truck really carries.
        gate_pass: The gate pass (核放单) it presents.
        service_s: Time the truck occupies a lane for the automatic check itself.
        manual_check_s: Time an officer needs to check it at a manual gate.
        manual_post_s: Time a manual post needs if it is diverted.
        e_plate_tag: The electronic plate tag really fitted to the truck.
        containers: Container numbers really on the truck.
        weight_kg: What the truck really weighs (tare and goods).
        seals: Electronic seals really on the containers, with their state.
        track: The GPS track of a transfer between zones, as really driven.
    """

    case_id: str
    plate: str
    gate_pass: GatePass
    service_s: float
    manual_check_s: float
    manual_post_s: float
    e_plate_tag: str = ""
    containers: tuple[str, ...] = ()
    weight_kg: float = 0.0
    seals: tuple[SealRead, ...] = ()
    track: Track | None = None

    @property
    def violation(self) -> bool:
        """Whether the truck is not the one the gate pass was issued for."""
        return self.plate != self.gate_pass.plate

    def stimulus(self, kind: DeviceKind, gate_ref: str = "") -> Any:
        """What a sensor of ``kind`` at ``gate_ref`` is shown of this truck (None: nothing).

        The GPS source hands over a transfer's track at its gate of arrival only: at the
        gate of departure the track is not driven yet.
        """
        if kind is DeviceKind.PLATE_CAMERA:
            return self.plate
        if kind is DeviceKind.E_PLATE_READER:
            return EPlateRead(self.e_plate_tag, self.plate)
        if kind is DeviceKind.IC_CARD_READER:
            return self.gate_pass.ic_card_id
        if kind is DeviceKind.CONTAINER_OCR:
            return self.containers
        if kind is DeviceKind.WEIGHBRIDGE:
            return self.weight_kg
        if kind is DeviceKind.E_SEAL_READER:
            return self.seals
        if kind is DeviceKind.GPS_TRACK:
            route = self.gate_pass.transfer
            arriving = route is not None and route.to_gate in ("", gate_ref)
            return self.track if arriving else None
        if kind is DeviceKind.RADIATION_PORTAL:
            return _BACKGROUND
        return None


@dataclass
class GateSite:
    """Everything of one gate that trucks use: lanes, devices, staff, the controller."""

    ref: str
    lanes: simpy.Store  # holds free lane ids, so each truck knows its lane
    barriers: dict[str, Any]
    officers: simpy.Resource
    officers_name: str
    controller: Any  # GateController, or a hardware-in-the-loop stand-in
    intelligent: bool
    officer_seq: int = 0
    sensors: dict[str, dict[DeviceKind, Any]] = field(
        default_factory=dict
    )  # lane -> kind -> device
    max_passage_s: float = 120.0
    on_passage: Any = None  # callable(PostGatePassage, now) -> None: the ledger annotation
    officer_ids: dict[str, str] = field(default_factory=dict)  # lane -> the officer's terminal
    discarded: Counter[str] = field(default_factory=Counter)  # readings the core discarded
    # The central gate-pass state (核放单, twin.ledger_link.LedgerLink): reserved before the
    # barrier opens; None: the barrier opens on the controller's word alone.
    passes: Any = None
    held: Counter[str] = field(default_factory=Counter)  # barrier kept down, by reason
    # A forecast's pre-roll (twin.initial_state): before this time the gate is the
    # snapshot's, whose trucks are placed at the fork; earlier arrivals count as passed.
    open_from_s: float = -math.inf


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
    env: simpy.Environment, site: GateSite, truck: Truck, rec: Recorder, manual_reason: str = ""
) -> Generator[simpy.Event, Any, GateDecision]:
    """Queue for a lane, be checked, and leave or go to a manual post; return the decision.

    ``manual_reason`` sends a truck that passed the automatic check to a manual post all
    the same (e.g. a transfer that no electronic fence has watched on its way).
    """
    cid, lanes = truck.case_id, f"{site.ref}/lanes"
    if env.now < site.open_from_s:
        return GateDecision(cid, "", Outcome.PASS, ("before_fork",), float(env.now))
    rec.emit(cid, "gate_queue", Lifecycle.WAIT_START, lanes, env.now)
    lane = yield site.lanes.get()
    rec.emit(cid, "gate_queue", Lifecycle.WAIT_STOP, lanes, env.now)
    rec.emit(cid, "gate_check", Lifecycle.START, lanes, env.now, {"lane": lane})
    commands = site.controller.handle(TruckArrived(lane, cid, truck.gate_pass), env.now)
    if not any(isinstance(c, RecordDecision) for c in commands):
        commands = yield from _read_devices(env, site, truck, lane, rec)
    decision = next(c.decision for c in commands if isinstance(c, RecordDecision))
    decision = _carry_out(site, truck, commands, decision, env.now)
    rec.emit(
        cid,
        "gate_check",
        Lifecycle.STOP,
        lanes,
        env.now,
        {"outcome": decision.outcome.value, "reasons": ";".join(decision.reasons)},
    )
    site.lanes.put(lane)
    if decision.outcome is not Outcome.PASS or manual_reason:
        yield from _manual_post(env, site, truck, rec)
    return decision


def _carry_out(
    site: GateSite, truck: Truck, commands: list[Any], decision: GateDecision, now: float
) -> GateDecision:
    """Act on the controller's commands; return the decision as carried out.

    Intent before act: the gate pass is reserved in the ledger's central state before the
    barrier is commanded, and the passage posts that reservation. A pass the ledger
    refuses (used, unknown, voided, another truck's, goods on hold) keeps the barrier
    down, as does a barrier that faults (its reservation voided): the truck goes to a
    manual post, with the reason, and the passage is not posted.
    """
    post = next((c for c in commands if isinstance(c, PostGatePassage)), None)
    for cmd in commands:
        if isinstance(cmd, OpenBarrier):
            held = _open_barrier(site, truck, cmd, post, now)
            if held:
                site.held[held.split(":", 1)[0]] += 1
                return replace(decision, outcome=Outcome.MANUAL_POST, reasons=(held,))
        elif isinstance(cmd, PostGatePassage) and site.on_passage is not None:
            site.on_passage(cmd, now)
        elif isinstance(cmd, DiscardReading):
            site.discarded[cmd.reason] += 1
    return decision


def _open_barrier(
    site: GateSite, truck: Truck, cmd: OpenBarrier, post: PostGatePassage | None, now: float
) -> str:
    """Reserve the pass, then open; return why the barrier stayed down ("" if it opened).

    At the first gate of a double gate (no passage to post yet) the pass is only checked.
    The plate is the one the controller matched against the pass, not the twin's truth.
    """
    passes = site.passes
    if passes is not None:
        plate = truck.gate_pass.plate
        refused = (
            passes.check_pass(truck.gate_pass.pass_id)
            if post is None
            else passes.reserve_passage(post, plate, now)
        )
        if refused:
            return f"ledger_refused:{refused}"
    barrier = site.barriers.get(cmd.lane)  # none: an officer waves the truck through
    fault = None if barrier is None else barrier.write(cmd, now)
    if not isinstance(fault, DeviceFault):
        return ""
    if passes is not None and post is not None:
        passes.void_passage(post.idempotency_key, "barrier_fault", now)
    return f"barrier_fault:{fault.code}"


def _read_devices(
    env: simpy.Environment, site: GateSite, truck: Truck, lane: str, rec: Recorder
) -> Generator[simpy.Event, Any, list[Any]]:
    """Let the lane's devices read the truck, then feed what they say to the controller."""
    started = env.now
    if site.intelligent:
        shown = [
            (dev, truth)
            for kind, dev in site.sensors[lane].items()
            if (truth := truck.stimulus(kind, site.ref)) is not None
        ]
        ready = max((dev.present(truth, env.now) for dev, truth in shown), default=env.now)
        yield env.timeout(max(0.0, ready - env.now))
        results = [r for dev, _ in shown for r in dev.read(env.now)]
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
        results = [
            Reading(
                site.officer_ids[lane],
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
        commands += site.controller.handle(event_for(lane, result), env.now)
    if not any(isinstance(c, RecordDecision) for c in commands):
        # A reading that never came: the controller fails closed when its wait runs out.
        yield env.timeout(max(0.0, started + site.max_passage_s + 1.0 - env.now))
        commands += site.controller.handle(Tick(), env.now)
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
