"""Bonded-goods ledger (账册): immutable movements, write-off states and their rules.

Pure rules and a storage port; adapters (memory, SQLite, PostgreSQL) live in
``ftz_stores/``. The twin and the gate call :class:`Ledger`.

Modules:
    model: accounts, lines, movements, entries, balances.
    posting: how a movement changes a line; idempotency; overdraw refusal.
    lists, list_rules: bonded lists (核注清单), gate passes (核放单), write-off states.
    workorders: work-order write-off (工单核销) and consumption drift.
    obligations: enter first, declare later (先进区、后报关); consolidated declaration.
    tax, tax_rules: self-assessed tax, consolidated payment, selective taxation, guarantees.
    crosscheck: manifest / delivery order / declaration cross-check.
    reconcile: reconciliation (报核) and stocktake.
    port: the storage Protocols.
"""

from core.ledger.crosscheck import CargoDocument, cross_check
from core.ledger.errors import (
    AlreadyCorrected,
    BadQuantity,
    DualReviewRequired,
    GuaranteeExhausted,
    IdempotencyConflict,
    InvalidListState,
    LedgerError,
    ModeNotAllowed,
    OverBinding,
    Overdraw,
    ReferenceConflict,
    UnknownAccount,
    UnknownDocument,
    UnknownLine,
    WrongUnit,
)
from core.ledger.events import (
    BalanceMismatchFound,
    ConsolidatedDeclarationFiled,
    ConsumptionDrifted,
    DeclarationOverdue,
    DeclarationReleased,
    DocumentsMismatched,
    EntryReversed,
    FieldMismatch,
    GatePassageRecorded,
    GuaranteeDrawnDown,
    GuaranteeWrittenOff,
    LedgerEvent,
    ListClosedOut,
    ListPreWrittenOff,
    ListVoided,
    ListWrittenOff,
    ReportedStockDiffered,
    StocktakeDiscrepancyFound,
    TaxBillConsolidated,
)
from core.ledger.ledger import Correction, Ledger, LedgerPolicy
from core.ledger.lists import (
    BondedList,
    DeclarationDoc,
    Direction,
    GatePassage,
    GatePassBinding,
    GatePassDoc,
    ListLine,
    ListStatus,
    WriteOffMode,
    WriteOffState,
)
from core.ledger.model import (
    Account,
    AccountKind,
    DualReview,
    Entry,
    EntryStatus,
    Line,
    LineBalance,
    Movement,
    MovementKind,
    PostedBy,
    PosterKind,
)
from core.ledger.obligations import EntryObligation, ManifestEntry
from core.ledger.port import LedgerStore, LedgerTx
from core.ledger.posting import PostResult, PostStatus
from core.ledger.reconcile import StockReport
from core.ledger.tax import (
    Guarantee,
    GuaranteeKind,
    MaterialValue,
    SelectiveTaxQuote,
    TaxAssessment,
    TaxBasis,
    TaxBill,
    quote_selective_tax,
    self_assess,
)
from core.ledger.workorders import BomLine, FiledConsumption, WorkOrder

__all__ = [
    "Account",
    "AccountKind",
    "AlreadyCorrected",
    "BadQuantity",
    "BalanceMismatchFound",
    "BomLine",
    "BondedList",
    "CargoDocument",
    "ConsolidatedDeclarationFiled",
    "ConsumptionDrifted",
    "Correction",
    "DeclarationDoc",
    "DeclarationOverdue",
    "DeclarationReleased",
    "Direction",
    "DocumentsMismatched",
    "DualReview",
    "DualReviewRequired",
    "Entry",
    "EntryObligation",
    "EntryReversed",
    "EntryStatus",
    "FieldMismatch",
    "FiledConsumption",
    "GatePassBinding",
    "GatePassDoc",
    "GatePassage",
    "GatePassageRecorded",
    "Guarantee",
    "GuaranteeDrawnDown",
    "GuaranteeExhausted",
    "GuaranteeKind",
    "GuaranteeWrittenOff",
    "IdempotencyConflict",
    "InvalidListState",
    "Ledger",
    "LedgerError",
    "LedgerEvent",
    "LedgerPolicy",
    "LedgerStore",
    "LedgerTx",
    "Line",
    "LineBalance",
    "ListClosedOut",
    "ListLine",
    "ListPreWrittenOff",
    "ListStatus",
    "ListVoided",
    "ListWrittenOff",
    "ManifestEntry",
    "MaterialValue",
    "ModeNotAllowed",
    "Movement",
    "MovementKind",
    "OverBinding",
    "Overdraw",
    "PostResult",
    "PostStatus",
    "PostedBy",
    "PosterKind",
    "ReferenceConflict",
    "ReportedStockDiffered",
    "SelectiveTaxQuote",
    "StockReport",
    "StocktakeDiscrepancyFound",
    "TaxAssessment",
    "TaxBasis",
    "TaxBill",
    "TaxBillConsolidated",
    "UnknownAccount",
    "UnknownDocument",
    "UnknownLine",
    "WorkOrder",
    "WriteOffMode",
    "WriteOffState",
    "WrongUnit",
    "cross_check",
    "quote_selective_tax",
    "self_assess",
]
