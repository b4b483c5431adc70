"""Customs declarations (报关单) with the fields customs uses, checked against the books.

A declaration's header names the declaring enterprise (境内收发货人), the trade mode
(监管方式, a 4-digit code such as 5034 区内物流货物 or 0110 一般贸易) and the bonded
lists it covers; each goods line (表体) carries the 10-digit HS code, the goods name and
specification, the declared quantity and unit (成交数量/单位), the legal quantity and
unit (法定数量/单位), unit price, currency and total value, origin and levy mode
(征免方式). Filing one checks every field, then checks it against the ledger: the
lists must be the enterprise's, each line's HS code must fall under the filed line's
code, and the quantity per filed item, in the filed unit, must equal the lists'.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.errors import BadDeclaration, DeclarationMismatch, IdempotencyConflict
from core.ledger.lists import ListStatus
from core.ledger.model import ZERO

__all__ = [
    "LEVY_MODES",
    "CustomsDeclaration",
    "DeclarationLine",
    "check_against_books",
    "validate_declaration",
]

BODY = "customs_declaration"
# 征免方式 codes of the customs parameter table.
LEVY_MODES = {
    "1": "照章征税",
    "2": "折半征税",
    "3": "全免",
    "4": "特案",
    "5": "随征免性质",
    "6": "保证金",
    "7": "保函",
    "8": "折半补税",
    "9": "全额退税",
}
_VALUE_TOLERANCE = Decimal("0.005")  # total vs quantity × unit price: rounding only


@dataclass(frozen=True, slots=True)
class DeclarationLine:
    """One goods line of a declaration (报关单表体).

    Attributes:
        line_no: The line number (项号), from 1.
        item_no: The account book's filing item number (备案序号) it declares.
        hs_code: The 10-digit commodity code (商品编码).
        goods_name: Goods name (商品名称).
        spec: Specification and model (规格型号).
        declared_qty: Declared quantity (成交数量), > 0.
        declared_unit: Declared unit (成交单位), e.g. ``PCE``.
        legal_qty: Legal first quantity (法定第一数量), > 0.
        legal_unit: Legal first unit (法定第一计量单位), e.g. ``KGM``.
        unit_price: Unit price (单价) in ``currency``, ≥ 0.
        currency: ISO 4217 currency code (币制), e.g. ``USD``.
        value: Total price (总价) in ``currency``: declared_qty × unit_price.
        origin: Country of origin (原产国), ISO 3166 alpha-2 or alpha-3.
        levy_mode: Levy mode (征免方式), a code of :data:`LEVY_MODES`.
    """

    line_no: int
    item_no: int
    hs_code: str
    goods_name: str
    spec: str
    declared_qty: Decimal
    declared_unit: str
    legal_qty: Decimal
    legal_unit: str
    unit_price: Decimal
    currency: str
    value: Decimal
    origin: str
    levy_mode: str


@dataclass(frozen=True, slots=True)
class CustomsDeclaration:
    """A customs declaration (报关单) covering bonded lists.

    Attributes:
        declaration_id: The declaration number (报关单号).
        enterprise_id: The declaring enterprise (境内收发货人), a customs code.
        trade_mode: Trade mode (监管方式), a 4-digit code.
        list_ids: The bonded lists (核注清单) it covers.
        lines: Its goods lines, at least one.
    """

    declaration_id: str
    enterprise_id: str
    trade_mode: str
    list_ids: tuple[str, ...]
    lines: tuple[DeclarationLine, ...]


def _bad(d: CustomsDeclaration, path: str, value: object, why: str) -> BadDeclaration:
    return BadDeclaration(d.declaration_id, path, value, why)


def _check_line(d: CustomsDeclaration, i: int, ln: DeclarationLine) -> None:
    p = f"lines[{i}]"
    if not (len(ln.hs_code) == 10 and ln.hs_code.isdigit()):
        raise _bad(d, f"{p}.hs_code", ln.hs_code, "expected 10 digits")
    for name in ("goods_name", "declared_unit", "legal_unit"):
        if not getattr(ln, name):
            raise _bad(d, f"{p}.{name}", getattr(ln, name), "required")
    for name in ("declared_qty", "legal_qty", "unit_price", "value"):
        v = getattr(ln, name)
        positive = name.endswith("_qty")
        if not isinstance(v, Decimal) or not v.is_finite() or v < 0 or (positive and v == 0):
            why = "must be an exact number " + ("> 0" if positive else "≥ 0")
            raise _bad(d, f"{p}.{name}", v, why)
    if abs(ln.declared_qty * ln.unit_price - ln.value) > max(
        Decimal("0.01"), ln.value * _VALUE_TOLERANCE
    ):
        raise _bad(
            d,
            f"{p}.value",
            ln.value,
            f"≠ declared_qty × unit_price ({ln.declared_qty * ln.unit_price})",
        )
    if not (len(ln.currency) == 3 and ln.currency.isalpha() and ln.currency.isupper()):
        raise _bad(d, f"{p}.currency", ln.currency, "expected an ISO 4217 code like USD")
    if not (2 <= len(ln.origin) <= 3 and ln.origin.isalpha() and ln.origin.isupper()):
        raise _bad(d, f"{p}.origin", ln.origin, "expected an ISO 3166 code like CN")
    if ln.levy_mode not in LEVY_MODES:
        raise _bad(d, f"{p}.levy_mode", ln.levy_mode, f"expected one of {sorted(LEVY_MODES)}")


def validate_declaration(d: CustomsDeclaration) -> None:
    """Check every field of a declaration.

    Raises:
        BadDeclaration: A field is missing or malformed; the message names its path.
    """
    if not d.declaration_id:
        raise _bad(d, "declaration_id", d.declaration_id, "required")
    if not d.enterprise_id:
        raise _bad(d, "enterprise_id", d.enterprise_id, "required")
    if not (len(d.trade_mode) == 4 and d.trade_mode.isdigit()):
        raise _bad(d, "trade_mode", d.trade_mode, "expected a 4-digit 监管方式 code")
    if not d.list_ids:
        raise _bad(d, "list_ids", d.list_ids, "a declaration covers at least one list")
    if not d.lines:
        raise _bad(d, "lines", d.lines, "at least one goods line")
    if len({ln.line_no for ln in d.lines}) != len(d.lines):
        raise _bad(d, "lines", [ln.line_no for ln in d.lines], "line_no repeated")
    for i, ln in enumerate(d.lines):
        _check_line(d, i, ln)


def check_against_books(books: Books, d: CustomsDeclaration) -> list[ListStatus]:
    """Check a valid declaration against its lists and the filed lines; return the lists.

    Raises:
        UnknownDocument: A list does not exist.
        IdempotencyConflict: The declaration was filed with other content.
        DeclarationMismatch: Another enterprise's list, a line not on the lists, an HS
            code not under the filed line's, no quantity in the filed unit, or quantities
            that differ from the lists'.
    """
    old = books.doc(BODY, d.declaration_id, CustomsDeclaration)
    if old is not None and old != d:
        raise IdempotencyConflict(d.declaration_id, "customs declaration")
    lists = [books.need_doc("list", lid, ListStatus) for lid in d.list_ids]
    listed: defaultdict[int, Decimal] = defaultdict(Decimal)
    account_id = lists[0].bonded_list.account_id
    for st in lists:
        bl = st.bonded_list
        ent = books.account(bl.account_id).enterprise_id
        if ent != d.enterprise_id or bl.account_id != account_id:
            raise DeclarationMismatch(d.declaration_id, "enterprise_id", d.enterprise_id, ent)
        for listed_line in bl.lines:
            listed[listed_line.item_no] += listed_line.quantity
    declared: defaultdict[int, Decimal] = defaultdict(Decimal)
    for i, ln in enumerate(d.lines):
        p = f"lines[{i}]"
        if ln.item_no not in listed:
            raise DeclarationMismatch(d.declaration_id, f"{p}.item_no", ln.item_no, sorted(listed))
        filed = books.line(account_id, ln.item_no)
        if not ln.hs_code.startswith(filed.hs_code):
            raise DeclarationMismatch(d.declaration_id, f"{p}.hs_code", ln.hs_code, filed.hs_code)
        if ln.declared_unit == filed.unit:
            declared[ln.item_no] += ln.declared_qty
        elif ln.legal_unit == filed.unit:
            declared[ln.item_no] += ln.legal_qty
        else:
            raise DeclarationMismatch(
                d.declaration_id,
                f"{p}.declared_unit",
                (ln.declared_unit, ln.legal_unit),
                filed.unit,
            )
    for item_no, qty in sorted(listed.items()):
        if declared.get(item_no, ZERO) != qty:
            raise DeclarationMismatch(
                d.declaration_id, f"quantity of item_no {item_no}", declared.get(item_no), qty
            )
    return lists
