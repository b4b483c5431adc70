"""Contract suite, the central gate-pass state (核放单): memory, SQLite and PostgreSQL.

Declared → approved → [passed first gate] → passed, or voided; each passage reserves
the pass (pending), then posts or voids it. A pass is consumed at most once across
lanes, gates, restarts and any number of passages; every refusal has its reason.
"""

from __future__ import annotations

import threading

import pytest

from core.ledger import (
    DualReviewRequired,
    GatePassage,
    GatePassRefused,
    InvalidPassState,
    Ledger,
    Movement,
    MovementKind,
    PassRefused,
    PassState,
    PostStatus,
    Refusal,
    RefusalReason,
    Reservation,
    ReservationStatus,
    ReservationVoided,
    WriteOffState,
)
from tests.ledger.conftest import open_books
from tests.ledger.helpers import (
    ACC,
    GATE,
    REVIEW,
    YANGSHAN_GATE,
    D,
    blist,
    drive_through,
    filing,
)

A = ACC.account_id
PLATE = "沪A12345"
R = RefusalReason


def prepare(ledger: Ledger, passes: int = 1, approved: bool = True) -> None:
    """Stock, one export list of 10 per pass, each pass registered."""
    ledger.post(Movement("stock", A, 1, MovementKind.IN, D(1000), "PCE", GATE), 0.5)
    ledger.declare_list(blist(qty=str(10 * passes)), 1.0)
    ledger.pre_write_off("L1", 1.0)
    for i in range(passes):
        ledger.passes.register_pass(filing(f"GP{i}", ("L1", 1, "10")), 1.0, approved=approved)


def reserve(
    ledger: Ledger,
    passage: str,
    pass_id: str = "GP0",
    plate: str = PLATE,
    gate: str = YANGSHAN_GATE,
    now: float = 2.0,
) -> Reservation | Refusal:
    return ledger.passes.reserve_pass(pass_id, passage, plate, gate, now)


def test_reserve_then_post_consumes_the_pass_and_counts_the_goods(ledger: Ledger) -> None:
    prepare(ledger)
    r = reserve(ledger, "lane1#1")
    assert isinstance(r, Reservation) and r.status is ReservationStatus.PENDING and r.leg == 1
    assert ledger.passes.pass_status("GP0").state is PassState.APPROVED
    assert ledger.list_status("L1").passed == (0,)  # nothing counted while pending
    posted = ledger.passes.post_pass("lane1#1", 3.0)
    assert isinstance(posted, Reservation) and posted.status is ReservationStatus.POSTED
    assert ledger.passes.pass_status("GP0").state is PassState.PASSED
    assert ledger.list_status("L1").passed == (D(10),)
    (use,) = ledger.passes.pass_uses("GP0")
    assert (use.leg, use.passage_id, use.gate_ref, use.plate) == (
        1,
        "lane1#1",
        YANGSHAN_GATE,
        PLATE,
    )


@pytest.mark.parametrize(
    ("pass_id", "passage", "plate", "gate", "reason"),
    [
        ("", "p", PLATE, YANGSHAN_GATE, R.EMPTY_PASS_ID),
        ("GP0", "", PLATE, YANGSHAN_GATE, R.EMPTY_PASSAGE_ID),
        ("GP0", "p", PLATE, "", R.EMPTY_GATE_REF),
        ("NOPE", "p", PLATE, YANGSHAN_GATE, R.UNKNOWN_PASS),
        ("GP0", "p", "沪B99999", YANGSHAN_GATE, R.PLATE_MISMATCH),
        ("GP0", "p", "", YANGSHAN_GATE, R.PLATE_MISMATCH),
    ],
)
def test_a_bad_pass_is_refused_with_its_reason_and_nothing_is_consumed(
    ledger: Ledger, pass_id: str, passage: str, plate: str, gate: str, reason: RefusalReason
) -> None:
    prepare(ledger)
    r = ledger.passes.reserve_pass(pass_id, passage, plate, gate, 2.0)
    assert isinstance(r, Refusal) and r.reason is reason
    assert ledger.passes.pass_status("GP0").state is PassState.APPROVED
    assert ledger.passes.pending_reservations() == [] and ledger.passes.pass_uses("GP0") == []


def test_a_declared_pass_is_refused_until_approved(ledger: Ledger) -> None:
    prepare(ledger, approved=False)
    assert reserve(ledger, "p1").reason is R.NOT_APPROVED
    ledger.passes.approve_pass("GP0", 2.5)
    assert isinstance(reserve(ledger, "p2", now=3.0), Reservation)


