"""The transaction pattern every ledger command runs in, and the ledger's policy.

Each command opens one serialised write transaction, runs the pure rules through a
:class:`Books` unit of work, flushes and commits, and only then returns: a result in
hand means the change is durable (as durable as the store). A rule that raises leaves
the store untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from core.ledger.books import Books
from core.ledger.obligations import DeadlinePolicy
from core.ledger.port import LedgerStore, LedgerTx
from core.ledger.posting import PostResult
from core.ledger.tax import TaxPolicy

__all__ = ["LedgerPolicy", "Service"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LedgerPolicy:
    """Tunable rules of the ledger.

    Attributes:
        drift_tolerance: Allowed relative drift of a work order's consumption from the
            filed unit consumption before a :class:`ConsumptionDrifted` event.
        weight_tolerance: Allowed relative difference of gross weights between the
            delivery order and the declaration (three-document check).
        transit_timeout_s: Time a transfer may be in transit before it times out.
        reservation_timeout_s: Time a gate-pass reservation may stay pending before
            :meth:`GatePasses.void_expired` voids it (the barrier was never confirmed).
        automatic_filing: Whether books may be filed without review (自动备案, for the
            plan's low-risk enterprises); a review, when given, is always checked.
        deadlines: Declaration deadlines and late fees.
        tax: Consolidated payment terms.
    """

    drift_tolerance: Decimal = Decimal("0.05")
    weight_tolerance: Decimal = Decimal("0.03")
    transit_timeout_s: float = 12 * 3600.0
    reservation_timeout_s: float = 300.0
    automatic_filing: bool = True
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    tax: TaxPolicy = field(default_factory=TaxPolicy)


class Service:
    """A store, a policy and the one-transaction-per-command pattern."""

    def __init__(self, store: LedgerStore, policy: LedgerPolicy | None = None) -> None:
        """Use ``store`` (memory, SQLite or PostgreSQL adapter) under ``policy``."""
        self.store = store
        self.policy = policy or LedgerPolicy()

    def transact(self, now: float, rule: Callable[[Books], T]) -> T:
        """Run ``rule`` in one write transaction at ``now``; committed when it returns.

        Raises:
            LedgerError: The rule refused the command; nothing was written.
        """
        with self.store.write() as tx:
            books = Books(tx, now)
            result = rule(books)
            books.flush()
        return result

    def run(self, now: float, rule: Callable[[Books], PostResult]) -> PostResult:
        """Like :meth:`transact`, returning the result with every event emitted."""
        with self.store.write() as tx:
            books = Books(tx, now)
            r = rule(books)
            books.flush()
        if books.events:
            return PostResult(r.status, r.entries, tuple(books.events))
        return r

    def read(self, fn: Callable[[LedgerTx], T]) -> T:
        """Run ``fn`` on a consistent read transaction."""
        with self.store.read() as tx:
            return fn(tx)
