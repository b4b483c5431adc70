"""Duties and taxes of a shipment that goes into China, and what releasing it waits for.

Levers of the plan: self-assessed tax (自主报税: no real-time tax review, a sample checked
after release), consolidated payment (汇总纳税: duty paid per period, not before release),
selective taxation (选择性征税: a processing enterprise pays duty on its imported
materials or on the goods as presented, whichever it chooses — computed by the ledger
core's :func:`core.ledger.tax.quote_selective_tax`), and bonded exhibition (保税展示交易:
exhibited goods leave under a guarantee and are taxed later).
"""

from __future__ import annotations

from collections.abc import Generator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.ledger.tax import MaterialValue, TaxBasis, quote_selective_tax
from ftz_spec import StaffRole
from twin.world import staff_task

if TYPE_CHECKING:
    from twin.cases import Case
    from twin.world import World

__all__ = ["TAXED", "duty_cny", "tax_steps", "verified"]

TAXED = ("second_line_import", "bonded_exhibition")


def duty_cny(w: World, case: Case, found: bool) -> float:
    """Duty and VAT collected on ``case`` (0 when it does not go into China).

    A violation found is taxed on the truth; one missed on what was declared (a
    misclassified good at its wrong, lower rate).
    """
    if case.flow.kind not in TAXED:
        return 0.0
    unc, lv = w.scenario.uncertainties, w.scenario.levers
    base = case.true_value_cny if found else case.declaration.value_cny
    rate = unc.duty_rate
    spec = unc.violation_kinds.get(case.violation)
    if not found and spec is not None and spec.revenue == "rate_gap":
        rate = max(0.0, rate - spec.rate_gap)
    if lv.selective_taxation and case.enterprise.processing and case.flow.kind == TAXED[0]:
        d = _selective_duty(case.case_id, base, rate, unc.materials_value_share,
                            unc.materials_duty_rate, unc.vat_rate)  # fmt: skip
    else:
        d = base * rate
    return d + (base + d) * unc.vat_rate


def _selective_duty(
    declaration_id: str, value: float, rate: float, share: float, m_rate: float, vat: float
) -> float:
    quote = quote_selective_tax(
        declaration_id,
        [MaterialValue(1, Decimal(str(round(value * share, 2))), Decimal(str(m_rate)))],
        Decimal(str(round(value, 2))),
        Decimal(str(rate)),
        Decimal(str(vat)),
        TaxBasis.MATERIALS,
    )
    on_materials = quote.duty_on_materials + quote.vat_if_materials
    on_finished = quote.duty_on_finished + quote.vat_if_finished
    # The enterprise chooses the basis that costs it less.
    return float(quote.duty_on_materials if on_materials <= on_finished else quote.duty_on_finished)


def _under_guarantee(w: World, case: Case) -> bool:
    return case.flow.kind == "bonded_exhibition" and w.scenario.levers.bonded_exhibition


def tax_steps(w: World, case: Case) -> Generator[Any, Any, None]:
    """What a taxed shipment waits for before release: tax review and payment."""
    if case.flow.kind not in TAXED or _under_guarantee(w, case):
        return
    lv = w.scenario.levers
    # Exhibited goods without the guarantee scheme leave as an ordinary import: the tax
    # is reviewed and paid before they go, whatever the zone's own tax reforms.
    exhibited = case.flow.kind == "bonded_exhibition"
    if exhibited or not lv.self_assessed_tax:  # customs reviews the tax in real time (实时审核)
        unit = w.unit(StaffRole.DOCUMENT_REVIEW, case.flow.zone)
        yield from staff_task(w, unit, "tax_review", case.case_id, case.times["tax_review"])
    if exhibited or not lv.consolidated_tax:
        yield w.env.timeout(case.times["duty_payment"])  # paid before the goods go


def verified(w: World, case: Case) -> bool:
    """Whether a self-assessed taxed declaration falls in the post-release verification sample."""
    lv = w.scenario.levers
    return (
        lv.self_assessed_tax
        and case.flow.kind in TAXED
        and case.u[22] < w.scenario.uncertainties.verification_share
    )
