"""Rules of the bonded-list life cycle (核注清单), applied through :class:`Books`.

Gate passes are in :mod:`core.ledger.pass_filing` and :mod:`core.ledger.pass_rules`; what write-off
posts is in :mod:`core.ledger.writeoff`. ``bind_gate_pass`` and
``record_gate_passage`` are re-exported here for callers of the older API.
"""

from __future__ import annotations

from dataclasses import replace

from core.ledger.books import Books
from core.ledger.errors import (
    AccountOnHold,
    BadFiling,
    IdempotencyConflict,
    InvalidListState,
    ModeNotAllowed,
)
from core.ledger.events import (
    DeclarationReleased,
    GoodsHeld,
    HoldReleased,
    ListClosedOut,
    ListPreWrittenOff,
    ListVoided,
)
from core.ledger.holds import account_hold
from core.ledger.lists import (
    BondedList,
    DeclarationDoc,
    Direction,
    ListKind,
    ListStatus,
    WriteOffMode,
    WriteOffState,
    effective_direction,
    list_kind,
)
from core.ledger.model import AccountKind, Entry, EntryStatus, check_quantity
from core.ledger.pass_filing import bind_gate_pass
from core.ledger.pass_rules import record_gate_passage
from core.ledger.posting import PostResult, PostStatus, check_outflow, check_unit, new_entry
from core.ledger.posting import reserve as _reserve
from core.ledger.review import DualReview, ReviewItem, require_review
from core.ledger.transfers import check_transfer, open_transfer
from core.ledger.writeoff import LIST, SYSTEM, list_status, settle

__all__ = [
    "bind_gate_pass",
    "close_out",
    "declare_list",
    "file_declaration",
    "hold_list",
    "pre_write_off",
    "record_gate_passage",
    "release_declaration",
    "release_hold",
    "void_list",
]

DECL = "declaration"
_DONE = PostResult(PostStatus.DUPLICATE, ())
_OK = PostResult(PostStatus.APPLIED, ())
_DIRECTION = {ListKind.IN: Direction.IMPORT, ListKind.OUT: Direction.EXPORT}


def _check_kind(books: Books, bl: BondedList) -> None:
    kind = bl.list_type
    want = _DIRECTION.get(kind, Direction.EXPORT if kind is ListKind.TRANSFER else None)
    if want is not None and bl.direction is not want:
        raise BadFiling(f"bonded list {bl.list_id!r} ({kind.value})", "direction", bl.direction)
    if kind is ListKind.TRANSFER:
        if bl.mode is not WriteOffMode.D:
            raise ModeNotAllowed(bl.list_id, bl.mode.value, "transfer list")
        check_transfer(books, bl)
    elif kind is ListKind.ADJUSTMENT:
        if bl.gate_required or bl.with_declaration or bl.mode is not WriteOffMode.D:
            raise BadFiling(
                f"stocktake adjustment list {bl.list_id!r}",
                "gate_required/with_declaration/mode",
                (bl.gate_required, bl.with_declaration, bl.mode.value),
            )
        r = require_review(bl.review, f"stocktake adjustment list {bl.list_id!r}")
        books.audit(f"list:{bl.list_id}", ReviewItem.INSPECTION_EXCEPTION, "adjust", r)


def declare_list(books: Books, bl: BondedList) -> PostResult:
    """Record a bonded list in state 0 after checking every line.

    Raises:
        IdempotencyConflict: The list id exists with other content.
        UnknownAccount, UnknownLine, WrongUnit, BadQuantity: bad lines.
        ModeNotAllowed: mode E on an account that is not a bonded-logistics book.
        BadFiling: a kind that contradicts the direction, an adjustment through a gate.
        TransferRefused: a transfer whose receiving book does not fit the goods.
        DualReviewRequired: an adjustment without its maker and two reviewers.
    """
    old = books.doc(LIST, bl.list_id, ListStatus)
    if old is not None:
        if old.bonded_list != bl:
            raise IdempotencyConflict(bl.list_id, "bonded list")
        return _DONE
    acc = books.account(bl.account_id)
    if bl.mode is WriteOffMode.E and acc.kind is not AccountKind.BONDED_LOGISTICS:
        raise ModeNotAllowed(bl.list_id, bl.mode.value, acc.kind.value)
    if not bl.lines or len({ln.item_no for ln in bl.lines}) != len(bl.lines):
        raise IdempotencyConflict(bl.list_id, "set of lines (empty or repeated item_no)")
    for ln in bl.lines:
        check_quantity(ln.quantity, f"bonded list {bl.list_id!r} line {ln.item_no}")
        check_unit(books.line(bl.account_id, ln.item_no), ln.unit)
    _check_kind(books, bl)
    released = False
    if bl.declaration_id:
        released = _attach(books, bl.declaration_id, bl.list_id)
    books.put_doc(LIST, bl.list_id, ListStatus.new(bl, released, books.now))
    if bl.with_declaration and not bl.declaration_id:
        books.put_doc("undeclared", bl.list_id, bl.list_id)
    return _OK


