"""Runs in worker processes, shared by every tab and session, with progress, ETA and Stop.

A *job* is one piece of work the app started (a scenario's replications, a sweep, a
staffing study). It runs on a thread of the server that hands its replications to worker
processes of its own (``spawn``: free of Streamlit's threads and locks), so the page that
started it returns at once and any number of tabs can watch it. Jobs are kept in one
module-level :class:`Registry` keyed by what they compute (the digest of the scenario with
its run settings, or of the sweep): a second tab asking for the same thing joins the job
in progress instead of starting another.

Stop terminates the job's worker processes (a thread cannot be killed, a process can)
and removes the job from the registry at once, so no page keeps showing a progress bar
for work that no longer runs.

A replication gives the same bytes in whatever process it runs (its random streams are
named by scenario, seed and replication), so results do not depend on the number of
workers; results are ordered by task index before anyone sees them.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "REGISTRY",
    "Call",
    "Job",
    "JobStopped",
    "Registry",
    "Workers",
    "default_workers",
]

# How often a worker reports the simulated time it has covered (seconds of wall time):
# often enough for a smooth bar, rare enough that the queue costs nothing.
_REPORT_EVERY_S = 0.25


class JobStopped(Exception):
    """The job was stopped (by Stop, or because its workers died)."""


def default_workers(tasks: int) -> int:
    """Worker processes worth starting for ``tasks`` (``FTZTWIN_APP_WORKERS`` caps it)."""
    env = os.environ.get("FTZTWIN_APP_WORKERS", "")
    cap = int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)
    return max(1, min(tasks, cap))


@dataclass(frozen=True)
class Call:
    """One task for a worker: ``fn(*args, progress=report)``, a module-level function.

    ``units`` is how much progress the task is worth (simulated seconds for a
    replication); the worker's reports are capped at it.
    """

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    units: float = 1.0


def _worker_main(tasks: Any, out: Any) -> None:
    """A worker process: run calls until told to stop, reporting progress on ``out``.

    The twin is imported first (seconds on a busy machine), so that a worker started
    ahead of time by :meth:`Registry.warm` answers its first call at once.
    """
    import twin.experiment  # noqa: F401

    out.put(("ready", -1, -1, None))
    while True:
        item = tasks.get()
        if item is None:
            return
        batch, index, call = item
        pending = [0.0, time.monotonic()]

        def report(
            step: float, index: int = index, batch: int = batch, pending: list[float] = pending
        ) -> None:
            pending[0] += step
            now = time.monotonic()
            if now - pending[1] >= _REPORT_EVERY_S:
                out.put(("p", batch, index, pending[0]))
                pending[0], pending[1] = 0.0, now

        try:
            result = call.fn(*call.args, progress=report)
        except BaseException as exc:  # sent back whole, re-raised in the job's thread
            try:
                out.put(("e", batch, index, exc))
            except Exception:  # an exception that does not pickle
                out.put(("e", batch, index, RuntimeError(repr(exc))))
            continue
        out.put(("r", batch, index, result))


class Workers:
    """Worker processes of one job; :meth:`terminate` ends them at once."""

    def __init__(self, count: int) -> None:
        """Start ``count`` spawned processes, idle until :meth:`map` gives them work."""
        ctx = multiprocessing.get_context("spawn")
        self.count = max(1, count)
        self._tasks = ctx.Queue()
        self._out = ctx.Queue()
        self._procs = [
            ctx.Process(target=_worker_main, args=(self._tasks, self._out), daemon=True)
            for _ in range(self.count)
        ]
        for p in self._procs:
            p.start()
        self.stopped = threading.Event()
        self._batch = 0
        self.dirty = False

    def map(
        self, calls: Sequence[Call], progress: Callable[[float], None] | None = None
    ) -> Iterator[tuple[int, Any]]:
        """Run ``calls``; yield ``(index, result)`` as they finish, in any order.

        ``progress`` receives units done (each call's reports, capped at its units).

        Raises:
            JobStopped: :meth:`terminate` was called, or a worker died.
            Exception: A call raised; it is re-raised here.
        """
        # Each map is a batch: a caller that abandons a map early (a study that has seen
        # enough) leaves tasks behind, whose late results must not count in the next.
        self._batch += 1
        batch = self._batch
        for index, call in enumerate(calls):
            self._tasks.put((batch, index, call))
        left = [len(calls)]
        try:
            yield from self._collect(calls, batch, left, progress)
        finally:
            if left[0]:
                self.dirty = True  # tasks left behind: these workers are not reused

    def _collect(
        self,
        calls: Sequence[Call],
        batch: int,
        left: list[int],
        progress: Callable[[float], None] | None,
    ) -> Iterator[tuple[int, Any]]:
        credited = [0.0] * len(calls)
        while left[0]:
            if self.stopped.is_set():
                raise JobStopped("stopped")
            try:
                kind, of, index, value = self._out.get(timeout=0.2)
            except queue.Empty:
                if not all(p.is_alive() for p in self._procs):
                    raise JobStopped("a worker process ended") from None
                continue
            if kind == "ready" or of != batch:
                continue
            if kind == "p":
                step = min(value, calls[index].units - credited[index])
            else:
                step = calls[index].units - credited[index]
            credited[index] += step
            if progress is not None and step > 0:
                progress(step)
            if kind == "e":
                raise value
            if kind == "r":
                left[0] -= 1
                yield index, value

    def close(self) -> None:
        """Let the workers finish and exit (after the last :meth:`map`)."""
        for _ in self._procs:
            self._tasks.put(None)
        for p in self._procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()

    def terminate(self) -> None:
        """End every worker now; a :meth:`map` in progress raises :class:`JobStopped`."""
        self.stopped.set()
        for p in self._procs:
            if p.is_alive():
                p.terminate()
        for p in self._procs:
            p.join(timeout=5)

    def alive(self) -> int:
        """The number of worker processes still running."""
        return sum(p.is_alive() for p in self._procs)


@dataclass
class Job:
    """One piece of work in progress (or just ended), as every tab sees it.

    Attributes:
        key: What it computes (the registry key).
        label: What the progress bar says.
        total: Units of the whole job (simulated seconds, or 1.0 for a share).
        workers: Worker processes it uses.
        status: ``running``, ``done``, ``failed`` or ``stopped``.
        result: What ``work`` returned, once done.
        error: What it raised, once failed.
        note: The latest line of progress text (a study reports its stage).
    """

    key: str
    label: str
    total: float
    workers: int
    status: str = "running"
    result: Any = None
    error: BaseException | None = None
    note: str = ""
    started: float = field(default_factory=time.monotonic)
    first_result_s: float | None = None
    joined: int = 0  # further requests (tabs, sessions) that joined this job
    ended_s: float | None = None
    _done: float = 0.0
    _pace_from: tuple[float, float] | None = None  # (time, share) of the first progress
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pool: Workers | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def advance(self, units: float) -> None:
        """Count ``units`` more of the job as done."""
        with self._lock:
            if self._pace_from is None:
                self._pace_from = (time.monotonic(), self._done / self.total if self.total else 0)
            self._done = min(self.total, self._done + units)

    def set_share(self, share: float, note: str = "") -> None:
        """Set the share done directly (for work that reports shares, e.g. a study)."""
        with self._lock:
            if self._pace_from is None:
                self._pace_from = (time.monotonic(), self._done / self.total if self.total else 0)
            self._done = max(0.0, min(1.0, share)) * self.total
            if note:
                self.note = note

    def mark_first_result(self) -> None:
        """Record when the first replication came back (seconds since the start)."""
        if self.first_result_s is None:
            self.first_result_s = time.monotonic() - self.started

    @property
    def share(self) -> float:
        """Share of the job done, 0..1."""
        with self._lock:
            return self._done / self.total if self.total > 0 else 0.0

    @property
    def elapsed_s(self) -> float:
        """Seconds since the job started (until it ended, once it has)."""
        end = self.ended_s if self.ended_s is not None else time.monotonic() - self.started
        return end

    def eta_s(self) -> float:
        """Seconds left at the pace since work began; NaN until that pace is known.

        The pace is measured from the first progress report, not from the start, so the
        seconds spent starting worker processes do not inflate the estimate.
        """
        if self.status != "running":
            return 0.0
        share = self.share
        with self._lock:
            start = self._pace_from
        if start is None or share <= start[1]:
            return math.nan
        return (time.monotonic() - start[0]) * (1.0 - share) / (share - start[1])

    def progress_text(self) -> str:
        """``label — 40%, about 12 s left (2 workers)``: what every tab shows."""
        eta = self.eta_s()
        left = "estimating time left" if math.isnan(eta) else f"about {_duration(eta)} left"
        extra = f" · shared by {self.joined + 1} requests 共享" if self.joined else ""
        extra += f" · {self.note}" if self.note else ""
        return (
            f"{self.label} — {self.share:.0%}, {left}, {_duration(self.elapsed_s)} so far "
            f"({self.workers} worker process{'es' if self.workers != 1 else ''}){extra}"
        )

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the job's thread to end; True if it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"


Work = Callable[[Job, Workers], Any]


class Registry:
    """Jobs by key, one per key, shared by every session of the server."""

    def __init__(self, keep_idle: int = 1) -> None:
        """An empty registry that keeps up to ``keep_idle`` idle sets of workers warm."""
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._idle: list[Workers] = []
        self.keep_idle = keep_idle

    def warm(self, count: int) -> None:
        """Start ``count`` workers ahead of the first Run (they import the twin now).

        Starting a worker and importing the twin costs seconds; a page calls this when it
        is shown so that Run answers at once. Does nothing if such workers are idle.
        """
        with self._lock:
            if any(w.count == count and w.alive() == count for w in self._idle):
                return
            if len(self._idle) >= self.keep_idle:
                return
            self._idle.append(Workers(count))

    def _acquire(self, count: int) -> Workers:
        with self._lock:
            for w in self._idle:
                if w.count == count and w.alive() == count:
                    self._idle.remove(w)
                    return w
        return Workers(count)

    def _release(self, pool: Workers) -> None:
        """Keep workers that ended cleanly for the next job; close the rest."""
        with self._lock:
            fit = pool.alive() == pool.count and not pool.dirty
            if fit and len(self._idle) < self.keep_idle:
                self._idle.append(pool)
                return
        pool.close()

    def shutdown(self) -> None:
        """End every job and every idle worker (tests; server exit)."""
        for job in self.running():
            self.stop(job.key)
        with self._lock:
            idle, self._idle = self._idle, []
        for w in idle:
            w.terminate()

    def get(self, key: str) -> Job | None:
        """Return the job under ``key`` (running, or ended and not yet cleared)."""
        with self._lock:
            return self._jobs.get(key)

    def start(
        self,
        key: str,
        label: str,
        work: Work,
        *,
        total: float,
        workers: int,
        on_done: Callable[[Job], None] | None = None,
    ) -> Job:
        """Start ``work(job, workers)`` on a thread, or return the job already under ``key``.

        A job that ended (done, failed) is replaced by a new one; a running one is joined.
        ``on_done`` runs on the job's thread after ``work`` returns (e.g. to store its
        result where every session finds it).
        """
        with self._lock:
            old = self._jobs.get(key)
            if old is not None and old.status == "running":
                old.joined += 1
                return old
            job = Job(key, label, total, workers)
            self._jobs[key] = job
        job._thread = threading.Thread(
            target=self._run, args=(job, work, on_done), name=f"ftztwin-job-{key[:12]}", daemon=True
        )
        job._thread.start()
        return job

    def _run(self, job: Job, work: Work, on_done: Callable[[Job], None] | None) -> None:
        pool: Workers | None = None
        try:
            pool = self._acquire(job.workers)
            job._pool = pool
            if job.status == "stopped":  # stopped while the workers started
                raise JobStopped("stopped")
            result = work(job, pool)
            job.result = result
            job.status = "done"
            if on_done is not None:
                on_done(job)
        except JobStopped:
            job.status = "stopped"
        except BaseException as exc:  # shown by every tab watching; the server lives on
            if job.status != "stopped":
                job.error = exc
                job.status = "failed"
        finally:
            job.ended_s = time.monotonic() - job.started
            if pool is not None:
                # Workers of a stopped or failed job may still be busy: never reused.
                if job.status == "done":
                    self._release(pool)
                else:
                    pool.terminate()

    def stop(self, key: str) -> Job | None:
        """Stop the job under ``key``: end its workers, forget it. Return it (or None)."""
        with self._lock:
            job = self._jobs.pop(key, None)
        if job is None:
            return None
        job.status = "stopped"
        if job._pool is not None:
            job._pool.terminate()
        job.wait(10)
        return job

    def clear(self, key: str) -> None:
        """Forget an ended job (its result is kept elsewhere, or its error was shown)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.status != "running":
                del self._jobs[key]

    def running(self) -> list[Job]:
        """Every job still running."""
        with self._lock:
            return [j for j in self._jobs.values() if j.status == "running"]


# One registry per server process: every tab and session of the app shares it.
REGISTRY = Registry()
