"""In-memory ledger store: what the twin uses for every simulated gate passage.

Flat containers only: entries in one list (seq = index + 1), dicts keyed by id. Writes
reach it only from :meth:`core.ledger.books.Books.flush`, which runs after every check
of a command has passed, so a refused command leaves it untouched without any undo log.

The outbox keeps every event, as the databases do, unless the store is told who its
consumers are (``consumers=``): then an event is dropped once all of them have
acknowledged it, so a long twin run's memory stays flat while its events are delivered. The same duplicate-key refusals as the databases' unique keys
guard pass uses: a second use of a pass leg is an error, never a silent overwrite.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from core.ledger.model import Account, Entry, Line, LineBalance
from core.ledger.outbox_item import OutboxItem
from core.ledger.passes import PassUse
from core.ledger.review import ReviewRecord

__all__ = ["MemoryStore"]


class MemoryStore:
    """A :class:`core.ledger.port.LedgerStore` held in process memory."""

    def __init__(self, consumers: tuple[str, ...] = ()) -> None:
        """Create an empty store; events all of ``consumers`` acknowledged are dropped."""
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._lines: dict[tuple[str, int], Line] = {}
        self._balances: dict[tuple[str, int], LineBalance] = {}
        self._entries: list[Entry] = []
        self._keys: dict[str, int] = {}
        self._by_line: dict[tuple[str, int], list[int]] = {}
        self._docs: dict[str, dict[str, object]] = {}
        self.events: list[tuple[float, object]] = []  # the outbox, from seq _dropped + 1
        self._dropped = 0
        self._cursors: dict[str, int] = {}
        self._consumers = consumers
        self._audit: dict[str, list[ReviewRecord]] = {}
        self._uses: dict[tuple[str, int], PassUse] = {}
        self._use_passages: set[str] = set()
        self._blobs: dict[str, tuple[str, str]] = {}

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

    def outbox_after(self, seq: int, limit: int) -> list[OutboxItem]:
        """Return up to ``limit`` events after ``seq`` (dropped ones are gone)."""
        start = max(seq, self._dropped) - self._dropped
        chunk = self.events[start : start + limit]
        first = self._dropped + start + 1
        return [OutboxItem(first + i, t, e) for i, (t, e) in enumerate(chunk)]

    def outbox_cursor(self, consumer: str) -> int:
        """Return the consumer's last acknowledged seq, 0 if none."""
        return self._cursors.get(consumer, 0)

    def set_outbox_cursor(self, consumer: str, seq: int) -> None:
        """Move the consumer's cursor; drop events every named consumer has seen."""
        self._cursors[consumer] = seq
        if not self._consumers:
            return
        low = min(self._cursors.get(c, 0) for c in self._consumers)
        if low > self._dropped:
            del self.events[: low - self._dropped]
            self._dropped = low

    def append_audit(self, records: Sequence[ReviewRecord]) -> None:
        """Append audit records."""
        for r in records:
            self._audit.setdefault(r.doc_ref, []).append(r)

    def audit_trail(self, doc_ref: str) -> list[ReviewRecord]:
        """Return one document's audit trail."""
        return list(self._audit.get(doc_ref, ()))

    def append_pass_use(self, use: PassUse) -> None:
        """Record a consumed pass leg; a repeated leg or passage is an integrity error."""
        key = (use.pass_id, use.leg)
        if key in self._uses or use.passage_id in self._use_passages:
            raise RuntimeError(f"pass {use.pass_id!r} leg {use.leg} is already consumed")
        self._uses[key] = use
        self._use_passages.add(use.passage_id)

    def pass_uses(self, pass_id: str) -> list[PassUse]:
        """Return a pass's consumed legs by leg."""
        return [u for (p, _), u in sorted(self._uses.items()) if p == pass_id]

    def put_blob(self, name: str, version: str, body: str) -> None:
        """Store a named text (e.g. the risk engine's state) with its version."""
        with self._lock:
            self._blobs[name] = (version, body)

    def get_blob(self, name: str) -> tuple[str, str] | None:
        """Return (version, body) of a named text, or None."""
        with self._lock:
            return self._blobs.get(name)
