"""Periodic reconciliation (报核) and stocktake (盘点).

Reconciliation recomputes every line of an account from its entries (the stored running
balance must equal the sum of posted deltas, and the reservation the open pending
outflows) and compares the enterprise's reported stock with the books. Writing the
account book off (账册核销) is the reviewed step after it: when all agrees, two officers
besides the maker close out the account's written-off lists (结案). A stocktake compares
counted stock with the books within a tolerance. Discrepancies are events, never silent
fixes: a fix is a stock adjustment under dual review.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.events import (
    AccountWrittenOff,
    BalanceMismatchFound,
    ReportedStockDiffered,
    StocktakeDiscrepancyFound,
)
from core.ledger.list_rules import close_out
from core.ledger.lists import ListStatus
from core.ledger.model import OUTFLOWS, ZERO, Entry, EntryStatus
from core.ledger.posting import PostResult, PostStatus
from core.ledger.review import DualReview, ReviewItem

__all__ = ["StockReport", "recompute", "reconcile", "stocktake", "write_off_account"]


@dataclass(frozen=True, slots=True)
class StockReport:
    """Stock per line reported by the enterprise, or counted at a stocktake.

    Attributes:
        account_id: The account.
        quantities: (item_no, quantity) per line; lines not named count as 0.
        tolerance: Allowed |reported − book| as a fraction of the book quantity.
    """

    account_id: str
    quantities: tuple[tuple[int, Decimal], ...]
    tolerance: Decimal = ZERO


def recompute(entries: list[Entry]) -> tuple[Decimal, Decimal]:
    """Return (balance, reserved) of a line from its entries alone."""
    balance = sum((e.delta for e in entries), ZERO)
    pending = {e.seq: e for e in entries if e.status is EntryStatus.PENDING}
    resolved = {e.refers_to for e in entries if e.refers_to in pending}
    reserved = sum(
        (
            e.quantity
            for s, e in pending.items()
            if s not in resolved and e.kind in OUTFLOWS and e.leg == 0
        ),
        ZERO,
    )
    return balance, reserved


def _differs(book: Decimal, other: Decimal, tolerance: Decimal) -> bool:
    return abs(other - book) > tolerance * abs(book)


def reconcile(books: Books, report: StockReport) -> PostResult:
    """Reconcile an account (报核): one event per line that differs.

    Raises:
        UnknownAccount: No such account.
    """
    books.account(report.account_id)
    reported = dict(report.quantities)
    for line in books.tx.account_lines(report.account_id):
        b = books.balance(line.account_id, line.item_no)
        bal, res = recompute(books.tx.line_entries(line.account_id, line.item_no))
        if (bal, res) != (b.balance, b.reserved_qty):
            books.emit(
                BalanceMismatchFound(line.account_id, line.item_no, b.balance, bal, books.now)
            )
        got = reported.get(line.item_no, ZERO)
        if _differs(b.balance, got, report.tolerance):
            books.emit(
                ReportedStockDiffered(line.account_id, line.item_no, b.balance, got, books.now)
            )
    return PostResult(PostStatus.APPLIED, ())


def write_off_account(books: Books, report: StockReport, review: DualReview) -> PostResult:
    """Write an account book off (账册核销, 双人复核): reconcile, then close out its lists.

    When anything differs, the differences are the result and nothing is closed out.

    Raises:
        DualReviewRequired: Not a maker and two other, distinct reviewers.
        UnknownAccount: No such account.
    """
    review.check(f"write-off of account book {report.account_id!r}")
    reconcile(books, report)
    if books.events:
        return PostResult(PostStatus.APPLIED, ())
    closed = []
    for list_id in books.tx.docs("written_off"):
        assert isinstance(list_id, str)
        st = books.doc("list", list_id, ListStatus)
        if st is not None and st.bonded_list.account_id == report.account_id:
            close_out(books, list_id)
            closed.append(list_id)
    doc = f"account:{report.account_id}"
    books.audit(doc, ReviewItem.ACCOUNT_WRITE_OFF, "write_off_account", review)
    books.emit(AccountWrittenOff(report.account_id, tuple(closed), review.reviewers, books.now))
    return PostResult(PostStatus.APPLIED, ())


def stocktake(books: Books, count: StockReport) -> PostResult:
    """Compare counted stock with the books; one event per line beyond the tolerance.

    Raises:
        UnknownAccount: No such account.
    """
    books.account(count.account_id)
    counted = dict(count.quantities)
    for line in books.tx.account_lines(count.account_id):
        b = books.balance(line.account_id, line.item_no)
        got = counted.get(line.item_no, ZERO)
        if _differs(b.balance, got, count.tolerance):
            books.emit(
                StocktakeDiscrepancyFound(line.account_id, line.item_no, b.balance, got, books.now)
            )
    return PostResult(PostStatus.APPLIED, ())
