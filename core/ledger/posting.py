"""Posting rules: how a movement changes a line, and when it is refused.

Movements are applied the TigerBeetle way: the client's idempotency key decides whether
a submission is new (applied), the same again (duplicate: nothing changes, and the
result says so) or a different submission under a used key (refused). Outflows never
take a line below its available balance unless the account allows overdraw.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.ledger.books import Books
from core.ledger.errors import (
    AlreadyCorrected,
    IdempotencyConflict,
    Overdraw,
    TransferRefused,
    WrongUnit,
)
from core.ledger.events import LedgerEvent
from core.ledger.model import (
    ADJUSTMENTS,
    ZERO,
    Account,
    Entry,
    EntryStatus,
    Line,
    LineBalance,
    Movement,
    MovementKind,
    PostedBy,
    check_quantity,
    require_review,
)
from core.ledger.review import ReviewItem

__all__ = ["PostResult", "PostStatus", "apply_movement", "book", "check_outflow"]


class PostStatus(StrEnum):
    """Whether a submission changed the ledger."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"  # same key, same content: nothing changed


@dataclass(frozen=True, slots=True)
class PostResult:
    """The outcome of one submission.

    Attributes:
        status: Applied, or duplicate of an earlier submission with the same key.
        entries: The entries made (for a duplicate: the entry made the first time).
        events: Events the submission emitted.
    """

    status: PostStatus
    entries: tuple[Entry, ...]
    events: tuple[LedgerEvent, ...] = ()

    @property
    def applied(self) -> bool:
        """True when the submission changed the ledger."""
        return self.status is PostStatus.APPLIED


_SIGN = {
    MovementKind.IN: 1,
    MovementKind.OUT: -1,
    MovementKind.CONSUMPTION: -1,
    MovementKind.PRODUCTION: 1,
    MovementKind.ADJUSTMENT_GAIN: 1,
    MovementKind.ADJUSTMENT_LOSS: -1,
}


def signed(kind: MovementKind, leg: int, qty: Decimal) -> Decimal:
    """Return the change of balance a posted ``qty`` of ``kind`` makes on a leg."""
    if kind is MovementKind.TRANSFER:
        return qty if leg else -qty
    return qty if _SIGN[kind] > 0 else -qty


def book(b: LineBalance, kind: MovementKind, leg: int, qty: Decimal) -> LineBalance:
    """Return ``b`` with ``qty`` of ``kind`` booked (a negative ``qty`` reverses)."""
    i, o, c, p = b.in_qty, b.out_qty, b.consumed_qty, b.produced_qty
    ti, to, a = b.transfer_in_qty, b.transfer_out_qty, b.adjusted_qty
    if kind is MovementKind.IN:
        i += qty
    elif kind is MovementKind.OUT:
        o += qty
    elif kind is MovementKind.CONSUMPTION:
        c += qty
    elif kind is MovementKind.PRODUCTION:
        p += qty
    elif kind is MovementKind.TRANSFER:
        if leg:
            ti += qty
        else:
            to += qty
    elif kind is MovementKind.ADJUSTMENT_GAIN:
        a += qty
    else:
        a -= qty
    return LineBalance(b.account_id, b.item_no, i, o, c, p, ti, to, a, b.reserved_qty)


def reserve(b: LineBalance, qty: Decimal) -> LineBalance:
    """Return ``b`` with ``qty`` more reserved (negative releases)."""
    return LineBalance(
        b.account_id,
        b.item_no,
        b.in_qty,
        b.out_qty,
        b.consumed_qty,
        b.produced_qty,
        b.transfer_in_qty,
        b.transfer_out_qty,
        b.adjusted_qty,
        b.reserved_qty + qty,
    )


def check_outflow(account: Account, b: LineBalance, qty: Decimal) -> None:
    """Refuse an outflow that the line cannot cover.

    Raises:
        Overdraw: ``qty`` exceeds the available balance and the account refuses overdraw.
    """
    if not account.overdraw_allowed and qty > b.available:
        raise Overdraw(account.account_id, b.item_no, b.available, qty)


def check_unit(line: Line, unit: str) -> None:
    """Raise unless ``unit`` is the line's filed unit. Raises: WrongUnit."""
    if unit != line.unit:
        raise WrongUnit(line.account_id, line.item_no, unit, line.unit)


def _same(e: Entry, m: Movement) -> bool:
    return (
        e.account_id == m.account_id
        and e.item_no == m.item_no
        and e.kind is m.kind
        and e.quantity == m.quantity
        and e.unit == m.unit
    )


def new_entry(
    books: Books,
    key: str,
    leg: int,
    line: Line,
    kind: MovementKind,
    status: EntryStatus,
    qty: Decimal,
    posted_by: PostedBy,
    source_doc: str,
    refers_to: int = 0,
    reviewers: tuple[str, ...] = (),
) -> Entry:
    """Make the next entry, book it and return it (status decides the balance effect)."""
    delta = signed(kind, leg, qty) if status is EntryStatus.POSTED else ZERO
    e = Entry(
        books.next_seq(),
        key,
        leg,
        line.account_id,
        line.item_no,
        kind,
        status,
        qty,
        delta,
        line.unit,
        posted_by,
        source_doc,
        books.now,
        refers_to,
        reviewers,
    )
    books.add_entry(e)
    return e


