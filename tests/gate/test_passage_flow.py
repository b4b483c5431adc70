"""Passage flow: risk lanes, double gates, ledger posting once, line presets, policy checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.gate import (
    AdvanceGatePass,
    DeviceKind,
    DiscardReading,
    DivertToInspection,
    GateController,
    GateLine,
    GateMode,
    GatePassItem,
    GatePassState,
    GatePolicy,
    GatePolicyError,
    Hold,
    OpenBarrier,
    Outcome,
    PassBinding,
    PostGatePassage,
    RequestScan,
    RiskLane,
    ScanCompleted,
    ScanResult,
    Tick,
    TruckArrived,
    expected_readings,
)
from tests.gate.helpers import (
    GATE,
    LANE,
    PASS,
    K,
    fault,
    good_readings,
    outcome_and_reasons,
    reading,
    run_passage,
    with_pass,
)


def _posts(commands):
    return [c for c in commands if isinstance(c, PostGatePassage)]


def test_passage_posts_the_passed_quantities_to_the_ledger_once_with_an_idempotency_key():
    cmds = run_passage()
    [post] = _posts(cmds)
    assert post.list_ids == ("QD2014A", "QD2014B")
    assert post.lines == PASS.items and post.gate_id == GATE and post.case_id == "c1"
    assert post.idempotency_key == f"{GATE}|{PASS.pass_id}|c1"
    assert post.weight_kg == PASS.declared_total_kg + 35.0
    assert AdvanceGatePass(PASS.pass_id, GatePassState.PASSED) in cmds


def test_one_list_many_trucks_posts_each_trucks_share_under_its_own_pass():
    ctl = GateController(GATE, GatePolicy())
    shares = []
    for n, qty in enumerate(("60", "40"), start=1):
        gp = with_pass(
            pass_id=f"HF{n}",
            binding=PassBinding.ONE_LIST_MANY_TRUCKS,
            items=(GatePassItem("QD1", 1, Decimal(qty)),),
        )
        ctl.handle(TruckArrived(LANE, f"c{n}", gp), 0.0)
        shares += _posts(ctl.handle(reading(K.PLATE_CAMERA, gp.plate), 1.0))
    assert [p.lines[0].quantity for p in shares] == [Decimal("60"), Decimal("40")]
    assert len({p.idempotency_key for p in shares}) == 2


def test_repeated_events_after_the_decision_post_nothing_more():
    ctl = GateController(GATE, GatePolicy.second_line())
    events = good_readings()
    first = run_passage(events, controller=ctl)
    again = ctl.handle(TruckArrived(LANE, "c1", PASS), 2.0)
    for evs in events.values():
        for ev in evs:
            again += ctl.handle(ev, 2.0)
    assert len(_posts(first)) == 1
    assert {type(c) for c in again} == {DiscardReading}  # counted as late, deciding nothing
    assert {c.reason for c in again} == {"late_reading"}


def test_the_same_reading_delivered_twice_during_a_passage_is_ignored_not_a_replay():
    ctl = GateController(GATE, GatePolicy.second_line())
    events = good_readings()
    ctl.handle(TruckArrived(LANE, "c1", PASS), 0.0)
    plate = events[K.PLATE_CAMERA][0]
    assert ctl.handle(plate, 1.0) == []
    r = plate.reading
    assert ctl.handle(plate, 1.0) == [DiscardReading(LANE, r.device_id, r.seq, "duplicate")]
    cmds = []
    for kind, evs in events.items():
        if kind is not K.PLATE_CAMERA:
            for ev in evs:
                cmds += ctl.handle(ev, 1.0)
    assert outcome_and_reasons(cmds)[0] is Outcome.PASS


def test_scan_lane_requests_an_h986_scan_and_holds_the_truck_until_the_result():
    cmds = run_passage(gp=with_pass(risk_lane=RiskLane.SCAN))
    assert RequestScan(LANE, "c1", PASS.pass_id) in cmds
    assert Hold(LANE, "c1", "awaiting_scan") in cmds
    assert not any(isinstance(c, OpenBarrier) for c in cmds)


@pytest.mark.parametrize(
    ("result", "outcome", "reasons"),
    [
        (ScanResult.CLEAR, Outcome.PASS, ("all_checks_passed", "scan_clear")),
        (ScanResult.SUSPECT, Outcome.INSPECTION, ("scan_suspect",)),
    ],
)
def test_the_scan_result_continues_the_passage(result, outcome, reasons):
    ctl = GateController(GATE, GatePolicy.second_line())
    run_passage(controller=ctl, gp=with_pass(risk_lane=RiskLane.SCAN))
    assert ctl.handle(ScanCompleted(LANE, "other", result), 200.0) == []
    cmds = ctl.handle(ScanCompleted(LANE, "c1", result), 200.0)
    assert outcome_and_reasons(cmds) == (outcome, reasons)
    assert (len(_posts(cmds)) == 1) is (outcome is Outcome.PASS)


def test_an_h986_reading_is_taken_as_the_scan_result():
    ctl = GateController(GATE, GatePolicy.second_line())
    run_passage(controller=ctl, gp=with_pass(risk_lane=RiskLane.SCAN))
    cmds = ctl.handle(reading(K.H986_SCANNER, "suspect", t=150.0), 151.0)
    assert outcome_and_reasons(cmds) == (Outcome.INSPECTION, ("scan_suspect",))


def test_a_scanner_fault_or_timeout_never_opens_the_barrier():
    ctl = GateController(GATE, GatePolicy.second_line(max_scan_s=300.0))
    run_passage(controller=ctl, gp=with_pass(risk_lane=RiskLane.SCAN))
    assert ctl.handle(Tick(), 200.0) == []
    cmds = ctl.handle(Tick(), 302.0)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("scan_timeout",))
    ctl2 = GateController(GATE, GatePolicy.second_line())
    run_passage(controller=ctl2, gp=with_pass(risk_lane=RiskLane.SCAN))
    cmds = ctl2.handle(fault(K.H986_SCANNER, "no_read"), 100.0)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("device_fault:no_read",))


def test_physical_inspection_lane_sends_the_truck_to_inspection_even_when_all_matches():
    cmds = run_passage(gp=with_pass(risk_lane=RiskLane.PHYSICAL_INSPECTION))
    assert outcome_and_reasons(cmds) == (Outcome.INSPECTION, ("risk_lane:physical_inspection",))
    assert any(isinstance(c, DivertToInspection) for c in cmds)


def test_document_review_lane_sends_the_truck_to_an_officer_post():
    cmds = run_passage(gp=with_pass(risk_lane=RiskLane.DOCUMENT_REVIEW))
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("risk_lane:document_review",))


def test_double_gate_first_gate_advances_the_pass_and_posts_nothing():
    policy = GatePolicy.second_line(mode=GateMode.FIRST_OF_TWO)
    cmds = run_passage(policy=policy)
    assert AdvanceGatePass(PASS.pass_id, GatePassState.PASSED_FIRST_GATE) in cmds
    assert _posts(cmds) == [] and OpenBarrier(LANE, "c1") in cmds


def test_double_gate_second_gate_takes_a_pass_that_passed_the_first_and_posts_it():
    policy = GatePolicy(mode=GateMode.SECOND_OF_TWO)
    ctl = GateController(GATE, policy)
    gp = with_pass(state=GatePassState.PASSED_FIRST_GATE)
    ctl.handle(TruckArrived(LANE, "c1", gp), 0.0)
    cmds = ctl.handle(reading(K.PLATE_CAMERA, gp.plate), 1.0)
    assert AdvanceGatePass(gp.pass_id, GatePassState.PASSED_SECOND_GATE) in cmds
    assert len(_posts(cmds)) == 1


def test_double_gate_second_gate_refuses_a_pass_that_skipped_the_first():
    cmds = GateController(GATE, GatePolicy(mode=GateMode.SECOND_OF_TWO)).handle(
        TruckArrived(LANE, "c1", PASS), 0.0
    )
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("pass_state:APPROVED",))


def test_first_line_is_open_identity_and_containers_only_second_line_weighs_seals_and_tracks():
    first, second = GatePolicy.first_line(), GatePolicy.second_line()
    assert first.line is GateLine.FIRST and second.line is GateLine.SECOND
    assert K.WEIGHBRIDGE not in first.required and K.WEIGHBRIDGE in second.required
    assert set(expected_readings(PASS, first)) == {
        K.PLATE_CAMERA,
        K.E_PLATE_READER,
        K.CONTAINER_OCR,
    }
    assert expected_readings(PASS, second)[K.E_SEAL_READER] == 1


def test_first_line_passage_needs_no_weighing():
    events = good_readings()
    for kind in (K.WEIGHBRIDGE, K.IC_CARD_READER, K.E_SEAL_READER, K.GPS_TRACK):
        del events[kind]
    cmds = run_passage(events, policy=GatePolicy.first_line())
    assert outcome_and_reasons(cmds)[0] is Outcome.PASS


def test_default_policy_keeps_the_walking_skeleton_plate_only():
    assert GatePolicy().required == frozenset({DeviceKind.PLATE_CAMERA})


def test_a_truck_without_container_must_still_be_seen_by_the_container_ocr():
    gp = with_pass(container_numbers=(), container_tare_kg=0.0)
    assert expected_readings(gp, GatePolicy.second_line())[K.CONTAINER_OCR] == 1
    cmds = run_passage(
        gp=gp,
        container_ocr=[reading(K.CONTAINER_OCR, "CSQU3054383")],
        weighbridge=[reading(K.WEIGHBRIDGE, gp.declared_total_kg)],
    )
    assert outcome_and_reasons(cmds) == (Outcome.INSPECTION, ("container_not_on_pass",))


@pytest.mark.parametrize(
    ("field", "value"),
    [("required", frozenset({K.BARRIER})), ("min_confidence", 1.5), ("weight_tolerance_pct", -1.0)],
)
def test_a_policy_out_of_range_is_refused_naming_the_field(field, value):
    with pytest.raises(GatePolicyError, match=field):
        GatePolicy(**{field: value})


def test_a_decision_carries_the_risk_lane_and_pass_id_for_the_audit_log():
    d = next(c.decision for c in run_passage() if hasattr(c, "decision"))
    assert (d.pass_id, d.risk_lane) == (PASS.pass_id, "release")


def test_event_for_wraps_readings_and_faults_for_the_controller():
    from core.gate import FaultReported, ReadingReceived, event_for

    ev = reading(K.PLATE_CAMERA, "沪A1")
    assert event_for(LANE, ev.reading) == ReadingReceived(LANE, ev.reading)
    f = fault(K.WEIGHBRIDGE).fault
    assert event_for(LANE, f) == FaultReported(LANE, f)
