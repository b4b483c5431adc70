"""The live gate's durable writer: reservations, postings and device sequence numbers.

The gate loop never waits for a disk. What must be durable goes to this writer's queue,
and the writer commits whatever has queued up (up to ``batch``) in one transaction — a
group commit, so under load one fsync covers many passages:

* **reserve** (:class:`core.gate.ReservePass`): the pass is held for the passage in the
  central pass state (pending), the barrier's next command number is taken and the
  command log entry ``command:<passage id>`` (barrier device, command number) written,
  all in one transaction; only once it committed is the gate told
  (:class:`core.gate.PassReserved`), and only then may a barrier command go out;
* **post** once the PLC acknowledged the command, **void** when it will not be acted on;
* the last accepted **sequence number of every device**, so a message replayed after a
  restart is refused;
* the older one-step annotation of a :class:`core.gate.PostGatePassage` (a service that
  does not reserve: hardware-in-the-loop runs, whose twin keeps the pass state).

The writer never dies. A store error (locked database, disk full, lost PostgreSQL
connection) is retried with exponential back-off (tenacity), the store reopened, the
batch kept; meanwhile :attr:`LedgerSink.error` says why (``/health``: not ready) and a
new reservation is refused at once (``store_unavailable``): the gate fails closed. A
batch the ledger's rules refuse is retried one operation at a time, so one bad posting
costs only itself; refusals are counted, never raised into the gate.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_never,
    wait_exponential,
)

from core.gate import PostGatePassage, ReservePass
from core.ledger import GatePassage, Ledger, LedgerError, Refusal, Reservation
from core.ledger import pass_rules as rules
from core.ledger.books import Books
from core.ledger.list_rules import record_gate_passage
from ftz_stores import MemoryStore

__all__ = ["LedgerSink", "Reserved", "store_errors"]

log = logging.getLogger("ftztwin.live")
_PROBE_S = 2.0
_SEQ_FLUSH_S = 0.2
_MAX_BACKOFF_S = 5.0
_LATENCY_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


def store_errors() -> tuple[type[BaseException], ...]:
    """The exceptions by which a store says it cannot be reached (not a refused rule)."""
    errors: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a base dependency
        return errors
    return (*errors, psycopg.Error)


def command_key(passage_id: str) -> str:
    """The state-blob name of a passage's command log entry."""
    return f"command:{passage_id}"


def barrier_key(device_id: str) -> str:
    """The state-blob name of a barrier's last command number."""
    return f"barrier_seq:{device_id}"


def device_key(device_id: str) -> str:
    """The state-blob name of a device's last accepted message sequence number."""
    return f"device_seq:{device_id}"


@dataclass(frozen=True)
class Reserved:
    """The writer's answer to a reservation: the ledger's result and the command number."""

    cmd: ReservePass
    result: Reservation | Refusal | None  # None: the store could not be reached
    command_seq: int = 0
    barrier: str = ""
    reason: str = ""  # why there is no result: store_unavailable or overload


Reply = Callable[[Reserved], None]


@dataclass(frozen=True)
class _Reserve:
    cmd: ReservePass
    barrier: str
    reply: Reply
    time_s: float


@dataclass(frozen=True)
class _Settle:
    passage_id: str
    post: bool
    reason: str
    time_s: float


