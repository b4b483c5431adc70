"""The ledger's service layer: one method per command, one transaction per call.

Each call opens one serialised write transaction, runs the pure rules through a
:class:`Books` unit of work, flushes and commits, and only then returns: a result in
hand means the change is durable (as durable as the store). A rule that raises leaves
the store untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from core.ledger import list_rules, obligations, tax_rules, workorders
from core.ledger import reconcile as _reconcile
from core.ledger.books import Books
from core.ledger.errors import IdempotencyConflict, ReferenceConflict, UnknownLine
from core.ledger.events import EntryReversed, LedgerEvent
from core.ledger.lists import BondedList, GatePassage, GatePassBinding, ListStatus
from core.ledger.model import Account, DualReview, Entry, Line, LineBalance, Movement, PostedBy
from core.ledger.port import LedgerStore, LedgerTx
from core.ledger.posting import PostResult, PostStatus, apply_movement, reverse_entry
from core.ledger.reconcile import StockReport
from core.ledger.tax import Guarantee, SelectiveTaxQuote, TaxAssessment

__all__ = ["Correction", "Ledger", "LedgerPolicy"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LedgerPolicy:
    """Tunable rules of the ledger.

    Attributes:
        drift_tolerance: Allowed relative drift of a work order's consumption from the
            filed unit consumption before a :class:`ConsumptionDrifted` event.
    """

    drift_tolerance: Decimal = Decimal("0.05")


@dataclass(frozen=True, slots=True)
class Correction:
    """Reverse a posted entry (更正/删除), under dual review (双人复核).

    Attributes:
        key: Idempotency key of the correction.
        seq: The entry to reverse (a transfer is reversed on both legs).
        reason: Why, for the audit trail.
        review: The two distinct approvers.
        posted_by: The officer who enters the correction.
    """

    key: str
    seq: int
    reason: str
    review: DualReview
    posted_by: PostedBy


def _with_events(r: PostResult, events: list[LedgerEvent]) -> PostResult:
    return PostResult(r.status, r.entries, tuple(events)) if events else r


class Ledger:
    """The bonded-goods ledger (账册) over a :class:`LedgerStore`."""

    def __init__(self, store: LedgerStore, policy: LedgerPolicy | None = None) -> None:
        """Use ``store`` (memory, SQLite or PostgreSQL adapter) under ``policy``."""
        self.store = store
        self.policy = policy or LedgerPolicy()

    def _run(self, now: float, rule: Callable[[Books], PostResult]) -> PostResult:
        with self.store.write() as tx:
            books = Books(tx, now)
            result = rule(books)
            books.flush()
        return _with_events(result, books.events)

    # -- reference data ------------------------------------------------------------
    def open_account(self, account: Account, lines: Sequence[Line], now: float) -> PostResult:
        """Open an account book and file its lines (备案); the same again is a duplicate.

        Raises:
            ReferenceConflict: The account or a line exists with other content.
        """
        return self._run(now, lambda b: _open(b, account, lines))

    def file_lines(self, lines: Sequence[Line], now: float) -> PostResult:
        """File more lines on existing accounts. Raises: UnknownAccount, ReferenceConflict."""
        return self._run(now, lambda b: _file_lines(b, lines))

    # -- movements -----------------------------------------------------------------
    def post(self, movement: Movement, now: float) -> PostResult:
        """Apply one movement, at most once per idempotency key.

        Raises:
            LedgerError: Any bad input (see :func:`apply_movement`); nothing is written.
        """
        return self._run(now, lambda b: apply_movement(b, movement))

    def post_batch(self, movements: Sequence[Movement], now: float) -> tuple[PostResult, ...]:
        """Apply movements in order in one all-or-nothing transaction.

        Raises:
            LedgerError: One movement is bad; none of the batch is written.
        """
        with self.store.write() as tx:
            books = Books(tx, now)
            results = tuple(apply_movement(books, m) for m in movements)
            books.flush()
        return results

    def correct(self, correction: Correction, now: float) -> PostResult:
        """Reverse a posted entry after dual review; the same key again is a duplicate.

        Raises:
            DualReviewRequired: Not two distinct approvers.
            AlreadyCorrected: The entry is not a posted, unreversed entry.
            IdempotencyConflict: The key was used for something else.
            Overdraw: The reversal would take a line below zero.
        """
        return self._run(now, lambda b: _correct(b, correction))

    # -- bonded lists and gates ---------------------------------------------------
    def declare_list(self, bonded_list: BondedList, now: float) -> PostResult:
        """Record a bonded list (核注清单) in state 0."""
        return self._run(now, lambda b: list_rules.declare_list(b, bonded_list))

    def pre_write_off(self, list_id: str, now: float) -> PostResult:
        """Move a list to state 1, reserving its outflows (预核扣)."""
        return self._run(now, lambda b: list_rules.pre_write_off(b, list_id))

    def bind_gate_pass(self, binding: GatePassBinding, now: float) -> PostResult:
        """Bind a gate pass (核放单) to a pre-written-off list."""
        return self._run(now, lambda b: list_rules.bind_gate_pass(b, binding))

    def record_gate_passage(self, passage: GatePassage, now: float) -> PostResult:
        """Count a gate pass as passed (once); writes the list off when due."""
        return self._run(now, lambda b: list_rules.record_gate_passage(b, passage))

    def release_declaration(self, declaration_id: str, now: float) -> PostResult:
        """Mark a declaration released; writes off its lists whose goods all passed."""
        return self._run(now, lambda b: list_rules.release_declaration(b, declaration_id))

    def file_declaration(self, list_id: str, declaration_id: str, now: float) -> PostResult:
        """File the full declaration of a list entered first (fulfils its obligation)."""

        def rule(b: Books) -> PostResult:
            r = list_rules.file_declaration(b, list_id, declaration_id)
            obligations.fulfil_obligation(b, list_id)
            return r

        return self._run(now, rule)

    def void_list(self, list_id: str, review: DualReview, now: float) -> PostResult:
        """Delete a list not yet written off, after dual review (双人复核)."""
        return self._run(now, lambda b: list_rules.void_list(b, list_id, review))

    def close_out(self, list_id: str, now: float) -> PostResult:
        """Move a written-off list to state 3, closed out (结案)."""
        return self._run(now, lambda b: list_rules.close_out(b, list_id))

    def enter_on_manifest(self, entry: obligations.ManifestEntry, now: float) -> PostResult:
        """Enter first, declare later (先进区、后报关): list pre-written-off, deadline set."""
        return self._run(now, lambda b: obligations.enter_on_manifest(b, entry))

    def check_deadlines(self, now: float) -> PostResult:
        """Emit DeclarationOverdue for obligations past their deadline (once each)."""
        return self._run(now, obligations.check_deadlines)

    def consolidate_period(
        self, account_id: str, start_s: float, end_s: float, declaration_id: str, now: float
    ) -> PostResult:
        """File one declaration for a period's batches (分批进出、集中申报)."""
        return self._run(
            now,
            lambda b: obligations.consolidate_period(b, account_id, start_s, end_s, declaration_id),
        )

    # -- work orders, taxes, reconciliation --------------------------------------
    def file_consumption(self, filed: workorders.FiledConsumption, now: float) -> PostResult:
        """File a product's unit consumption (单耗备案)."""
        return self._run(now, lambda b: workorders.file_consumption(b, filed))

    def write_off_work_order(self, order: workorders.WorkOrder, now: float) -> PostResult:
        """Work-order write-off (工单核销); emits ConsumptionDrifted for the risk engine."""
        tol = self.policy.drift_tolerance
        return self._run(now, lambda b: workorders.write_off_work_order(b, order, tol))

    def register_guarantee(self, guarantee: Guarantee, now: float) -> PostResult:
        """Register a bank guarantee (保函) or deposit (保证金)."""
        return self._run(now, lambda b: tax_rules.register_guarantee(b, guarantee))

    def assess_tax(
        self, assessment: TaxAssessment, now: float, quote: SelectiveTaxQuote | None = None
    ) -> PostResult:
        """Record a self-assessed tax (and the selective-tax choice), drawing the guarantee."""
        return self._run(now, lambda b: tax_rules.assess_tax(b, assessment, quote))

    def consolidate_tax(
        self, enterprise_id: str, start_s: float, end_s: float, bill_id: str, now: float
    ) -> PostResult:
        """Consolidate a period's self-assessed taxes into one bill (汇总纳税)."""
        return self._run(
            now, lambda b: tax_rules.consolidate_tax(b, enterprise_id, start_s, end_s, bill_id)
        )

    def pay_tax_bill(self, bill_id: str, now: float) -> PostResult:
        """Mark a bill paid; guarantees are written off automatically."""
        return self._run(now, lambda b: tax_rules.pay_tax_bill(b, bill_id))

    def reconcile(self, report: StockReport, now: float) -> PostResult:
        """Periodic reconciliation (报核); closes out written-off lists if all agree."""
        return self._run(now, lambda b: _reconcile.reconcile(b, report))

    def stocktake(self, count: StockReport, now: float) -> PostResult:
        """Stocktake (盘点) against the books within a tolerance."""
        return self._run(now, lambda b: _reconcile.stocktake(b, count))

    # -- reads ---------------------------------------------------------------------
    def _read(self, fn: Callable[[LedgerTx], T]) -> T:
        with self.store.read() as tx:
            return fn(tx)

    def balance(self, account_id: str, item_no: int) -> LineBalance:
        """Return a line's balance. Raises: UnknownAccount, UnknownLine."""
        return self._read(lambda tx: _balance(tx, account_id, item_no))

    def entries(self, account_id: str, item_no: int) -> list[Entry]:
        """Return a line's entries in seq order (the audit trail)."""
        return self._read(lambda tx: tx.line_entries(account_id, item_no))

    def list_status(self, list_id: str) -> ListStatus | None:
        """Return a bonded list's status, or None."""
        return self._read(lambda tx: _typed(tx.get_doc("list", list_id), ListStatus))

    def document(self, kind: str, doc_id: str) -> object | None:
        """Return a stored document (gate_pass, declaration, guarantee, tax, tax_bill …)."""
        return self._read(lambda tx: tx.get_doc(kind, doc_id))


