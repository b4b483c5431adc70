"""Three-document check: manifest (舱单), delivery order (提货单), declaration (报关单).

In the first-line flow every entry's three documents are compared before its goods may
pass: the bill of lading and the consignee must be the same on all three; the delivery
order and the declaration of one delivery must name the same containers and packages,
their gross weights within a set percentage; and a bill may be split across several
deliveries (分批提货), so each delivery is checked against what the manifest still holds
after the earlier ones (containers not yet delivered, packages and weight not yet
taken). A disagreement is a finding, not a caller's error: one event naming every field
that differs, and the list's goods are held until an inspection-exception decision
(查验异常处理, dual review) releases them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.events import DocumentsMismatched, FieldMismatch
from core.ledger.list_rules import hold_list
from core.ledger.lists import ListStatus
from core.ledger.model import ZERO

__all__ = ["CargoDocument", "CargoDocuments", "Delivered", "check_documents", "cross_check"]

BILL = "bill"
HOLD_REASON = "documents_mismatch"


@dataclass(frozen=True, slots=True)
class CargoDocument:
    """The fields the three documents share.

    Attributes:
        doc_id: The document's own number.
        bill_no: Bill of lading / air waybill number (提运单号).
        container_nos: Container numbers, in any order.
        packages: Number of packages (件数).
        gross_weight_kg: Gross weight in kg (毛重).
        consignee: Consignee's code (收货人).
    """

    doc_id: str
    bill_no: str
    container_nos: tuple[str, ...]
    packages: int
    gross_weight_kg: Decimal
    consignee: str


@dataclass(frozen=True, slots=True)
class CargoDocuments:
    """The three documents of one delivery of a bill."""

    manifest: CargoDocument
    delivery_order: CargoDocument
    declaration: CargoDocument


@dataclass(frozen=True, slots=True)
class Delivered:
    """What earlier deliveries of a bill already took (partial bills of lading).

    Attributes:
        bill_no: The bill.
        packages: Packages delivered so far.
        gross_weight_kg: Gross weight delivered so far, kg.
        container_nos: Containers delivered so far.
        delivery_ids: The delivery orders counted, so a repeat counts once.
    """

    bill_no: str
    packages: int = 0
    gross_weight_kg: Decimal = ZERO
    container_nos: tuple[str, ...] = ()
    delivery_ids: tuple[str, ...] = ()


def _norm(w: Decimal) -> str:
    return format(Decimal(w).normalize(), "f")  # 1100, never 1.1E+3


def _close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _diffs(
    m: CargoDocument, d: CargoDocument, c: CargoDocument, tol: Decimal, before: Delivered
) -> list[FieldMismatch]:
    out = []
    for name in ("bill_no", "consignee"):
        a, b, x = getattr(m, name), getattr(d, name), getattr(c, name)
        if not a == b == x:
            out.append(FieldMismatch(name, a, b, x))
    boxes = [",".join(sorted(doc.container_nos)) for doc in (m, d, c)]
    rest = set(m.container_nos) - set(before.container_nos)
    if set(d.container_nos) != set(c.container_nos) or not set(d.container_nos) <= rest:
        out.append(FieldMismatch("container_nos", *boxes))
    if d.packages != c.packages or before.packages + d.packages > m.packages:
        out.append(FieldMismatch("packages", str(m.packages), str(d.packages), str(c.packages)))
    wd, wc = d.gross_weight_kg, c.gross_weight_kg
    over = before.gross_weight_kg + wd > m.gross_weight_kg * (1 + tol)
    if not _close(wd, wc, tol) or over:
        out.append(FieldMismatch("gross_weight_kg", _norm(m.gross_weight_kg), _norm(wd), _norm(wc)))
    return out


def cross_check(
    manifest: CargoDocument,
    delivery_order: CargoDocument,
    declaration: CargoDocument,
    now: float,
    weight_tolerance: Decimal = ZERO,
    delivered: Delivered | None = None,
) -> tuple[DocumentsMismatched, ...]:
    """Compare the three documents of one delivery.

    Args:
        manifest: The manifest (舱单) of the whole bill.
        delivery_order: This delivery's delivery order (提货单).
        declaration: This delivery's declaration (报关单).
        now: Current time in seconds.
        weight_tolerance: Allowed relative difference of gross weights, e.g. 0.03.
        delivered: What earlier deliveries of the bill took; None for the first.

    Returns:
        One :class:`DocumentsMismatched` with every differing field, or ``()``.
    """
    before = delivered or Delivered(manifest.bill_no)
    diffs = _diffs(manifest, delivery_order, declaration, weight_tolerance, before)
    if not diffs:
        return ()
    return (DocumentsMismatched(manifest.bill_no, tuple(diffs), now),)


def check_documents(
    books: Books, list_id: str, docs: CargoDocuments, weight_tolerance: Decimal
) -> tuple[DocumentsMismatched, ...]:
    """Check a first-line list's three documents; on a mismatch hold its goods.

    The delivery counts towards its bill either way (the goods were delivered); a
    delivery order already counted is checked but not counted again.
    """
    m, d = docs.manifest, docs.delivery_order
    before = books.doc(BILL, m.bill_no, Delivered) or Delivered(m.bill_no)
    repeat = d.doc_id in before.delivery_ids
    seen = _without(before, d) if repeat else before
    found = cross_check(m, d, docs.declaration, books.now, weight_tolerance, seen)
    if not repeat:
        books.put_doc(
            BILL,
            m.bill_no,
            Delivered(
                m.bill_no,
                before.packages + d.packages,
                before.gross_weight_kg + d.gross_weight_kg,
                (*before.container_nos, *d.container_nos),
                (*before.delivery_ids, d.doc_id),
            ),
        )
    if not found:
        return ()
    st = books.need_doc("list", list_id, ListStatus)
    ent = books.account(st.bonded_list.account_id).enterprise_id
    event = replace(found[0], list_id=list_id, enterprise_id=ent)
    if not repeat:
        books.emit(event)
        hold_list(books, list_id, HOLD_REASON)
    return (event,)


def _without(before: Delivered, d: CargoDocument) -> Delivered:
    """``before`` less delivery ``d`` itself, to re-check a repeated delivery order."""
    boxes = tuple(c for c in before.container_nos if c not in set(d.container_nos))
    return Delivered(
        before.bill_no,
        before.packages - d.packages,
        before.gross_weight_kg - d.gross_weight_kg,
        boxes,
    )
