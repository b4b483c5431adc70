"""Point 6: the three-document check in the first-line flow, with tolerances.

Pure comparisons first, then through the ledger on all three backends: a mismatch holds
the goods (no pass is reserved, no write-off) and raises a risk signal, until an
inspection-exception decision under dual review releases them.
"""

from __future__ import annotations

import pytest

from core.ledger import (
    BondedList,
    CargoDocument,
    CargoDocuments,
    Delivered,
    Direction,
    DocumentsMismatched,
    DualReviewRequired,
    FieldMismatch,
    GoodsHeld,
    InvalidListState,
    Ledger,
    ListLine,
    ManifestEntry,
    RefusalReason,
    WriteOffMode,
    WriteOffState,
    cross_check,
)
from tests.ledger.helpers import ACC, GATE, REVIEW, D, drive_through, filing

A = ACC.account_id
BOXES = ("TGHU1234567", "MSKU7654321")
MANIFEST = CargoDocument("MF1", "COSU123", BOXES, 40, D("1200.5"), "C1")
TOL = D("0.03")


def doc(doc_id: str, boxes=BOXES, packages=40, weight="1200.5", bill="COSU123", consignee="C1"):
    return CargoDocument(doc_id, bill, tuple(boxes), packages, D(weight), consignee)


def test_three_documents_that_agree_give_no_event() -> None:
    dlv = doc("DO1", boxes=reversed(BOXES), weight="1200.50")
    assert cross_check(MANIFEST, dlv, dlv, now=1.0) == ()


def test_weights_within_the_tolerance_agree_and_beyond_it_differ() -> None:
    assert cross_check(MANIFEST, doc("DO1"), doc("D1", weight="1180"), 1.0, TOL) == ()
    (ev,) = cross_check(MANIFEST, doc("DO1"), doc("D1", weight="1100"), 1.0, TOL)
    assert ev.mismatches == (FieldMismatch("gross_weight_kg", "1200.5", "1200.5", "1100"),)


def test_a_bill_split_across_deliveries_agrees_delivery_by_delivery() -> None:
    first = doc("DO1", boxes=BOXES[:1], packages=25, weight="750")
    assert cross_check(MANIFEST, first, doc("D1", BOXES[:1], 25, "750"), 1.0, TOL) == ()
    before = Delivered("COSU123", 25, D(750), BOXES[:1], ("DO1",))
    second = doc("DO2", boxes=BOXES[1:], packages=15, weight="450.5")
    assert cross_check(MANIFEST, second, doc("D2", BOXES[1:], 15, "450.5"), 2.0, TOL, before) == ()
    # Taking the first container again, or more packages than the bill holds, differs.
    again = doc("DO3", boxes=BOXES[:1], packages=15, weight="450.5")
    (ev,) = cross_check(MANIFEST, again, doc("D3", BOXES[:1], 15, "450.5"), 3.0, TOL, before)
    assert [m.field for m in ev.mismatches] == ["container_nos"]
    more = doc("DO4", boxes=BOXES[1:], packages=16, weight="450.5")
    (ev,) = cross_check(MANIFEST, more, doc("D4", BOXES[1:], 16, "450.5"), 3.0, TOL, before)
    assert [m.field for m in ev.mismatches] == ["packages"]


def test_a_mismatch_names_every_differing_field() -> None:
    dlv = doc("DO1", boxes=BOXES[:1], consignee="C2")
    dec = doc("D1", packages=38)
    (ev,) = cross_check(MANIFEST, dlv, dec, now=2.0, weight_tolerance=TOL)
    assert [m.field for m in ev.mismatches] == ["consignee", "container_nos", "packages"]


def entry(list_id: str) -> BondedList:
    return BondedList(
        list_id,
        A,
        Direction.IMPORT,
        WriteOffMode.D,
        (ListLine(1, D(10), "PCE"),),
        GATE,
        declaration_id="DEC1",
    )


def test_the_first_line_flow_checks_the_documents_and_holds_goods_that_disagree(
    ledger: Ledger,
) -> None:
    bad = CargoDocuments(MANIFEST, doc("DO1"), doc("D1", weight="1000"))
    r = ledger.declare_list(entry("L1"), 1.0, documents=bad)
    ev = next(e for e in r.events if isinstance(e, DocumentsMismatched))
    assert (ev.list_id, ev.enterprise_id) == ("L1", ACC.enterprise_id)  # a risk signal
    assert GoodsHeld("L1", ACC.enterprise_id, "documents_mismatch", 1.0) in r.events
    ledger.pre_write_off("L1", 1.0)
    ledger.passes.register_pass(filing("GP1", ("L1", 1, "10")), 1.0)
    assert drive_through(ledger, "GP1", "p1", 2.0).reason is RefusalReason.GOODS_ON_HOLD
    ledger.release_declaration("DEC1", 3.0)
    assert ledger.list_status("L1").state is WriteOffState.PRE_WRITTEN_OFF


def test_an_inspection_exception_decision_releases_the_hold_under_dual_review(
    ledger: Ledger,
) -> None:
    bad = CargoDocuments(MANIFEST, doc("DO1"), doc("D1", weight="1000"))
    ledger.declare_list(entry("L1"), 1.0, documents=bad)
    ledger.pre_write_off("L1", 1.0)
    ledger.passes.register_pass(filing("GP1", ("L1", 1, "10")), 1.0)
    with pytest.raises(DualReviewRequired):
        bad_review = REVIEW.__class__("officer-7", "officer-7", "officer-9")
        ledger.release_hold("L1", "documents_mismatch", "weighed", bad_review, 2.0)
    with pytest.raises(InvalidListState):
        ledger.release_hold("L1", "no_such_hold", "x", REVIEW, 2.0)
    ledger.release_hold("L1", "documents_mismatch", "weighed again: 1198 kg", REVIEW, 2.0)
    drive_through(ledger, "GP1", "p1", 3.0)
    ledger.release_declaration("DEC1", 4.0)
    assert ledger.list_status("L1").state is WriteOffState.WRITTEN_OFF
    (rec,) = ledger.audit_trail("list:L1")
    assert (rec.item.value, rec.detail) == (
        "inspection_exception",
        "documents_mismatch: weighed again: 1198 kg",
    )


def test_enter_first_checks_manifest_delivery_order_and_brief_declaration(ledger: Ledger) -> None:
    ok = CargoDocuments(
        MANIFEST, doc("DO1", BOXES[:1], 20, "600"), doc("BD1", BOXES[:1], 20, "600")
    )
    bl = BondedList("L2", A, Direction.IMPORT, WriteOffMode.D, (ListLine(1, D(5), "PCE"),), GATE)
    r = ledger.enter_on_manifest(ManifestEntry("MF1", bl, 1e6), 1.0, documents=ok)
    assert not [e for e in r.events if isinstance(e, DocumentsMismatched)]
    assert ledger.document("bill", "COSU123") == Delivered(
        "COSU123", 20, D(600), BOXES[:1], ("DO1",)
    )
