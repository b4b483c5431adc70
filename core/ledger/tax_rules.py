"""Tax and guarantee rules applied through :class:`Books`.

A self-assessed tax is secured at once by drawing down the enterprise's guarantee;
consolidated bills collect a period's assessments; paying a bill writes the secured
amounts off the guarantees automatically (银行保函联网自动核销).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.errors import GuaranteeExhausted, IdempotencyConflict, ReferenceConflict
from core.ledger.events import GuaranteeDrawnDown, GuaranteeWrittenOff, TaxBillConsolidated
from core.ledger.model import ZERO, check_quantity
from core.ledger.posting import PostResult, PostStatus
from core.ledger.tax import Guarantee, SelectiveTaxQuote, TaxAssessment, TaxBill

__all__ = ["assess_tax", "consolidate_tax", "pay_tax_bill", "register_guarantee"]

G, TAX, UNBILLED, BILL = "guarantee", "tax", "unbilled_tax", "tax_bill"
_DONE = PostResult(PostStatus.DUPLICATE, ())
_OK = PostResult(PostStatus.APPLIED, ())


def register_guarantee(books: Books, g: Guarantee) -> PostResult:
    """Register a guarantee with nothing drawn down.

    Raises:
        BadQuantity: The amount is not greater than 0.
        ReferenceConflict: The id is registered with other content.
    """
    check_quantity(g.amount, f"guarantee {g.guarantee_id!r}", "amount")
    old = books.doc(G, g.guarantee_id, Guarantee)
    if old is not None:
        if (old.enterprise_id, old.kind, old.amount) != (g.enterprise_id, g.kind, g.amount):
            raise ReferenceConflict("guarantee", g.guarantee_id)
        return _DONE
    books.put_doc(G, g.guarantee_id, replace(g, secured=ZERO, written_off=ZERO))
    return _OK


def assess_tax(
    books: Books, a: TaxAssessment, quote: SelectiveTaxQuote | None = None
) -> PostResult:
    """Record a self-assessment and secure it on its guarantee, if it names one.

    Raises:
        IdempotencyConflict: The declaration was assessed with other amounts.
        UnknownDocument: The guarantee does not exist.
        ReferenceConflict: The guarantee covers another enterprise.
        GuaranteeExhausted: The guarantee has too little left.
    """
    old = books.doc(TAX, a.declaration_id, TaxAssessment)
    if old is not None:
        if (old.duty, old.vat, old.guarantee_id) != (a.duty, a.vat, a.guarantee_id):
            raise IdempotencyConflict(a.declaration_id, "tax assessment")
        return _DONE
    if a.guarantee_id:
        g = books.need_doc(G, a.guarantee_id, Guarantee)
        if g.enterprise_id != a.enterprise_id:
            raise ReferenceConflict("guarantee", f"{g.guarantee_id} of {g.enterprise_id}")
        if a.total > g.available:
            raise GuaranteeExhausted(g.guarantee_id, g.available, a.total)
        books.put_doc(G, g.guarantee_id, replace(g, secured=g.secured + a.total))
        books.emit(GuaranteeDrawnDown(g.guarantee_id, a.declaration_id, a.total, books.now))
    books.put_doc(TAX, a.declaration_id, replace(a, assessed_s=books.now, bill_id=""))
    books.put_doc(UNBILLED, a.declaration_id, a.declaration_id)
    if quote is not None:
        books.put_doc("selective_tax", a.declaration_id, quote)
    return _OK


def consolidate_tax(
    books: Books, enterprise_id: str, start_s: float, end_s: float, bill_id: str
) -> PostResult:
    """Bill every unbilled assessment of an enterprise assessed in [start_s, end_s).

    Raises:
        IdempotencyConflict: ``bill_id`` exists for another enterprise or period.
    """
    old = books.doc(BILL, bill_id, TaxBill)
    if old is not None:
        if (old.enterprise_id, old.start_s, old.end_s) != (enterprise_id, start_s, end_s):
            raise IdempotencyConflict(bill_id, "tax bill")
        return _DONE
    picked = []
    for decl in books.tx.docs(UNBILLED):
        assert isinstance(decl, str)
        a = books.need_doc(TAX, decl, TaxAssessment)
        if a.enterprise_id == enterprise_id and start_s <= a.assessed_s < end_s:
            picked.append(a)
    duty = sum((a.duty for a in picked), ZERO)
    vat = sum((a.vat for a in picked), ZERO)
    ids = tuple(a.declaration_id for a in picked)
    books.put_doc(BILL, bill_id, TaxBill(bill_id, enterprise_id, start_s, end_s, ids, duty, vat))
    for a in picked:
        books.put_doc(TAX, a.declaration_id, replace(a, bill_id=bill_id))
        books.put_doc(UNBILLED, a.declaration_id, None)
    books.emit(TaxBillConsolidated(bill_id, enterprise_id, duty, vat, ids, books.now))
    return _OK


def pay_tax_bill(books: Books, bill_id: str) -> PostResult:
    """Mark a bill paid and write the secured amounts off their guarantees.

    Raises:
        UnknownDocument: No such bill.
    """
    bill = books.need_doc(BILL, bill_id, TaxBill)
    if bill.paid:
        return _DONE
    release: defaultdict[str, Decimal] = defaultdict(Decimal)
    for decl in bill.declaration_ids:
        a = books.need_doc(TAX, decl, TaxAssessment)
        if a.guarantee_id:
            release[a.guarantee_id] += a.total
    for gid, amount in sorted(release.items()):
        g = books.need_doc(G, gid, Guarantee)
        books.put_doc(
            G, gid, replace(g, secured=g.secured - amount, written_off=g.written_off + amount)
        )
        books.emit(GuaranteeWrittenOff(gid, bill_id, amount, books.now))
    books.put_doc(BILL, bill_id, replace(bill, paid=True))
    return _OK
