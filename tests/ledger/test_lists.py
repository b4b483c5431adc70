"""Contract suite, bonded lists (核注清单) and gate passes (核放单): all three backends."""

from __future__ import annotations

import pytest

from core.ledger import (
    Direction,
    DualReview,
    DualReviewRequired,
    EntryStatus,
    GatePassage,
    GatePassBinding,
    InvalidListState,
    Ledger,
    ListWrittenOff,
    ModeNotAllowed,
    Movement,
    MovementKind,
    OverBinding,
    Overdraw,
    PostStatus,
    WriteOffMode,
    WriteOffState,
)
from tests.ledger.helpers import ACC, GATE, LOG, REVIEW, D, blist, through_gate

A = ACC.account_id


def stock(ledger: Ledger, qty: str = "100") -> None:
    ledger.post(Movement("stock", A, 1, MovementKind.IN, D(qty), "PCE", GATE, "L0"), now=0.5)


def test_pre_write_off_reserves_and_write_off_posts_the_pending_entry(ledger: Ledger) -> None:
    stock(ledger)
    ledger.declare_list(blist(qty="30"), now=1.0)
    assert ledger.list_status("L1").state is WriteOffState.NOT_WRITTEN_OFF
    ledger.pre_write_off("L1", now=2.0)
    b = ledger.balance(A, 1)
    assert (b.balance, b.reserved_qty, b.available) == (D(100), D(30), D(70))
    through_gate(ledger, "L1", "30", "GP1", now=3.0)
    r = ledger.release_declaration("DEC1", now=4.0)
    assert ListWrittenOff("L1", 4.0) in r.events
    b = ledger.balance(A, 1)
    assert (b.balance, b.reserved_qty, b.out_qty) == (D(70), 0, D(30))
    statuses = [(e.status, e.refers_to) for e in ledger.entries(A, 1)[1:]]
    assert statuses == [(EntryStatus.PENDING, 0), (EntryStatus.POSTED, 2)]


