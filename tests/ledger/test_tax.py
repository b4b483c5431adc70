"""Contract suite, point 7: tax on memory, SQLite and PostgreSQL.

The selective-tax basis checked against the assessment; consolidated periods with
guarantee draw-down and release; late-payment interest; guarantees written off
automatically when the tax is paid.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.ledger import (
    DualReviewRequired,
    Guarantee,
    GuaranteeDrawnDown,
    GuaranteeExhausted,
    GuaranteeKind,
    GuaranteeWrittenOff,
    LatePaymentInterestCharged,
    Ledger,
    MaterialValue,
    TaxAssessment,
    TaxBasis,
    TaxBasisMismatch,
    TaxBill,
    TaxBillConsolidated,
    TaxBillOverdue,
    quote_selective_tax,
    self_assess,
)
from tests.ledger.helpers import REVIEW, D

ENT = "3122440001"
DAY = 86_400.0
BG = Guarantee("BG-1", ENT, GuaranteeKind.BANK_GUARANTEE, D(10_000))


def quote(chosen: TaxBasis):
    return quote_selective_tax(
        "DEC5",
        [MaterialValue(1, D(6000), D("0.08")), MaterialValue(2, D(1000), D("0.065"))],
        D(20_000),
        D("0.10"),
        D("0.13"),
        chosen,
    )


def test_selective_taxation_shows_both_duties_and_records_the_choice(ledger: Ledger) -> None:
    q = quote(TaxBasis.MATERIALS)
    assert (q.duty_on_materials, q.duty_on_finished) == (D("545.00"), D("2000.00"))
    assert (q.vat_if_materials, q.vat_if_finished) == (D("2670.85"), D("2860.00"))
    ledger.tax.assess_tax(TaxAssessment("DEC5", ENT, q.duty, q.vat, 1.0), 1.0, quote=q)
    assert ledger.document("selective_tax", "DEC5") == q


@pytest.mark.parametrize(
    ("chosen", "duty", "vat", "named"),
    [
        (TaxBasis.MATERIALS, "2000.00", "2860.00", "duty"),  # the other basis' amounts
        (TaxBasis.AS_PRESENTED, "545.00", "2670.85", "duty"),
        (TaxBasis.MATERIALS, "545.00", "2860.00", "vat"),
    ],
)
def test_an_assessment_contradicting_the_chosen_basis_is_refused(
    ledger: Ledger, chosen: TaxBasis, duty: str, vat: str, named: str
) -> None:
    with pytest.raises(TaxBasisMismatch, match=named):
        ledger.tax.assess_tax(TaxAssessment("DEC5", ENT, D(duty), D(vat), 1.0), 1.0, quote(chosen))
    assert ledger.document("tax", "DEC5") is None


def test_a_period_bill_draws_the_guarantee_and_payment_writes_it_off(ledger: Ledger) -> None:
    ledger.tax.register_guarantee(BG, REVIEW, now=0.0)
    a1 = replace(
        self_assess("DEC1", ENT, D(10_000), D("0.05"), D("0.13"), 1.0), guarantee_id="BG-1"
    )
    r = ledger.tax.assess_tax(a1, now=1.0)
    assert r.events == (GuaranteeDrawnDown("BG-1", "DEC1", D("1865.00"), 1.0),)
    a2 = replace(
        self_assess("DEC2", ENT, D(100_000), D("0.1"), D("0.13"), 2.0), guarantee_id="BG-1"
    )
    with pytest.raises(GuaranteeExhausted, match="BG-1"):
        ledger.tax.assess_tax(a2, now=2.0)
    ledger.tax.assess_tax(self_assess("DEC3", ENT, D(1000), D("0.1"), D("0.13"), 3.0), 3.0)
    r = ledger.tax.consolidate_tax(ENT, 0.0, DAY, "BILL-1", REVIEW, now=DAY)
    (ev,) = r.events
    assert isinstance(ev, TaxBillConsolidated) and ev.declaration_ids == ("DEC1", "DEC3")
    assert (ev.duty, ev.vat) == (D("600.00"), D("1508.00"))
    bill = ledger.document("tax_bill", "BILL-1")
    assert isinstance(bill, TaxBill) and bill.due_s == DAY + 7 * DAY
    r = ledger.tax.pay_tax_bill("BILL-1", now=2 * DAY)  # on time: no interest
    assert r.events == (GuaranteeWrittenOff("BG-1", "BILL-1", D("1865.00"), 2 * DAY),)
    g = ledger.document("guarantee", "BG-1")
    assert (g.secured, g.written_off) == (0, D("1865.00"))
    assert ledger.document("tax_bill", "BILL-1").paid


def test_a_late_payment_is_charged_interest_per_day_and_overdue_is_flagged_once(
    ledger: Ledger,
) -> None:
    ledger.tax.assess_tax(self_assess("DEC1", ENT, D(100_000), D("0.1"), D("0.13"), 1.0), 1.0)
    ledger.tax.consolidate_tax(ENT, 0.0, DAY, "BILL-1", REVIEW, now=DAY)
    due = 8 * DAY
    assert ledger.check_deadlines(due).events == ()
    assert ledger.check_deadlines(due + 1).events == (TaxBillOverdue("BILL-1", ENT, due, due + 1),)
    assert ledger.check_deadlines(due + 2).events == ()
    r = ledger.tax.pay_tax_bill("BILL-1", now=due + 2.5 * DAY)  # 3 days late
    total = D("10000.00") + D("14300.00")
    assert r.events == (
        LatePaymentInterestCharged(
            "BILL-1", ENT, 3, (total * D("0.0015")).quantize(D("0.01")), due + 2.5 * DAY
        ),
    )
    assert ledger.document("tax_bill", "BILL-1").interest == D("36.45")


def test_taking_in_a_guarantee_and_issuing_a_bill_need_dual_review(ledger: Ledger) -> None:
    with pytest.raises(DualReviewRequired):
        ledger.tax.register_guarantee(BG, REVIEW.__class__("o1", "o2", "o1"), now=0.0)
    with pytest.raises(DualReviewRequired):
        ledger.tax.consolidate_tax(ENT, 0.0, DAY, "B", REVIEW.__class__("", "o2", "o3"), DAY)
    ledger.tax.register_guarantee(BG, REVIEW, now=0.0)
    assert [r.item.value for r in ledger.audit_trail("guarantee:BG-1")] == ["tax_collection"]
