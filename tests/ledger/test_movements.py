"""Contract suite, movements: runs on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from core.ledger import (
    BadQuantity,
    Correction,
    DualReview,
    DualReviewRequired,
    EntryStatus,
    IdempotencyConflict,
    Ledger,
    Movement,
    MovementKind,
    Overdraw,
    PostStatus,
    UnknownAccount,
    UnknownLine,
    WrongUnit,
)
from core.ledger.errors import AlreadyCorrected, TransferRefused
from tests.ledger.helpers import ACC, ERP, GATE, LOG, OFFICER, REVIEW, YS, D, mv

A = ACC.account_id
IN, OUT = MovementKind.IN, MovementKind.OUT


def snapshot(ledger: Ledger) -> list[object]:
    return [ledger.balance(A, i) for i in (1, 2, 10)] + [ledger.entries(A, 1)]


def test_in_then_out_moves_the_balance_and_records_who_posted(ledger: Ledger) -> None:
    ledger.post(mv("k1", IN, "10"), now=1.0)
    r = ledger.post(mv("k2", OUT, "3.5"), now=2.0)
    assert r.status is PostStatus.APPLIED
    b = ledger.balance(A, 1)
    assert (b.in_qty, b.out_qty, b.balance) == (D(10), D("3.5"), D("6.5"))
    e = ledger.entries(A, 1)
    assert [(x.seq, x.kind, x.delta, x.posted_by, x.time_s) for x in e] == [
        (1, IN, D(10), GATE, 1.0),
        (2, OUT, D("-3.5"), GATE, 2.0),
    ]


def test_same_idempotency_key_twice_changes_nothing_and_says_so(ledger: Ledger) -> None:
    first = ledger.post(mv("k1"), now=1.0)
    again = ledger.post(mv("k1"), now=5.0)
    assert again.status is PostStatus.DUPLICATE and not again.applied
    assert again.entries == first.entries
    assert ledger.balance(A, 1).balance == D(10)
    assert len(ledger.entries(A, 1)) == 1


def test_same_key_with_different_content_is_refused(ledger: Ledger) -> None:
    ledger.post(mv("k1", qty="10"), now=1.0)
    with pytest.raises(IdempotencyConflict, match="k1"):
        ledger.post(mv("k1", qty="11"), now=2.0)
    assert ledger.balance(A, 1).balance == D(10)


@pytest.mark.parametrize(
    ("movement", "error", "named"),
    [
        (Movement("x", "NOPE", 1, IN, D(1), "PCE", GATE), UnknownAccount, "NOPE"),
        (Movement("x", A, 99, IN, D(1), "PCE", GATE), UnknownLine, "item_no=99"),
        (Movement("x", A, 1, IN, D(1), "KGM", GATE), WrongUnit, "'KGM'"),
        (Movement("x", A, 1, IN, D(-1), "PCE", GATE), BadQuantity, "quantity=Decimal('-1')"),
        (Movement("x", A, 1, IN, D(0), "PCE", GATE), BadQuantity, "quantity"),
        (Movement("x", A, 1, IN, 1.5, "PCE", GATE), BadQuantity, "1.5"),  # type: ignore[arg-type]
        (Movement("x", A, 1, OUT, D(11), "PCE", GATE), Overdraw, "available balance 10"),
        (
            Movement("x", A, 1, MovementKind.ADJUSTMENT_LOSS, D(1), "PCE", OFFICER),
            DualReviewRequired,
            "a maker and two distinct other reviewers",
        ),
        (
            Movement(
                "x",
                A,
                1,
                MovementKind.ADJUSTMENT_GAIN,
                D(1),
                "PCE",
                OFFICER,
                review=DualReview("officer-7", "o1", "o1"),
            ),
            DualReviewRequired,
            "'officer-7', 'o1', 'o1'",
        ),
        (
            Movement(
                "x",
                A,
                1,
                MovementKind.ADJUSTMENT_GAIN,
                D(1),
                "PCE",
                OFFICER,
                review=DualReview("officer-7", "officer-7", "o2"),
            ),
            DualReviewRequired,
            "'officer-7', 'officer-7', 'o2'",
        ),
        (
            Movement(
                "x",
                A,
                1,
                MovementKind.ADJUSTMENT_GAIN,
                D(1),
                "PCE",
                OFFICER,
                review=DualReview("officer-3", "o1", "o2"),
            ),
            DualReviewRequired,
            "entered by 'officer-7', not the maker",
        ),
    ],
)
def test_bad_input_raises_a_clear_error_and_writes_nothing(
    ledger: Ledger, movement: Movement, error: type[Exception], named: str
) -> None:
    ledger.post(mv("seed", IN, "10"), now=0.5)
    before = snapshot(ledger)
    with pytest.raises(error, match=named.replace("(", r"\(").replace(")", r"\)")):
        ledger.post(movement, now=1.0)
    assert snapshot(ledger) == before


def test_a_batch_with_one_bad_movement_writes_nothing(ledger: Ledger) -> None:
    good = [mv(f"b{i}", IN, "1") for i in range(5)]
    with pytest.raises(Overdraw):
        ledger.post_batch([*good, mv("bad", OUT, "100")], now=1.0)
    assert ledger.balance(A, 1).balance == 0
    assert ledger.entries(A, 1) == []


def test_a_batch_sees_its_own_earlier_movements_and_duplicates(ledger: Ledger) -> None:
    rs = ledger.post_batch([mv("a", IN, "5"), mv("b", OUT, "5"), mv("a", IN, "5")], now=1.0)
    assert [r.status for r in rs] == [PostStatus.APPLIED, PostStatus.APPLIED, PostStatus.DUPLICATE]
    assert ledger.balance(A, 1).balance == 0


def test_consumption_production_and_the_balance_identity(ledger: Ledger) -> None:
    ledger.post(mv("i", IN, "100"), now=1.0)
    ledger.post(mv("c", MovementKind.CONSUMPTION, "30"), now=2.0)
    ledger.post(mv("p", MovementKind.PRODUCTION, "7", item=10), now=2.0)
    b = ledger.balance(A, 1)
    assert b.balance == b.in_qty - b.out_qty - b.consumed_qty == D(70)
    assert ledger.balance(A, 10).produced_qty == D(7)


def test_transfer_within_a_zone_books_both_legs_in_one_entry_pair(ledger: Ledger) -> None:
    ledger.post(mv("i", IN, "10"), now=1.0)
    r = ledger.post(
        mv("t", MovementKind.TRANSFER, "4", to_account_id=YS.account_id, to_item_no=1), now=2.0
    )
    assert [(e.leg, e.account_id, e.delta) for e in r.entries] == [
        (0, A, D(-4)),
        (1, YS.account_id, D(4)),
    ]
    assert ledger.balance(A, 1).transfer_out_qty == D(4)
    assert ledger.balance(YS.account_id, 1).transfer_in_qty == D(4)


def test_a_one_step_transfer_between_zones_is_refused_it_is_a_journey(ledger: Ledger) -> None:
    ledger.post(mv("i", IN, "10"), now=1.0)
    with pytest.raises(TransferRefused, match="crosses zones"):
        ledger.post(
            mv("t", MovementKind.TRANSFER, "4", to_account_id=LOG.account_id, to_item_no=1), 2.0
        )
    assert ledger.balance(LOG.account_id, 1).balance == 0 and ledger.balance(A, 1).balance == 10


def test_a_transfer_to_a_line_filed_for_other_goods_is_refused(ledger: Ledger) -> None:
    ledger.post(mv("i", IN, "10"), now=1.0)
    with pytest.raises(TransferRefused, match="filed as 8473302000"):
        ledger.post(mv("t", MovementKind.TRANSFER, "4", to_account_id=A, to_item_no=10), 2.0)


def test_transfer_to_a_line_in_another_unit_is_refused(ledger: Ledger) -> None:
    ledger.post(mv("i", IN, "10"), now=1.0)
    with pytest.raises(WrongUnit):
        ledger.post(mv("t", MovementKind.TRANSFER, "4", to_account_id=A, to_item_no=2), now=2.0)
    assert ledger.balance(A, 2).balance == 0 and ledger.balance(A, 1).balance == D(10)


def test_stock_adjustment_with_two_approvers_is_posted_with_them(ledger: Ledger) -> None:
    r = ledger.post(
        mv("adj", MovementKind.ADJUSTMENT_GAIN, "2", review=DualReview(GATE.ref, "o8", "o9")),
        now=1.0,
    )
    assert r.entries[0].reviewers == ("o8", "o9")
    (rec,) = ledger.audit_trail("movement:adj")
    assert (rec.item.value, rec.maker, rec.reviewers) == (
        "inspection_exception",
        GATE.ref,
        ("o8", "o9"),
    )
    assert ledger.balance(A, 1).adjusted_qty == D(2)


def test_correction_needs_two_distinct_approvers_and_appends_a_reversal(ledger: Ledger) -> None:
    seq = ledger.post(mv("i", IN, "10"), now=1.0).entries[0].seq
    with pytest.raises(DualReviewRequired):
        ledger.correct(
            Correction("fix", seq, "typo", DualReview("officer-7", "o1", ""), OFFICER), 2.0
        )
    with pytest.raises(DualReviewRequired):  # the maker may not review their own entry
        ledger.correct(
            Correction("fix", seq, "typo", DualReview("officer-7", "officer-7", "o2"), OFFICER), 2.0
        )
    assert len(ledger.entries(A, 1)) == 1
    c = Correction("fix", seq, "wrong quantity", REVIEW, OFFICER)
    r = ledger.correct(c, now=2.0)
    assert r.applied and r.entries[0].refers_to == seq and r.entries[0].delta == D(-10)
    assert ledger.correct(c, now=3.0).status is PostStatus.DUPLICATE
    assert ledger.balance(A, 1).balance == 0
    assert [e.status for e in ledger.entries(A, 1)] == [EntryStatus.POSTED, EntryStatus.POSTED]
    with pytest.raises(AlreadyCorrected):
        ledger.correct(Correction("fix2", seq, "again", REVIEW, OFFICER), 4.0)
    (rec,) = ledger.audit_trail(f"entry:{seq}")
    assert (rec.action, rec.maker, rec.reviewers, rec.detail) == (
        "correct",
        "officer-7",
        ("officer-8", "officer-9"),
        "wrong quantity",
    )


def test_reversing_an_inflow_already_spent_is_refused(ledger: Ledger) -> None:
    seq = ledger.post(mv("i", IN, "10"), now=1.0).entries[0].seq
    ledger.post(mv("o", OUT, "8"), now=2.0)
    with pytest.raises(Overdraw):
        ledger.correct(Correction("fix", seq, "x", REVIEW, OFFICER), now=3.0)


def test_balance_of_an_unknown_line_is_an_error_and_of_an_unused_line_zero(ledger: Ledger) -> None:
    assert ledger.balance(A, 2).balance == 0
    with pytest.raises(UnknownLine):
        ledger.balance(A, 77)
    with pytest.raises(UnknownAccount):
        ledger.balance("NOPE", 1)


def test_opening_an_account_twice_is_a_duplicate(ledger: Ledger) -> None:
    from tests.ledger.helpers import LINES

    assert ledger.open_account(ACC, LINES, now=1.0).status is PostStatus.DUPLICATE


def test_enterprise_erp_can_post_and_is_recorded_as_poster(ledger: Ledger) -> None:
    r = ledger.post(Movement("erp1", A, 2, IN, D("12.345"), "KGM", ERP, "LIST-9"), now=1.0)
    assert r.entries[0].posted_by == ERP and r.entries[0].source_doc == "LIST-9"
    assert ledger.balance(A, 2).balance == D("12.345")
