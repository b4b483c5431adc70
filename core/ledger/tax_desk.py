"""The tax API (``ledger.tax``): guarantees, self-assessment, consolidated bills."""

from __future__ import annotations

from core.ledger import tax_rules as rules
from core.ledger.posting import PostResult
from core.ledger.review import DualReview
from core.ledger.service import Service
from core.ledger.tax import Guarantee, SelectiveTaxQuote, TaxAssessment

__all__ = ["TaxDesk"]


class TaxDesk:
    """Self-assessed tax and consolidated payment of one ledger (``ledger.tax``)."""

    def __init__(self, service: Service) -> None:
        """Work through ``service``'s store and policy."""
        self._s = service

    def register_guarantee(
        self, guarantee: Guarantee, review: DualReview, now: float
    ) -> PostResult:
        """Take in a bank guarantee (保函) or deposit (保证金), after dual review."""
        return self._s.run(now, lambda b: rules.register_guarantee(b, guarantee, review))

    def assess_tax(
        self, assessment: TaxAssessment, now: float, quote: SelectiveTaxQuote | None = None
    ) -> PostResult:
        """Record a self-assessed tax, checked against the selective-tax basis if quoted."""
        return self._s.run(now, lambda b: rules.assess_tax(b, assessment, quote))

    def consolidate_tax(
        self,
        enterprise_id: str,
        start_s: float,
        end_s: float,
        bill_id: str,
        review: DualReview,
        now: float,
    ) -> PostResult:
        """Issue the bill of a tax period (汇总纳税), due the policy's time after its end."""
        policy = self._s.policy.tax
        return self._s.run(
            now,
            lambda b: rules.consolidate_tax(
                b, enterprise_id, start_s, end_s, bill_id, review, policy
            ),
        )

    def pay_tax_bill(self, bill_id: str, now: float) -> PostResult:
        """Mark a bill paid (interest if late); guarantees are written off automatically."""
        return self._s.run(now, lambda b: rules.pay_tax_bill(b, bill_id, self._s.policy.tax))
