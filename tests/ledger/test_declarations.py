"""Point 1: declaration lines with the fields customs uses, checked field by field and
against the books (all backends), and usable by the risk engine as factors."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from core.ledger import (
    BadDeclaration,
    CustomsDeclaration,
    DeclarationLine,
    DeclarationMismatch,
    InvalidDeclarationState,
    Ledger,
    ManifestEntry,
    Movement,
    MovementKind,
    PostStatus,
    WriteOffState,
)
from core.risk import Procedure
from core.risk.ledger_feed import declaration_attributes, to_risk_declaration
from tests.ledger.helpers import ACC, GATE, REVIEW, D, blist, through_gate

A, ENT = ACC.account_id, ACC.enterprise_id
LINE = DeclarationLine(
    line_no=1,
    item_no=1,
    hs_code="8542310000",
    goods_name="集成电路",
    spec="MCU, 32-bit, QFP64",
    declared_qty=D(10),
    declared_unit="PCE",
    legal_qty=D("0.5"),
    legal_unit="KGM",
    unit_price=D("12.5000"),
    currency="USD",
    value=D("125.00"),
    origin="MY",
    levy_mode="3",
)
DECL = CustomsDeclaration("DEC-F1", ENT, "5034", ("L1",), (LINE,))


def listed(ledger: Ledger, decl: str = "") -> None:
    ledger.post(Movement("s", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.declare_list(blist(qty="10", decl=decl), 1.0)
    ledger.pre_write_off("L1", 1.0)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"hs_code": "85423190"}, "lines[0].hs_code"),
        ({"hs_code": "85423190AB"}, "lines[0].hs_code"),
        ({"goods_name": ""}, "lines[0].goods_name"),
        ({"declared_qty": D(0)}, "lines[0].declared_qty"),
        ({"legal_qty": 0.5}, "lines[0].legal_qty"),
        ({"unit_price": D(-1)}, "lines[0].unit_price"),
        ({"value": D("150.00")}, "lines[0].value"),
        ({"currency": "usd"}, "lines[0].currency"),
        ({"origin": "Malaysia"}, "lines[0].origin"),
        ({"levy_mode": "0"}, "lines[0].levy_mode"),
    ],
)
def test_a_malformed_line_field_is_refused_with_its_path_and_value(
    ledger: Ledger, change: dict[str, object], path: str
) -> None:
    listed(ledger)
    bad = replace(DECL, lines=(replace(LINE, **change),))  # type: ignore[arg-type]
    with pytest.raises(BadDeclaration, match=path.replace("[", r"\[").replace("]", r"\]")):
        ledger.file_customs_declaration(bad, 2.0)
    assert ledger.list_status("L1").declaration_id == ""


@pytest.mark.parametrize(
    ("decl", "path"),
    [
        (replace(DECL, trade_mode="53"), "trade_mode"),
        (replace(DECL, enterprise_id=""), "enterprise_id"),
        (replace(DECL, lines=()), "lines"),
        (replace(DECL, lines=(LINE, LINE)), "lines"),
    ],
)
def test_a_malformed_header_is_refused(ledger: Ledger, decl: CustomsDeclaration, path: str) -> None:
    listed(ledger)
    with pytest.raises(BadDeclaration, match=path):
        ledger.file_customs_declaration(decl, 2.0)


@pytest.mark.parametrize(
    ("decl", "path"),
    [
        (replace(DECL, enterprise_id="9999999999"), "enterprise_id"),
        (replace(DECL, lines=(replace(LINE, hs_code="8473302000"),)), r"lines\[0\].hs_code"),
        (replace(DECL, lines=(replace(LINE, item_no=2),)), r"lines\[0\].item_no"),
        (replace(DECL, lines=(replace(LINE, declared_qty=D(9), value=D("112.50")),)), "quantity"),
        (replace(DECL, lines=(replace(LINE, declared_unit="SET"),)), "declared_unit"),
    ],
)
def test_a_declaration_that_disagrees_with_the_books_is_refused(
    ledger: Ledger, decl: CustomsDeclaration, path: str
) -> None:
    listed(ledger)
    with pytest.raises(DeclarationMismatch, match=path):
        ledger.file_customs_declaration(decl, 2.0)


def test_a_filed_declaration_is_kept_whole_and_lets_its_list_be_written_off(
    ledger: Ledger,
) -> None:
    listed(ledger)
    through_gate(ledger, "L1", "10", "GP1", 1.5)
    assert ledger.file_customs_declaration(DECL, 2.0).applied
    assert ledger.file_customs_declaration(DECL, 2.5).status is PostStatus.DUPLICATE
    assert ledger.document("customs_declaration", "DEC-F1") == DECL
    ledger.release_declaration("DEC-F1", 3.0)
    assert ledger.list_status("L1").state is WriteOffState.WRITTEN_OFF


def test_the_legal_quantity_counts_when_the_book_files_the_legal_unit(ledger: Ledger) -> None:
    ledger.post(Movement("s", A, 2, MovementKind.IN, D(100), "KGM", GATE), 0.5)
    from core.ledger import BondedList, Direction, ListLine, WriteOffMode

    bl = BondedList(
        "L2", A, Direction.EXPORT, WriteOffMode.D, (ListLine(2, D("0.5"), "KGM"),), GATE
    )
    ledger.declare_list(bl, 1.0)
    resin = replace(LINE, item_no=2, hs_code="3907300000", goods_name="环氧树脂")
    ledger.file_customs_declaration(replace(DECL, list_ids=("L2",), lines=(resin,)), 2.0)
    assert ledger.list_status("L2").declaration_id == "DEC-F1"


def test_a_declaration_filed_for_goods_entered_first_fulfils_its_deadline(
    ledger: Ledger,
) -> None:
    from core.ledger import BondedList, DeclarationOverdue, Direction, ListLine, WriteOffMode

    bl = BondedList("L1", A, Direction.IMPORT, WriteOffMode.D, (ListLine(1, D(10), "PCE"),), GATE)
    ledger.enter_on_manifest(ManifestEntry("MF", bl, 100.0), 1.0)
    ledger.file_customs_declaration(DECL, 50.0)
    assert not [
        e for e in ledger.check_deadlines(200.0).events if isinstance(e, DeclarationOverdue)
    ]


def test_a_declaration_not_yet_released_may_be_cancelled_under_dual_review(ledger: Ledger) -> None:
    listed(ledger)
    ledger.file_customs_declaration(DECL, 2.0)
    ledger.cancel_declaration("DEC-F1", REVIEW, 3.0)
    assert ledger.list_status("L1").declaration_id == ""
    assert ledger.document("customs_declaration", "DEC-F1") is None
    ledger.file_customs_declaration(replace(DECL, declaration_id="DEC-F2"), 4.0)
    ledger.release_declaration("DEC-F2", 5.0)
    with pytest.raises(InvalidDeclarationState):
        ledger.cancel_declaration("DEC-F2", REVIEW, 6.0)


def test_every_declared_field_is_available_to_the_risk_engine() -> None:
    (attrs,) = declaration_attributes(DECL)
    assert attrs["trade_mode"] == "5034" and attrs["levy_mode"] == "3"
    assert attrs["currency"] == "USD" and attrs["hs_chapter"] == "85"
    d = to_risk_declaration(
        DECL, Procedure.SECOND_LINE_IMPORT, "yangshan_port", {"USD": Decimal("7.10")}
    )
    (g,) = d.lines
    assert (g.hs_code, g.origin, g.value_cny, g.weight_kg) == ("8542310000", "MY", 887.5, 0.5)
    assert (d.enterprise_id, d.zone) == (ENT, "yangshan_port")
