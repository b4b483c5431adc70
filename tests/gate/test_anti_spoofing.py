"""Anti-spoofing and fault cases: each ends in a diversion or rejection, never an open barrier."""

from __future__ import annotations

from core.gate import (
    DivertToInspection,
    DivertToManualPost,
    EPlateRead,
    GateController,
    GatePolicy,
    OpenBarrier,
    Outcome,
    PostGatePassage,
    RejectTruck,
    SealRead,
    Tick,
    TruckArrived,
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


def _never_opens(commands):
    assert not any(isinstance(c, OpenBarrier | PostGatePassage) for c in commands)


def test_a_truck_whose_every_reading_matches_the_pass_opens_the_barrier():
    cmds = run_passage()
    assert OpenBarrier(LANE, "c1") in cmds
    assert outcome_and_reasons(cmds) == (Outcome.PASS, ("all_checks_passed",))


def test_cloned_e_plate_on_another_plate_is_diverted_with_reason_eplate_plate_mismatch():
    cloned = EPlateRead(PASS.e_plate_id, PASS.plate)  # the tag of the truck on the pass
    cmds = run_passage(
        plate_camera=[reading(K.PLATE_CAMERA, "苏E77777")],  # the plate really mounted
        e_plate_reader=[reading(K.E_PLATE_READER, cloned)],
    )
    _never_opens(cmds)
    outcome, reasons = outcome_and_reasons(cmds)
    assert outcome is Outcome.MANUAL_POST and "eplate_plate_mismatch" in reasons
    assert any(isinstance(c, DivertToManualPost) for c in cmds)


def test_e_plate_of_another_truck_is_diverted_with_reason_eplate_not_on_pass():
    cmds = run_passage(e_plate_reader=[reading(K.E_PLATE_READER, EPlateRead("EP9999", "苏E77777"))])
    _never_opens(cmds)
    assert "eplate_not_on_pass" in outcome_and_reasons(cmds)[1]


def test_ocr_misread_through_a_confusable_glyph_is_a_weak_match_sent_to_a_post():
    cmds = run_passage(plate_camera=[reading(K.PLATE_CAMERA, "沪AI0B85")])
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("plate_weak",))


def test_ocr_misread_at_low_confidence_is_not_trusted():
    cmds = run_passage(plate_camera=[reading(K.PLATE_CAMERA, "沪A10B86", conf=0.6)])
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("low_confidence",))


def test_container_number_misread_fails_its_check_digit_and_goes_to_a_post():
    cmds = run_passage(container_ocr=[reading(K.CONTAINER_OCR, "CSQU3O54383")])
    _never_opens(cmds)
    outcome, reasons = outcome_and_reasons(cmds)
    assert outcome is Outcome.MANUAL_POST and "container_check_digit_invalid" in reasons


def test_swapped_container_is_sent_to_inspection_with_reason_container_not_on_pass():
    cmds = run_passage(container_ocr=[reading(K.CONTAINER_OCR, "MSKU9070323")])
    _never_opens(cmds)
    outcome, reasons = outcome_and_reasons(cmds)
    assert outcome is Outcome.INSPECTION
    assert reasons == ("container_not_on_pass", "container_missing")
    assert any(isinstance(c, DivertToInspection) for c in cmds)


def test_tampered_seal_is_sent_to_inspection_with_reason_seal_tampered():
    cmds = run_passage(e_seal_reader=[reading(K.E_SEAL_READER, SealRead("ES001", False))])
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.INSPECTION, ("seal_tampered",))


def test_wrong_seal_is_sent_to_inspection_with_reason_seal_wrong():
    cmds = run_passage(e_seal_reader=[reading(K.E_SEAL_READER, SealRead("ES777", True))])
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.INSPECTION, ("seal_wrong", "seal_missing"))


def test_weight_off_by_more_than_the_tolerance_is_sent_to_inspection_and_recorded():
    declared = PASS.declared_total_kg
    cmds = run_passage(weighbridge=[reading(K.WEIGHBRIDGE, declared * 1.05)])
    _never_opens(cmds)
    outcome, reasons = outcome_and_reasons(cmds)
    assert (outcome, reasons) == (Outcome.INSPECTION, ("weight_out_of_tolerance",))
    d = next(c.decision for c in cmds if hasattr(c, "decision"))
    assert d.weight_kg == declared * 1.05 and abs(d.weight_error_kg - declared * 0.05) < 1e-6


