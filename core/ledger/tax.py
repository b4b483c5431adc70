"""Taxes and guarantees: self-assessment, consolidated payment, selective taxation.

Amounts are CNY as Decimal, rounded to the fen (0.01) half up. VAT is levied on the
duty-paid value: (customs value + duty) × VAT rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from core.ledger.model import ZERO

__all__ = [
    "Guarantee",
    "GuaranteeKind",
    "MaterialValue",
    "SelectiveTaxQuote",
    "TaxAssessment",
    "TaxBasis",
    "TaxBill",
    "TaxPolicy",
    "fen",
    "quote_selective_tax",
    "self_assess",
]

_FEN = Decimal("0.01")


def fen(amount: Decimal) -> Decimal:
    """Round a CNY amount to the fen, half up."""
    return amount.quantize(_FEN, rounding=ROUND_HALF_UP)


class GuaranteeKind(StrEnum):
    """Kind of guarantee (担保)."""

    BANK_GUARANTEE = "bank_guarantee"  # 银行保函
    DEPOSIT = "deposit"  # 保证金


@dataclass(frozen=True, slots=True)
class Guarantee:
    """A guarantee that secures tax not yet paid.

    Attributes:
        guarantee_id: Its number.
        enterprise_id: The enterprise it covers.
        kind: Bank guarantee or cash deposit.
        amount: Its face amount in CNY.
        secured: Amount currently drawn down to secure unpaid tax, CNY.
        written_off: Amount released after payment so far (cumulative), CNY.
    """

    guarantee_id: str
    enterprise_id: str
    kind: GuaranteeKind
    amount: Decimal
    secured: Decimal = ZERO
    written_off: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        """What the guarantee can still secure, CNY."""
        return self.amount - self.secured


@dataclass(frozen=True, slots=True)
class TaxAssessment:
    """A self-assessed tax (自主报税) on one declaration.

    Attributes:
        declaration_id: The declaration taxed.
        enterprise_id: The enterprise that owes it.
        duty: Import duty, CNY.
        vat: Import VAT, CNY.
        assessed_s: When it was assessed, in seconds.
        guarantee_id: The guarantee drawn down to secure it, or empty.
        bill_id: The consolidated bill that includes it, once billed.
    """

    declaration_id: str
    enterprise_id: str
    duty: Decimal
    vat: Decimal
    assessed_s: float
    guarantee_id: str = ""
    bill_id: str = ""

    @property
    def total(self) -> Decimal:
        """Duty plus VAT, CNY."""
        return self.duty + self.vat


def self_assess(
    declaration_id: str,
    enterprise_id: str,
    customs_value: Decimal,
    duty_rate: Decimal,
    vat_rate: Decimal,
    now: float,
) -> TaxAssessment:
    """Compute a self-assessment: duty = value × rate; VAT = (value + duty) × VAT rate."""
    duty = fen(customs_value * duty_rate)
    return TaxAssessment(
        declaration_id, enterprise_id, duty, fen((customs_value + duty) * vat_rate), now
    )


@dataclass(frozen=True, slots=True)
class TaxPolicy:
    """Consolidated payment terms.

    Attributes:
        payment_due_s: Time after a tax period's end to pay its bill (7 days: the fifth
            working day of the next month for 汇总征税).
        interest_rate_per_day: Late-payment interest (滞纳金) per day, of the tax due.
    """

    payment_due_s: float = 7 * 86_400.0
    interest_rate_per_day: Decimal = Decimal("0.0005")


@dataclass(frozen=True, slots=True)
class TaxBill:
    """Consolidated payment (汇总纳税) of a period's self-assessed taxes.

    Attributes:
        bill_id: The bill.
        enterprise_id: The enterprise.
        start_s: Start of the tax period, seconds.
        end_s: End of the tax period (exclusive), seconds.
        declaration_ids: The assessments billed.
        duty: Total duty, CNY.
        vat: Total VAT, CNY.
        paid: Whether it is paid.
        due_s: When payment is due, seconds.
        interest: Late-payment interest charged at payment (滞纳金), CNY.
        paid_s: When it was paid, −1 before.
        reported_overdue: Whether the overdue event was emitted (once).
    """

    bill_id: str
    enterprise_id: str
    start_s: float
    end_s: float
    declaration_ids: tuple[str, ...]
    duty: Decimal
    vat: Decimal
    paid: bool = False
    due_s: float = 0.0
    interest: Decimal = ZERO
    paid_s: float = -1.0
    reported_overdue: bool = False

    @property
    def total(self) -> Decimal:
        """Duty plus VAT, CNY (interest not included)."""
        return self.duty + self.vat


class TaxBasis(StrEnum):
    """Basis of the duty under selective taxation (选择性征税)."""

    MATERIALS = "materials"  # 按进口料件
    AS_PRESENTED = "as_presented"  # 按实际报验状态 (finished goods)


@dataclass(frozen=True, slots=True)
class MaterialValue:
    """Imported materials contained in the goods, with their duty rate."""

    item_no: int
    customs_value: Decimal
    duty_rate: Decimal


@dataclass(frozen=True, slots=True)
class SelectiveTaxQuote:
    """Both duties under selective taxation, the VAT under each, and the choice made.

    Attributes:
        declaration_id: The declaration of the finished goods sold into China.
        duty_on_materials: Duty if levied on the imported materials, CNY.
        duty_on_finished: Duty if levied on the goods as presented, CNY.
        vat_if_materials: VAT on the finished goods with the materials' duty, CNY.
        vat_if_finished: VAT on the finished goods with the finished goods' duty, CNY.
        chosen: The enterprise's choice.
    """

    declaration_id: str
    duty_on_materials: Decimal
    duty_on_finished: Decimal
    vat_if_materials: Decimal
    vat_if_finished: Decimal
    chosen: TaxBasis

    @property
    def duty(self) -> Decimal:
        """Duty under the chosen basis, CNY."""
        return (
            self.duty_on_materials if self.chosen is TaxBasis.MATERIALS else self.duty_on_finished
        )

    @property
    def vat(self) -> Decimal:
        """VAT under the chosen basis, CNY."""
        return self.vat_if_materials if self.chosen is TaxBasis.MATERIALS else self.vat_if_finished


def quote_selective_tax(
    declaration_id: str,
    materials: Sequence[MaterialValue],
    finished_value: Decimal,
    finished_duty_rate: Decimal,
    vat_rate: Decimal,
    chosen: TaxBasis,
) -> SelectiveTaxQuote:
    """Compute duty on the materials and on the goods as presented; VAT always on the goods.

    Args:
        declaration_id: The declaration of the finished goods.
        materials: Imported materials contained, with values (CNY) and duty rates.
        finished_value: Customs value of the finished goods, CNY.
        finished_duty_rate: Duty rate of the finished goods.
        vat_rate: VAT rate of the finished goods.
        chosen: The basis the enterprise chose.
    """
    d_mat = fen(sum((m.customs_value * m.duty_rate for m in materials), ZERO))
    d_fin = fen(finished_value * finished_duty_rate)
    return SelectiveTaxQuote(
        declaration_id,
        d_mat,
        d_fin,
        fen((finished_value + d_mat) * vat_rate),
        fen((finished_value + d_fin) * vat_rate),
        chosen,
    )
