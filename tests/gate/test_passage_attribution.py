"""Readings belong to their passage: the interleavings that mixed trucks, and a property."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.gate import (
    DiscardReading,
    GateController,
    GatePass,
    GatePolicy,
    Reading,
    ReadingReceived,
    RecordDecision,
    SealRead,
    Tick,
    TruckArrived,
)
from tests.gate.helpers import GATE, LANE, K

POLICY = GatePolicy.second_line(
    required=frozenset({K.PLATE_CAMERA, K.WEIGHBRIDGE, K.E_SEAL_READER})
)
A = GatePass(
    "HFA", "沪A11111", seal_ids=("ESA",), vehicle_tare_kg=15_000.0, gross_weight_kg=14_300.0
)
B = GatePass(
    "HFB", "沪B22222", seal_ids=("ESB",), vehicle_tare_kg=15_000.0, gross_weight_kg=5_000.0
)
_seq = iter(range(1, 10**9))


def read(kind, value, t, case_id=""):
    device = f"{GATE}/{kind.value}-1"
    return ReadingReceived(LANE, Reading(device, kind, value, 0.97, next(_seq), t, case_id))


def truck_readings(gp: GatePass, t: float, case_id: str = "", **values):
    """Plate, weight and seal of an honest truck for ``gp`` (``values`` spoil them)."""
    v = {
        "plate": gp.plate,
        "weight": gp.declared_total_kg,
        "seal": SealRead(gp.seal_ids[0], True),
        **values,
    }
    return [
        read(K.PLATE_CAMERA, v["plate"], t, case_id),
        read(K.WEIGHBRIDGE, v["weight"], t, case_id),
        read(K.E_SEAL_READER, v["seal"], t, case_id),
    ]


def decisions(commands):
    return {c.decision.case_id: c.decision for c in commands if isinstance(c, RecordDecision)}


def discards(commands):
    return [c.reason for c in commands if isinstance(c, DiscardReading)]


def test_a_reading_after_the_decision_is_discarded_and_counted_never_given_to_the_next_truck():
    ctl = GateController(GATE, POLICY)
    plate, weight, seal = truck_readings(A, 1.0, weight=41_000.0, seal=SealRead("ESA", False))
    cmds = ctl.handle(TruckArrived(LANE, "a", A), 0.0)
    cmds += ctl.handle(plate, 1.0) + ctl.handle(weight, 1.0)
    cmds += ctl.handle(Tick(), 200.0)  # the seal never came: fail closed
    assert decisions(cmds)["a"].reasons == ("missing_reading:e_seal_reader",)
    late = ctl.handle(seal, 201.0)  # the seal reader reports at last: A's tampered seal
    assert late == [DiscardReading(LANE, seal.reading.device_id, seal.reading.seq, "late_reading")]
    cmds = ctl.handle(TruckArrived(LANE, "b", B), 202.0)
    for ev in truck_readings(B, 203.0):
        cmds += ctl.handle(ev, 203.0)
    b = decisions(cmds)["b"]
    assert (b.outcome.value, b.reasons) == ("pass", ("all_checks_passed",))
    assert seal.reading.seq not in {seq for _, seq in b.readings}
    assert ctl.discarded == {"late_reading": 1}


def test_a_reading_before_the_arrival_is_held_and_taken_by_that_arrival_within_its_window():
    ctl = GateController(GATE, POLICY)
    plate, weight, seal = truck_readings(B, 99.0)
    assert ctl.handle(plate, 99.5) == []  # the camera fired as the truck rolled in
    cmds = ctl.handle(TruckArrived(LANE, "b", B), 100.0)
    cmds += ctl.handle(weight, 100.5) + ctl.handle(seal, 100.5)
    assert decisions(cmds)["b"].readings[0] == (plate.reading.device_id, plate.reading.seq)
    assert decisions(cmds)["b"].outcome.value == "pass"


def test_a_held_reading_older_than_the_arrivals_early_window_is_discarded_not_used():
    ctl = GateController(GATE, POLICY)
    stray = read(K.PLATE_CAMERA, "沪Z99999", 50.0)  # a passing car, no truck announced
    ctl.handle(stray, 50.0)
    cmds = ctl.handle(TruckArrived(LANE, "b", B), 100.0)
    assert discards(cmds) == ["stale_reading"]
    for ev in truck_readings(B, 101.0):
        cmds += ctl.handle(ev, 101.0)
    assert decisions(cmds)["b"].outcome.value == "pass"


def test_two_trucks_in_quick_succession_keep_their_own_readings():
    ctl = GateController(GATE, POLICY)
    a_plate, a_weight, a_seal = truck_readings(A, 1.0, weight=41_000.0)
    ctl.handle(TruckArrived(LANE, "a", A), 0.0)
    first = ctl.handle(a_plate, 1.0) + ctl.handle(a_seal, 1.0) + ctl.handle(a_weight, 1.2)
    assert decisions(first)["a"].reasons == ("weight_out_of_tolerance",)
    again = read(K.WEIGHBRIDGE, 41_000.0, 1.1)  # A's weighing sent twice, the copy late
    cmds = ctl.handle(TruckArrived(LANE, "b", B), 1.5)
    cmds += ctl.handle(again, 1.6)
    for ev in truck_readings(B, 1.7):
        cmds += ctl.handle(ev, 1.8)
    assert discards(cmds) == ["late_reading"]
    assert decisions(cmds)["b"].outcome.value == "pass"


def test_the_same_reading_delivered_twice_counts_once_and_the_copy_is_counted():
    ctl = GateController(GATE, POLICY)
    plate, weight, seal = truck_readings(B, 1.0)
    ctl.handle(TruckArrived(LANE, "b", B), 0.0)
    cmds = ctl.handle(plate, 1.0) + ctl.handle(plate, 1.0)
    cmds += ctl.handle(weight, 1.0) + ctl.handle(seal, 1.0)
    assert discards(cmds) == ["duplicate"] and decisions(cmds)["b"].outcome.value == "pass"


def test_a_device_that_reports_late_for_the_waiting_truck_is_not_taken_for_it():
    ctl = GateController(GATE, POLICY)
    ctl.handle(TruckArrived(LANE, "a", A), 0.0)
    ctl.handle(Tick(), 200.0)  # A timed out
    cmds = ctl.handle(TruckArrived(LANE, "b", B), 210.0)
    for ev in truck_readings(A, 5.0):  # A's devices, very late, while B waits
        cmds += ctl.handle(ev, 211.0)
    assert discards(cmds) == ["late_reading"] * 3 and "b" not in decisions(cmds)


def test_a_reading_that_names_its_passage_waits_for_it_and_is_late_after_it():
    ctl = GateController(GATE, POLICY)
    a_plate, a_weight, a_seal = truck_readings(A, 1.0, case_id="a")
    ctl.handle(TruckArrived(LANE, "a", A), 0.0)
    ctl.handle(a_plate, 1.0)
    b_plate = read(K.PLATE_CAMERA, B.plate, 1.5, case_id="b")
    assert ctl.handle(b_plate, 1.5) == []  # B's plate, read while A still stands there: held
    cmds = ctl.handle(a_weight, 1.6) + ctl.handle(a_seal, 1.6)
    assert decisions(cmds)["a"].outcome.value == "pass"
    assert discards(ctl.handle(read(K.PLATE_CAMERA, A.plate, 1.7, "a"), 2.0)) == ["late_reading"]
    cmds = ctl.handle(TruckArrived(LANE, "b", B), 3.0)
    for ev in truck_readings(B, 3.0, case_id="b")[1:]:
        cmds += ctl.handle(ev, 3.0)
    b = decisions(cmds)["b"]
    assert b.outcome.value == "pass"
    assert b.readings[0] == (b_plate.reading.device_id, b_plate.reading.seq)


@settings(max_examples=200, deadline=None)
@given(
    a_delays=st.lists(st.floats(0.0, 300.0), min_size=3, max_size=3),
    a_copies=st.lists(st.floats(0.0, 300.0), max_size=3),
    b_arrives=st.floats(130.0, 250.0),
    b_offsets=st.lists(st.floats(-5.0, 3.0), min_size=3, max_size=3),
    b_delays=st.lists(st.floats(0.0, 2.0), min_size=3, max_size=3),
    tags=st.booleans(),
)
def test_no_interleaving_ever_gives_one_trucks_reading_to_the_other(
    a_delays, a_copies, b_arrives, b_offsets, b_delays, tags
):
    ctl = GateController(GATE, POLICY)
    a_reads = truck_readings(A, 2.0, "a" if tags else "")
    b_reads = [
        read(ev.reading.kind, ev.reading.value, b_arrives + off, "b" if tags else "")
        for ev, off in zip(truck_readings(B, 0.0), b_offsets, strict=True)
    ]
    timeline = [(0.0, 0, TruckArrived(LANE, "a", A)), (b_arrives, 1, TruckArrived(LANE, "b", B))]
    timeline += [(2.0 + d, 2, ev) for ev, d in zip(a_reads, a_delays, strict=True)]
    timeline += [(2.0 + d, 2, a_reads[i % 3]) for i, d in enumerate(a_copies)]  # sent twice
    timeline += [
        (max(ev.reading.time_s, 0.0) + d, 3, ev) for ev, d in zip(b_reads, b_delays, strict=True)
    ]
    timeline += [(float(t), 4, Tick()) for t in range(0, 400, 1)]
    decided = {}
    for now, _, event in sorted(timeline, key=lambda x: (x[0], x[1])):
        decided.update(decisions(ctl.handle(event, now)))
    ids = {name: {(r.reading.device_id, r.reading.seq) for r in reads}
           for name, reads in (("a", a_reads), ("b", b_reads))}  # fmt: skip
    assert set(decided) == {"a", "b"}
    assert set(decided["a"].readings) <= ids["a"] and set(decided["b"].readings) <= ids["b"]
    assert decided["b"].outcome.value == "pass"  # B is judged on its own readings, in time
