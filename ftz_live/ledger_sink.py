"""Ledger postings of the live service, committed in batches on a thread of their own.

The gate loop must never wait for a disk: each ``PostGatePassage`` is queued, and the
writer commits whatever has queued up (up to ``batch``) in one transaction, so under
load a single fsync covers many passages. A passage counts as posted (``committed``)
only after its transaction committed. A batch the ledger refuses (an unknown gate
pass, a voided list) is retried one passage at a time, so one bad passage costs only
itself; refusals are counted, never raised into the gate.

The store may be unreachable (a PostgreSQL server down, a SQLite file on a missing
mount), at start or later: the writer then keeps the postings queued, says why in
:attr:`LedgerSink.error` (the health endpoint reports the service not ready), and
reopens the store with a growing back-off until it answers; it probes an idle store
every few seconds so that an outage is seen before the next passage needs it.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from core.gate import PostGatePassage
from core.ledger import GatePassage, Ledger, LedgerError
from core.ledger.books import Books
from core.ledger.list_rules import record_gate_passage

__all__ = ["LedgerSink", "store_errors"]

log = logging.getLogger(__name__)
_STOP = object()
_PROBE_S = 2.0
_MAX_BACKOFF_S = 5.0


def store_errors() -> tuple[type[BaseException], ...]:
    """The exceptions by which a store says it cannot be reached (not a refused rule)."""
    errors: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a base dependency
        return errors
    return (*errors, psycopg.Error)


class LedgerSink:
    """Posts gate passages to a :class:`core.ledger.Ledger` from a writer thread."""

    def __init__(
        self,
        ledger: Ledger | Callable[[], Ledger],
        batch: int = 512,
        on_committed: Callable[[PostGatePassage], None] | None = None,
    ) -> None:
        """Write to ``ledger`` (or to what ``ledger()`` opens, retried while it fails).

        ``on_committed`` is told of each passage once durable.
        """
        self._owned = callable(ledger)  # a store it opened itself it also closes
        self._open = ledger if callable(ledger) else (lambda: ledger)
        self.batch = batch
        self.on_committed = on_committed
        self.committed = 0
        self.refused: Counter[str] = Counter()
        self.transactions = 0
        self.error = ""  # why the store cannot be reached; "" while it can
        self._errors = store_errors()
        self._ledger: Ledger | None = None
        self._backoff_s = 0.25
        self._queue: queue.Queue[object] = queue.Queue()
        self._retry: list[PostGatePassage] = []  # taken, not committed: the store went away
        self._connect()
        self._thread = threading.Thread(target=self._run, daemon=True, name="ledger-writer")
        self._thread.start()

    @property
    def ledger(self) -> Ledger | None:
        """The open ledger, None while the store cannot be reached."""
        return self._ledger

    @property
    def reachable(self) -> bool:
        """Whether the store answered at the last attempt."""
        return self._ledger is not None and not self.error

    def __call__(self, posting: PostGatePassage) -> None:
        """Queue one posting (the gate loop's side; never blocks)."""
        self._queue.put(posting)

    @property
    def pending(self) -> int:
        """Postings queued and not yet committed."""
        return self._queue.qsize() + len(self._retry)

    def close(self, timeout_s: float = 30.0) -> None:
        """Commit everything queued (while the store answers), then stop the writer."""
        self._queue.put(_STOP)
        self._thread.join(timeout_s)
        if self._ledger is not None and self._owned:
            self._release(self._ledger)

    def _connect(self) -> bool:
        try:
            self._ledger = self._open()
        except self._errors as exc:
            self._fail(exc)
            return False
        if self.error:
            log.warning("ledger reachable again")
        self.error, self._backoff_s = "", 0.25
        return True

    def _fail(self, exc: BaseException) -> None:
        reason = f"{type(exc).__name__}: {exc}"
        if reason != self.error:
            log.error("ledger unreachable", extra={"error": reason})
        self.error = reason
        if self._ledger is not None:
            self._release(self._ledger)
        self._ledger = None

    def _release(self, ledger: Ledger) -> None:
        with contextlib.suppress(*self._errors):  # gone already: the next attempt reopens
            ledger.store.close()

    def _run(self) -> None:
        while True:
            if self._ledger is None and not self._reconnect():
                if self._drain_stop():
                    return
                continue
            items = self._take()
            if items is None:
                self._probe()
                continue
            stop = any(i is _STOP for i in items)
            postings = [*self._retry, *(i for i in items if isinstance(i, PostGatePassage))]
            self._retry = []
            if postings and not self._write(postings):
                self._retry = postings  # the store went away: keep them for the next try
                if stop:
                    self._queue.put(_STOP)
                continue
            if stop:
                return

    def _reconnect(self) -> bool:
        time.sleep(self._backoff_s)
        self._backoff_s = min(_MAX_BACKOFF_S, self._backoff_s * 2)
        return self._connect()

    def _drain_stop(self) -> bool:
        """While unreachable, look for a stop order without losing any posting."""
        items: list[object] = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        self._retry += [i for i in items if isinstance(i, PostGatePassage)]
        if any(i is _STOP for i in items):
            if self._retry:
                log.error("ledger unreachable at stop", extra={"postings_lost": len(self._retry)})
            return True
        return False

    def _take(self) -> list[object] | None:
        try:
            first = self._queue.get(timeout=_PROBE_S) if not self._retry else _Nothing
        except queue.Empty:
            return None
        items = [] if first is _Nothing else [first]
        while len(items) < self.batch:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items

    def _probe(self) -> None:
        ledger = self._ledger
        if ledger is None:
            return
        try:
            with ledger.store.read() as tx:
                tx.last_seq()
        except self._errors as exc:
            self._fail(exc)

    def _write(self, postings: list[PostGatePassage]) -> bool:
        ledger = self._ledger
        assert ledger is not None
        now = max(p.time_s for p in postings)
        try:
            with ledger.store.write() as tx:
                books = Books(tx, now)
                for p in postings:
                    record_gate_passage(books, GatePassage(p.pass_id, p.gate_id))
                books.flush()
            self.transactions += 1
        except LedgerError:
            # One refusal must not cost the batch: one at a time, stopping if the store goes.
            return all(self._write_one(ledger, p) for p in postings)
        except self._errors as exc:
            self._fail(exc)
            return False
        self._done(postings)
        return True

    def _write_one(self, ledger: Ledger, p: PostGatePassage) -> bool:
        try:
            ledger.record_gate_passage(GatePassage(p.pass_id, p.gate_id), p.time_s)
        except LedgerError as exc:
            self.refused[type(exc).__name__] += 1
            log.warning("ledger refused passage %s: %s", p.idempotency_key, exc)
            return True
        except self._errors as exc:
            self._fail(exc)
            return False
        self.transactions += 1
        self._done([p])
        return True

    def _done(self, postings: list[PostGatePassage]) -> None:
        self.committed += len(postings)
        if self.on_committed is not None:
            for p in postings:
                self.on_committed(p)

    def snapshot(self) -> dict[str, Any]:
        """What the health endpoint shows of the ledger."""
        return {
            "reachable": self.reachable,
            "error": self.error,
            "committed": self.committed,
            "pending": self.pending,
            "refused": dict(self.refused),
        }


_Nothing = object()  # "nothing new taken": retry the kept postings first