def test_list_with_declaration_waits_for_release_even_when_all_goods_passed(ledger: Ledger) -> None:
    stock(ledger)
    ledger.declare_list(blist(), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    through_gate(ledger, "L1", "10", "GP1", now=3.0)
    assert ledger.list_status("L1").state is WriteOffState.PRE_WRITTEN_OFF
    assert ledger.balance(A, 1).balance == D(100)


def test_list_with_declaration_waits_for_all_goods_to_pass_after_release(ledger: Ledger) -> None:
    stock(ledger)
    ledger.declare_list(blist(), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    ledger.release_declaration("DEC1", now=3.0)
    through_gate(ledger, "L1", "6", "GP1", now=4.0)
    assert ledger.list_status("L1").state is WriteOffState.PRE_WRITTEN_OFF
    through_gate(ledger, "L1", "4", "GP2", now=5.0)
    st = ledger.list_status("L1")
    assert st.state is WriteOffState.WRITTEN_OFF and st.passed == (D(10),)
    assert ledger.balance(A, 1).balance == D(90)


def test_each_gate_passage_posts_exactly_once(ledger: Ledger) -> None:
    stock(ledger)
    ledger.declare_list(blist(), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    ledger.bind_gate_pass(GatePassBinding("GP1", "L1", ((1, D(10)),)), now=3.0)
    first = ledger.record_gate_passage(GatePassage("GP1", "g1"), now=4.0)
    again = ledger.record_gate_passage(GatePassage("GP1", "g2"), now=5.0)
    assert first.applied and again.status is PostStatus.DUPLICATE
    assert ledger.list_status("L1").passed == (D(10),)
    ledger.release_declaration("DEC1", now=6.0)
    assert ledger.release_declaration("DEC1", now=7.0).status is PostStatus.DUPLICATE
    assert ledger.balance(A, 1).balance == D(90)
    assert sum(1 for e in ledger.entries(A, 1) if e.status is EntryStatus.POSTED) == 2


def test_bound_quantity_never_exceeds_the_list(ledger: Ledger) -> None:
    stock(ledger)
    ledger.declare_list(blist(), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    ledger.bind_gate_pass(GatePassBinding("GP1", "L1", ((1, D(7)),)), now=3.0)
    with pytest.raises(OverBinding, match="line 1: bound quantity 11"):
        ledger.bind_gate_pass(GatePassBinding("GP2", "L1", ((1, D(4)),)), now=4.0)
    assert ledger.list_status("L1").bound == (D(7),)
    assert ledger.document("gate_pass", "GP2") is None


def test_gate_pass_cannot_bind_a_list_not_pre_written_off(ledger: Ledger) -> None:
    ledger.declare_list(blist(direction=Direction.IMPORT), now=1.0)
    with pytest.raises(InvalidListState, match="state 0"):
        ledger.bind_gate_pass(GatePassBinding("GP1", "L1", ((1, D(1)),)), now=2.0)


def test_import_list_in_mode_d_adds_stock_only_at_write_off(ledger: Ledger) -> None:
    ledger.declare_list(blist(direction=Direction.IMPORT), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    assert ledger.balance(A, 1).available == 0  # a pending inflow is not yet available
    through_gate(ledger, "L1", "10", "GP1", now=3.0)
    ledger.release_declaration("DEC1", now=4.0)
    assert ledger.balance(A, 1).balance == D(10)


def test_mode_f_reverses_the_direction(ledger: Ledger) -> None:
    stock(ledger, "10")
    ledger.declare_list(blist(direction=Direction.IMPORT, mode=WriteOffMode.F, qty="4"), 1.0)
    ledger.pre_write_off("L1", now=2.0)
    through_gate(ledger, "L1", "4", "GP1", now=3.0)
    ledger.release_declaration("DEC1", now=4.0)
    assert ledger.balance(A, 1).balance == D(6)


def test_mode_n_books_nothing_and_mode_nf_checks_the_balance(ledger: Ledger) -> None:
    stock(ledger, "5")
    ledger.declare_list(blist("LN", mode=WriteOffMode.N, qty="50", decl=""), 1.0)
    ledger.pre_write_off("LN", now=2.0)
    ledger.declare_list(blist("LNF", mode=WriteOffMode.NF, qty="50", decl=""), 1.0)
    with pytest.raises(Overdraw):
        ledger.pre_write_off("LNF", now=2.0)
    ledger.declare_list(blist("LNF2", mode=WriteOffMode.NF, qty="5", decl=""), 1.0)
    ledger.pre_write_off("LNF2", now=2.0)
    assert ledger.balance(A, 1).balance == D(5) and ledger.balance(A, 1).reserved_qty == 0


def test_mode_e_is_for_bonded_warehouse_accounts_only(ledger: Ledger) -> None:
    with pytest.raises(ModeNotAllowed, match="processing_e"):
        ledger.declare_list(blist(mode=WriteOffMode.E), now=1.0)
    bl = blist(
        "LW",
        direction=Direction.IMPORT,
        mode=WriteOffMode.E,
        decl="",
        account=LOG.account_id,
        with_declaration=False,
    )
    ledger.declare_list(bl, now=1.0)
    ledger.pre_write_off("LW", now=2.0)
    through_gate(ledger, "LW", "10", "GPW", now=3.0)
    assert ledger.balance(LOG.account_id, 1).balance == D(10)


def test_pre_write_off_refuses_to_reserve_more_than_available(ledger: Ledger) -> None:
    stock(ledger, "10")
    ledger.declare_list(blist("L1", qty="8"), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    ledger.declare_list(blist("L2", qty="3", decl="DEC2"), now=1.0)
    with pytest.raises(Overdraw, match="available balance 2"):
        ledger.pre_write_off("L2", now=2.0)
    with pytest.raises(Overdraw):
        ledger.post(Movement("o", A, 1, MovementKind.OUT, D(3), "PCE", GATE), now=3.0)


def test_deleting_a_list_needs_dual_review_and_releases_the_reservation(ledger: Ledger) -> None:
    stock(ledger, "10")
    ledger.declare_list(blist(qty="8"), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    with pytest.raises(DualReviewRequired):
        ledger.void_list("L1", DualReview("officer-7", "o1", "o1"), now=3.0)
    assert ledger.balance(A, 1).reserved_qty == D(8)
    ledger.void_list("L1", REVIEW, now=3.0)
    assert ledger.balance(A, 1).reserved_qty == 0
    assert ledger.entries(A, 1)[-1].status is EntryStatus.VOIDED
    with pytest.raises(InvalidListState):
        ledger.bind_gate_pass(GatePassBinding("GP1", "L1", ((1, D(1)),)), now=4.0)


def test_list_whose_goods_passed_cannot_be_deleted(ledger: Ledger) -> None:
    stock(ledger)
    ledger.declare_list(blist(), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    through_gate(ledger, "L1", "3", "GP1", now=3.0)
    with pytest.raises(InvalidListState):
        ledger.void_list("L1", REVIEW, now=4.0)


def test_close_out_follows_write_off_only(ledger: Ledger) -> None:
    stock(ledger)
    ledger.declare_list(blist(), now=1.0)
    with pytest.raises(InvalidListState):
        ledger.close_out("L1", now=2.0)
    ledger.pre_write_off("L1", now=2.0)
    through_gate(ledger, "L1", "10", "GP1", now=3.0)
    ledger.release_declaration("DEC1", now=4.0)
    ledger.close_out("L1", now=5.0)
    assert ledger.list_status("L1").state is WriteOffState.CLOSED_OUT


def test_list_without_declaration_is_written_off_when_all_goods_passed(ledger: Ledger) -> None:
    stock(ledger)
    ledger.declare_list(blist(decl="", with_declaration=False), now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    through_gate(ledger, "L1", "10", "GP1", now=3.0)
    assert ledger.list_status("L1").state is WriteOffState.WRITTEN_OFF


def test_list_needing_no_gate_nor_declaration_is_written_off_at_pre_write_off(
    ledger: Ledger,
) -> None:
    stock(ledger)
    ledger.declare_list(blist(decl="", with_declaration=False, gate_required=False), now=1.0)
    r = ledger.pre_write_off("L1", now=2.0)
    assert ListWrittenOff("L1", 2.0) in r.events and ledger.balance(A, 1).balance == D(90)


def test_declaring_the_same_list_twice_is_a_duplicate_and_different_content_refused(
    ledger: Ledger,
) -> None:
    assert ledger.declare_list(blist(), now=1.0).applied
    assert ledger.declare_list(blist(), now=2.0).status is PostStatus.DUPLICATE
    from core.ledger import IdempotencyConflict

    with pytest.raises(IdempotencyConflict):
        ledger.declare_list(blist(qty="11"), now=3.0)


def test_release_of_a_declaration_writes_off_all_its_lists(ledger: Ledger) -> None:
    stock(ledger)
    for lid in ("L1", "L2"):
        ledger.declare_list(blist(lid, qty="5"), now=1.0)
        ledger.pre_write_off(lid, now=2.0)
        through_gate(ledger, lid, "5", f"GP-{lid}", now=3.0)
    r = ledger.release_declaration("DEC1", now=4.0)
    assert {e.list_id for e in r.events if isinstance(e, ListWrittenOff)} == {"L1", "L2"}
    assert ledger.balance(A, 1).balance == D(90)
