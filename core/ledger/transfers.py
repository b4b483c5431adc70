"""Transfers between account books as a journey (结转, 分送集报、自行运输).

A transfer list moves goods from a sending book to a receiving book, in one zone or
between zones under the electronic fence. Its journey: **dispatched** (the list is
pre-written-off: the goods are reserved on the sending book and cleared to leave) →
**in transit** (the truck passed the sending zone's gate, first leg of its gate pass)
→ **received** (arrival confirmed at the receiving zone's gate, the pass's last leg);
or **timed out** when it is in transit past its deadline, which emits an event for
risk and monitoring and still allows a late arrival. The receiving book is validated
against the goods when the list is declared: same HS code and unit on the receiving
line, another book. Stock moves on both books at write-off, as one pair of entries,
so no quantity is ever on two books or none while it is only reserved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from core.ledger.books import Books
from core.ledger.errors import TransferRefused
from core.ledger.events import TransferArrived, TransferDeparted, TransferTimedOut
from core.ledger.lists import BondedList, ListStatus

__all__ = [
    "TransferState",
    "TransferStatus",
    "arrive",
    "check_transfer",
    "check_transit",
    "depart",
    "open_transfer",
    "route_of",
]

TRANSFER, IN_TRANSIT = "transfer", "in_transit"


class TransferState(StrEnum):
    """Where a transfer's goods are."""

    DISPATCHED = "dispatched"  # reserved on the sending book, cleared to leave
    IN_TRANSIT = "in_transit"  # 在途: passed the sending zone's gate
    RECEIVED = "received"  # arrival confirmed at the receiving zone's gate
    TIMED_OUT = "timed_out"  # in transit past the deadline, not yet received


@dataclass(frozen=True, slots=True)
class TransferStatus:
    """The journey of one transfer list.

    Attributes:
        list_id: The transfer list.
        from_account_id: The sending book.
        to_account_id: The receiving book.
        route: Zones of the gates on the way (sending, receiving); ``()`` in one zone.
        state: Where the goods are.
        dispatched_s: When the list was pre-written-off, seconds.
        departed_s: When it passed the sending gate, −1 before.
        due_s: Deadline to arrive once in transit, −1 before departure.
        received_s: When arrival was confirmed, −1 before.
        late: Whether it arrived after timing out.
    """

    list_id: str
    from_account_id: str
    to_account_id: str
    route: tuple[str, ...]
    state: TransferState
    dispatched_s: float
    departed_s: float = -1.0
    due_s: float = -1.0
    received_s: float = -1.0
    late: bool = False


def route_of(books: Books, bl: BondedList) -> tuple[str, ...]:
    """Zones a transfer's pass must pass: (sending, receiving) across zones, else ()."""
    a = books.account(bl.account_id).zone
    b = books.account(bl.to_account_id).zone
    return (a, b) if a and b and a != b else ()


def check_transfer(books: Books, bl: BondedList) -> None:
    """Validate the receiving book against the goods of a transfer list.

    Raises:
        TransferRefused: No receiving book, the same book, a receiving line missing or
            with another HS code or unit, or a transfer across zones without a gate.
        UnknownAccount: The receiving book does not exist.
    """
    lid = bl.list_id
    if not bl.to_account_id or bl.to_account_id == bl.account_id:
        raise TransferRefused(lid, f"to_account_id={bl.to_account_id!r}: needs another book")
    books.account(bl.to_account_id)
    for ln in bl.lines:
        src = books.line(bl.account_id, ln.item_no)
        dst = books.find_line(bl.to_account_id, ln.to_item_no)
        if dst is None:
            raise TransferRefused(
                lid,
                f"line {ln.item_no}: to_item_no={ln.to_item_no!r} not filed in "
                f"{bl.to_account_id!r}",
            )
        if (dst.hs_code, dst.unit) != (src.hs_code, src.unit):
            raise TransferRefused(
                lid,
                f"line {ln.item_no}: receiving line {dst.item_no} is filed as "
                f"{dst.hs_code}/{dst.unit}, the goods are {src.hs_code}/{src.unit}",
            )
    if route_of(books, bl) and not bl.gate_required:
        raise TransferRefused(lid, "gate_required=False: goods crossing zones pass two gates")


def open_transfer(books: Books, st: ListStatus) -> None:
    """Record the journey of a transfer list that was just pre-written-off."""
    bl = st.bonded_list
    state = TransferState.DISPATCHED if bl.gate_required else TransferState.RECEIVED
    doc = TransferStatus(
        bl.list_id,
        bl.account_id,
        bl.to_account_id,
        route_of(books, bl),
        state,
        books.now,
        received_s=-1.0 if bl.gate_required else books.now,
    )
    books.put_doc(TRANSFER, bl.list_id, doc)


def _ent(books: Books, account_id: str) -> str:
    return books.account(account_id).enterprise_id


def depart(books: Books, list_id: str, gate_id: str, timeout_s: float) -> None:
    """The first leg passed the sending zone's gate: the goods are in transit."""
    t = books.doc(TRANSFER, list_id, TransferStatus)
    if t is None or t.state is not TransferState.DISPATCHED:
        return
    due = books.now + timeout_s
    books.put_doc(
        TRANSFER,
        list_id,
        replace(t, state=TransferState.IN_TRANSIT, departed_s=books.now, due_s=due),
    )
    books.put_doc(IN_TRANSIT, list_id, list_id)
    books.emit(
        TransferDeparted(
            list_id,
            _ent(books, t.from_account_id),
            t.from_account_id,
            t.to_account_id,
            gate_id,
            due,
            books.now,
        )
    )


def arrive(books: Books, list_id: str, gate_id: str) -> None:
    """The last leg passed the receiving gate (or the only gate): arrival confirmed."""
    t = books.doc(TRANSFER, list_id, TransferStatus)
    if t is None or t.state is TransferState.RECEIVED:
        return
    late = t.state is TransferState.TIMED_OUT
    books.put_doc(
        TRANSFER,
        list_id,
        replace(t, state=TransferState.RECEIVED, received_s=books.now, late=late),
    )
    books.put_doc(IN_TRANSIT, list_id, None)
    books.emit(
        TransferArrived(
            list_id, _ent(books, t.to_account_id), t.to_account_id, gate_id, late, books.now
        )
    )


def check_transit(books: Books) -> None:
    """Time out every transfer in transit past its deadline (once each)."""
    for list_id in books.tx.docs(IN_TRANSIT):
        assert isinstance(list_id, str)
        t = books.doc(TRANSFER, list_id, TransferStatus)
        if t is None or t.state is not TransferState.IN_TRANSIT or books.now <= t.due_s:
            continue
        books.put_doc(TRANSFER, list_id, replace(t, state=TransferState.TIMED_OUT))
        books.put_doc(IN_TRANSIT, list_id, None)
        books.emit(
            TransferTimedOut(
                list_id,
                _ent(books, t.from_account_id),
                t.from_account_id,
                t.to_account_id,
                t.due_s,
                books.now,
            )
        )
