"""Rules of the gate controller (walking skeleton: plate against gate pass)."""

from __future__ import annotations

from core.gate import (
    DeviceFault,
    DeviceKind,
    DivertToManualPost,
    FaultReported,
    GateController,
    GatePass,
    GatePassState,
    OpenBarrier,
    Outcome,
    Reading,
    ReadingReceived,
    RecordDecision,
    TruckArrived,
    compare_plates,
)
from core.gate.plates import PlateMatch

LANE = "z/g/lane1"
CAM = "z/g/plate_camera-1"


def _read(plate: str, seq: int = 1, t: float = 0.0, conf: float = 0.95) -> ReadingReceived:
    return ReadingReceived(LANE, Reading(CAM, DeviceKind.PLATE_CAMERA, plate, conf, seq, t))


def _decision(commands) -> tuple[Outcome, tuple[str, ...]]:
    d = next(c.decision for c in commands if isinstance(c, RecordDecision))
    return d.outcome, d.reasons


def test_matching_plate_opens_the_barrier():
    ctl = GateController("z/g")
    assert ctl.handle(TruckArrived(LANE, "c1", GatePass("P1", "沪A12345")), 0.0) == []
    cmds = ctl.handle(_read("沪A12345"), 1.0)
    assert OpenBarrier(LANE, "c1") in cmds
    assert _decision(cmds) == (Outcome.PASS, ("all_checks_passed",))


def test_plate_matching_only_through_ocr_confusions_is_a_weak_match_sent_to_a_post():
    ctl = GateController("z/g")
    ctl.handle(TruckArrived(LANE, "c1", GatePass("P1", "沪A1O8B5")), 0.0)
    cmds = ctl.handle(_read("沪AI0885"), 1.0)
    assert not any(isinstance(c, OpenBarrier) for c in cmds)
    assert _decision(cmds) == (Outcome.MANUAL_POST, ("plate_weak",))


def test_stale_reading_never_opens_the_barrier():
    ctl = GateController("z/g")
    ctl.handle(TruckArrived(LANE, "c1", GatePass("P1", "沪A12345")), 100.0)
    cmds = ctl.handle(_read("沪A12345", t=10.0), 100.0)
    assert _decision(cmds) == (Outcome.MANUAL_POST, ("stale_reading",))


def test_replayed_sequence_number_never_opens_the_barrier():
    ctl = GateController("z/g")
    ctl.handle(TruckArrived(LANE, "c1", GatePass("P1", "沪A12345")), 0.0)
    ctl.handle(_read("沪A12345", seq=7), 0.0)
    ctl.handle(TruckArrived(LANE, "c2", GatePass("P2", "沪A12345")), 5.0)
    cmds = ctl.handle(_read("沪A12345", seq=7, t=5.0), 5.0)
    assert _decision(cmds) == (Outcome.MANUAL_POST, ("replayed_reading",))


def test_device_fault_sends_the_truck_to_a_post_with_the_fault_code():
    ctl = GateController("z/g")
    ctl.handle(TruckArrived(LANE, "c1", GatePass("P1", "沪A12345")), 0.0)
    fault = DeviceFault(CAM, DeviceKind.PLATE_CAMERA, "timeout", "no reading", 3.0)
    cmds = ctl.handle(FaultReported(LANE, fault), 3.0)
    assert any(isinstance(c, DivertToManualPost) for c in cmds)
    assert _decision(cmds) == (Outcome.MANUAL_POST, ("device_fault:timeout",))


def test_truck_without_gate_pass_is_rejected_at_once():
    cmds = GateController("z/g").handle(TruckArrived(LANE, "c1", None), 0.0)
    assert _decision(cmds) == (Outcome.REJECT, ("no_gate_pass",))


def test_voided_gate_pass_cannot_open_the_barrier():
    p = GatePass("P1", "沪A12345", GatePassState.VOIDED)
    cmds = GateController("z/g").handle(TruckArrived(LANE, "c1", p), 0.0)
    assert _decision(cmds) == (Outcome.MANUAL_POST, ("pass_state:VOIDED",))


def test_the_same_passage_is_decided_once():
    ctl = GateController("z/g")
    ctl.handle(TruckArrived(LANE, "c1", GatePass("P1", "沪A12345")), 0.0)
    assert ctl.handle(_read("沪A12345"), 1.0)
    assert ctl.handle(TruckArrived(LANE, "c1", GatePass("P1", "沪A12345")), 2.0) == []
    assert ctl.handle(_read("沪A12345", seq=2, t=2.0), 2.0) == []


def test_reading_with_no_truck_in_the_lane_decides_nothing():
    assert GateController("z/g").handle(_read("沪A12345"), 0.0) == []


def test_low_confidence_reading_is_not_trusted():
    ctl = GateController("z/g")
    ctl.handle(TruckArrived(LANE, "c1", GatePass("P1", "沪A12345")), 0.0)
    assert _decision(ctl.handle(_read("沪A12345", conf=0.3), 0.0))[1] == ("low_confidence",)


def test_plate_comparison_ignores_spacing_and_case():
    assert compare_plates("沪a 123-45", "沪A12345") is PlateMatch.EXACT
    assert compare_plates("沪A12345", "沪A12346") is PlateMatch.MISMATCH
