"""Declaration deadlines: enter first, declare later; batch in/out, declare together.

Goods may enter on the manifest with a brief declaration (先进区、后报关): their list is
pre-written-off at once and the full declaration must follow by a deadline. Goods may
also move in batches on lists and be covered later by one consolidated declaration
(分批进出、集中申报): every list that awaits a declaration and did not enter first gets
a batch deadline, the end of its declaration period plus a grace time. An obligation
past its deadline has consequences:

* one :class:`DeclarationOverdue` event (a risk factor of the enterprise, via the
  outbox, and an alarm for central monitoring);
* the account book is put on hold: its goods may not leave until it is declared;
* when the declaration is finally filed, a late-declaration fee (滞报金) is assessed:
  the list's declared value × the daily rate × the days late, not levied below the
  threshold, and the hold is lifted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.errors import IdempotencyConflict
from core.ledger.events import (
    ConsolidatedDeclarationFiled,
    DeclarationOverdue,
    LateDeclarationFeeAssessed,
)
from core.ledger.holds import hold_account, lift_hold
from core.ledger.list_rules import declare_list, file_declaration, pre_write_off
from core.ledger.lists import BondedList, ListStatus
from core.ledger.model import ZERO, Entry
from core.ledger.posting import PostResult, PostStatus
from core.ledger.tax import fen

__all__ = [
    "DeadlinePolicy",
    "EntryObligation",
    "ManifestEntry",
    "ObligationKind",
    "check_deadlines",
    "consolidate_period",
    "enter_on_manifest",
    "fulfil_obligation",
    "open_batch_obligation",
]

OBL, OPEN = "obligation", "open_obligation"
_DAY_S = 86_400.0


class ObligationKind:
    """Kinds of declaration obligation (plain strings, stored in events)."""

    ENTER_FIRST = "enter_first"  # 先进区、后报关
    BATCH = "batch"  # 分批进出、集中申报


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """Deadlines and their consequences.

    Attributes:
        enter_first_due_s: Time to file the full declaration after entry when the
            manifest entry names no deadline (14 days, the usual declaration period).
        batch_period_s: Length of a consolidated-declaration period (30 days).
        batch_grace_s: Time after a period's end to file its declaration (10 days).
        late_fee_rate_per_day: Late-declaration fee (滞报金) per day, of the declared value.
        late_fee_threshold_cny: Fees below this are not levied (起征点, CNY 50).
    """

    enter_first_due_s: float = 14 * _DAY_S
    batch_period_s: float = 30 * _DAY_S
    batch_grace_s: float = 10 * _DAY_S
    late_fee_rate_per_day: Decimal = Decimal("0.0005")
    late_fee_threshold_cny: Decimal = Decimal(50)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """Entry on the manifest with a brief declaration (简要申报).

    Attributes:
        manifest_id: The manifest (舱单) number.
        bonded_list: The import list, with ``with_declaration`` and no declaration yet.
        due_s: Deadline for the full declaration, seconds; ``None`` for the policy's.
    """

    manifest_id: str
    bonded_list: BondedList
    due_s: float | None = None


@dataclass(frozen=True, slots=True)
class EntryObligation:
    """The obligation to file a list's declaration by a deadline.

    Attributes:
        manifest_id: The manifest, for goods entered first; ``""`` for a batch.
        list_id: The list.
        entered_s: When the obligation opened, seconds.
        due_s: The deadline, seconds.
        fulfilled: Whether the declaration was filed.
        reported_overdue: Whether the overdue event was emitted (once).
        kind: ``enter_first`` or ``batch``.
    """

    manifest_id: str
    list_id: str
    entered_s: float
    due_s: float
    fulfilled: bool = False
    reported_overdue: bool = False
    kind: str = ObligationKind.ENTER_FIRST


def _open(books: Books, ob: EntryObligation) -> None:
    books.put_doc(OBL, ob.list_id, ob)
    books.put_doc(OPEN, ob.list_id, ob.list_id)


def enter_on_manifest(books: Books, entry: ManifestEntry, policy: DeadlinePolicy) -> PostResult:
    """Declare and pre-write-off the entry's list and open its declaration obligation.

    Raises:
        IdempotencyConflict: The list does not await a declaration, or the manifest
            entry exists with other content.
        Any error of :func:`declare_list` and :func:`pre_write_off`.
    """
    bl = entry.bonded_list
    if not bl.with_declaration or bl.declaration_id:
        raise IdempotencyConflict(bl.list_id, "manifest entry (list must await a declaration)")
    due = books.now + policy.enter_first_due_s if entry.due_s is None else entry.due_s
    old = books.doc(OBL, bl.list_id, EntryObligation)
    if old is not None:
        if (old.manifest_id, old.kind) != (entry.manifest_id, ObligationKind.ENTER_FIRST) or (
            entry.due_s is not None and old.due_s != entry.due_s
        ):
            raise IdempotencyConflict(bl.list_id, "manifest entry")
        declare_list(books, bl)  # raises if the list itself differs
        return PostResult(PostStatus.DUPLICATE, ())
    declare_list(books, bl)
    result = pre_write_off(books, bl.list_id)
    _open(books, EntryObligation(entry.manifest_id, bl.list_id, books.now, due))
    return result


def open_batch_obligation(books: Books, list_id: str, policy: DeadlinePolicy) -> None:
    """Give a list that awaits a declaration, and did not enter first, a batch deadline."""
    st = books.doc("list", list_id, ListStatus)
    if st is None or st.declaration_id or not st.bonded_list.with_declaration:
        return
    if books.doc(OBL, list_id, EntryObligation) is not None:
        return
    period = policy.batch_period_s
    due = (math.floor(books.now / period) + 1) * period + policy.batch_grace_s
    _open(books, EntryObligation("", list_id, books.now, due, kind=ObligationKind.BATCH))


def fulfil_obligation(books: Books, list_id: str, policy: DeadlinePolicy) -> None:
    """Close the list's obligation: assess the late fee if overdue, lift the hold."""
    ob = books.doc(OBL, list_id, EntryObligation)
    if ob is None or ob.fulfilled:
        return
    books.put_doc(OBL, list_id, replace(ob, fulfilled=True))
    books.put_doc(OPEN, list_id, None)
    if books.now <= ob.due_s:
        return
    st = books.need_doc("list", list_id, ListStatus)
    account_id = st.bonded_list.account_id
    days = math.ceil((books.now - ob.due_s) / _DAY_S)
    value = sum((ln.value_cny for ln in st.bonded_list.lines), ZERO)
    fee = fen(value * policy.late_fee_rate_per_day * days)
    if fee >= policy.late_fee_threshold_cny:
        ent = books.account(account_id).enterprise_id
        books.put_doc("late_fee", list_id, fee)
        books.emit(LateDeclarationFeeAssessed(list_id, ent, days, fee, books.now))
    lift_hold(books, account_id, f"declaration_overdue:{list_id}")