def _typed(obj: object, cls: type[T]) -> T | None:
    return obj if isinstance(obj, cls) else None


def _balance(tx: LedgerTx, account_id: str, item_no: int) -> LineBalance:
    b = tx.get_balance(account_id, item_no)
    if b is not None:
        return b
    if tx.get_line(account_id, item_no) is None:
        Books(tx, 0.0).account(account_id)
        raise UnknownLine(account_id, item_no)
    return LineBalance(account_id, item_no)


def _open(b: Books, account: Account, lines: Sequence[Line]) -> PostResult:
    old = b.find_account(account.account_id)
    if old is not None and old != account:
        raise ReferenceConflict("account", account.account_id)
    if old is None:
        b.add_account(account)
    r = _file_lines(b, lines)
    return r if old is not None else PostResult(PostStatus.APPLIED, ())


def _file_lines(b: Books, lines: Sequence[Line]) -> PostResult:
    applied = False
    for line in lines:
        b.account(line.account_id)
        old = b.find_line(line.account_id, line.item_no)
        if old is not None:
            if old != line:
                raise ReferenceConflict("line", f"{line.account_id}#{line.item_no}")
            continue
        b.add_line(line)
        applied = True
    return PostResult(PostStatus.APPLIED if applied else PostStatus.DUPLICATE, ())


def _correct(b: Books, c: Correction) -> PostResult:
    c.review.check(f"correction of entry seq={c.seq}")
    prior = b.entry(c.key)
    if prior is not None:
        if prior.refers_to != c.seq:
            raise IdempotencyConflict(c.key, "correction")
        return PostResult(PostStatus.DUPLICATE, (prior,))
    approvers = (c.review.first, c.review.second)
    made = reverse_entry(b, c.key, c.seq, c.posted_by, approvers)
    b.emit(EntryReversed(c.seq, made[0].seq, c.reason, approvers, b.now))
    return PostResult(PostStatus.APPLIED, made)
