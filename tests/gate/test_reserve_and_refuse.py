"""The controller's own defences: reserve before opening, refuse bad readings, hold a busy lane.

Pure core, no I/O: a gate that reserves never returns an OpenBarrier before the ledger's
PassReserved; a refusal or a timeout sends the truck to a post; non-finite values,
confidences outside [0, 1] and readings dated beyond the clock skew never count; an
arrival at an occupied lane is held (lane_busy), never ignored.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from core.gate import (
    DeviceKind,
    GateController,
    GatePass,
    GatePolicy,
    Hold,
    OpenBarrier,
    Outcome,
    PassReserved,
    Reading,
    ReadingReceived,
    RecordDecision,
    ReservationRefused,
    ReservePass,
    Tick,
    TruckArrived,
    VoidReservation,
)

GATE, LANE = "z1/g1", "z1/g1/lane1"
CAM = f"{GATE}/plate_camera-1"
GP = GatePass("P1", "沪A12345")


def controller(reserve: bool = True) -> GateController:
    policy = GatePolicy(required=frozenset({DeviceKind.PLATE_CAMERA}), reserve_before_open=reserve)
    return GateController(GATE, policy)


def plate(value: object = "沪A12345", conf: float = 0.97, t: float = 1.0, seq: int = 1):
    return ReadingReceived(LANE, Reading(CAM, DeviceKind.PLATE_CAMERA, value, conf, seq, t))  # type: ignore[arg-type]


def outcome(cmds: list) -> tuple[Outcome, tuple[str, ...]] | None:
    d = next((c.decision for c in cmds if isinstance(c, RecordDecision)), None)
    return None if d is None else (d.outcome, d.reasons)


def test_a_reserving_gate_opens_only_after_the_ledger_reserved_the_pass():
    ctl = controller()
    ctl.handle(TruckArrived(LANE, "c1", GP), 0.0)
    cmds = ctl.handle(plate(), 1.0)
    [reserve] = [c for c in cmds if isinstance(c, ReservePass)]
    assert not any(isinstance(c, OpenBarrier | RecordDecision) for c in cmds)
    assert Hold(LANE, "c1", "awaiting_reservation") in cmds
    assert (reserve.pass_id, reserve.plate, reserve.passage_id) == ("P1", "沪A12345", "z1/g1|P1|c1")
    done = ctl.handle(PassReserved(LANE, "c1", reserve.passage_id), 1.1)
    assert OpenBarrier(LANE, "c1") in done and outcome(done) == (
        Outcome.PASS,
        ("all_checks_passed",),
    )


def test_a_refused_reservation_sends_the_truck_to_a_post_and_never_opens():
    ctl = controller()
    ctl.handle(TruckArrived(LANE, "c1", GP), 0.0)
    ctl.handle(plate(), 1.0)
    cmds = ctl.handle(ReservationRefused(LANE, "c1", "z1/g1|P1|c1", "pass_already_used"), 1.1)
    assert not any(isinstance(c, OpenBarrier) for c in cmds)
    assert outcome(cmds) == (Outcome.MANUAL_POST, ("pass_refused:pass_already_used",))


def test_a_ledger_that_does_not_answer_in_time_sends_to_a_post_and_a_late_answer_is_voided():
    ctl = controller()
    ctl.handle(TruckArrived(LANE, "c1", GP), 0.0)
    ctl.handle(plate(), 1.0)
    assert ctl.handle(Tick(), 2.5) == []  # within max_reservation_s (2 s)
    cmds = ctl.handle(Tick(), 3.5)
    assert outcome(cmds) == (Outcome.MANUAL_POST, ("ledger_timeout",))
    late = ctl.handle(PassReserved(LANE, "c1", "z1/g1|P1|c1"), 4.0)
    assert late == [VoidReservation("z1/g1|P1|c1", "reservation_late")]


def test_the_twin_s_gate_does_not_reserve():
    ctl = controller(reserve=False)
    ctl.handle(TruckArrived(LANE, "c1", GP), 0.0)
    cmds = ctl.handle(plate(), 1.0)
    assert OpenBarrier(LANE, "c1") in cmds and not any(isinstance(c, ReservePass) for c in cmds)


def test_an_empty_pass_id_never_opens():
    cmds = controller(reserve=False).handle(TruckArrived(LANE, "c1", GatePass("", "沪A1")), 0.0)
    assert outcome(cmds) == (Outcome.MANUAL_POST, ("empty_pass_id",))


def test_an_arrival_at_an_occupied_lane_is_held_and_counted_not_ignored():
    ctl = controller()
    ctl.handle(TruckArrived(LANE, "c1", GP), 0.0)
    assert ctl.handle(TruckArrived(LANE, "c1", GP), 0.1) == []  # the same truck again
    assert ctl.handle(TruckArrived(LANE, "c2", GP), 0.2) == [Hold(LANE, "c2", "lane_busy")]
    assert ctl.held_arrivals == {"lane_busy": 1}


@given(
    st.one_of(
        st.sampled_from([math.nan, math.inf, -math.inf]).map(lambda v: ("value", v)),
        st.one_of(
            st.floats(max_value=-1e-9, allow_nan=False),
            st.floats(min_value=1.000001, allow_nan=False),
            st.just(math.nan),
        ).map(lambda c: ("conf", c)),
        st.floats(min_value=5.01, max_value=1e9).map(lambda dt: ("future", dt)),
    )
)
def test_bad_readings_never_count_and_never_open(bad):
    kind, x = bad
    ctl = GateController(
        GATE, GatePolicy(required=frozenset({DeviceKind.WEIGHBRIDGE}), weight_tolerance_kg=1e12)
    )
    wb = f"{GATE}/weighbridge-1"
    ctl.handle(
        TruckArrived(LANE, "c1", GatePass("P1", "沪A1", vehicle_tare_kg=1.0, gross_weight_kg=1.0)),
        0.0,
    )
    value, conf, t = 2.0, 0.97, 1.0
    if kind == "value":
        value = x
    elif kind == "conf":
        conf = x
    else:
        t = 1.0 + x
    cmds = ctl.handle(
        ReadingReceived(LANE, Reading(wb, DeviceKind.WEIGHBRIDGE, value, conf, 5, t)), 1.0
    )
    expected = {"value": "non_finite_value", "conf": "bad_confidence", "future": "future_reading"}
    assert outcome(cmds) == (Outcome.MANUAL_POST, (expected[kind],))
    assert not any(isinstance(c, OpenBarrier) for c in cmds)
    # A refused reading does not advance the device's sequence number.
    ctl.handle(
        TruckArrived(LANE, "c2", GatePass("P2", "沪A1", vehicle_tare_kg=1.0, gross_weight_kg=1.0)),
        2.0,
    )
    ok = ctl.handle(
        ReadingReceived(LANE, Reading(wb, DeviceKind.WEIGHBRIDGE, 2.0, 0.97, 5, 2.0)), 2.0
    )
    assert OpenBarrier(LANE, "c2") in ok