def check_deadlines(books: Books) -> None:
    """Emit DeclarationOverdue once per open obligation past its deadline; hold the book."""
    for list_id in books.tx.docs(OPEN):
        assert isinstance(list_id, str)
        ob = books.doc(OBL, list_id, EntryObligation)
        if ob is None or ob.fulfilled or ob.reported_overdue or books.now <= ob.due_s:
            continue
        st = books.need_doc("list", list_id, ListStatus)
        account_id = st.bonded_list.account_id
        ent = books.account(account_id).enterprise_id
        books.put_doc(OBL, list_id, replace(ob, reported_overdue=True))
        books.emit(
            DeclarationOverdue(
                ob.kind, list_id, ent, account_id, ob.due_s, books.now, ob.manifest_id
            )
        )
        hold_account(books, account_id, f"declaration_overdue:{list_id}")


def consolidate_period(
    books: Books,
    account_id: str,
    start_s: float,
    end_s: float,
    declaration_id: str,
    policy: DeadlinePolicy,
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
        gated = st.bonded_list.gate_required
        for ln, passed in zip(st.bonded_list.lines, st.passed, strict=True):
            totals[ln.item_no] += passed if gated else ln.quantity
        entries.extend(file_declaration(books, st.bonded_list.list_id, declaration_id).entries)
        fulfil_obligation(books, st.bonded_list.list_id, policy)
    ids = tuple(st.bonded_list.list_id for st in picked)
    books.emit(
        ConsolidatedDeclarationFiled(
            declaration_id, account_id, ids, tuple(sorted(totals.items())), books.now
        )
    )
    return PostResult(PostStatus.APPLIED, tuple(entries))
