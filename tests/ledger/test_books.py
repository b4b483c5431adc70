"""Contract suite, point 2: account books with structure, on memory, SQLite and PostgreSQL.

Material and finished-product tables, merge relations from part numbers to filed items,
versions of filed unit consumption, and work-order write-off through those versions.
"""

from __future__ import annotations

import pytest

from core.ledger import (
    Account,
    AccountKind,
    BadFiling,
    BomLine,
    ConsumptionDrifted,
    DualReviewRequired,
    FiledConsumption,
    Ledger,
    LedgerPolicy,
    Line,
    LineTable,
    MergeRelation,
    Movement,
    MovementKind,
    Overdraw,
    PostStatus,
    ReferenceConflict,
    UnknownDocument,
    WorkOrder,
)
from tests.ledger.helpers import ACC, ERP, GATE, LOG, REVIEW, D

A = ACC.account_id
BOM_V1 = FiledConsumption(A, 10, (BomLine(1, D(2)), BomLine(2, D("0.5"), D("0.2"))), "1", 0.0)
BOM_V2 = FiledConsumption(A, 10, (BomLine(1, D(3)), BomLine(2, D("0.5"))), "2", 1000.0)


def stock(ledger: Ledger) -> None:
    ledger.post_batch(
        [
            Movement("s1", A, 1, MovementKind.IN, D(10_000), "PCE", GATE, "L0"),
            Movement("s2", A, 2, MovementKind.IN, D(5_000), "KGM", GATE, "L0"),
        ],
        now=0.5,
    )


def order(order_id: str, made: str = "100", **kw: object) -> WorkOrder:
    return WorkOrder(order_id, A, 10, D(made), kw.pop("consumed", ()), ERP, **kw)  # type: ignore[arg-type]


def test_a_processing_book_keeps_materials_and_finished_products_apart(ledger: Ledger) -> None:
    lines = {ln.item_no: ln.table for ln in ledger.read(lambda tx: tx.account_lines(A))}
    assert lines == {1: LineTable.MATERIAL, 2: LineTable.MATERIAL, 10: LineTable.FINISHED}
    with pytest.raises(BadFiling, match="table='goods'"):
        ledger.file_lines([Line(A, 30, "X", "8542310000", "PCE", LineTable.GOODS)], 1.0)
    with pytest.raises(BadFiling, match="table='material'"):
        ledger.file_lines(
            [Line(LOG.account_id, 9, "X", "8542310000", "PCE", LineTable.MATERIAL)], 1.0
        )


def test_a_line_with_a_malformed_hs_code_is_refused(ledger: Ledger) -> None:
    with pytest.raises(BadFiling, match="hs_code='85A2'"):
        ledger.file_lines([Line(A, 30, "X", "85A2", "PCE", LineTable.MATERIAL)], 1.0)


def test_a_services_book_files_service_goods_only() -> None:
    from ftz_stores import MemoryStore

    led = Ledger(MemoryStore())
    svc = Account("S1", "E9", AccountKind.BONDED_SERVICES, "pudong_airport")
    with pytest.raises(BadFiling):
        led.open_account(svc, [Line("S1", 1, "R", "8802400000", "PCE")], 0.0)
    assert led.open_account(svc, [Line("S1", 1, "R", "8802400000", "PCE", LineTable.SERVICE)], 0.0)


def test_filing_by_an_officer_needs_dual_review_unless_automatic_filing_is_allowed() -> None:
    from ftz_stores import MemoryStore

    strict = Ledger(MemoryStore(), LedgerPolicy(automatic_filing=False))
    lines = [Line(LOG.account_id, 1, "W", "8542310000", "PCE")]
    with pytest.raises(DualReviewRequired):
        strict.open_account(LOG, lines, 0.0)
    strict.open_account(LOG, lines, 0.0, review=REVIEW)
    (rec,) = strict.audit_trail(f"account:{LOG.account_id}")
    assert (rec.item.value, rec.maker, rec.reviewers) == (
        "account_filing",
        "officer-7",
        ("officer-8", "officer-9"),
    )


def test_a_merge_relation_maps_part_numbers_to_a_filed_item_with_its_unit_factor(
    ledger: Ledger,
) -> None:
    stock(ledger)
    ledger.file_consumption(BOM_V1, REVIEW, 0.5)
    ledger.file_merge_relation(MergeRelation(A, "CHIP-A7", 1), 1.0, REVIEW)
    ledger.file_merge_relation(MergeRelation(A, "CHIP-REEL", 1, D(1000)), 1.0, REVIEW)
    ledger.file_merge_relation(MergeRelation(A, "BOARD-X", 10), 1.0, REVIEW)
    with pytest.raises(ReferenceConflict):
        ledger.file_merge_relation(MergeRelation(A, "CHIP-A7", 2), 1.0, REVIEW)
    # 100 boards by part number; reported use: 20 chips loose + 0.18 reels of 1000.
    wo = WorkOrder(
        "WO-P", A, 0, D(100), (), ERP, "BOARD-X", (("CHIP-A7", D(20)), ("CHIP-REEL", D("0.18")))
    )
    r = ledger.write_off_work_order(wo, 2.0)
    assert ledger.balance(A, 10).produced_qty == D(100)
    assert ledger.balance(A, 1).consumed_qty == D(200)
    assert not [
        e for e in r.events if isinstance(e, ConsumptionDrifted) and e.material_item_no == 1
    ]