def _attach(books: Books, declaration_id: str, list_id: str) -> bool:
    """Add a list to a declaration; return whether the declaration is already released."""
    d = books.doc(DECL, declaration_id, DeclarationDoc) or DeclarationDoc(declaration_id)
    books.put_doc(DECL, declaration_id, replace(d, list_ids=(*d.list_ids, list_id)))
    return d.released


def pre_write_off(books: Books, list_id: str) -> PostResult:
    """Move a list from 0 to 1: reserve its outflows as pending entries (预核扣).

    Raises:
        UnknownDocument: No such list.
        InvalidListState: The list is voided.
        Overdraw: An outflow (or an NF list's check) exceeds the available balance.
        AccountOnHold: Goods would leave a book on hold (an overdue declaration).
    """
    st = list_status(books, list_id)
    if st.voided:
        raise InvalidListState(list_id, "voided", "pre-write-off")
    if st.state is not WriteOffState.NOT_WRITTEN_OFF:
        return _DONE
    bl = st.bonded_list
    kind = list_kind(bl)
    outflow = effective_direction(bl.direction, bl.mode) is Direction.EXPORT
    hold = account_hold(books, bl.account_id)
    if outflow and hold:
        raise AccountOnHold(bl.account_id, hold)
    acc = books.account(bl.account_id)
    seqs = []
    for ln in bl.lines:
        b = books.balance(bl.account_id, ln.item_no)
        if outflow and bl.mode is not WriteOffMode.N:
            check_outflow(acc, b, ln.quantity)
        if kind is None:
            seqs.append(0)
            continue
        line = books.line(bl.account_id, ln.item_no)
        key = f"{list_id}#{ln.item_no}"
        status = EntryStatus.PENDING
        e = new_entry(books, key, 0, line, kind, status, ln.quantity, bl.posted_by, list_id)
        seqs.append(e.seq)
        if outflow:
            books.set_balance(_reserve(b, ln.quantity))
    st = replace(st, state=WriteOffState.PRE_WRITTEN_OFF, pending_seqs=tuple(seqs))
    if bl.is_transfer:
        open_transfer(books, st)
    books.emit(ListPreWrittenOff(list_id, books.now))
    return settle(books, st)


def release_declaration(books: Books, declaration_id: str) -> PostResult:
    """Mark a declaration released and write off its lists that are due.

    Raises:
        UnknownDocument: No list was declared with this declaration.
    """
    d = books.need_doc(DECL, declaration_id, DeclarationDoc)
    if d.released:
        return _DONE
    books.put_doc(DECL, declaration_id, replace(d, released=True))
    entries: list[Entry] = []
    for list_id in d.list_ids:
        st = replace(list_status(books, list_id), released=True)
        entries.extend(settle(books, st).entries)
    books.emit(DeclarationReleased(declaration_id, d.list_ids, books.now))
    return PostResult(PostStatus.APPLIED, tuple(entries))


def file_declaration(books: Books, list_id: str, declaration_id: str) -> PostResult:
    """Attach the declaration filed later to a list (先进区、后报关 / 集中申报).

    Raises:
        UnknownDocument: No such list.
        IdempotencyConflict: The list already has another declaration, or needs none.
    """
    st = list_status(books, list_id)
    if st.declaration_id == declaration_id:
        return _DONE
    if st.declaration_id or not st.bonded_list.with_declaration:
        raise IdempotencyConflict(list_id, f"declaration (has {st.declaration_id!r})")
    released = _attach(books, declaration_id, list_id)
    books.put_doc("undeclared", list_id, None)
    return settle(books, replace(st, declaration_id=declaration_id, released=released))


