"""Point 8: dual review for the plan's five items, with separated duties, on all backends.

Account-book filing, deposit and tax collection, declaration amendment and cancellation,
inspection exceptions and account-book write-off: the maker is never a reviewer, the two
reviewers differ, and an append-only audit trail can be queried per document.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.ledger import (
    AccountWrittenOff,
    DualReview,
    DualReviewRequired,
    Guarantee,
    GuaranteeKind,
    Ledger,
    LedgerPolicy,
    Line,
    ListClosedOut,
    Movement,
    MovementKind,
    ReportedStockDiffered,
    ReviewItem,
    StockReport,
    WriteOffState,
)
from tests.ledger.helpers import ACC, GATE, LOG, LOG_LINES, REVIEW, D, blist, through_gate

A = ACC.account_id
BAD = [
    DualReview("o1", "o1", "o2"),  # the maker reviews their own entry
    DualReview("o1", "o2", "o1"),
    DualReview("o1", "o2", "o2"),  # one reviewer twice
    DualReview("", "o2", "o3"),
    DualReview("o1", "", "o3"),
]


def five_items(ledger: Ledger, review: DualReview) -> list[object]:
    """One reviewed action of each of the plan's five items."""
    ledger.post(Movement("s", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.declare_list(blist("L9", decl="DEC9"), 1.0)
    return [
        lambda: Ledger(ledger.store, LedgerPolicy(automatic_filing=False)).file_lines(
            [Line(LOG.account_id, 5, "W-5", "8542310000", "PCE")], 1.0, review
        ),
        lambda: ledger.tax.register_guarantee(
            Guarantee("BG", "E", GuaranteeKind.DEPOSIT, D(1)), review, 1.0
        ),
        lambda: ledger.cancel_declaration("DEC9", review, 1.0),
        lambda: ledger.void_list("L9", review, 1.0),
        lambda: ledger.write_off_account(StockReport(A, ((1, D(100)),)), review, 1.0),
    ]


@pytest.mark.parametrize(
    "bad", BAD, ids=lambda r: ",".join(x or "-" for x in (r.maker, r.first, r.second))
)
def test_each_of_the_five_items_refuses_a_review_without_separated_duties(
    ledger: Ledger, bad: DualReview
) -> None:
    for action in five_items(ledger, bad):
        with pytest.raises(DualReviewRequired):
            action()
    assert ledger.list_status("L9").declaration_id == "DEC9" and not ledger.list_status("L9").voided


def test_each_of_the_five_items_with_a_proper_review_is_in_the_audit_trail(ledger: Ledger) -> None:
    for action in five_items(ledger, REVIEW):
        action()
    docs = {
        f"line:{LOG.account_id}#5": ReviewItem.ACCOUNT_FILING,
        "guarantee:BG": ReviewItem.TAX_COLLECTION,
        "declaration:DEC9": ReviewItem.AMENDMENT,
        "list:L9": ReviewItem.AMENDMENT,
        f"account:{A}": ReviewItem.ACCOUNT_WRITE_OFF,
    }
    for doc, item in docs.items():
        rec = ledger.audit_trail(doc)[-1]
        assert (rec.item, rec.maker, rec.reviewers) == (
            item,
            "officer-7",
            ("officer-8", "officer-9"),
        )
        assert rec.maker not in rec.reviewers


def test_account_write_off_closes_out_written_off_lists_only_when_the_books_agree(
    ledger: Ledger,
) -> None:
    ledger.declare_list(
        blist(direction=blist().direction.IMPORT, decl="", with_declaration=False), 1.0
    )
    ledger.pre_write_off("L1", 2.0)
    through_gate(ledger, "L1", "10", "GP1", now=3.0)
    bad = ledger.write_off_account(StockReport(A, ((1, D(9)),)), REVIEW, now=4.0)
    assert bad.events == (ReportedStockDiffered(A, 1, D(10), D(9), 4.0),)
    assert ledger.list_status("L1").state is WriteOffState.WRITTEN_OFF
    r = ledger.write_off_account(StockReport(A, ((1, D(10)),)), REVIEW, now=5.0)
    assert r.events == (
        ListClosedOut("L1", 5.0),
        AccountWrittenOff(A, ("L1",), ("officer-8", "officer-9"), 5.0),
    )
    assert ledger.list_status("L1").state is WriteOffState.CLOSED_OUT


def test_sqlite_refuses_to_change_or_delete_the_audit_trail(tmp_path: Path) -> None:
    from ftz_stores.sqlite import SqliteStore

    led = Ledger(SqliteStore(tmp_path / "a.sqlite"), LedgerPolicy(automatic_filing=False))
    led.open_account(LOG, LOG_LINES, 0.0, review=REVIEW)
    led.store.close()
    db = sqlite3.connect(tmp_path / "a.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("UPDATE review_audit SET maker = 'officer-8'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM review_audit")


@pytest.mark.service
def test_postgres_refuses_to_change_or_delete_the_audit_trail_and_pass_uses(pg_url: str) -> None:
    import psycopg

    from tests.ledger.helpers import fresh_pg_store

    store = fresh_pg_store(pg_url)
    led = Ledger(store, LedgerPolicy(automatic_filing=False))  # type: ignore[arg-type]
    led.open_account(LOG, LOG_LINES, 0.0, review=REVIEW)
    cur = store._db.cursor()  # type: ignore[attr-defined]
    cur.execute("INSERT INTO pass_use VALUES ('GP1', 1, 'lane1#1', 'g', '沪A1', 0)")
    for sql in (
        "UPDATE review_audit SET maker = 'x'",
        "DELETE FROM review_audit",
        "DELETE FROM pass_use",
        "UPDATE pass_use SET leg = 2",
    ):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            cur.execute(sql)
    store.close()  # type: ignore[attr-defined]


def test_stocktake_within_tolerance_is_silent_beyond_it_an_event_fixed_under_review(
    ledger: Ledger,
) -> None:
    from core.ledger import StocktakeDiscrepancyFound
    from tests.ledger.helpers import OFFICER

    ledger.post(Movement("s1", A, 1, MovementKind.IN, D(1000), "PCE", GATE), 0.5)
    ok = ledger.stocktake(StockReport(A, ((1, D(995)),), D("0.01")), now=1.0)
    assert ok.events == ()
    r = ledger.stocktake(StockReport(A, ((1, D(980)),), D("0.01")), now=2.0)
    assert r.events == (StocktakeDiscrepancyFound(A, 1, D(1000), D(980), 2.0),)
    fix = Movement(
        "st-1",
        A,
        1,
        MovementKind.ADJUSTMENT_LOSS,
        D(20),
        "PCE",
        OFFICER,
        "STOCKTAKE-1",
        review=REVIEW,
    )
    ledger.post(fix, now=3.0)
    assert ledger.stocktake(StockReport(A, ((1, D(980)),)), now=4.0).events == ()
