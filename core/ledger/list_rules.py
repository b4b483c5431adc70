"""Rules of the bonded-list life cycle, applied through :class:`Books`."""

from __future__ import annotations

from dataclasses import replace

from core.ledger.books import Books
from core.ledger.errors import (
    IdempotencyConflict,
    InvalidListState,
    ModeNotAllowed,
    OverBinding,
    UnknownLine,
)
from core.ledger.events import (
    DeclarationReleased,
    GatePassageRecorded,
    ListClosedOut,
    ListPreWrittenOff,
    ListVoided,
    ListWrittenOff,
)
from core.ledger.lists import (
    BondedList,
    DeclarationDoc,
    Direction,
    GatePassage,
    GatePassBinding,
    GatePassDoc,
    ListStatus,
    WriteOffMode,
    WriteOffState,
    effective_direction,
    list_kind,
)
from core.ledger.model import AccountKind, DualReview, Entry, EntryStatus, MovementKind, PostedBy
from core.ledger.model import PosterKind as PK
from core.ledger.model import check_quantity as _qty
from core.ledger.posting import PostResult, PostStatus, book, check_outflow, check_unit
from core.ledger.posting import new_entry as _entry
from core.ledger.posting import reserve as _reserve

__all__ = [
    "bind_gate_pass",
    "close_out",
    "declare_list",
    "file_declaration",
    "pre_write_off",
    "record_gate_passage",
    "release_declaration",
    "void_list",
]

LIST, PASS, DECL = "list", "gate_pass", "declaration"
_SYSTEM = PostedBy(PK.SYSTEM, "ledger")
_DONE = PostResult(PostStatus.DUPLICATE, ())
_OK = PostResult(PostStatus.APPLIED, ())


def _status(books: Books, list_id: str) -> ListStatus:
    return books.need_doc(LIST, list_id, ListStatus)


def declare_list(books: Books, bl: BondedList) -> PostResult:
    """Record a bonded list in state 0 after checking every line.

    Raises:
        IdempotencyConflict: The list id exists with other content.
        UnknownAccount, UnknownLine, WrongUnit, BadQuantity: bad lines.
        ModeNotAllowed: mode E on an account that is not a bonded-logistics book.
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
        _qty(ln.quantity, f"bonded list {bl.list_id!r} line {ln.item_no}")
        check_unit(books.line(bl.account_id, ln.item_no), ln.unit)
    released = False
    if bl.declaration_id:
        released = _attach(books, bl.declaration_id, bl.list_id)
    books.put_doc(LIST, bl.list_id, ListStatus.new(bl, released))
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
    """
    st = _status(books, list_id)
    if st.voided:
        raise InvalidListState(list_id, "voided", "pre-write-off")
    if st.state is not WriteOffState.NOT_WRITTEN_OFF:
        return _DONE
    bl = st.bonded_list
    kind = list_kind(bl.direction, bl.mode)
    outflow = effective_direction(bl.direction, bl.mode) is Direction.EXPORT
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
        e = _entry(
            books,
            f"{list_id}#{ln.item_no}",
            0,
            line,
            kind,
            EntryStatus.PENDING,
            ln.quantity,
            bl.posted_by,
            list_id,
        )
        seqs.append(e.seq)
        if outflow:
            books.set_balance(_reserve(b, ln.quantity))
    st = replace(st, state=WriteOffState.PRE_WRITTEN_OFF, pending_seqs=tuple(seqs))
    books.emit(ListPreWrittenOff(list_id, books.now))
    return _settle(books, st)


def _settle(books: Books, st: ListStatus) -> PostResult:
    """Store ``st``, writing the list off first when the rule allows it."""
    if not st.ready_to_write_off:
        books.put_doc(LIST, st.bonded_list.list_id, st)
        return _OK
    bl = st.bonded_list
    entries: list[Entry] = []
    for ln, pseq in zip(bl.lines, st.pending_seqs, strict=True):
        if not pseq:
            continue
        kind = list_kind(bl.direction, bl.mode)
        assert kind is not None
        line = books.line(bl.account_id, ln.item_no)
        b = books.balance(bl.account_id, ln.item_no)
        if kind is MovementKind.OUT:
            b = _reserve(b, -ln.quantity)
        e = _entry(
            books,
            f"{bl.list_id}#{ln.item_no}/post",
            0,
            line,
            kind,
            EntryStatus.POSTED,
            ln.quantity,
            _SYSTEM,
            bl.list_id,
            refers_to=pseq,
        )
        books.set_balance(book(b, kind, 0, ln.quantity))
        entries.append(e)
    books.put_doc(LIST, bl.list_id, replace(st, state=WriteOffState.WRITTEN_OFF))
    books.put_doc("written_off", bl.list_id, bl.list_id)
    books.emit(ListWrittenOff(bl.list_id, books.now))
    return PostResult(PostStatus.APPLIED, tuple(entries))


