"""Contract suite, point 3: lists of every kind with 1:1, 1:N and N:1 gate-pass bindings.

Each writes off correctly, and what actually passed the gate is written back to the
list and is what write-off posts. All three backends.
"""

from __future__ import annotations

import pytest

from core.ledger import (
    BadFiling,
    BondedList,
    Direction,
    DualReview,
    DualReviewRequired,
    EntryStatus,
    GatePassage,
    GatePassBinding,
    Ledger,
    ListKind,
    ListLine,
    ListWrittenOff,
    Movement,
    MovementKind,
    OverBinding,
    PassBindingKind,
    PassItem,
    WriteOffMode,
    WriteOffState,
)
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


def stock(ledger: Ledger, qty: str = "100") -> None:
    ledger.post(Movement("stock", A, 1, MovementKind.IN, D(qty), "PCE", GATE, "L0"), now=0.5)


def ready(ledger: Ledger, list_id: str, qty: str, **kw: object) -> None:
    ledger.declare_list(blist(list_id, qty=qty, **kw), 1.0)
    ledger.pre_write_off(list_id, 1.0)


def test_one_truck_one_list_writes_off_after_release_and_passage(ledger: Ledger) -> None:
    stock(ledger)
    ready(ledger, "L1", "10")
    ledger.passes.register_pass(filing("GP1", ("L1", 1, "10")), 2.0)
    assert ledger.passes.binding_kind("GP1") is PassBindingKind.ONE_TRUCK_ONE_LIST
    drive_through(ledger, "GP1", "p1", 3.0)
    r = ledger.release_declaration("DEC1", 4.0)
    assert ListWrittenOff("L1", 4.0) in r.events
    assert ledger.balance(A, 1).balance == D(90)


def test_one_truck_many_lists_binds_one_pass_to_every_list_and_writes_each_off(
    ledger: Ledger,
) -> None:
    stock(ledger)
    ready(ledger, "L1", "10")
    ready(ledger, "L2", "6", decl="DEC2")
    ledger.passes.register_pass(filing("GP1", ("L1", 1, "10"), ("L2", 1, "6")), 2.0)
    assert ledger.passes.binding_kind("GP1") is PassBindingKind.ONE_TRUCK_MANY_LISTS
    drive_through(ledger, "GP1", "p1", 3.0)
    ledger.release_declaration("DEC1", 4.0)
    ledger.release_declaration("DEC2", 4.0)
    assert ledger.list_status("L1").state is WriteOffState.WRITTEN_OFF
    assert ledger.list_status("L2").state is WriteOffState.WRITTEN_OFF
    assert ledger.balance(A, 1).balance == D(84)


def test_the_older_binding_api_extends_a_pass_to_a_second_list(ledger: Ledger) -> None:
    stock(ledger)
    ready(ledger, "L1", "10")
    ready(ledger, "L2", "6", decl="DEC2")
    ledger.bind_gate_pass(GatePassBinding("GP1", "L1", ((1, D(10)),)), 2.0)
    ledger.bind_gate_pass(GatePassBinding("GP1", "L2", ((1, D(6)),)), 2.0)  # 一车多单
    ledger.record_gate_passage(GatePassage("GP1", YANGSHAN_GATE), 3.0)
    ledger.release_declaration("DEC1", 4.0)
    ledger.release_declaration("DEC2", 4.0)
    assert ledger.list_status("L2").state is WriteOffState.WRITTEN_OFF
    assert ledger.balance(A, 1).balance == D(84)


def test_one_list_many_trucks_writes_off_when_the_last_truck_has_passed(ledger: Ledger) -> None:
    stock(ledger)
    ready(ledger, "L1", "30")
    ledger.release_declaration("DEC1", 1.5)
    ledger.passes.register_pass(filing("T1", ("L1", 1, "12")), 2.0)
    ledger.passes.register_pass(filing("T2", ("L1", 1, "12"), plate="沪B2"), 2.0)
    ledger.passes.register_pass(filing("T3", ("L1", 1, "6"), plate="沪C3", last_truck=True), 2.0)
    assert ledger.passes.binding_kind("T1") is PassBindingKind.ONE_LIST_MANY_TRUCKS
    drive_through(ledger, "T1", "p1", 3.0)
    drive_through(ledger, "T2", "p2", 4.0, plate="沪B2")
    assert ledger.list_status("L1").state is WriteOffState.PRE_WRITTEN_OFF
    # The last truck carried 5 of its 6 (weighed): written back, and the list is done.
    ledger.passes.reserve_pass("T3", "p3", "沪C3", YANGSHAN_GATE, 5.0)
    ledger.passes.post_pass("p3", 5.0, (PassItem("L1", 1, D(5)),))
    st = ledger.list_status("L1")
    assert st.state is WriteOffState.WRITTEN_OFF and st.passed == (D(29),)
    b = ledger.balance(A, 1)
    assert (b.balance, b.out_qty, b.reserved_qty) == (D(71), D(29), 0)


