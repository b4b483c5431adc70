"""One experiment runner, three backends: serial, local processes, Dask distributed.

Every backend runs the same task function, :func:`replicate`, on ``(scenario,
replication)`` pairs. A replication is deterministic for its scenario, seed and number
whatever process runs it, so the three backends give identical results; they differ only
in where the work happens. Each task returns the replication's KPI dict (a few hundred
floats), never a trace: the event log stays on the worker (or is never written).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from ftz_spec import Scenario
from ftztwin.sweep.errors import SweepError
from twin.experiment import ReplicationResult, run_replication, worker_pool

__all__ = [
    "BACKENDS",
    "Backend",
    "DaskBackend",
    "ProcessBackend",
    "SerialBackend",
    "Task",
    "make_backend",
    "replicate",
    "run_replications",
]


def replicate(scenario: Scenario, replication: int) -> ReplicationResult:
    """The task function of every backend: run one replication, return only its KPIs."""
    return run_replication(scenario, replication)


TaskFn = Callable[[Scenario, int], ReplicationResult]


@dataclass(frozen=True)
class Task:
    """One replication of one scenario.

    ``fn`` is the task function: :func:`replicate` unless an experiment measures more
    per replication (a module-level function, so every backend can ship it by name).
    """

    scenario: Scenario
    replication: int
    fn: TaskFn = replicate


def _warm_up() -> None:
    """Import the twin in a worker before timing starts (first import costs ~1 s)."""
    import twin.model  # noqa: F401


class Backend:
    """Runs tasks somewhere; use as a context manager so workers are always shut down."""

    name = "backend"

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def __enter__(self) -> Backend:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start workers (no-op for serial)."""

    def close(self) -> None:
        """Stop workers; pending tasks are cancelled."""

    def imap(self, tasks: Sequence[Task]) -> Iterator[tuple[int, ReplicationResult]]:
        """Yield ``(index into tasks, result)`` as tasks finish, in any order."""
        raise NotImplementedError


class SerialBackend(Backend):
    """Every task in this process, in order."""

    name = "serial"

    def imap(self, tasks: Sequence[Task]) -> Iterator[tuple[int, ReplicationResult]]:
        """Run the tasks one after the other."""
        for i, task in enumerate(tasks):
            yield i, task.fn(task.scenario, task.replication)


class ProcessBackend(Backend):
    """Local worker processes, started once per process (:func:`twin.experiment.worker_pool`)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        super().__init__(workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Take the shared pool (started once) and import the twin in every worker."""
        self._pool = worker_pool(self.workers)
        for fut in [self._pool.submit(_warm_up) for _ in range(self.workers)]:
            fut.result()

    def close(self) -> None:
        """Let go of the pool; it stays warm for the next sweep (shut down at exit)."""
        self._pool = None

    def imap(self, tasks: Sequence[Task]) -> Iterator[tuple[int, ReplicationResult]]:
        """Submit every task, yield results as they come."""
        if self._pool is None:
            raise RuntimeError("ProcessBackend used outside 'with'")
        index: dict[Future[ReplicationResult], int] = {
            self._pool.submit(t.fn, t.scenario, t.replication): i for i, t in enumerate(tasks)
        }
        try:
            for fut in as_completed(index):
                yield index[fut], fut.result()
        finally:
            for fut in index:
                fut.cancel()


# The twin is pure Python: a worker's sampling profiler (every 10 ms) and its frequent
# event-loop ticks take the GIL from the one thread doing the work. A sweep task is a
# black box of seconds, so neither is worth its cost here.
_LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
}


class DaskBackend(Backend):
    """Dask distributed: a loopback LocalCluster, or a running cluster at ``scheduler``.

    A real cluster's workers need this project installed (same version) to import
    :func:`replicate`. Tasks are submitted with ``pure=False`` (each is a fresh run, never
    a cached result) and each scenario is broadcast to the workers once, not shipped
    with every task.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        super().__init__(workers or os.cpu_count() or 1)
        self.scheduler = scheduler
        self._cluster: Any = None
        self._client: Any = None

    def start(self) -> None:
        """Start (or connect to) the cluster and import the twin on every worker.

        Raises:
            SweepError: The scheduler cannot be reached.
        """
        import dask
        from distributed import Client

        if self.scheduler is None:
            with dask.config.set(_LOCAL_WORKER_CONFIG):  # handed on to the worker processes
                self._cluster = self._local_cluster()
            self._client = Client(self._cluster)
            self._client.wait_for_workers(self.workers)
        else:
            try:
                self._client = Client(self.scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise SweepError("--scheduler", [f"cannot reach {self.scheduler}: {exc}"]) from None
            self.workers = max(1, len(self._client.scheduler_info()["workers"]))
        self._client.run(_warm_up)

    def _local_cluster(self) -> Any:
        from distributed import LocalCluster

        return LocalCluster(
            n_workers=self.workers,
            threads_per_worker=1,  # the twin is pure Python: threads would share the GIL
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # loopback, any free port (None still binds 8787)
            silence_logs=logging.ERROR,
        )

    def close(self) -> None:
        """Close the client and, if we started it, the cluster."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def imap(self, tasks: Sequence[Task]) -> Iterator[tuple[int, ReplicationResult]]:
        """Scatter each distinct scenario once, submit every task, yield results as they come."""
        from distributed import as_completed as dask_completed

        client = self._client
        if client is None:
            raise RuntimeError("DaskBackend used outside 'with'")
        scattered: dict[int, Any] = {}
        for t in tasks:
            if id(t.scenario) not in scattered:
                # broadcast: a scenario held by one worker only would pull every task
                # of that scenario to it (data locality) and leave the others idle.
                scattered[id(t.scenario)] = client.scatter(t.scenario, hash=False, broadcast=True)
        futures = [
            client.submit(t.fn, scattered[id(t.scenario)], t.replication, pure=False) for t in tasks
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for fut in dask_completed(futures):
                yield index[fut.key], fut.result()
        finally:
            client.cancel(futures)
            client.cancel(list(scattered.values()))


BACKENDS = ("serial", "processes", "dask")


def make_backend(name: str, workers: int | None = None, scheduler: str | None = None) -> Backend:
    """Return the backend called ``name`` (``scheduler`` implies Dask).

    Raises:
        SweepError: Unknown backend name, or a scheduler given for a non-Dask backend.
    """
    if scheduler is not None and name not in ("dask", "auto"):
        raise SweepError("--scheduler", [f"a scheduler needs --backend dask (got {name!r})"])
    if scheduler is not None or name == "dask":
        return DaskBackend(workers, scheduler)
    if name == "processes":
        return ProcessBackend(workers)
    if name == "serial":
        return SerialBackend()
    raise SweepError("--backend", [f"unknown backend (got {name!r}; known: {', '.join(BACKENDS)})"])


def run_replications(
    scenario: Scenario, replications: Sequence[int], backend: Backend, fn: TaskFn = replicate
) -> list[ReplicationResult]:
    """Run the given replications of ``scenario`` on a started backend, ordered by number."""
    tasks = [Task(scenario, r, fn) for r in replications]
    results = [result for _, result in backend.imap(tasks)]
    return sorted(results, key=lambda r: r.replication)
