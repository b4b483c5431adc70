"""The ledger's service layer: one method per command, one transaction per call.

:class:`Ledger` holds the books, lists, declarations, deadlines, work orders and
reconciliation; ``ledger.passes`` is the gate-pass API (:mod:`core.ledger.pass_desk`),
``ledger.tax`` the tax API (:mod:`core.ledger.tax_desk`), ``ledger.outbox(name)`` the
delivery of the ledger's events to one consumer (:mod:`core.ledger.outbox`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.ledger import (
    declaration_rules,
    filings,
    list_rules,
    obligations,
    pass_filing,
    workorders,
)
from core.ledger import reconcile as _reconcile
from core.ledger.books import Books
from core.ledger.crosscheck import CargoDocuments, check_documents
from core.ledger.declarations import CustomsDeclaration
from core.ledger.errors import IdempotencyConflict, UnknownLine
from core.ledger.events import EntryReversed
from core.ledger.lists import BondedList, GatePassage, GatePassBinding, ListStatus
from core.ledger.model import Account, Entry, Line, LineBalance, Movement, PostedBy
from core.ledger.outbox import Outbox
from core.ledger.pass_desk import GatePasses
from core.ledger.passes import GatePassFiling
from core.ledger.port import LedgerStore, LedgerTx
from core.ledger.posting import PostResult, PostStatus, apply_movement, reverse_entry
from core.ledger.reconcile import StockReport
from core.ledger.review import DualReview, ReviewItem, ReviewRecord
from core.ledger.service import LedgerPolicy, Service
from core.ledger.tax_desk import TaxDesk
from core.ledger.tax_rules import check_bills
from core.ledger.transfers import TransferStatus, check_transit

__all__ = ["Correction", "Ledger", "LedgerPolicy"]


@dataclass(frozen=True, slots=True)
class Correction:
    """Reverse a posted entry (更正/删除, 删改单), under dual review (双人复核).

    Attributes:
        key: Idempotency key of the correction.
        seq: The entry to reverse (a transfer is reversed on both legs).
        reason: Why, for the audit trail.
        review: The maker (who enters the correction) and two other reviewers.
        posted_by: The officer who enters the correction; must be the maker.
    """

    key: str
    seq: int
    reason: str
    review: DualReview
    posted_by: PostedBy


class Ledger(Service):
    """The bonded-goods ledger (账册) over a :class:`LedgerStore`."""

    def __init__(self, store: LedgerStore, policy: LedgerPolicy | None = None) -> None:
        """Use ``store`` (memory, SQLite or PostgreSQL adapter) under ``policy``."""
        super().__init__(store, policy)
        self.passes = GatePasses(self)
        self.tax = TaxDesk(self)

    def outbox(self, consumer: str) -> Outbox:
        """Return the outbox as ``consumer`` reads it (``risk``, ``monitoring`` …)."""
        return Outbox(self.store, consumer)

    # -- account-book filing (账册备案) ---------------------------------------------
    def open_account(
        self, account: Account, lines: Sequence[Line], now: float, review: DualReview | None = None
    ) -> PostResult:
        """Open a book and file its lines; without ``review`` only if filing is automatic.

        Raises:
            ReferenceConflict, BadFiling, DualReviewRequired: see
                :func:`core.ledger.filings.open_account`.
        """
        auto = self.policy.automatic_filing
        return self.run(now, lambda b: filings.open_account(b, account, lines, review, auto))

    def file_lines(
        self, lines: Sequence[Line], now: float, review: DualReview | None = None
    ) -> PostResult:
        """File more lines on existing books. Raises: UnknownAccount, ReferenceConflict …."""
        auto = self.policy.automatic_filing
        return self.run(now, lambda b: filings.file_lines(b, lines, review, auto))

    def file_merge_relation(
        self, rel: filings.MergeRelation, now: float, review: DualReview | None = None
    ) -> PostResult:
        """File a merge relation (归并关系) from a part number to a filed item."""
        auto = self.policy.automatic_filing
        return self.run(now, lambda b: filings.file_merge_relation(b, rel, review, auto))

    def file_consumption(
        self, filed: workorders.FiledConsumption, review: DualReview, now: float
    ) -> PostResult:
        """File a version of a product's unit consumption (单耗备案, 双人复核)."""
        return self.run(now, lambda b: workorders.file_consumption(b, filed, review))

    # -- movements -----------------------------------------------------------------
    def post(self, movement: Movement, now: float) -> PostResult:
        """Apply one movement, at most once per idempotency key.

        Raises:
            LedgerError: Any bad input (see :func:`apply_movement`); nothing is written.
        """
        return self.run(now, lambda b: apply_movement(b, movement))

    def post_batch(self, movements: Sequence[Movement], now: float) -> tuple[PostResult, ...]:
        """Apply movements in order in one all-or-nothing transaction.

        Raises:
            LedgerError: One movement is bad; none of the batch is written.
        """
        return self.transact(now, lambda b: tuple(apply_movement(b, m) for m in movements))

    def correct(self, correction: Correction, now: float) -> PostResult:
        """Reverse a posted entry after dual review; the same key again is a duplicate.

        Raises:
            DualReviewRequired: The maker reviews, the reviewers are one person, or the
                officer entering it is not the maker.
            AlreadyCorrected: The entry is not a posted, unreversed entry.
            IdempotencyConflict: The key was used for something else.
            Overdraw: The reversal would take a line below zero.
        """
        return self.run(now, lambda b: _correct(b, correction))

    # -- bonded lists ---------------------------------------------------------------
    def declare_list(
        self, bonded_list: BondedList, now: float, documents: CargoDocuments | None = None
    ) -> PostResult:
        """Record a bonded list (核注清单) in state 0; check its three documents if given.

        A list that awaits a declaration gets its batch deadline (集中申报); a list whose
        documents disagree is held (see :mod:`core.ledger.crosscheck`).
        """
        return self.run(now, lambda b: self._declare(b, bonded_list, documents))

    def _declare(self, b: Books, bl: BondedList, documents: CargoDocuments | None) -> PostResult:
        r = list_rules.declare_list(b, bl)
        obligations.open_batch_obligation(b, bl.list_id, self.policy.deadlines)
        if documents is not None:
            check_documents(b, bl.list_id, documents, self.policy.weight_tolerance)
        return r

    def declare_shipment(
        self,
        bonded_list: BondedList,
        filing: GatePassFiling,
        now: float,
        documents: CargoDocuments | None = None,
    ) -> PostResult:
        """Declare a list, pre-write it off and register its approved gate pass, at once.

        One transaction, all or nothing: what a shipment's filing does in sequence
        (:meth:`declare_list`, :meth:`pre_write_off`, ``passes.register_pass``).

        Raises:
            LedgerError: Any step refused; nothing is written.
        """

        def rule(b: Books) -> PostResult:
            self._declare(b, bonded_list, documents)
            r = list_rules.pre_write_off(b, bonded_list.list_id)
            pass_filing.register_pass(b, filing, True)
            return r

        return self.run(now, rule)

    def pre_write_off(self, list_id: str, now: float) -> PostResult:
        """Move a list to state 1, reserving its outflows (预核扣)."""
        return self.run(now, lambda b: list_rules.pre_write_off(b, list_id))

    def bind_gate_pass(self, binding: GatePassBinding, now: float) -> PostResult:
        """Bind a gate pass to a pre-written-off list (older API; see ``ledger.passes``)."""
        return self.run(now, lambda b: list_rules.bind_gate_pass(b, binding))

    def record_gate_passage(self, passage: GatePassage, now: float) -> PostResult:
        """Annotate a passage in one step (an officer's manual release); counts once."""
        return self.run(now, lambda b: list_rules.record_gate_passage(b, passage))

    def void_list(self, list_id: str, review: DualReview, now: float) -> PostResult:
        """Delete a list not yet written off (删改单), after dual review."""
        return self.run(now, lambda b: list_rules.void_list(b, list_id, review))

    def close_out(self, list_id: str, now: float) -> PostResult:
        """Move a written-off list to state 3, closed out (结案)."""
        return self.run(now, lambda b: list_rules.close_out(b, list_id))

    def release_hold(
        self, list_id: str, reason: str, resolution: str, review: DualReview, now: float
    ) -> PostResult:
        """Release a hold on a list's goods (查验异常处理), after dual review."""
        return self.run(
            now, lambda b: list_rules.release_hold(b, list_id, reason, resolution, review)
        )

    # -- declarations and their deadlines ---------------------------------------------
    def file_customs_declaration(self, declaration: CustomsDeclaration, now: float) -> PostResult:
        """File a full declaration (报关单) for its lists, checked field by field.

        It is checked against the books too, and fulfils the lists' deadlines (with a
        late fee if overdue).
        """
        policy = self.policy.deadlines
        return self.run(now, lambda b: declaration_rules.file(b, declaration, policy))

    def file_declaration(self, list_id: str, declaration_id: str, now: float) -> PostResult:
        """Attach a declaration filed later to a list, by id only (fulfils its deadline)."""
        policy = self.policy.deadlines
        return self.run(now, lambda b: declaration_rules.attach(b, list_id, declaration_id, policy))

    def cancel_declaration(self, declaration_id: str, review: DualReview, now: float) -> PostResult:
        """Cancel a declaration not yet released (删改单, 双人复核); its lists await another."""
        policy = self.policy.deadlines
        return self.run(now, lambda b: declaration_rules.cancel(b, declaration_id, review, policy))

    def release_declaration(self, declaration_id: str, now: float) -> PostResult:
        """Mark a declaration released; writes off its lists whose goods all passed."""
        return self.run(now, lambda b: list_rules.release_declaration(b, declaration_id))

    def enter_on_manifest(
        self, entry: obligations.ManifestEntry, now: float, documents: CargoDocuments | None = None
    ) -> PostResult:
        """Enter first, declare later (先进区、后报关): list pre-written-off, deadline set."""

        def rule(b: Books) -> PostResult:
            r = obligations.enter_on_manifest(b, entry, self.policy.deadlines)
            if documents is not None:
                lid = entry.bonded_list.list_id
                check_documents(b, lid, documents, self.policy.weight_tolerance)
            return r

        return self.run(now, rule)

    def check_deadlines(self, now: float) -> PostResult:
        """Emit, once each, what is overdue: declarations, transfers, tax bills.

        An overdue declaration also puts its book on hold.
        """

        def rule(b: Books) -> PostResult:
            obligations.check_deadlines(b)
            check_transit(b)
            check_bills(b)
            return PostResult(PostStatus.APPLIED if b.events else PostStatus.DUPLICATE, ())

        return self.run(now, rule)

    def consolidate_period(
        self, account_id: str, start_s: float, end_s: float, declaration_id: str, now: float
    ) -> PostResult:
        """File one declaration for a period's batches (分批进出、集中申报)."""
        p = self.policy.deadlines
        return self.run(
            now,
            lambda b: obligations.consolidate_period(
                b, account_id, start_s, end_s, declaration_id, p
            ),
        )

    # -- work orders, reconciliation -------------------------------------------------
    def write_off_work_order(self, order: workorders.WorkOrder, now: float) -> PostResult:
        """Work-order write-off (工单核销); emits ConsumptionDrifted for the risk engine."""
        tol = self.policy.drift_tolerance
        return self.run(now, lambda b: workorders.write_off_work_order(b, order, tol))

    def reconcile(self, report: StockReport, now: float) -> PostResult:
        """Periodic reconciliation (报核): one event per line that differs."""
        return self.run(now, lambda b: _reconcile.reconcile(b, report))

    def write_off_account(self, report: StockReport, review: DualReview, now: float) -> PostResult:
        """Write the account book off (账册核销, 双人复核): closes out its written-off lists."""
        return self.run(now, lambda b: _reconcile.write_off_account(b, report, review))

    def stocktake(self, count: StockReport, now: float) -> PostResult:
        """Stocktake (盘点) against the books within a tolerance."""
        return self.run(now, lambda b: _reconcile.stocktake(b, count))

    # -- reads ---------------------------------------------------------------------
    def balance(self, account_id: str, item_no: int) -> LineBalance:
        """Return a line's balance. Raises: UnknownAccount, UnknownLine."""
        return self.read(lambda tx: _balance(tx, account_id, item_no))

    def entries(self, account_id: str, item_no: int) -> list[Entry]:
        """Return a line's entries in seq order (the audit trail of the line)."""
        return self.read(lambda tx: tx.line_entries(account_id, item_no))

    def list_status(self, list_id: str) -> ListStatus | None:
        """Return a bonded list's status, or None."""
        d = self.read(lambda tx: tx.get_doc("list", list_id))
        return d if isinstance(d, ListStatus) else None

    def transfer(self, list_id: str) -> TransferStatus | None:
        """Return a transfer list's journey, or None."""
        d = self.read(lambda tx: tx.get_doc("transfer", list_id))
        return d if isinstance(d, TransferStatus) else None

    def document(self, kind: str, doc_id: str) -> object | None:
        """Return a stored document (gate_pass, declaration, guarantee, tax, tax_bill …)."""
        return self.read(lambda tx: tx.get_doc(kind, doc_id))

    def audit_trail(self, doc_ref: str) -> list[ReviewRecord]:
        """Return the reviewed actions on one document (``list:L1`` …), oldest first."""
        return self.read(lambda tx: tx.audit_trail(doc_ref))


def _balance(tx: LedgerTx, account_id: str, item_no: int) -> LineBalance:
    b = tx.get_balance(account_id, item_no)
    if b is not None:
        return b
    if tx.get_line(account_id, item_no) is None:
        Books(tx, 0.0).account(account_id)
        raise UnknownLine(account_id, item_no)
    return LineBalance(account_id, item_no)


def _correct(b: Books, c: Correction) -> PostResult:
    c.review.check(f"correction of entry seq={c.seq}", c.posted_by.ref)
    prior = b.entry(c.key)
    if prior is not None:
        if prior.refers_to != c.seq:
            raise IdempotencyConflict(c.key, "correction")
        return PostResult(PostStatus.DUPLICATE, (prior,))
    reviewers = c.review.reviewers
    made = reverse_entry(b, c.key, c.seq, c.posted_by, reviewers)
    b.audit(f"entry:{c.seq}", ReviewItem.AMENDMENT, "correct", c.review, c.reason)
    b.emit(EntryReversed(c.seq, made[0].seq, c.reason, reviewers, b.now))
    return PostResult(PostStatus.APPLIED, made)