def test_weight_within_the_zone_tolerance_passes_and_a_stricter_zone_diverts_it():
    heavy = [reading(K.WEIGHBRIDGE, PASS.declared_total_kg * 1.02)]
    assert outcome_and_reasons(run_passage(weighbridge=heavy))[0] is Outcome.PASS
    strict = GatePolicy.second_line(weight_tolerance_pct=1.0)
    heavy = [reading(K.WEIGHBRIDGE, PASS.declared_total_kg * 1.02)]
    assert (
        outcome_and_reasons(run_passage(policy=strict, weighbridge=heavy))[0] is Outcome.INSPECTION
    )


def test_replayed_reading_with_a_used_sequence_number_never_opens_the_barrier():
    ctl = GateController(GATE, GatePolicy.second_line())
    first = good_readings()
    run_passage(first, controller=ctl)
    replay = good_readings()
    replay[K.E_PLATE_READER] = first[K.E_PLATE_READER]  # captured and sent again
    cmds = run_passage(replay, controller=ctl, case_id="c2", gp=with_pass(pass_id="HF2"))
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("replayed_reading",))


def test_stale_reading_never_opens_the_barrier():
    cmds = run_passage(weighbridge=[reading(K.WEIGHBRIDGE, PASS.declared_total_kg, t=-100.0)])
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("stale_reading",))


def test_reading_older_than_the_truck_belongs_to_another_truck_and_is_stale():
    ctl = GateController(GATE, GatePolicy.second_line(max_reading_age_s=600.0))
    ctl.handle(TruckArrived(LANE, "c1", PASS), 500.0)
    cmds = ctl.handle(reading(K.PLATE_CAMERA, PASS.plate, t=400.0), 500.0)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("stale_reading",))


def test_device_faulted_mid_passage_sends_the_truck_to_a_post_with_the_fault():
    events = good_readings()
    events[K.WEIGHBRIDGE] = [fault(K.WEIGHBRIDGE, "device_down")]
    cmds = run_passage(events)
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("device_fault:device_down",))


def test_reading_from_a_device_of_another_gate_is_not_trusted():
    spoof = reading(K.PLATE_CAMERA, PASS.plate, device="yangshan_port/gate_2L_02/plate_camera-1")
    cmds = run_passage(plate_camera=[spoof])
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.MANUAL_POST, ("foreign_device",))


def test_missing_reading_times_out_on_tick_naming_the_missing_devices():
    ctl = GateController(GATE, GatePolicy.second_line(max_passage_s=60.0))
    events = good_readings()
    del events[K.WEIGHBRIDGE], events[K.GPS_TRACK]
    assert run_passage(events, controller=ctl) == []
    assert ctl.handle(Tick(), 30.0) == []
    cmds = ctl.handle(Tick(), 61.0)
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (
        Outcome.MANUAL_POST,
        ("missing_reading:gps_track", "missing_reading:weighbridge"),
    )


def test_gps_track_that_leaves_the_corridor_is_sent_to_inspection():
    from core.gate import GeoPoint
    from hardware_models.sim import track_along

    detour = track_along(
        (GeoPoint(0, 0), GeoPoint(10_000, 8_000), GeoPoint(32_000, 5_000)), -3000.0, 16.0
    )
    cmds = run_passage(gps_track=[reading(K.GPS_TRACK, detour)])
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.INSPECTION, ("gps_deviation",))


def test_unexplained_stop_on_a_transfer_is_sent_to_inspection():
    from hardware_models.sim import track_along
    from tests.gate.helpers import ROUTE

    stopped = track_along(ROUTE, -5000.0, 16.0, 60.0, stops=((10_000.0, 1_800.0),))
    cmds = run_passage(gps_track=[reading(K.GPS_TRACK, stopped)])
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.INSPECTION, ("gps_unexplained_stop",))


def test_a_pass_used_once_cannot_be_used_by_a_second_truck():
    ctl = GateController(GATE, GatePolicy.second_line())
    run_passage(controller=ctl)
    cmds = ctl.handle(TruckArrived(LANE, "c2", PASS), 10.0)
    assert outcome_and_reasons(cmds) == (Outcome.REJECT, ("pass_already_used",))
    assert any(isinstance(c, RejectTruck) for c in cmds)


def test_radiation_alarm_sends_the_truck_to_inspection():
    policy = GatePolicy.second_line(required=frozenset({K.PLATE_CAMERA, K.RADIATION_PORTAL}))
    events = {
        K.PLATE_CAMERA: [reading(K.PLATE_CAMERA, PASS.plate)],
        K.RADIATION_PORTAL: [reading(K.RADIATION_PORTAL, 3.2)],
    }
    cmds = run_passage(events, policy=policy)
    _never_opens(cmds)
    assert outcome_and_reasons(cmds) == (Outcome.INSPECTION, ("radiation_alarm",))
