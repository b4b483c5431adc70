"""The storage port of the ledger: what the rules need from any store.

The rules only ever see these two Protocols. Adapters live in ``ftz_stores/`` (memory,
SQLite, PostgreSQL) and all pass one contract suite. A write transaction is strictly
serialised with every other writer (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory
lock) and is committed when its ``with`` block ends without an error, rolled back
otherwise; nothing is acknowledged before the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from core.ledger.model import Account, Entry, Line, LineBalance
from core.ledger.outbox_item import OutboxItem
from core.ledger.passes import PassUse
from core.ledger.review import ReviewRecord

__all__ = ["LedgerStore", "LedgerTx"]


class LedgerTx(Protocol):
    """One transaction on the ledger's store."""

    def get_account(self, account_id: str) -> Account | None:
        """Return the account, or None."""
        ...

    def get_line(self, account_id: str, item_no: int) -> Line | None:
        """Return the line, or None."""
        ...

    def account_lines(self, account_id: str) -> list[Line]:
        """Return every line of an account, by item number."""
        ...

    def get_balance(self, account_id: str, item_no: int) -> LineBalance | None:
        """Return the line's balance, or None when nothing was ever booked on it."""
        ...

    def get_entry(self, key: str) -> Entry | None:
        """Return the leg-0 entry made under an idempotency key, or None."""
        ...

    def get_entry_by_seq(self, seq: int) -> Entry | None:
        """Return the entry at position ``seq``, or None."""
        ...

    def last_seq(self) -> int:
        """Return the highest entry seq, 0 for an empty ledger."""
        ...

    def line_entries(self, account_id: str, item_no: int) -> list[Entry]:
        """Return every entry of a line in seq order."""
        ...

    def get_doc(self, kind: str, doc_id: str) -> object | None:
        """Return a stored document (bonded list status, gate pass …), or None."""
        ...

    def docs(self, kind: str) -> list[object]:
        """Return every stored document of a kind, in id order."""
        ...

    def put_account(self, account: Account) -> None:
        """Insert an account."""
        ...

    def put_line(self, line: Line) -> None:
        """Insert a line."""
        ...

    def put_balances(self, balances: Sequence[LineBalance]) -> None:
        """Insert or replace line balances."""
        ...

    def append_entries(self, entries: Sequence[Entry]) -> None:
        """Append entries; a repeated (key, leg) or seq is an integrity error."""
        ...

    def put_doc(self, kind: str, doc_id: str, doc: object) -> None:
        """Insert or replace a document."""
        ...

    def delete_doc(self, kind: str, doc_id: str) -> None:
        """Delete a document if present (used for indexes of open items only)."""
        ...

    def append_events(self, events: Sequence[object], time_s: float) -> None:
        """Append events to the outbox, in order."""
        ...

    def outbox_after(self, seq: int, limit: int) -> list[OutboxItem]:
        """Return up to ``limit`` outbox events with a sequence number above ``seq``."""
        ...

    def outbox_cursor(self, consumer: str) -> int:
        """Return the last outbox seq ``consumer`` acknowledged, 0 if none."""
        ...

    def set_outbox_cursor(self, consumer: str, seq: int) -> None:
        """Record that ``consumer`` has handled every event up to ``seq``."""
        ...

    def append_audit(self, records: Sequence[ReviewRecord]) -> None:
        """Append audit-trail records; the store never changes or deletes one."""
        ...

    def audit_trail(self, doc_ref: str) -> list[ReviewRecord]:
        """Return the audit trail of one document, oldest first."""
        ...

    def append_pass_use(self, use: PassUse) -> None:
        """Record a consumed pass leg.

        A second use of (pass_id, leg) or of a passage id is an integrity error, so a
        pass is consumed at most once by construction.
        """
        ...

    def pass_uses(self, pass_id: str) -> list[PassUse]:
        """Return the consumed legs of a pass, by leg."""
        ...


class LedgerStore(Protocol):
    """A store that hands out serialised write and consistent read transactions."""

    def write(self) -> AbstractContextManager[LedgerTx]:
        """Begin a write transaction; it commits when the block exits cleanly."""
        ...

    def read(self) -> AbstractContextManager[LedgerTx]:
        """Begin a read-only transaction on a consistent snapshot."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...
