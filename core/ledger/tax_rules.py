"""Tax and guarantee rules applied through :class:`Books`.

A self-assessed tax is secured at once by drawing down the enterprise's guarantee; an
assessment that comes with a selective-tax quote (选择性征税) must levy exactly what the
chosen basis gives. Consolidated bills collect a period's assessments and are due a set
time after the period; paying one late adds late-payment interest (滞纳金), and paying
writes the secured amounts off the guarantees automatically (银行保函联网自动核销).
Taking in a guarantee or deposit and issuing a bill are collection acts under dual
review (保证金等税费征收).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.errors import (
    GuaranteeExhausted,
    IdempotencyConflict,
    ReferenceConflict,
    TaxBasisMismatch,
)
from core.ledger.events import (
    GuaranteeDrawnDown,
    GuaranteeWrittenOff,
    LatePaymentInterestCharged,
    TaxBillConsolidated,
    TaxBillOverdue,
)
from core.ledger.model import ZERO, check_quantity
from core.ledger.posting import PostResult, PostStatus
from core.ledger.review import DualReview, ReviewItem
from core.ledger.tax import (
    Guarantee,
    SelectiveTaxQuote,
    TaxAssessment,
    TaxBill,
    TaxPolicy,
    fen,
)

__all__ = [
    "assess_tax",
    "check_bills",
    "consolidate_tax",
    "pay_tax_bill",
    "register_guarantee",
]

G, TAX, UNBILLED, BILL, OPEN_BILL = "guarantee", "tax", "unbilled_tax", "tax_bill", "open_bill"
_DONE = PostResult(PostStatus.DUPLICATE, ())
_OK = PostResult(PostStatus.APPLIED, ())
_DAY_S = 86_400.0


def register_guarantee(books: Books, g: Guarantee, review: DualReview) -> PostResult:
    """Take in a guarantee or deposit with nothing drawn down (双人复核).

    Raises:
        DualReviewRequired: Not a maker and two other, distinct reviewers.
        BadQuantity: The amount is not greater than 0.
        ReferenceConflict: The id is registered with other content.
    """
    review.check(f"taking in guarantee {g.guarantee_id!r}")
    check_quantity(g.amount, f"guarantee {g.guarantee_id!r}", "amount")
    old = books.doc(G, g.guarantee_id, Guarantee)
    if old is not None:
        if (old.enterprise_id, old.kind, old.amount) != (g.enterprise_id, g.kind, g.amount):
            raise ReferenceConflict("guarantee", g.guarantee_id)
        return _DONE
    books.put_doc(G, g.guarantee_id, replace(g, secured=ZERO, written_off=ZERO))
    books.audit(f"guarantee:{g.guarantee_id}", ReviewItem.TAX_COLLECTION, "take_in", review)
    return _OK


def _check_basis(a: TaxAssessment, q: SelectiveTaxQuote) -> None:
    if q.declaration_id != a.declaration_id:
        raise TaxBasisMismatch(a.declaration_id, "quote", q.declaration_id, a.declaration_id)
    for name, assessed, basis in (("duty", a.duty, q.duty), ("vat", a.vat, q.vat)):
        if assessed != basis:
            raise TaxBasisMismatch(a.declaration_id, f"{name} ({q.chosen.value})", assessed, basis)


def assess_tax(
    books: Books, a: TaxAssessment, quote: SelectiveTaxQuote | None = None
) -> PostResult:
    """Record a self-assessment and secure it on its guarantee, if it names one.

    Raises:
        TaxBasisMismatch: The assessment contradicts the quote's chosen basis.
        IdempotencyConflict: The declaration was assessed with other amounts.
        UnknownDocument: The guarantee does not exist.
        ReferenceConflict: The guarantee covers another enterprise.
        GuaranteeExhausted: The guarantee has too little left.
    """
    if quote is not None:
        _check_basis(a, quote)
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
    books: Books,
    enterprise_id: str,
    start_s: float,
    end_s: float,
    bill_id: str,
    review: DualReview,
    policy: TaxPolicy,
) -> PostResult:
    """Bill every unbilled assessment of an enterprise assessed in [start_s, end_s).

    Raises:
        DualReviewRequired: Not a maker and two other, distinct reviewers.
        IdempotencyConflict: ``bill_id`` exists for another enterprise or period.
    """
    review.check(f"issuing tax bill {bill_id!r}")
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
    due = end_s + policy.payment_due_s
    books.put_doc(
        BILL, bill_id, TaxBill(bill_id, enterprise_id, start_s, end_s, ids, duty, vat, due_s=due)
    )
    books.put_doc(OPEN_BILL, bill_id, bill_id)
    for a in picked:
        books.put_doc(TAX, a.declaration_id, replace(a, bill_id=bill_id))
        books.put_doc(UNBILLED, a.declaration_id, None)
    books.audit(f"tax_bill:{bill_id}", ReviewItem.TAX_COLLECTION, "issue_bill", review)
    books.emit(TaxBillConsolidated(bill_id, enterprise_id, duty, vat, ids, books.now))
    return _OK


def pay_tax_bill(books: Books, bill_id: str, policy: TaxPolicy) -> PostResult:
    """Mark a bill paid, charge interest if late, write the guarantees off automatically.

    Raises:
        UnknownDocument: No such bill.
    """
    bill = books.need_doc(BILL, bill_id, TaxBill)
    if bill.paid:
        return _DONE
    interest = ZERO
    if books.now > bill.due_s:
        days = math.ceil((books.now - bill.due_s) / _DAY_S)
        interest = fen(bill.total * policy.interest_rate_per_day * days)
        books.emit(
            LatePaymentInterestCharged(bill_id, bill.enterprise_id, days, interest, books.now)
        )
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
    books.put_doc(BILL, bill_id, replace(bill, paid=True, interest=interest, paid_s=books.now))
    books.put_doc(OPEN_BILL, bill_id, None)
    return _OK


def check_bills(books: Books) -> None:
    """Emit TaxBillOverdue once for every unpaid bill past its due date."""
    for bill_id in books.tx.docs(OPEN_BILL):
        assert isinstance(bill_id, str)
        bill = books.doc(BILL, bill_id, TaxBill)
        if bill is None or bill.paid or bill.reported_overdue or books.now <= bill.due_s:
            continue
        books.put_doc(BILL, bill_id, replace(bill, reported_overdue=True))
        books.emit(TaxBillOverdue(bill_id, bill.enterprise_id, bill.due_s, books.now))
