"""Write-off (核扣) of a bonded list: the one place that posts a list's pending entries.

A pre-written-off list is written off when its declaration is released (if it has one),
all its goods have passed the gate (or its last truck has), and nothing holds it. What
is posted per line is what actually passed the gate (the quantity written back), not
what was listed; the rest of the reservation is released. A transfer posts both legs,
the sending and the receiving book, as one pair. Every path that can complete a list
(gate passage, release, declaration filed, hold released) ends in :func:`settle`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.events import ListWrittenOff
from core.ledger.lists import ListStatus, WriteOffState, list_kind
from core.ledger.model import OUTFLOWS, ZERO, Entry, EntryStatus, PostedBy, PosterKind
from core.ledger.posting import PostResult, PostStatus, book, new_entry, reserve

__all__ = ["LIST", "SYSTEM", "list_status", "post_line", "settle"]

LIST = "list"
SYSTEM = PostedBy(PosterKind.SYSTEM, "ledger")


def list_status(books: Books, list_id: str) -> ListStatus:
    """Return a list's status. Raises: UnknownDocument: no such list."""
    return books.need_doc(LIST, list_id, ListStatus)


def post_line(
    books: Books, st: ListStatus, index: int, qty: Decimal, pending_seq: int
) -> list[Entry]:
    """Post one list line's pending entry with ``qty`` (0 voids it) and free its reservation.

    Returns:
        The entries made: one, or two for a transfer (sending and receiving leg).
    """
    bl = st.bonded_list
    ln = bl.lines[index]
    kind = list_kind(bl)
    assert kind is not None
    line = books.line(bl.account_id, ln.item_no)
    b = books.balance(bl.account_id, ln.item_no)
    if kind in OUTFLOWS:
        b = reserve(b, -ln.quantity)
    key = f"{bl.list_id}#{ln.item_no}/post"
    if qty <= ZERO:
        books.set_balance(b)
        e = new_entry(
            books,
            key,
            0,
            line,
            kind,
            EntryStatus.VOIDED,
            ln.quantity,
            SYSTEM,
            bl.list_id,
            pending_seq,
            _reviewers(st),
        )
        return [e]
    e0 = new_entry(
        books,
        key,
        0,
        line,
        kind,
        EntryStatus.POSTED,
        qty,
        SYSTEM,
        bl.list_id,
        pending_seq,
        _reviewers(st),
    )
    books.set_balance(book(b, kind, 0, qty))
    if not bl.is_transfer:
        return [e0]
    to = books.line(bl.to_account_id, ln.to_item_no)
    e1 = new_entry(books, key, 1, to, kind, EntryStatus.POSTED, qty, SYSTEM, bl.list_id)
    tb = books.balance(to.account_id, to.item_no)
    books.set_balance(book(tb, kind, 1, qty))
    return [e0, e1]


def _reviewers(st: ListStatus) -> tuple[str, ...]:
    r = st.bonded_list.review
    return r.reviewers if r is not None else ()


def settle(books: Books, st: ListStatus) -> PostResult:
    """Store ``st``, writing the list off first when the rule allows it."""
    if not st.ready_to_write_off:
        books.put_doc(LIST, st.bonded_list.list_id, st)
        return PostResult(PostStatus.APPLIED, ())
    bl = st.bonded_list
    entries: list[Entry] = []
    for i, (ln, pseq) in enumerate(zip(bl.lines, st.pending_seqs, strict=True)):
        if not pseq:
            continue
        qty = st.passed[i] if bl.gate_required else ln.quantity
        entries.extend(post_line(books, st, i, qty, pseq))
    books.put_doc(LIST, bl.list_id, replace(st, state=WriteOffState.WRITTEN_OFF))
    books.put_doc("written_off", bl.list_id, bl.list_id)
    books.emit(ListWrittenOff(bl.list_id, books.now))
    return PostResult(PostStatus.APPLIED, tuple(entries))
