"""Events the ledger emits, named in the past tense.

Events are returned to the caller and appended to the store's outbox in the same
transaction; :mod:`core.ledger.outbox` delivers them to their consumers (the risk
engine, central monitoring) at least once, each with its outbox sequence number so a
consumer can drop a repeat. Events a consumer attributes to an enterprise carry its
``enterprise_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.ledger.events_gate import (
    AccountHeld,
    AccountHoldLifted,
    GoodsHeld,
    HoldReleased,
    PassCancelled,
    PassRefused,
    ReservationVoided,
    TransferArrived,
    TransferDeparted,
    TransferTimedOut,
)

__all__ = [
    "AccountHeld",
    "AccountHoldLifted",
    "AccountWrittenOff",
    "BalanceMismatchFound",
    "ConsolidatedDeclarationFiled",
    "ConsumptionDrifted",
    "DeclarationOverdue",
    "DeclarationReleased",
    "DocumentsMismatched",
    "EntryReversed",
    "FieldMismatch",
    "GatePassageRecorded",
    "GoodsHeld",
    "GuaranteeDrawnDown",
    "GuaranteeWrittenOff",
    "HoldReleased",
    "LateDeclarationFeeAssessed",
    "LatePaymentInterestCharged",
    "LedgerEvent",
    "ListClosedOut",
    "ListPreWrittenOff",
    "ListVoided",
    "ListWrittenOff",
    "PassCancelled",
    "PassRefused",
    "ReportedStockDiffered",
    "ReservationVoided",
    "StocktakeDiscrepancyFound",
    "TaxBillConsolidated",
    "TaxBillOverdue",
    "TransferArrived",
    "TransferDeparted",
    "TransferTimedOut",
]


@dataclass(frozen=True, slots=True)
class ListPreWrittenOff:
    """A bonded list (核注清单) went to state 1 and reserved its quantities."""

    list_id: str
    time_s: float


@dataclass(frozen=True, slots=True)
class ListWrittenOff:
    """A bonded list went to state 2: its entries are posted."""

    list_id: str
    time_s: float


@dataclass(frozen=True, slots=True)
class ListClosedOut:
    """A bonded list went to state 3 (结案) at reconciliation."""

    list_id: str
    time_s: float


@dataclass(frozen=True, slots=True)
class ListVoided:
    """A bonded list was deleted after dual review; its reservations were released."""

    list_id: str
    approvers: tuple[str, str]
    time_s: float


@dataclass(frozen=True, slots=True)
class GatePassageRecorded:
    """A gate pass (核放单) passed the gate; its quantities count towards the list.

    Attributes:
        quantities: (item_no, quantity) that actually passed, written back to the list.
    """

    pass_id: str
    list_id: str
    gate_id: str
    time_s: float
    quantities: tuple[tuple[int, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class DeclarationReleased:
    """A customs declaration (报关单) was released."""

    declaration_id: str
    list_ids: tuple[str, ...]
    time_s: float


@dataclass(frozen=True, slots=True)
class ConsumptionDrifted:
    """A work order consumed a material off its filed unit consumption (单耗); for risk.

    Attributes:
        drift_ratio: (actual − expected) / expected.
        version: The filed unit-consumption version the order was written off by.
    """

    account_id: str
    order_id: str
    product_item_no: int
    material_item_no: int
    expected_qty: Decimal
    actual_qty: Decimal
    drift_ratio: Decimal
    time_s: float
    enterprise_id: str = ""
    version: str = ""


@dataclass(frozen=True, slots=True)
class DeclarationOverdue:
    """A list's declaration passed its deadline: entered first (先进区、后报关) or batch.

    Attributes:
        kind: ``enter_first`` or ``batch`` (分批进出、集中申报).
        manifest_id: The manifest for goods entered first, ``""`` for a batch.
    """

    kind: str
    list_id: str
    enterprise_id: str
    account_id: str
    due_s: float
    time_s: float
    manifest_id: str = ""


@dataclass(frozen=True, slots=True)
class ConsolidatedDeclarationFiled:
    """One declaration was filed for the lists of a period (集中申报)."""

    declaration_id: str
    account_id: str
    list_ids: tuple[str, ...]
    totals: tuple[tuple[int, Decimal], ...]
    time_s: float


@dataclass(frozen=True, slots=True)
class TaxBillConsolidated:
    """Self-assessed taxes of a period were consolidated into one bill (汇总纳税)."""

    bill_id: str
    enterprise_id: str
    duty: Decimal
    vat: Decimal
    declaration_ids: tuple[str, ...]
    time_s: float


@dataclass(frozen=True, slots=True)
class GuaranteeDrawnDown:
    """A guarantee (保函/保证金) secured an amount of tax."""

    guarantee_id: str
    declaration_id: str
    amount: Decimal
    time_s: float


@dataclass(frozen=True, slots=True)
class GuaranteeWrittenOff:
    """Secured amounts were released automatically when the tax was paid (自动核销)."""

    guarantee_id: str
    bill_id: str
    amount: Decimal
    time_s: float


@dataclass(frozen=True, slots=True)
class FieldMismatch:
    """One field on which the three documents disagree."""

    field: str
    manifest: str
    delivery_order: str
    declaration: str


@dataclass(frozen=True, slots=True)
class DocumentsMismatched:
    """Manifest (舱单), delivery order (提货单) and declaration (报关单) disagree."""

    bill_no: str
    mismatches: tuple[FieldMismatch, ...]
    time_s: float
    list_id: str = ""
    enterprise_id: str = ""


@dataclass(frozen=True, slots=True)
class BalanceMismatchFound:
    """A stored balance differs from the sum of the line's entries (integrity check)."""

    account_id: str
    item_no: int
    stored: Decimal
    recomputed: Decimal
    time_s: float


