"""Contract suite, other flows: work orders, enter-first, taxes, reconciliation."""

from __future__ import annotations

import pytest

from core.ledger import (
    BomLine,
    BondedList,
    ConsolidatedDeclarationFiled,
    ConsumptionDrifted,
    DeclarationOverdue,
    Direction,
    DualReview,
    FiledConsumption,
    Guarantee,
    GuaranteeDrawnDown,
    GuaranteeExhausted,
    GuaranteeKind,
    GuaranteeWrittenOff,
    Ledger,
    ListLine,
    ListWrittenOff,
    ManifestEntry,
    Movement,
    MovementKind,
    Overdraw,
    PostStatus,
    ReportedStockDiffered,
    StockReport,
    StocktakeDiscrepancyFound,
    TaxBasis,
    TaxBill,
    TaxBillConsolidated,
    WorkOrder,
    WriteOffMode,
    WriteOffState,
    quote_selective_tax,
    self_assess,
)
from core.ledger.tax import MaterialValue
from tests.ledger.helpers import ACC, ERP, GATE, OFFICER, D, through_gate

A = ACC.account_id


def stock(ledger: Ledger) -> None:
    ledger.post_batch(
        [
            Movement("s1", A, 1, MovementKind.IN, D(1000), "PCE", GATE, "L0"),
            Movement("s2", A, 2, MovementKind.IN, D(500), "KGM", GATE, "L0"),
        ],
        now=0.5,
    )


BOM = FiledConsumption(A, 10, (BomLine(1, D(2)), BomLine(2, D("0.5"), D("0.2"))))


def order(order_id: str, chips: str, resin: str, made: str = "100") -> WorkOrder:
    return WorkOrder(order_id, A, 10, D(made), ((1, D(chips)), (2, D(resin))), ERP)


def test_work_order_writes_off_materials_and_books_the_product(ledger: Ledger) -> None:
    stock(ledger)
    ledger.file_consumption(BOM, now=1.0)
    r = ledger.write_off_work_order(order("WO-1", "200", "62.5"), now=2.0)
    assert r.applied and r.events == ()  # exactly the filed consumption: no drift
    assert ledger.balance(A, 1).consumed_qty == D(200)
    assert ledger.balance(A, 2).balance == D("437.5")
    assert ledger.balance(A, 10).produced_qty == D(100)
    assert {e.source_doc for e in r.entries} == {"WO-1"}


def test_work_order_over_the_filed_consumption_emits_drift_for_risk(ledger: Ledger) -> None:
    stock(ledger)
    ledger.file_consumption(BOM, now=1.0)
    r = ledger.write_off_work_order(order("WO-1", "230", "62.5"), now=2.0)
    assert r.events == (ConsumptionDrifted(A, "WO-1", 10, 1, D(200), D(230), D("0.15"), 2.0),)


def test_same_work_order_twice_is_a_duplicate(ledger: Ledger) -> None:
    stock(ledger)
    wo = order("WO-1", "200", "62.5")
    ledger.write_off_work_order(wo, now=2.0)
    assert ledger.write_off_work_order(wo, now=3.0).status is PostStatus.DUPLICATE
    assert ledger.balance(A, 1).consumed_qty == D(200)


def test_work_order_consuming_more_than_in_stock_writes_nothing(ledger: Ledger) -> None:
    stock(ledger)
    with pytest.raises(Overdraw):
        ledger.write_off_work_order(order("WO-1", "200", "9999"), now=2.0)
    assert ledger.balance(A, 1).consumed_qty == 0 and ledger.balance(A, 10).balance == 0


def entry_list(list_id: str) -> BondedList:
    return BondedList(
        list_id, A, Direction.IMPORT, WriteOffMode.D, (ListLine(1, D(10), "PCE"),), GATE
    )


def test_enter_first_declare_later_writes_off_after_the_late_declaration(ledger: Ledger) -> None:
    ledger.enter_on_manifest(ManifestEntry("MF-1", entry_list("L1"), due_s=100.0), now=1.0)
    through_gate(ledger, "L1", "10", "GP1", now=2.0)
    assert ledger.list_status("L1").state is WriteOffState.PRE_WRITTEN_OFF
    ledger.file_declaration("L1", "DEC-9", now=50.0)
    r = ledger.release_declaration("DEC-9", now=60.0)
    assert ListWrittenOff("L1", 60.0) in r.events
    assert ledger.balance(A, 1).balance == D(10)
    assert ledger.check_deadlines(now=200.0).events == ()


def test_overdue_declaration_emits_an_event_once(ledger: Ledger) -> None:
    ledger.enter_on_manifest(ManifestEntry("MF-1", entry_list("L1"), due_s=100.0), now=1.0)
    assert ledger.check_deadlines(now=100.0).events == ()
    assert ledger.check_deadlines(now=101.0).events == (
        DeclarationOverdue("MF-1", "L1", 100.0, 101.0),
    )
    assert ledger.check_deadlines(now=102.0).events == ()