def test_a_work_order_naming_an_unmerged_part_number_writes_nothing(ledger: Ledger) -> None:
    stock(ledger)
    ledger.file_consumption(BOM_V1, REVIEW, 0.5)
    wo = WorkOrder("WO-X", A, 0, D(10), (), ERP, "NO-SUCH-PART")
    with pytest.raises(UnknownDocument, match="NO-SUCH-PART"):
        ledger.write_off_work_order(wo, 2.0)
    assert ledger.balance(A, 10).produced_qty == 0


def test_work_orders_consume_materials_through_the_version_in_force(ledger: Ledger) -> None:
    stock(ledger)
    ledger.file_consumption(BOM_V1, REVIEW, 0.5)
    ledger.file_consumption(BOM_V2, REVIEW, 0.5)
    ledger.write_off_work_order(order("WO-1"), now=999.0)  # v1: 2 chips, 0.5/0.8 resin
    assert ledger.balance(A, 1).consumed_qty == D(200)
    assert ledger.balance(A, 2).consumed_qty == D("62.5")
    ledger.write_off_work_order(order("WO-2"), now=1000.0)  # v2 in force: 3 chips, 0.5 resin
    assert ledger.balance(A, 1).consumed_qty == D(500)
    assert ledger.balance(A, 2).consumed_qty == D("112.5")
    ledger.write_off_work_order(order("WO-3", version="1"), now=2000.0)  # named version
    assert ledger.balance(A, 1).consumed_qty == D(700)


def test_no_version_in_force_writes_nothing(ledger: Ledger) -> None:
    stock(ledger)
    ledger.file_consumption(BOM_V2, REVIEW, 0.5)  # in force from t = 1000 only
    with pytest.raises(UnknownDocument, match="in force"):
        ledger.write_off_work_order(order("WO-1"), now=10.0)


def test_a_reported_use_off_the_filed_version_emits_drift_for_risk(ledger: Ledger) -> None:
    stock(ledger)
    ledger.file_consumption(BOM_V1, REVIEW, 0.5)
    r = ledger.write_off_work_order(order("WO-1", consumed=((1, D(230)), (2, D("62.5")))), 2.0)
    assert r.events == (
        ConsumptionDrifted(
            A, "WO-1", 10, 1, D(200), D(230), D("0.15"), 2.0, ACC.enterprise_id, "1"
        ),
    )
    assert ledger.balance(A, 1).consumed_qty == D(200)  # booked by the filed version


def test_the_same_work_order_twice_is_a_duplicate(ledger: Ledger) -> None:
    stock(ledger)
    ledger.file_consumption(BOM_V1, REVIEW, 0.5)
    ledger.write_off_work_order(order("WO-1"), now=2.0)
    assert ledger.write_off_work_order(order("WO-1"), now=3.0).status is PostStatus.DUPLICATE
    assert ledger.balance(A, 1).consumed_qty == D(200)


def test_a_work_order_consuming_more_than_in_stock_writes_nothing(ledger: Ledger) -> None:
    ledger.post(Movement("s1", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.post(Movement("s2", A, 2, MovementKind.IN, D(100), "KGM", GATE), 0.5)
    ledger.file_consumption(BOM_V1, REVIEW, 0.5)
    with pytest.raises(Overdraw):
        ledger.write_off_work_order(order("WO-1", made="51"), now=2.0)
    assert ledger.balance(A, 1).consumed_qty == 0 and ledger.balance(A, 10).balance == 0


def test_a_version_must_make_a_finished_product_from_materials(ledger: Ledger) -> None:
    with pytest.raises(BadFiling, match="product"):
        ledger.file_consumption(FiledConsumption(A, 1, (BomLine(2, D(1)),)), REVIEW, 1.0)
    with pytest.raises(BadFiling, match="material"):
        ledger.file_consumption(FiledConsumption(A, 10, (BomLine(10, D(1)),)), REVIEW, 1.0)
    with pytest.raises(DualReviewRequired):
        bad = REVIEW.__class__("officer-7", "officer-8", "officer-8")
        ledger.file_consumption(BOM_V1, bad, 1.0)