def test_a_used_pass_is_refused_at_any_other_lane_or_gate(ledger: Ledger) -> None:
    prepare(ledger)
    drive_through(ledger, "GP0", "lane1#1", 2.0)
    for i, gate in enumerate((YANGSHAN_GATE, "yangshan_port/gate_2L_02", "pudong_airport/g1")):
        r = reserve(ledger, f"other#{i}", gate=gate, now=3.0 + i)
        assert isinstance(r, Refusal) and r.reason is R.ALREADY_USED
    assert len(ledger.passes.pass_uses("GP0")) == 1


def test_a_pending_pass_is_refused_to_every_other_passage(ledger: Ledger) -> None:
    prepare(ledger)
    reserve(ledger, "lane1#1")
    r = reserve(ledger, "lane2#1", gate="yangshan_port/gate_2L_02")
    assert isinstance(r, Refusal) and r.reason is R.RESERVED_ELSEWHERE


def test_the_same_passage_asking_again_gets_its_reservation_back(ledger: Ledger) -> None:
    prepare(ledger)
    first = reserve(ledger, "lane1#1")
    assert reserve(ledger, "lane1#1", now=2.5) == first
    posted = ledger.passes.post_pass("lane1#1", 3.0)
    assert ledger.passes.post_pass("lane1#1", 4.0) == posted  # a retried post: unchanged
    assert reserve(ledger, "lane1#1", now=5.0) == posted
    assert ledger.list_status("L1").passed == (D(10),)


def test_a_passage_id_may_not_reserve_a_second_pass(ledger: Ledger) -> None:
    prepare(ledger, passes=2)
    reserve(ledger, "lane1#1")
    assert reserve(ledger, "lane1#1", pass_id="GP1").reason is R.PASSAGE_REUSED


def test_a_voided_reservation_frees_the_pass_and_cannot_be_posted(ledger: Ledger) -> None:
    prepare(ledger)
    reserve(ledger, "lane1#1")
    v = ledger.passes.void_pass("lane1#1", "manual_post", 3.0)
    assert isinstance(v, Reservation) and (v.status, v.reason) == (
        ReservationStatus.VOIDED,
        "manual_post",
    )
    assert ledger.passes.post_pass("lane1#1", 3.5).reason is R.RESERVATION_VOIDED
    assert reserve(ledger, "lane1#1", now=4.0).reason is R.RESERVATION_VOIDED
    assert ledger.list_status("L1").passed == (0,)
    drive_through(ledger, "GP0", "lane1#2", 5.0)  # the truck's next passage may use it
    assert ledger.passes.pass_status("GP0").state is PassState.PASSED


def test_a_posted_reservation_cannot_be_voided(ledger: Ledger) -> None:
    prepare(ledger)
    drive_through(ledger, "GP0", "lane1#1", 2.0)
    assert ledger.passes.void_pass("lane1#1", "timeout", 3.0).reason is R.RESERVATION_POSTED
    assert ledger.passes.post_pass("never", 3.0).reason is R.UNKNOWN_PASSAGE
    assert ledger.passes.void_pass("never", "x", 3.0).reason is R.UNKNOWN_PASSAGE


def test_reservations_pending_too_long_are_voided_as_timed_out(ledger: Ledger) -> None:
    prepare(ledger, passes=2)
    reserve(ledger, "old", now=2.0)
    reserve(ledger, "new", pass_id="GP1", now=200.0)
    voided = ledger.passes.void_expired(now=400.0)  # the policy's 300 s
    assert [v.passage_id for v in voided] == ["old"]
    assert [r.passage_id for r in ledger.passes.pending_reservations()] == ["new"]


def test_pending_reservations_survive_a_restart_for_settling(reopen) -> None:
    led = open_books(Ledger(reopen()))
    prepare(led, passes=3)
    reserve(led, "lane1#1", pass_id="GP0")
    reserve(led, "lane2#1", pass_id="GP1")
    drive_through(led, "GP2", "lane3#1", 2.0)
    again = Ledger(reopen())  # a restart: new store object, same data
    pending = again.passes.pending_reservations()
    assert [(r.passage_id, r.pass_id) for r in pending] == [("lane1#1", "GP0"), ("lane2#1", "GP1")]
    again.passes.post_pass("lane1#1", 10.0)  # its barrier command is in the log
    again.passes.void_pass("lane2#1", "restart_no_command", 10.0)  # it never went out
    assert again.passes.pending_reservations() == []
    # After the restart the used passes are still used, whatever gate asks.
    for pass_id in ("GP0", "GP2"):
        assert reserve(again, f"x-{pass_id}", pass_id=pass_id, now=11.0).reason is R.ALREADY_USED