def test_batches_of_a_period_are_covered_by_one_consolidated_declaration(ledger: Ledger) -> None:
    for i, t in enumerate((10.0, 20.0, 150.0)):
        ledger.enter_on_manifest(ManifestEntry(f"MF-{i}", entry_list(f"L{i}"), 1e9), now=t)
        through_gate(ledger, f"L{i}", "10", f"GP{i}", now=t)
    r = ledger.consolidate_period(A, 0.0, 100.0, "DEC-P1", now=120.0)
    (ev,) = r.events
    assert isinstance(ev, ConsolidatedDeclarationFiled)
    assert (ev.list_ids, ev.totals) == (("L0", "L1"), ((1, D(20)),))
    ledger.release_declaration("DEC-P1", now=130.0)
    assert ledger.balance(A, 1).balance == D(20)  # L2 is outside the period
    assert ledger.list_status("L2").declaration_id == ""


def test_self_assessed_tax_draws_the_guarantee_and_payment_writes_it_off(ledger: Ledger) -> None:
    g = Guarantee("BG-1", "3122440001", GuaranteeKind.BANK_GUARANTEE, D(10_000))
    ledger.register_guarantee(g, now=0.0)
    a1 = self_assess("DEC1", "3122440001", D(10_000), D("0.05"), D("0.13"), now=1.0)
    assert (a1.duty, a1.vat) == (D("500.00"), D("1365.00"))
    from dataclasses import replace

    r = ledger.assess_tax(replace(a1, guarantee_id="BG-1"), now=1.0)
    assert r.events == (GuaranteeDrawnDown("BG-1", "DEC1", D("1865.00"), 1.0),)
    a2 = replace(
        self_assess("DEC2", "3122440001", D(100_000), D("0.1"), D("0.13"), 2.0), guarantee_id="BG-1"
    )
    with pytest.raises(GuaranteeExhausted, match="BG-1"):
        ledger.assess_tax(a2, now=2.0)
    ledger.assess_tax(self_assess("DEC3", "3122440001", D(1000), D("0.1"), D("0.13"), 3.0), 3.0)
    r = ledger.consolidate_tax("3122440001", 0.0, 86_400.0, "BILL-1", now=86_400.0)
    (ev,) = r.events
    assert isinstance(ev, TaxBillConsolidated) and ev.declaration_ids == ("DEC1", "DEC3")
    assert (ev.duty, ev.vat) == (D("600.00"), D("1508.00"))
    r = ledger.pay_tax_bill("BILL-1", now=90_000.0)
    assert r.events == (GuaranteeWrittenOff("BG-1", "BILL-1", D("1865.00"), 90_000.0),)
    stored = ledger.document("guarantee", "BG-1")
    assert isinstance(stored, Guarantee)
    assert (stored.secured, stored.written_off) == (0, D("1865.00"))
    bill = ledger.document("tax_bill", "BILL-1")
    assert isinstance(bill, TaxBill) and bill.paid


def test_selective_taxation_shows_both_duties_and_records_the_choice(ledger: Ledger) -> None:
    q = quote_selective_tax(
        "DEC5",
        [MaterialValue(1, D(6000), D("0.08")), MaterialValue(2, D(1000), D("0.065"))],
        D(20_000),
        D("0.10"),
        D("0.13"),
        TaxBasis.MATERIALS,
    )
    assert (q.duty_on_materials, q.duty_on_finished) == (D("545.00"), D("2000.00"))
    assert (q.vat_if_materials, q.vat_if_finished) == (D("2670.85"), D("2860.00"))
    assert (q.duty, q.vat) == (D("545.00"), D("2670.85"))
    from core.ledger import TaxAssessment

    ledger.assess_tax(TaxAssessment("DEC5", "3122440001", q.duty, q.vat, 1.0), 1.0, quote=q)
    assert ledger.document("selective_tax", "DEC5") == q


def test_reconciliation_closes_out_written_off_lists_when_books_agree(ledger: Ledger) -> None:
    bl = BondedList(
        "L1",
        A,
        Direction.IMPORT,
        WriteOffMode.D,
        (ListLine(1, D(10), "PCE"),),
        GATE,
        with_declaration=False,
    )
    ledger.declare_list(bl, now=1.0)
    ledger.pre_write_off("L1", now=2.0)
    through_gate(ledger, "L1", "10", "GP1", now=3.0)
    bad = ledger.reconcile(StockReport(A, ((1, D(9)),)), now=4.0)
    assert bad.events == (ReportedStockDiffered(A, 1, D(10), D(9), 4.0),)
    assert ledger.list_status("L1").state is WriteOffState.WRITTEN_OFF
    ledger.reconcile(StockReport(A, ((1, D(10)),)), now=5.0)
    assert ledger.list_status("L1").state is WriteOffState.CLOSED_OUT


def test_stocktake_within_tolerance_is_silent_beyond_it_an_event(ledger: Ledger) -> None:
    stock(ledger)
    ok = ledger.stocktake(StockReport(A, ((1, D(995)), (2, D(500))), D("0.01")), now=1.0)
    assert ok.events == ()
    r = ledger.stocktake(StockReport(A, ((1, D(980)), (2, D(500))), D("0.01")), now=2.0)
    assert r.events == (StocktakeDiscrepancyFound(A, 1, D(1000), D(980), 2.0),)
    fix = Movement(
        "st-1",
        A,
        1,
        MovementKind.ADJUSTMENT_LOSS,
        D(20),
        "PCE",
        OFFICER,
        "STOCKTAKE-1",
        review=DualReview("o1", "o2"),
    )
    ledger.post(fix, now=3.0)
    assert ledger.stocktake(StockReport(A, ((1, D(980)), (2, D(500)))), now=4.0).events == ()
