"""Invariants of the gate controller, checked over generated event sequences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.gate import (
    GateController,
    GatePolicy,
    OpenBarrier,
    PostGatePassage,
    Tick,
    TruckArrived,
)
from core.gate.policy import GateMode
from tests.gate.helpers import GATE, LANE, PASS, K, fault, good_readings, reading

SENSORS = sorted(GatePolicy.second_line().required)


def _flat(events_by_kind):
    return [ev for evs in events_by_kind.values() for ev in evs]


@settings(max_examples=150, deadline=None)
@given(
    order=st.randoms(use_true_random=False),
    dropped=st.sets(st.sampled_from(SENSORS), min_size=1),
    ticks=st.lists(st.floats(0.0, 1e5), max_size=4),
)
def test_no_event_sequence_with_a_missing_reading_ever_opens_the_barrier(order, dropped, ticks):
    events = good_readings()
    for kind in dropped:
        events.pop(kind, None)
    stream = _flat(events) + [Tick()] * len(ticks)
    order.shuffle(stream)
    ctl = GateController(GATE, GatePolicy.second_line())
    commands = ctl.handle(TruckArrived(LANE, "c1", PASS), 0.0)
    for ev in stream:
        commands += ctl.handle(ev, 1.0)
    for t in sorted(ticks):
        commands += ctl.handle(Tick(), t)
    assert not any(isinstance(c, OpenBarrier | PostGatePassage) for c in commands)


@settings(max_examples=150, deadline=None)
@given(
    order=st.randoms(use_true_random=False),
    faulty=st.sampled_from(SENSORS),
    code=st.sampled_from(["device_down", "timeout", "no_read", "stuck"]),
    where=st.floats(0.0, 1.0, exclude_max=True),
)
def test_no_event_sequence_with_a_fault_before_the_last_reading_ever_opens_the_barrier(
    order, faulty, code, where
):
    stream = _flat(good_readings())
    order.shuffle(stream)
    stream.insert(int(where * len(stream)), fault(faulty, code))  # before the last reading
    ctl = GateController(GATE, GatePolicy.second_line())
    commands = ctl.handle(TruckArrived(LANE, "c1", PASS), 0.0)
    for ev in stream:
        commands += ctl.handle(ev, 1.0)
    assert not any(isinstance(c, OpenBarrier) for c in commands)


@settings(max_examples=150, deadline=None)
@given(plate=st.text("沪苏ABCDEFGHJKLMNPQRSTUVWXYZ0123456789OIB", min_size=1, max_size=9))
def test_a_plate_that_is_not_the_pass_plate_never_opens_the_barrier(plate):
    ctl = GateController(GATE, GatePolicy())
    ctl.handle(TruckArrived(LANE, "c1", PASS), 0.0)
    commands = ctl.handle(reading(K.PLATE_CAMERA, plate), 1.0)
    opened = any(isinstance(c, OpenBarrier) for c in commands)
    assert opened == (plate == PASS.plate)


@settings(max_examples=100, deadline=None)
@given(
    picks=st.lists(st.integers(0, 1_000), min_size=1, max_size=40),
    mode=st.sampled_from(list(GateMode)),
)
def test_a_passage_is_posted_to_the_ledger_at_most_once_whatever_is_repeated(picks, mode):
    events = _flat(good_readings())
    arrivals = [TruckArrived(LANE, "c1", PASS), TruckArrived(LANE, "c2", PASS)]
    pool = [*arrivals, *events, Tick()]
    ctl = GateController(GATE, GatePolicy.second_line(mode=mode))
    posts: list[PostGatePassage] = []
    for i in picks:
        posts += [c for c in ctl.handle(pool[i % len(pool)], 1.0) if isinstance(c, PostGatePassage)]
    keys = [p.idempotency_key for p in posts]
    assert len(keys) == len(set(keys)) and len({p.pass_id for p in posts}) == len(posts)