def test_a_pass_is_consumed_once_by_concurrent_lanes_on_separate_connections(
    reopen, backend: str
) -> None:
    led = open_books(Ledger(reopen()))
    prepare(led)
    lanes = [Ledger(reopen()) for _ in range(4)]
    results: list[object] = []
    barrier = threading.Barrier(len(lanes))

    def lane(i: int, lg: Ledger) -> None:
        barrier.wait()
        gate = f"yangshan_port/gate_2L_0{i}"
        results.append(lg.passes.reserve_pass("GP0", f"lane{i}#1", PLATE, gate, 2.0))

    threads = [threading.Thread(target=lane, args=(i, lg)) for i, lg in enumerate(lanes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    won = [r for r in results if isinstance(r, Reservation)]
    assert len(results) == 4 and len(won) == 1
    assert {r.reason for r in results if isinstance(r, Refusal)} == {R.RESERVED_ELSEWHERE}


def test_a_two_gate_pass_passes_the_first_then_the_second_gate(ledger: Ledger) -> None:
    ledger.post(Movement("stock", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.declare_list(blist(qty="10"), 1.0)
    ledger.pre_write_off("L1", 1.0)
    ledger.release_declaration("DEC1", 1.0)
    route = ("yangshan_port", "yangshan_port")  # a double gate (两道卡口) in one zone
    ledger.passes.register_pass(filing("GP2", ("L1", 1, "10"), route=route), 1.0)
    drive_through(ledger, "GP2", "g1", 2.0, gate="yangshan_port/gate_A")
    assert ledger.passes.pass_status("GP2").state is PassState.PASSED_FIRST_GATE
    assert ledger.list_status("L1").state is WriteOffState.PRE_WRITTEN_OFF
    assert (
        reserve(ledger, "g1b", "GP2", gate="yangshan_port/gate_A", now=3.0).reason is R.WRONG_GATE
    )
    drive_through(ledger, "GP2", "g2", 4.0, gate="yangshan_port/gate_B")
    assert ledger.passes.pass_status("GP2").state is PassState.PASSED
    assert ledger.list_status("L1").state is WriteOffState.WRITTEN_OFF
    assert [u.leg for u in ledger.passes.pass_uses("GP2")] == [1, 2]


def test_customs_may_void_an_unused_pass_after_dual_review(ledger: Ledger) -> None:
    prepare(ledger, passes=2)
    with pytest.raises(DualReviewRequired):
        ledger.passes.cancel_pass("GP1", REVIEW.__class__("o1", "o1", "o2"), 2.0)
    ledger.passes.cancel_pass("GP1", REVIEW, 2.0)
    assert ledger.passes.pass_status("GP1").state is PassState.VOIDED
    assert ledger.list_status("L1").bound == (D(10),)  # its goods are unbound
    assert reserve(ledger, "p", pass_id="GP1").reason is R.PASS_VOIDED
    drive_through(ledger, "GP0", "q", 3.0)
    with pytest.raises(InvalidPassState):
        ledger.passes.cancel_pass("GP0", REVIEW, 4.0)
    assert [r.action for r in ledger.audit_trail("gate_pass:GP1")] == ["cancel_pass"]


def test_every_refusal_and_void_is_an_event_for_central_monitoring(ledger: Ledger) -> None:
    prepare(ledger)
    box = ledger.outbox("monitoring")
    box.deliver(lambda item: None)  # skip what setting up emitted
    reserve(ledger, "p1", plate="沪X00000")
    reserve(ledger, "p2")
    ledger.passes.void_pass("p2", "manual_post", 3.0)
    seen = [item.event for item in box.poll()]
    assert seen == [
        PassRefused("GP0", "p1", YANGSHAN_GATE, "plate_mismatch", 2.0),
        ReservationVoided("GP0", "p2", YANGSHAN_GATE, "manual_post", 3.0),
    ]


def test_an_officers_one_step_annotation_counts_once_and_respects_the_state(
    ledger: Ledger,
) -> None:
    prepare(ledger, passes=2)
    first = ledger.record_gate_passage(GatePassage("GP0", YANGSHAN_GATE), 2.0)
    again = ledger.record_gate_passage(GatePassage("GP0", YANGSHAN_GATE), 3.0)
    assert first.applied and again.status is PostStatus.DUPLICATE
    assert ledger.list_status("L1").passed == (D(10),)
    assert reserve(ledger, "p", pass_id="GP0").reason is R.ALREADY_USED
    reserve(ledger, "lane#1", pass_id="GP1")
    with pytest.raises(GatePassRefused, match="pass_reserved_elsewhere"):
        ledger.record_gate_passage(GatePassage("GP1", YANGSHAN_GATE), 4.0)