def bind_gate_pass(books: Books, binding: GatePassBinding) -> PostResult:
    """Bind a gate pass to a pre-written-off list (bound ≤ listed on every line).

    Raises:
        IdempotencyConflict: The pass exists with other content.
        UnknownDocument: No such list.
        InvalidListState: The list is not pre-written-off, or is voided.
        UnknownLine, BadQuantity: a line not on the list, or a bad quantity.
        OverBinding: The bound quantity would exceed the list on a line.
    """
    old = books.doc(PASS, binding.pass_id, GatePassDoc)
    if old is not None:
        if old.binding != binding:
            raise IdempotencyConflict(binding.pass_id, "gate pass")
        return _DONE
    st = _status(books, binding.list_id)
    if st.state is not WriteOffState.PRE_WRITTEN_OFF or st.voided:
        raise InvalidListState(binding.list_id, st.state, "binding a gate pass")
    bound = list(st.bound)
    for item_no, q in binding.lines:
        i = st.index(item_no)
        if i < 0:
            raise UnknownLine(f"{st.bonded_list.account_id} (list {binding.list_id})", item_no)
        q = _qty(q, f"gate pass {binding.pass_id!r} line {item_no}")
        bound[i] += q
        if bound[i] > st.bonded_list.lines[i].quantity:
            raise OverBinding(binding.list_id, item_no, bound[i], st.bonded_list.lines[i].quantity)
    books.put_doc(PASS, binding.pass_id, GatePassDoc(binding))
    books.put_doc(LIST, binding.list_id, replace(st, bound=tuple(bound)))
    return _OK


def record_gate_passage(books: Books, passage: GatePassage) -> PostResult:
    """Count a gate pass's goods as passed (once) and write the list off if due.

    Raises:
        UnknownDocument: No such gate pass.
        InvalidListState: The list was voided after binding.
    """
    doc = books.need_doc(PASS, passage.pass_id, GatePassDoc)
    if doc.passed:
        return _DONE
    st = _status(books, doc.binding.list_id)
    if st.voided:
        raise InvalidListState(st.bonded_list.list_id, "voided", "a gate passage")
    passed = list(st.passed)
    for item_no, q in doc.binding.lines:
        passed[st.index(item_no)] += q
    books.put_doc(PASS, passage.pass_id, replace(doc, passed=True, gate_id=passage.gate_id))
    books.emit(
        GatePassageRecorded(passage.pass_id, st.bonded_list.list_id, passage.gate_id, books.now)
    )
    return _settle(books, replace(st, passed=tuple(passed), last_passed_s=books.now))


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
        st = replace(_status(books, list_id), released=True)
        entries.extend(_settle(books, st).entries)
    books.emit(DeclarationReleased(declaration_id, d.list_ids, books.now))
    return PostResult(PostStatus.APPLIED, tuple(entries))


def file_declaration(books: Books, list_id: str, declaration_id: str) -> PostResult:
    """Attach the declaration filed later to a list (先进区、后报关 / 集中申报).

    Raises:
        UnknownDocument: No such list.
        IdempotencyConflict: The list already has another declaration, or needs none.
    """
    st = _status(books, list_id)
    if st.declaration_id == declaration_id:
        return _DONE
    if st.declaration_id or not st.bonded_list.with_declaration:
        raise IdempotencyConflict(list_id, f"declaration (has {st.declaration_id!r})")
    released = _attach(books, declaration_id, list_id)
    books.put_doc("undeclared", list_id, None)
    return _settle(books, replace(st, declaration_id=declaration_id, released=released))


def void_list(books: Books, list_id: str, review: DualReview) -> PostResult:
    """Delete a list not yet written off: void its pending entries (双人复核).

    Raises:
        DualReviewRequired: Not two distinct approvers.
        InvalidListState: Already written off, or goods already passed the gate.
    """
    review.check(f"deletion of bonded list {list_id!r}")
    st = _status(books, list_id)
    if st.voided:
        return _DONE
    if st.state >= WriteOffState.WRITTEN_OFF or any(st.passed):
        raise InvalidListState(list_id, st.state, "deletion (written off or goods passed)")
    bl = st.bonded_list
    kind = list_kind(bl.direction, bl.mode)
    entries: list[Entry] = []
    for ln, pseq in zip(bl.lines, st.pending_seqs, strict=True):
        if not pseq or kind is None:
            continue
        line = books.line(bl.account_id, ln.item_no)
        e = _entry(
            books,
            f"{list_id}#{ln.item_no}/void",
            0,
            line,
            kind,
            EntryStatus.VOIDED,
            ln.quantity,
            _SYSTEM,
            list_id,
            pseq,
            (review.first, review.second),
        )
        entries.append(e)
        if kind is MovementKind.OUT:
            b = books.balance(bl.account_id, ln.item_no)
            books.set_balance(_reserve(b, -ln.quantity))
    books.put_doc(LIST, list_id, replace(st, voided=True))
    books.put_doc("undeclared", list_id, None)
    books.emit(ListVoided(list_id, (review.first, review.second), books.now))
    return PostResult(PostStatus.APPLIED, tuple(entries))


def close_out(books: Books, list_id: str) -> PostResult:
    """Move a written-off list to 3, closed out (结案).

    Raises:
        InvalidListState: The list is not written off.
    """
    st = _status(books, list_id)
    if st.state is WriteOffState.CLOSED_OUT:
        return _DONE
    if st.state is not WriteOffState.WRITTEN_OFF:
        raise InvalidListState(list_id, st.state, "close-out")
    books.put_doc(LIST, list_id, replace(st, state=WriteOffState.CLOSED_OUT))
    books.put_doc("written_off", list_id, None)
    books.emit(ListClosedOut(list_id, books.now))
    return _OK
