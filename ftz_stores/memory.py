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
from collections import OrderedDict
from collections.abc import Sequence
from types import TracebackType

from core.ledger.lists import DeclarationDoc, ListStatus, WriteOffState
from core.ledger.model import Account, Entry, Line, LineBalance
from core.ledger.outbox_item import OutboxItem
from core.ledger.passes import GatePassFiling, PassState, PassStatus, PassUse
from core.ledger.review import ReviewRecord

__all__ = ["MemoryStore"]

_USED = {PassState.PASSED}
# Used passes remembered after their shipment is retired: about 15 hours of the four
# zones' traffic. A pass shown again later than that is refused all the same, as
# unknown rather than as used (the barrier stays down either way).
_TOMBSTONES = 4096


class _Locked:
    """The store under its lock, as a context manager.

    A plain class rather than ``@contextmanager``: the twin opens two or three ledger
    transactions per truck, and a generator-based manager cost more than the lock.
    Stateless, so one instance serves every thread (the lock is reentrant).
    """

    __slots__ = ("_store",)

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def __enter__(self) -> MemoryStore:
        self._store._lock.acquire()
        return self._store

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._store._lock.release()


class MemoryStore:
    """A :class:`core.ledger.port.LedgerStore` held in process memory."""

    def __init__(self, consumers: tuple[str, ...] = ()) -> None:
        """Create an empty store; events all of ``consumers`` acknowledged are dropped."""
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._lines: dict[tuple[str, int], Line] = {}
        self._balances: dict[tuple[str, int], LineBalance] = {}
        self._entries: dict[int, Entry] = {}  # by seq; retired shipments leave gaps
        self._seq = 0
        self._keys: dict[str, int] = {}  # idempotency key → seq of its leg 0
        self._by_line: dict[tuple[str, int], dict[int, None]] = {}  # seqs in order
        self.retired = 0  # closed shipments dropped by retire_shipment
        # Retired pass → its gates, the latest _TOMBSTONES only (oldest forgotten first).
        self._used_passes: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._gate_runs: dict[tuple[str, ...], tuple[str, ...]] = {}  # shared tuples
        self._docs: dict[str, dict[str, object]] = {}
        self.events: list[tuple[float, object]] = []  # the outbox, from seq _dropped + 1
        self._dropped = 0
        self._cursors: dict[str, int] = {}
        self._consumers = consumers
        self._audit: dict[str, list[ReviewRecord]] = {}
        self._uses: dict[tuple[str, int], PassUse] = {}
        self._use_passages: set[str] = set()
        self._blobs: dict[str, tuple[str, str]] = {}
        self._locked = _Locked(self)

    def write(self) -> _Locked:
        """Serialise writers with a lock; the store is its own transaction."""
        return self._locked

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
        seq = self._keys.get(key)
        return None if seq is None else self._entries.get(seq)

    def get_entry_by_seq(self, seq: int) -> Entry | None:
        """Return entry ``seq``, or None."""
        return self._entries.get(seq)

    def last_seq(self) -> int:
        """Return the highest seq."""
        return self._seq

    def line_entries(self, account_id: str, item_no: int) -> list[Entry]:
        """Return the line's entries in seq order."""
        return [self._entries[s] for s in self._by_line.get((account_id, item_no), ())]

    def get_doc(self, kind: str, doc_id: str) -> object | None:
        """Return a document, or None (a retired pass: its final status, rebuilt)."""
        d = self._docs.get(kind, {}).get(doc_id)
        if d is None and kind == "gate_pass" and doc_id in self._used_passes:
            gates = self._used_passes[doc_id]
            filing = GatePassFiling(doc_id, "", ())
            return PassStatus(filing, PassState.PASSED, len(gates), "", gates)
        return d

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
            if e.seq != self._seq + 1:
                raise RuntimeError(f"entry seq={e.seq} after {self._seq}")
            self._seq = e.seq
            self._entries[e.seq] = e
            if e.leg == 0:
                self._keys[e.key] = e.seq
            self._by_line.setdefault((e.account_id, e.item_no), {})[e.seq] = None

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

    # -- keeping only open state (the twin) ------------------------------------------
    def retire_shipment(self, list_id: str, also: Sequence[tuple[str, str]] = ()) -> bool:
        """Drop a written-off list and what only it needed; True if it was dropped.

        A simulation posts tens of thousands of shipments and reads back only the open
        ones, so once a list is written off (状态 2) and its passes are used up, its
        documents, entries (pending and posted legs), reservations and pass uses are
        dropped and ``retired`` counts it: memory stays level however long the run.
        Kept: books, balances, the audit trail, tax bills (open until paid) and each
        pass's final status, so a reuse of the pass is still refused as used, not as
        unknown (only its gates are kept, for the latest 4,096 retired passes; :meth:`docs`
        no longer lists it). ``also``
        names further (kind, id) documents of the shipment to drop (its bill of lading).
        A list not written off, or a pass not used up, is left untouched.
        """
        with self._lock:
            docs = self._docs
            st = docs.get("list", {}).get(list_id)
            if not isinstance(st, ListStatus) or st.state is not WriteOffState.WRITTEN_OFF:
                return False
            passes, pass_ids = docs.get("gate_pass", {}), st.passes
            for pid in pass_ids:
                ps = passes.get(pid)
                if not isinstance(ps, PassStatus) or ps.pending or ps.state not in _USED:
                    return False
            for ln in st.bonded_list.lines:
                for suffix in ("", "/post", "/void"):
                    self._drop_entries(f"{list_id}#{ln.item_no}{suffix}")
            for pid in pass_ids:
                for leg in (1, 2):
                    use = self._uses.pop((pid, leg), None)
                    if use is not None:
                        self._use_passages.discard(use.passage_id)
                        docs.get("reservation", {}).pop(use.passage_id, None)
            for pid in pass_ids:
                ps = passes.pop(pid)
                gates = self._gate_runs.setdefault(ps.gates, ps.gates)
                self._used_passes[pid] = gates
                if len(self._used_passes) > _TOMBSTONES:
                    self._used_passes.popitem(last=False)
            for kind in ("list", "written_off", "transfer"):
                docs.get(kind, {}).pop(list_id, None)
            for kind, doc_id in also:
                docs.get(kind, {}).pop(doc_id, None)
            decls = docs.get("declaration", {})
            d = decls.get(st.declaration_id) if st.declaration_id else None
            if isinstance(d, DeclarationDoc) and d.released and d.list_ids == (list_id,):
                del decls[st.declaration_id]
            self.retired += 1
            return True

    def _drop_entries(self, key: str) -> None:
        seq = self._keys.pop(key, None)
        while seq is not None:
            e = self._entries.get(seq)
            if e is None or e.key != key:
                return
            del self._entries[seq]
            self._by_line.get((e.account_id, e.item_no), {}).pop(seq, None)
            seq += 1  # a transfer's receiving leg follows its leg 0

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