def test_a_list_without_a_last_truck_waits_for_all_its_goods(ledger: Ledger) -> None:
    stock(ledger)
    ready(ledger, "L1", "30")
    ledger.release_declaration("DEC1", 1.5)
    ledger.passes.register_pass(filing("T1", ("L1", 1, "12")), 2.0)
    drive_through(ledger, "T1", "p1", 3.0)
    assert ledger.list_status("L1").state is WriteOffState.PRE_WRITTEN_OFF
    assert ledger.balance(A, 1).reserved_qty == D(30)


def test_passes_never_bind_more_than_the_list_holds(ledger: Ledger) -> None:
    stock(ledger)
    ready(ledger, "L1", "10")
    ledger.passes.register_pass(filing("T1", ("L1", 1, "7")), 2.0)
    with pytest.raises(OverBinding, match="bound quantity 11"):
        ledger.passes.register_pass(filing("T2", ("L1", 1, "4")), 2.0)
    assert ledger.passes.pass_status("T2") is None and ledger.list_status("L1").bound == (D(7),)


def test_an_in_list_adds_stock_only_at_write_off(ledger: Ledger) -> None:
    bl = blist("IN1", direction=Direction.IMPORT, kind=ListKind.IN)
    ledger.declare_list(bl, 1.0)
    ledger.pre_write_off("IN1", 1.0)
    ledger.passes.register_pass(filing("GP", ("IN1", 1, "10")), 1.0)
    drive_through(ledger, "GP", "p", 2.0)
    assert ledger.balance(A, 1).balance == 0
    ledger.release_declaration("DEC1", 3.0)
    assert ledger.balance(A, 1).balance == D(10)


def test_a_kind_that_contradicts_the_direction_is_refused(ledger: Ledger) -> None:
    with pytest.raises(BadFiling, match="direction"):
        ledger.declare_list(blist("X", direction=Direction.IMPORT, kind=ListKind.OUT), 1.0)


def test_a_stocktake_adjustment_list_posts_gain_and_loss_under_dual_review(
    ledger: Ledger,
) -> None:
    stock(ledger, "50")

    def adj(list_id: str, direction: Direction, qty: str, review: DualReview | None) -> BondedList:
        return BondedList(
            list_id,
            A,
            direction,
            WriteOffMode.D,
            (ListLine(1, D(qty), "PCE"),),
            GATE,
            with_declaration=False,
            gate_required=False,
            kind=ListKind.ADJUSTMENT,
            review=review,
        )

    with pytest.raises(DualReviewRequired):
        ledger.declare_list(adj("A0", Direction.EXPORT, "3", None), 1.0)
    with pytest.raises(BadFiling):
        ledger.declare_list(
            BondedList(
                "A9",
                A,
                Direction.EXPORT,
                WriteOffMode.D,
                (ListLine(1, D(1), "PCE"),),
                GATE,
                kind=ListKind.ADJUSTMENT,
                review=REVIEW,
            ),
            1.0,
        )
    ledger.declare_list(adj("A1", Direction.EXPORT, "3", REVIEW), 1.0)
    ledger.pre_write_off("A1", 1.0)
    ledger.declare_list(adj("A2", Direction.IMPORT, "1", REVIEW), 2.0)
    ledger.pre_write_off("A2", 2.0)
    b = ledger.balance(A, 1)
    assert (b.adjusted_qty, b.balance) == (D(-2), D(48))
    posted = [e for e in ledger.entries(A, 1) if e.status is EntryStatus.POSTED]
    assert posted[-1].reviewers == ("officer-8", "officer-9")
    assert [r.action for r in ledger.audit_trail("list:A1")] == ["adjust"]
