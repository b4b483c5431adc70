"""Three-document cross-check: manifest (舱单), delivery order (提货单), declaration (报关单).

The three must agree on the bill of lading, the containers, the packages, the gross
weight and the consignee. Disagreement is not an error of the caller: it is a finding,
returned as one event naming every field that differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.ledger.events import DocumentsMismatched, FieldMismatch

__all__ = ["CargoDocument", "cross_check"]


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


_FIELDS = ("bill_no", "container_nos", "packages", "gross_weight_kg", "consignee")


def _show(doc: CargoDocument, name: str) -> str:
    v = getattr(doc, name)
    if name == "container_nos":
        return ",".join(sorted(v))
    if name == "gross_weight_kg":
        return str(Decimal(v).normalize())
    return str(v)


def cross_check(
    manifest: CargoDocument, delivery_order: CargoDocument, declaration: CargoDocument, now: float
) -> tuple[DocumentsMismatched, ...]:
    """Compare the three documents field by field.

    Args:
        manifest: The manifest (舱单).
        delivery_order: The delivery order (提货单).
        declaration: The customs declaration (报关单).
        now: Current time in seconds.

    Returns:
        One :class:`DocumentsMismatched` with every differing field, or ``()`` when all agree.
    """
    diffs = []
    for name in _FIELDS:
        a, b, c = (_show(d, name) for d in (manifest, delivery_order, declaration))
        if not a == b == c:
            diffs.append(FieldMismatch(name, a, b, c))
    if not diffs:
        return ()
    return (DocumentsMismatched(manifest.bill_no, tuple(diffs), now),)
