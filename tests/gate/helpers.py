"""A second-line passage with every reading, and ways to spoil one of them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from core.gate import (
    DeviceFault,
    DeviceKind,
    EPlateRead,
    GateController,
    GatePass,
    GatePassItem,
    GatePolicy,
    GeoPoint,
    Outcome,
    Reading,
    ReadingReceived,
    RecordDecision,
    SealRead,
    TransferRoute,
    TruckArrived,
)
from hardware_models.sim import track_along

K = DeviceKind
GATE = "yangshan_port/gate_2L_01"
LANE = f"{GATE}/lane1"
ROUTE = (GeoPoint(0.0, 0.0), GeoPoint(20_000.0, 0.0), GeoPoint(32_000.0, 5_000.0))

PASS = GatePass(
    "HF2014000001",
    "沪A10B85",
    e_plate_id="EP0001",
    ic_card_id="IC8800123",
    items=(
        GatePassItem("QD2014A", 1, Decimal("120")),
        GatePassItem("QD2014A", 2, Decimal("40")),
        GatePassItem("QD2014B", 1, Decimal("8")),
    ),
    container_numbers=("CSQU3054383",),
    seal_ids=("ES001",),
    vehicle_tare_kg=9_000.0,
    container_tare_kg=2_200.0,
    gross_weight_kg=20_000.0,
    net_weight_kg=18_500.0,
    transfer=TransferRoute(ROUTE, corridor_m=300.0),
)
TRACK = track_along(ROUTE, -3_000.0, 16.0, 60.0)
_SEQ = [0]


def reading(
    kind: DeviceKind,
    value,
    *,
    t: float = 1.0,
    conf: float = 0.97,
    seq: int | None = None,
    device: str | None = None,
) -> ReadingReceived:
    if seq is None:
        _SEQ[0] += 1
        seq = _SEQ[0]
    device_id = device or f"{GATE}/{kind.value}-1"
    return ReadingReceived(LANE, Reading(device_id, kind, value, conf, seq, t))


def fault(kind: DeviceKind, code: str = "device_down", t: float = 1.0):
    from core.gate import FaultReported

    return FaultReported(LANE, DeviceFault(f"{GATE}/{kind.value}-1", kind, code, "", t))


def good_readings(gp: GatePass = PASS, t: float = 1.0) -> dict[DeviceKind, list[ReadingReceived]]:
    """One correct reading (per container / seal) of every second-line device."""
    return {
        K.PLATE_CAMERA: [reading(K.PLATE_CAMERA, gp.plate, t=t)],
        K.E_PLATE_READER: [reading(K.E_PLATE_READER, EPlateRead(gp.e_plate_id, gp.plate), t=t)],
        K.IC_CARD_READER: [reading(K.IC_CARD_READER, gp.ic_card_id, t=t)],
        K.CONTAINER_OCR: [reading(K.CONTAINER_OCR, c, t=t) for c in gp.container_numbers],
        K.WEIGHBRIDGE: [reading(K.WEIGHBRIDGE, gp.declared_total_kg + 35.0, t=t)],
        K.E_SEAL_READER: [reading(K.E_SEAL_READER, SealRead(s, True), t=t) for s in gp.seal_ids],
        K.GPS_TRACK: [reading(K.GPS_TRACK, TRACK, t=t)],
    }


def run_passage(
    events_by_kind=None,
    *,
    gp: GatePass = PASS,
    policy: GatePolicy | None = None,
    case_id: str = "c1",
    now: float = 1.0,
    controller: GateController | None = None,
    **overrides,
):
    """Arrive, feed every reading (``overrides`` replace one kind's events); return all commands."""
    ctl = controller or GateController(GATE, policy or GatePolicy.second_line())
    events = events_by_kind or good_readings(gp, t=now)
    for key, value in overrides.items():
        events[K(key)] = value
    commands = ctl.handle(TruckArrived(LANE, case_id, gp), 0.0)
    for evs in events.values():
        for ev in evs:
            commands += ctl.handle(ev, now)
    return commands


def decision(commands):
    [d] = [c.decision for c in commands if isinstance(c, RecordDecision)]
    return d


def outcome_and_reasons(commands) -> tuple[Outcome, tuple[str, ...]]:
    d = decision(commands)
    return d.outcome, d.reasons


def with_pass(**changes) -> GatePass:
    return replace(PASS, **changes)
