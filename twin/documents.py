"""The three documents of a shipment, compared by the ledger core (三单比对, 二(一)2 一).

Manifest (舱单), delivery order (提货单) and declaration (报关单) must agree. The twin
writes them from the case: the declaration says what the enterprise declared; the
manifest and delivery order come from the carrier, and show hidden goods when the
carrier recorded the real packages and weight. :func:`core.ledger.cross_check` decides.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from core.ledger import CargoDocument, cross_check

if TYPE_CHECKING:
    from twin.cases import Case

__all__ = ["three_documents_disagree"]

_PACKAGES_PER_TONNE = 2  # pallets per tonne of goods (assumption)


def three_documents_disagree(case: Case, carrier_shows_hidden: bool) -> bool:
    """Whether the three documents of ``case`` disagree.

    Args:
        case: The shipment.
        carrier_shows_hidden: Whether the carrier's documents record the hidden goods of a
            smuggled shipment (its real packages and weight).
    """
    declared_kg = case.declaration.weight_kg
    real_kg = declared_kg
    if carrier_shows_hidden and case.true_value_cny > case.declaration.value_cny:
        real_kg = declared_kg * case.true_value_cny / case.declaration.value_cny
    bill = f"BL{case.case_id}"
    containers = case.truck.containers
    consignee = case.enterprise.enterprise_id

    def doc(doc_id: str, kg: float) -> CargoDocument:
        packages = max(1, round(kg / 1000.0 * _PACKAGES_PER_TONNE))
        return CargoDocument(doc_id, bill, containers, packages, Decimal(round(kg)), consignee)

    carrier = doc(f"M{case.case_id}", real_kg)
    found = cross_check(
        carrier, doc(f"D{case.case_id}", real_kg), doc(case.case_id, declared_kg), 0.0
    )
    return bool(found)