def void_list(books: Books, list_id: str, review: DualReview) -> PostResult:
    """Delete a list not yet written off: void its pending entries (删改单, 双人复核).

    Raises:
        DualReviewRequired: Not a maker and two other, distinct reviewers.
        InvalidListState: Already written off, or goods already passed the gate.
    """
    review.check(f"deletion of bonded list {list_id!r}")
    st = list_status(books, list_id)
    if st.voided:
        return _DONE
    if st.state >= WriteOffState.WRITTEN_OFF or any(st.passed):
        raise InvalidListState(list_id, st.state, "deletion (written off or goods passed)")
    bl = st.bonded_list
    kind = list_kind(bl)
    entries: list[Entry] = []
    for ln, pseq in zip(bl.lines, st.pending_seqs, strict=True):
        if not pseq or kind is None:
            continue
        line = books.line(bl.account_id, ln.item_no)
        e = new_entry(
            books,
            f"{list_id}#{ln.item_no}/void",
            0,
            line,
            kind,
            EntryStatus.VOIDED,
            ln.quantity,
            SYSTEM,
            list_id,
            pseq,
            review.reviewers,
        )
        entries.append(e)
        if effective_direction(bl.direction, bl.mode) is Direction.EXPORT:
            b = books.balance(bl.account_id, ln.item_no)
            books.set_balance(_reserve(b, -ln.quantity))
    books.put_doc(LIST, list_id, replace(st, voided=True))
    books.put_doc("undeclared", list_id, None)
    books.audit(f"list:{list_id}", ReviewItem.AMENDMENT, "void_list", review)
    books.emit(ListVoided(list_id, review.reviewers, books.now))
    return PostResult(PostStatus.APPLIED, tuple(entries))


def close_out(books: Books, list_id: str) -> PostResult:
    """Move a written-off list to 3, closed out (结案).

    Raises:
        InvalidListState: The list is not written off.
    """
    st = list_status(books, list_id)
    if st.state is WriteOffState.CLOSED_OUT:
        return _DONE
    if st.state is not WriteOffState.WRITTEN_OFF:
        raise InvalidListState(list_id, st.state, "close-out")
    books.put_doc(LIST, list_id, replace(st, state=WriteOffState.CLOSED_OUT))
    books.put_doc("written_off", list_id, None)
    books.emit(ListClosedOut(list_id, books.now))
    return _OK


def hold_list(books: Books, list_id: str, reason: str) -> None:
    """Hold a list's goods for ``reason``: no pass of it is reserved, it is not written off."""
    st = list_status(books, list_id)
    if reason in st.held or st.state >= WriteOffState.WRITTEN_OFF:
        return
    books.put_doc(LIST, list_id, replace(st, held=(*st.held, reason)))
    ent = books.account(st.bonded_list.account_id).enterprise_id
    books.emit(GoodsHeld(list_id, ent, reason, books.now))


def release_hold(
    books: Books, list_id: str, reason: str, resolution: str, review: DualReview
) -> PostResult:
    """Release one hold after an inspection-exception decision (查验异常处理, 双人复核).

    Raises:
        DualReviewRequired: Not a maker and two other, distinct reviewers.
        UnknownDocument: No such list.
        InvalidListState: The list is not held for ``reason``.
    """
    review.check(f"release of the {reason} hold on bonded list {list_id!r}")
    st = list_status(books, list_id)
    if reason not in st.held:
        raise InvalidListState(list_id, f"not held for {reason!r}", "releasing a hold")
    books.audit(
        f"list:{list_id}",
        ReviewItem.INSPECTION_EXCEPTION,
        "release_hold",
        review,
        f"{reason}: {resolution}",
    )
    books.emit(HoldReleased(list_id, reason, resolution, review.reviewers, books.now))
    held = tuple(h for h in st.held if h != reason)
    return settle(books, replace(st, held=held))
