"""In-memory ledger store: what the twin uses for every simulated gate passage.

Flat containers only: entries in one list (seq = index + 1), dicts keyed by id. Writes
reach it only from :meth:`core.ledger.books.Books.flush`, which runs after every check
of a command has passed, so a refused command leaves it untouched without any undo log.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from core.ledger.model import Account, Entry, Line, LineBalance

__all__ = ["MemoryStore"]


class MemoryStore:
    """A :class:`core.ledger.port.LedgerStore` held in process memory."""

    def __init__(self) -> None:
        """Create an empty store."""
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._lines: dict[tuple[str, int], Line] = {}
        self._balances: dict[tuple[str, int], LineBalance] = {}
        self._entries: list[Entry] = []
        self._keys: dict[str, int] = {}
        self._by_line: dict[tuple[str, int], list[int]] = {}
        self._docs: dict[str, dict[str, object]] = {}
        self.events: list[tuple[float, object]] = []

    @contextmanager
    def write(self) -> Iterator[MemoryStore]:
        """Serialise writers with a lock; the store is its own transaction."""
        with self._lock:
            yield self

    read = write

    def close(self) -> None:
        """Nothing to release."""

    # -- reads ---------------------------------------------------------------------
    def get_account(self, account_id: str) -> Account | None:
        """Return the account, or None."""
        return self._accounts.get(account_id)

    def get_line(self, account_id: str, item_no: int) -> Line | None:
        """Return the line, or None."""
        return self._lines.get((account_id, item_no))

    def account_lines(self, account_id: str) -> list[Line]:
        """Return the account's lines by item number."""
        return sorted(
            (ln for (a, _), ln in self._lines.items() if a == account_id), key=lambda ln: ln.item_no
        )

    def get_balance(self, account_id: str, item_no: int) -> LineBalance | None:
        """Return the line's balance, or None."""
        return self._balances.get((account_id, item_no))

    def get_entry(self, key: str) -> Entry | None:
        """Return the leg-0 entry of ``key``, or None."""
        i = self._keys.get(key)
        return None if i is None else self._entries[i]

    def get_entry_by_seq(self, seq: int) -> Entry | None:
        """Return entry ``seq``, or None."""
        return self._entries[seq - 1] if 0 < seq <= len(self._entries) else None

    def last_seq(self) -> int:
        """Return the highest seq."""
        return len(self._entries)

    def line_entries(self, account_id: str, item_no: int) -> list[Entry]:
        """Return the line's entries in seq order."""
        return [self._entries[i] for i in self._by_line.get((account_id, item_no), ())]

    def get_doc(self, kind: str, doc_id: str) -> object | None:
        """Return a document, or None."""
        return self._docs.get(kind, {}).get(doc_id)

    def docs(self, kind: str) -> list[object]:
        """Return a kind's documents in id order."""
        d = self._docs.get(kind, {})
        return [d[k] for k in sorted(d)]

    # -- writes --------------------------------------------------------------------
    def put_account(self, account: Account) -> None:
        """Insert an account."""
        self._accounts[account.account_id] = account

    def put_line(self, line: Line) -> None:
        """Insert a line."""
        self._lines[(line.account_id, line.item_no)] = line

    def put_balances(self, balances: Sequence[LineBalance]) -> None:
        """Replace balances."""
        for b in balances:
            self._balances[(b.account_id, b.item_no)] = b

    def append_entries(self, entries: Sequence[Entry]) -> None:
        """Append entries; a seq out of order is a bug, so it fails loudly."""
        for e in entries:
            if e.seq != len(self._entries) + 1:
                raise RuntimeError(f"entry seq={e.seq} after {len(self._entries)}")
            i = len(self._entries)
            self._entries.append(e)
            if e.leg == 0:
                self._keys[e.key] = i
            self._by_line.setdefault((e.account_id, e.item_no), []).append(i)

    def put_doc(self, kind: str, doc_id: str, doc: object) -> None:
        """Insert or replace a document."""
        self._docs.setdefault(kind, {})[doc_id] = doc

    def delete_doc(self, kind: str, doc_id: str) -> None:
        """Delete a document if present."""
        self._docs.get(kind, {}).pop(doc_id, None)

    def append_events(self, events: Sequence[object], time_s: float) -> None:
        """Append events to the outbox."""
        self.events.extend((time_s, e) for e in events)