class LedgerSink:
    """Writes the gate's durable state from a writer thread of its own."""

    def __init__(
        self,
        ledger: Ledger | Callable[[], Ledger],
        batch: int = 512,
        on_committed: Callable[[PostGatePassage], None] | None = None,
        max_reservations: int = 10_000,
    ) -> None:
        """Write to ``ledger`` (or to what ``ledger()`` opens, retried while it fails).

        ``on_committed`` is told of each one-step passage once durable;
        ``max_reservations`` bounds the reservations waiting for the store (beyond it a
        reservation is refused at once, ``overload``).
        """
        self._owned = callable(ledger)  # a store it opened itself it also closes
        self._open = ledger if callable(ledger) else (lambda: ledger)
        self.batch = batch
        self.on_committed = on_committed
        self.max_reservations = max_reservations
        self.committed = 0  # one-step passages durable
        self.reserved = self.posted = self.voided = 0
        self.refused: Counter[str] = Counter()
        self.transactions = 0
        self.retries = 0
        self.crashes = 0  # unexpected errors the writer survived
        self.latencies: list[float] = []  # commit seconds, drained by the metrics
        self.error = ""  # why the store cannot be reached; "" while it can
        self._errors = store_errors()
        self._ledger: Ledger | None = None
        self._queue: queue.Queue[object] = queue.Queue()
        self._in_flight = 0  # reservations queued, not answered
        self._lock = threading.Lock()
        self._seqs: dict[str, int] = {}  # device -> last accepted seq, not yet durable
        self._barrier_seq: dict[str, int] = {}
        self._stop = False
        self._holding = 0  # operations taken and not yet durable (a store outage)
        self._connect()
        self._thread = threading.Thread(target=self._run, daemon=True, name="ledger-writer")
        self._thread.start()

    # -- the gate loop's side (never blocks) -----------------------------------------------
    @property
    def ledger(self) -> Ledger | None:
        """The open ledger, None while the store cannot be reached."""
        return self._ledger

    @property
    def reachable(self) -> bool:
        """Whether the store answered at the last attempt."""
        return self._ledger is not None and not self.error

    def __call__(self, posting: PostGatePassage) -> None:
        """Queue one one-step passage (a service that does not reserve)."""
        self._queue.put(posting)

    def reserve(self, cmd: ReservePass, barrier: str, reply: Reply, now: float) -> None:
        """Reserve ``cmd``'s pass and the next command number of ``barrier``, then ``reply``.

        Refused at once (``reply`` with no result) while the store is unreachable or
        too many reservations wait: the gate fails closed instead of queueing.
        """
        with self._lock:
            full = self._in_flight >= self.max_reservations
            if not full and self.reachable:
                self._in_flight += 1
                self._queue.put(_Reserve(cmd, barrier, reply, now))
                return
        reason = "overload" if full else "store_unavailable"
        self.refused[reason] += 1
        reply(Reserved(cmd, None, reason=reason))

    def post(self, passage_id: str, now: float) -> None:
        """Post a reservation: its barrier command was acknowledged."""
        self._queue.put(_Settle(passage_id, True, "", now))

    def void(self, passage_id: str, reason: str, now: float) -> None:
        """Void a reservation that will not be acted on."""
        self._queue.put(_Settle(passage_id, False, reason, now))

    def note_seq(self, device_id: str, seq: int) -> None:
        """Keep ``seq`` as the device's last accepted sequence number (any thread)."""
        with self._lock:
            if seq > self._seqs.get(device_id, -1):
                self._seqs[device_id] = seq

    @property
    def pending(self) -> int:
        """Operations queued and not yet committed."""
        return self._queue.qsize() + self._holding

    def close(self, timeout_s: float = 30.0) -> None:
        """Commit everything queued (while the store answers), then stop the writer."""
        self._stop = True
        self._queue.put(None)
        self._thread.join(timeout_s)
        if self._ledger is not None and self._owned:
            self._release(self._ledger)

    # -- reads for the service (start: replay guard, settlement) --------------------------
    @contextlib.contextmanager
    def reader(self) -> Iterator[Ledger]:
        """A ledger for reads off the writer thread: a connection of its own.

        The writer's connection is never shared with another thread (a database
        connection is not safe for concurrent use); an in-process store is.

        Raises:
            sqlite3.Error, OSError, psycopg.Error: The store cannot be opened.
        """
        current = self._ledger
        if current is not None and isinstance(current.store, MemoryStore):
            yield current
            return
        if not self._owned:
            raise ConnectionError("the ledger was given, not opened: no second connection")
        ledger = self._open()
        try:
            yield ledger
        finally:
            self._release(ledger)

    def read_blobs(self, names: list[str]) -> dict[str, str]:
        """Return the stored state blobs of ``names`` (missing ones left out).

        Raises:
            sqlite3.Error, OSError, psycopg.Error: The store cannot be read.
        """
        out: dict[str, str] = {}
        with self.reader() as ledger, ledger.store.read() as tx:
            for name in names:
                found = tx.get_blob(name)
                if found is not None:
                    out[name] = found[1]
        return out

    # -- the writer thread -------------------------------------------------------------------
    def _connect(self) -> bool:
        try:
            self._ledger = self._open()
        except self._errors as exc:
            self._fail(exc)
            return False
        if self.error:
            log.warning("ledger reachable again")
        self.error = ""
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
            items = self._take()
            stop = any(i is None for i in items)
            work = [i for i in items if i is not None]
            try:
                if work or self._dirty_seqs():
                    self._commit_retrying(work)
                elif self._ledger is not None:
                    self._probe()
                elif not self._connect():  # idle and unreachable: keep trying to reopen
                    time.sleep(min(_MAX_BACKOFF_S, 0.5))
            except Exception:  # the writer never dies: count, log, keep the work
                self.crashes += 1
                log.exception("ledger writer error (kept going)")
                for item in work:
                    self._queue.put(item)
                time.sleep(0.1)
                continue
            if stop:
                return

    def _take(self) -> list[object]:
        try:
            idle_s = _SEQ_FLUSH_S if self._seqs or self._ledger is None else _PROBE_S
            first = self._queue.get(timeout=idle_s)
        except queue.Empty:
            return []
        items = [first]
        while len(items) < self.batch:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items

    def _dirty_seqs(self) -> bool:
        with self._lock:
            return bool(self._seqs)

    def _probe(self) -> None:
        ledger = self._ledger
        if ledger is None:
            return
        try:
            with ledger.store.read() as tx:
                tx.last_seq()
        except self._errors as exc:
            self._fail(exc)

    def _commit_retrying(self, work: list[object]) -> None:
        """Commit ``work``, retrying store errors with back-off until it is durable."""

        def attempt() -> None:
            if self._ledger is None and not self._connect():
                raise ConnectionError(self.error)
            self._commit(work)

        def before_sleep(state: RetryCallState) -> None:
            self.retries += 1
            exc = state.outcome.exception() if state.outcome else None
            if exc is not None and not isinstance(exc, ConnectionError):
                self._fail(exc)
            if self._stop and not self.reachable:
                raise _GiveUp from exc

        retrying = Retrying(
            retry=retry_if_exception_type((*self._errors, ConnectionError)),
            wait=wait_exponential(multiplier=0.05, max=_MAX_BACKOFF_S),
            stop=stop_never,
            before_sleep=before_sleep,
            reraise=True,
        )
        self._holding = len(work)
        try:
            retrying(attempt)
        except _GiveUp:
            lost = [w for w in work if not isinstance(w, _Reserve)]
            log.error("ledger unreachable at stop", extra={"operations_lost": len(lost)})
            for w in work:
                if isinstance(w, _Reserve):
                    self._answer(w, None)
        finally:
            self._holding = 0

    def _commit(self, work: list[object]) -> None:
        ledger = self._ledger
        assert ledger is not None
        with self._lock:
            seqs, self._seqs = self._seqs, {}
        now = max((_time(w) for w in work), default=time.time())
        started = time.perf_counter()
        try:
            results = self._transact(ledger, work, seqs, now)
        except LedgerError:
            # One refusal must not cost the batch: one at a time.
            results = []
            for i, w in enumerate(work):
                try:
                    results += self._transact(ledger, [w], seqs if i == 0 else {}, now)
                except LedgerError as exc:
                    self.refused[type(exc).__name__] += 1
                    results.append(None)
        except BaseException:
            with self._lock:  # not durable: keep the newer of both
                for dev, seq in seqs.items():
                    if seq > self._seqs.get(dev, -1):
                        self._seqs[dev] = seq
            raise
        self.transactions += 1
        self.latencies.append(time.perf_counter() - started)
        if len(self.latencies) > 10_000:
            del self.latencies[:5_000]
        self._after(work, results)

    def _transact(
        self, ledger: Ledger, work: list[object], seqs: dict[str, int], now: float
    ) -> list[Any]:
        with ledger.store.write() as tx:
            books = Books(tx, now)
            out = [self._apply(books, tx, w) for w in work]
            for dev, seq in seqs.items():
                tx.put_blob(device_key(dev), "", str(seq))
            books.flush()
        return out

    def _apply(self, books: Books, tx: Any, w: object) -> Any:
        if isinstance(w, _Reserve):
            c = w.cmd
            r = rules.reserve_pass(books, c.pass_id, c.passage_id, c.plate, c.gate_id)
            if isinstance(r, Refusal) or not w.barrier:
                return (r, 0)
            logged = tx.get_blob(command_key(c.passage_id))
            if logged is not None:  # the same passage again (a retried batch)
                return (r, int(logged[1].split("|")[1]))
            seq = self._next_barrier_seq(tx, w.barrier)
            tx.put_blob(command_key(c.passage_id), "", f"{w.barrier}|{seq}|{c.lane}")
            return (r, seq)
        if isinstance(w, _Settle):
            if w.post:
                return rules.post_pass(books, w.passage_id)
            return rules.void_pass(books, w.passage_id, w.reason)
        assert isinstance(w, PostGatePassage)
        return record_gate_passage(books, GatePassage(w.pass_id, w.gate_id))

    def _next_barrier_seq(self, tx: Any, barrier: str) -> int:
        last = self._barrier_seq.get(barrier)
        if last is None:
            found = tx.get_blob(barrier_key(barrier))
            last = int(found[1]) if found is not None else 0
        seq = last + 1
        tx.put_blob(barrier_key(barrier), "", str(seq))
        self._barrier_seq[barrier] = seq  # kept only once committed (see _after)
        return seq

    def _after(self, work: list[object], results: list[Any]) -> None:
        for w, res in zip(work, results, strict=True):
            if isinstance(w, _Reserve):
                r, seq = res if res is not None else (None, 0)
                if isinstance(r, Refusal):
                    self.refused[r.reason.value] += 1
                elif r is not None:
                    self.reserved += 1
                self._answer(w, r, seq)
            elif isinstance(w, _Settle):
                if isinstance(res, Refusal):
                    self.refused[res.reason.value] += 1
                elif w.post:
                    self.posted += 1
                else:
                    self.voided += 1
            elif isinstance(w, PostGatePassage) and res is not None:
                self.committed += 1
                if self.on_committed is not None:
                    self.on_committed(w)

    def _answer(self, w: _Reserve, r: Reservation | Refusal | None, seq: int = 0) -> None:
        with self._lock:
            self._in_flight -= 1
        try:
            w.reply(Reserved(w.cmd, r, seq, w.barrier))
        except Exception:  # a reply must not stop the writer
            log.exception("reservation reply failed")

    def snapshot(self) -> dict[str, Any]:
        """What the health endpoint shows of the ledger."""
        return {
            "reachable": self.reachable,
            "error": self.error,
            "committed": self.committed,
            "reserved": self.reserved,
            "posted": self.posted,
            "voided": self.voided,
            "pending": self.pending,
            "reservations_waiting": self._in_flight,
            "reservations_capacity": self.max_reservations,
            "refused": dict(self.refused),
            "retries": self.retries,
            "writer_errors": self.crashes,
            "writer_alive": self._thread.is_alive(),
        }


class _GiveUp(Exception):
    """Stopping while the store is unreachable: what is queued cannot be made durable."""


def _time(w: object) -> float:
    if isinstance(w, PostGatePassage):
        return w.time_s
    return float(getattr(w, "time_s", 0.0))