@dataclass(frozen=True, slots=True)
class ReportedStockDiffered:
    """At reconciliation (报核), the enterprise's reported stock differs from the books."""

    account_id: str
    item_no: int
    book_qty: Decimal
    reported_qty: Decimal
    time_s: float


@dataclass(frozen=True, slots=True)
class StocktakeDiscrepancyFound:
    """A stocktake (盘点) count differs from the books by more than the tolerance."""

    account_id: str
    item_no: int
    book_qty: Decimal
    counted_qty: Decimal
    time_s: float


@dataclass(frozen=True, slots=True)
class EntryReversed:
    """An entry was reversed after dual review (更正/删除)."""

    seq: int
    reversal_seq: int
    reason: str
    approvers: tuple[str, str]
    time_s: float


@dataclass(frozen=True, slots=True)
class LateDeclarationFeeAssessed:
    """A late-declaration fee (滞报金) was assessed when a late declaration was filed."""

    list_id: str
    enterprise_id: str
    days_late: int
    amount_cny: Decimal
    time_s: float


@dataclass(frozen=True, slots=True)
class LatePaymentInterestCharged:
    """Late-payment interest (滞纳金) was charged on a consolidated tax bill."""

    bill_id: str
    enterprise_id: str
    days_late: int
    amount_cny: Decimal
    time_s: float


@dataclass(frozen=True, slots=True)
class TaxBillOverdue:
    """A consolidated tax bill (汇总纳税) passed its due date unpaid."""

    bill_id: str
    enterprise_id: str
    due_s: float
    time_s: float


@dataclass(frozen=True, slots=True)
class AccountWrittenOff:
    """An account book's period was written off (账册核销) after dual review."""

    account_id: str
    list_ids: tuple[str, ...]
    reviewers: tuple[str, ...]
    time_s: float


LedgerEvent = (
    ListPreWrittenOff
    | ListWrittenOff
    | ListClosedOut
    | ListVoided
    | GatePassageRecorded
    | DeclarationReleased
    | ConsumptionDrifted
    | DeclarationOverdue
    | ConsolidatedDeclarationFiled
    | TaxBillConsolidated
    | GuaranteeDrawnDown
    | GuaranteeWrittenOff
    | DocumentsMismatched
    | BalanceMismatchFound
    | ReportedStockDiffered
    | StocktakeDiscrepancyFound
    | EntryReversed
    | PassRefused
    | ReservationVoided
    | PassCancelled
    | TransferDeparted
    | TransferArrived
    | TransferTimedOut
    | AccountHeld
    | AccountHoldLifted
    | LateDeclarationFeeAssessed
    | GoodsHeld
    | HoldReleased
    | LatePaymentInterestCharged
    | TaxBillOverdue
    | AccountWrittenOff
)
