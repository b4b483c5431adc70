"""Ledger postings of the live service, committed in batches on a thread of their own.

The gate loop must never wait for a disk: each ``PostGatePassage`` is queued, and the
writer commits whatever has queued up (up to ``batch``) in one transaction, so under
load a single fsync covers many passages. A passage counts as posted (``committed``)
only after its transaction committed. A batch the ledger refuses (an unknown gate
pass, a voided list) is retried one passage at a time, so one bad passage costs only
itself; refusals are counted, never raised into the gate.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable

from core.gate import PostGatePassage
from core.ledger import GatePassage, Ledger, LedgerError
from core.ledger.books import Books
from core.ledger.list_rules import record_gate_passage

__all__ = ["LedgerSink"]

log = logging.getLogger(__name__)
_STOP = object()


class LedgerSink:
    """Posts gate passages to a :class:`core.ledger.Ledger` from a writer thread."""

    def __init__(
        self,
        ledger: Ledger,
        batch: int = 512,
        on_committed: Callable[[PostGatePassage], None] | None = None,
    ) -> None:
        """Write to ``ledger``; ``on_committed`` is told of each passage once durable."""
        self.ledger = ledger
        self.batch = batch
        self.on_committed = on_committed
        self.committed = 0
        self.refused: Counter[str] = Counter()
        self.transactions = 0
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True, name="ledger-writer")
        self._thread.start()

    def __call__(self, posting: PostGatePassage) -> None:
        """Queue one posting (the gate loop's side; never blocks)."""
        self._queue.put(posting)

    @property
    def pending(self) -> int:
        """Postings queued and not yet committed."""
        return self._queue.qsize()

    def close(self, timeout_s: float = 30.0) -> None:
        """Commit everything queued, then stop the writer."""
        self._queue.put(_STOP)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            items = [first]
            while len(items) < self.batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = any(i is _STOP for i in items)
            postings = [i for i in items if isinstance(i, PostGatePassage)]
            if postings:
                self._write(postings)
            if stop:
                return

    def _write(self, postings: list[PostGatePassage]) -> None:
        now = max(p.time_s for p in postings)
        try:
            with self.ledger.store.write() as tx:
                books = Books(tx, now)
                for p in postings:
                    record_gate_passage(books, GatePassage(p.pass_id, p.gate_id))
                books.flush()
            self.transactions += 1
        except LedgerError:
            for p in postings:  # one refusal must not cost the batch: one at a time
                self._write_one(p)
            return
        self._done(postings)

    def _write_one(self, p: PostGatePassage) -> None:
        try:
            self.ledger.record_gate_passage(GatePassage(p.pass_id, p.gate_id), p.time_s)
        except LedgerError as exc:
            self.refused[type(exc).__name__] += 1
            log.warning("ledger refused passage %s: %s", p.idempotency_key, exc)
            return
        self.transactions += 1
        self._done([p])

    def _done(self, postings: list[PostGatePassage]) -> None:
        self.committed += len(postings)
        if self.on_committed is not None:
            for p in postings:
                self.on_committed(p)