def apply_movement(books: Books, m: Movement) -> PostResult:
    """Apply one movement in ``books``, or say it is a duplicate.

    Raises:
        IdempotencyConflict: ``m.key`` was used for a different movement.
        UnknownAccount, UnknownLine, WrongUnit, BadQuantity: bad input.
        Overdraw: an outflow exceeds the available balance.
        DualReviewRequired: an adjustment without its maker (the poster) and two
            other, distinct reviewers.
        TransferRefused: a transfer between zones (that is a journey: a transfer list),
            or to a line filed for other goods.
    """
    prior = books.entry(m.key)
    if prior is not None:
        if not _same(prior, m):
            raise IdempotencyConflict(m.key, "movement")
        return PostResult(PostStatus.DUPLICATE, (prior,))
    where = f"account {m.account_id!r} line {m.item_no}"
    qty = check_quantity(m.quantity, where)
    line = books.line(m.account_id, m.item_no)
    check_unit(line, m.unit)
    reviewers: tuple[str, ...] = ()
    if m.kind in ADJUSTMENTS:
        r = require_review(m.review, f"stock adjustment {m.key!r} on {where}", m.posted_by.ref)
        reviewers = r.reviewers
        books.audit(f"movement:{m.key}", ReviewItem.INSPECTION_EXCEPTION, "adjust", r)
    to_line = None
    if m.kind is MovementKind.TRANSFER:
        to_line = books.line(m.to_account_id, m.to_item_no)
        check_unit(to_line, m.unit)
        _check_transfer(books, m, line, to_line)
    b = books.balance(m.account_id, m.item_no)
    if signed(m.kind, 0, qty) < 0:
        check_outflow(books.account(m.account_id), b, qty)
    status = EntryStatus.POSTED
    e0 = new_entry(
        books, m.key, 0, line, m.kind, status, qty, m.posted_by, m.source_doc, reviewers=reviewers
    )
    books.set_balance(book(b, m.kind, 0, qty))
    if to_line is None:
        return PostResult(PostStatus.APPLIED, (e0,))
    e1 = new_entry(books, m.key, 1, to_line, m.kind, status, qty, m.posted_by, m.source_doc)
    tb = books.balance(to_line.account_id, to_line.item_no)
    books.set_balance(book(tb, m.kind, 1, qty))
    return PostResult(PostStatus.APPLIED, (e0, e1))


def _check_transfer(books: Books, m: Movement, line: Line, to: Line) -> None:
    """A transfer movement stays in one zone and moves goods to a line filed for them."""
    za, zb = books.account(m.account_id).zone, books.account(m.to_account_id).zone
    if za and zb and za != zb:
        raise TransferRefused(
            m.key,
            f"{za} → {zb} crosses zones: declare a transfer list, whose journey is "
            "confirmed at both zones' gates",
        )
    if to.hs_code != line.hs_code:
        raise TransferRefused(
            m.key,
            f"receiving line {to.account_id}#{to.item_no} is filed as {to.hs_code}, "
            f"the goods are {line.hs_code}",
        )


def reverse_entry(
    books: Books, key: str, seq: int, posted_by: PostedBy, reviewers: tuple[str, str]
) -> tuple[Entry, ...]:
    """Append the reversal of posted entry ``seq`` (a correction after dual review).

    A transfer is reversed on both legs, so no line is left half-corrected.

    Raises:
        AlreadyCorrected: ``seq`` is not a posted entry, is itself a reversal or is
            already reversed.
        Overdraw: reversing an inflow would take a line below its available balance.
    """
    orig = books.tx.get_entry_by_seq(seq)
    if (
        orig is None
        or orig.status is not EntryStatus.POSTED
        or orig.leg != 0
        or orig.delta != signed(orig.kind, orig.leg, orig.quantity)  # a reversal itself
        or books.doc("reversed", str(seq), int) is not None
    ):
        raise AlreadyCorrected(seq)
    legs = [orig]
    if orig.kind is MovementKind.TRANSFER:
        leg1 = books.tx.get_entry_by_seq(seq + 1)
        assert leg1 is not None and leg1.key == orig.key, f"transfer {seq} lost its leg 1"
        legs.append(leg1)
    made = []
    for o in legs:
        line = books.line(o.account_id, o.item_no)
        b = books.balance(o.account_id, o.item_no)
        if o.delta > 0:
            check_outflow(books.account(o.account_id), b, o.delta)
        e = Entry(
            books.next_seq(),
            key,
            o.leg,
            line.account_id,
            line.item_no,
            o.kind,
            EntryStatus.POSTED,
            o.quantity,
            -o.delta,
            o.unit,
            posted_by,
            o.source_doc,
            books.now,
            o.seq,
            reviewers,
        )
        books.add_entry(e)
        books.set_balance(book(b, o.kind, o.leg, -o.quantity))
        made.append(e)
    books.put_doc("reversed", str(seq), made[0].seq)
    return tuple(made)
