"""Enter first, declare later (先进区、后报关) and batch in/out (分批进出、集中申报).

Goods enter on the manifest with a brief declaration: their bonded list is declared and
pre-written-off at once, gate passes move them in, and the full declaration must follow
by a deadline. An open obligation past its deadline emits :class:`DeclarationOverdue`
once. Lists moved in batches over a period are covered by one consolidated declaration.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.errors import IdempotencyConflict
from core.ledger.events import ConsolidatedDeclarationFiled, DeclarationOverdue
from core.ledger.list_rules import declare_list, file_declaration, pre_write_off
from core.ledger.lists import BondedList, ListStatus
from core.ledger.model import Entry
from core.ledger.posting import PostResult, PostStatus

__all__ = [
    "EntryObligation",
    "ManifestEntry",
    "check_deadlines",
    "consolidate_period",
    "enter_on_manifest",
    "fulfil_obligation",
]

OBL, OPEN = "obligation", "open_obligation"


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """Entry on the manifest with a brief declaration (简要申报).

    Attributes:
        manifest_id: The manifest (舱单) number.
        bonded_list: The import list, with ``with_declaration`` and no declaration yet.
        due_s: Deadline for the full declaration, in seconds on the caller's clock.
    """

    manifest_id: str
    bonded_list: BondedList
    due_s: float


@dataclass(frozen=True, slots=True)
class EntryObligation:
    """The obligation to file the full declaration for goods entered first."""

    manifest_id: str
    list_id: str
    entered_s: float
    due_s: float
    fulfilled: bool = False
    reported_overdue: bool = False


def enter_on_manifest(books: Books, entry: ManifestEntry) -> PostResult:
    """Declare and pre-write-off the entry's list and open its declaration obligation.

    Raises:
        IdempotencyConflict: The list does not await a declaration, or the manifest
            entry exists with other content.
        Any error of :func:`declare_list` and :func:`pre_write_off`.
    """
    bl = entry.bonded_list
    if not bl.with_declaration or bl.declaration_id:
        raise IdempotencyConflict(bl.list_id, "manifest entry (list must await a declaration)")
    old = books.doc(OBL, bl.list_id, EntryObligation)
    if old is not None:
        if (old.manifest_id, old.due_s) != (entry.manifest_id, entry.due_s):
            raise IdempotencyConflict(bl.list_id, "manifest entry")
        declare_list(books, bl)  # raises if the list itself differs
        return PostResult(PostStatus.DUPLICATE, ())
    declare_list(books, bl)
    result = pre_write_off(books, bl.list_id)
    books.put_doc(
        OBL, bl.list_id, EntryObligation(entry.manifest_id, bl.list_id, books.now, entry.due_s)
    )
    books.put_doc(OPEN, bl.list_id, bl.list_id)
    return result


def fulfil_obligation(books: Books, list_id: str) -> None:
    """Close the list's obligation, if it has one (its declaration was filed)."""
    ob = books.doc(OBL, list_id, EntryObligation)
    if ob is not None and not ob.fulfilled:
        books.put_doc(OBL, list_id, replace(ob, fulfilled=True))
        books.put_doc(OPEN, list_id, None)


def check_deadlines(books: Books) -> PostResult:
    """Emit :class:`DeclarationOverdue` once for every open obligation past its deadline."""
    for list_id in books.tx.docs(OPEN):
        assert isinstance(list_id, str)
        ob = books.doc(OBL, list_id, EntryObligation)
        if ob is None or ob.fulfilled or ob.reported_overdue or books.now <= ob.due_s:
            continue
        books.put_doc(OBL, list_id, replace(ob, reported_overdue=True))
        books.emit(DeclarationOverdue(ob.manifest_id, list_id, ob.due_s, books.now))
    return PostResult(PostStatus.APPLIED if books.events else PostStatus.DUPLICATE, ())


def consolidate_period(
    books: Books, account_id: str, start_s: float, end_s: float, declaration_id: str
) -> PostResult:
    """File one declaration for every fully passed, undeclared list of a period.

    A list belongs to the period when its last gate passage lies in [start_s, end_s).

    Raises:
        UnknownAccount: No such account.
        IdempotencyConflict: A list of the period already has another declaration.
    """
    books.account(account_id)
    picked: list[ListStatus] = []
    for list_id in books.tx.docs("undeclared"):
        assert isinstance(list_id, str)
        st = books.doc("list", list_id, ListStatus)
        if (
            st is not None
            and st.bonded_list.account_id == account_id
            and st.fully_passed
            and start_s <= st.last_passed_s < end_s
        ):
            picked.append(st)
    if not picked:
        return PostResult(PostStatus.DUPLICATE, ())
    totals: defaultdict[int, Decimal] = defaultdict(Decimal)
    entries: list[Entry] = []
    for st in picked:
        for ln in st.bonded_list.lines:
            totals[ln.item_no] += ln.quantity
        entries.extend(file_declaration(books, st.bonded_list.list_id, declaration_id).entries)
        fulfil_obligation(books, st.bonded_list.list_id)
    ids = tuple(st.bonded_list.list_id for st in picked)
    books.emit(
        ConsolidatedDeclarationFiled(
            declaration_id, account_id, ids, tuple(sorted(totals.items())), books.now
        )
    )
    return PostResult(PostStatus.APPLIED, tuple(entries))
