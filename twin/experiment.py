"""Replications of a scenario, serial or on local processes, and their summary.

Each replication gets its own named streams (common random numbers across scenarios)
and returns its KPI dict (and, when asked, the series the report draws); the event log,
when wanted, is streamed to a file as it runs. Results are ordered by replication
whatever the number of workers, so a run is byte-identical on one process or many.

:func:`run_to_precision` adds replications until the chosen KPIs' relative half-widths
reach a target. It decides on the replications in index order, so the number chosen does
not depend on how many ran at once.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.risk.persist import RiskStateError, capture, restore
from core.trace import Recorder, Sink
from ftz_spec import Scenario
from ftz_spec.errors import UserError
from ftz_stores.eventlog import EventLogWriter
from ftz_stores.risk_state import load_risk_state_file, save_risk_state_file
from twin.errors import KpiNotProduced
from twin.kpi import KpiAccumulator
from twin.model import Twin, resource_capacity_s, resource_groups
from twin.series import ReplicationDetail, SeriesRecorder
from twin.stats import Interval
from twin.summary import summarise, summarise_kpi

__all__ = [
    "PrecisionRun",
    "ReplicationResult",
    "default_workers",
    "run_experiment",
    "run_replication",
    "run_to_precision",
    "summarise",
    "worker_pool",
]


@dataclass(frozen=True)
class ReplicationResult:
    """The KPIs of one replication (and its series, when asked for)."""

    replication: int
    kpis: dict[str, float]
    detail: ReplicationDetail | None = None


def run_replication(
    scenario: Scenario,
    replication: int,
    event_log: Path | None = None,
    progress: Callable[[float], None] | None = None,
    extra_sinks: list[Sink] | None = None,
    controller_factory: Callable[[str], Any] | None = None,
    detail: bool = False,
    risk_state_dir: Path | None = None,
    on_built: Callable[[Twin], None] | None = None,
) -> ReplicationResult:
    """Run one replication; stream its event log to ``event_log`` if given.

    ``controller_factory`` replaces the in-process gate controllers (hardware in the
    loop); ``detail`` also collects the series of :class:`ReplicationDetail`.
    ``risk_state_dir`` carries the risk engine's learning between runs: the replication
    starts from ``risk_rep<NNN>.json`` there if it exists and saves its state back.
    ``on_built`` sees the built twin before it runs (a calibration observes its devices).

    Raises:
        UserError: The saved risk state was learned on another risk table.
    """
    run = scenario.run
    acc = KpiAccumulator(
        run.warmup_h * 3600.0,
        run.horizon_h * 3600.0,
        resource_capacity_s(scenario),
        resource_groups(scenario),
        run.stall_warning_h * 3600.0,
    )
    sinks: list[Sink] = [acc, *(extra_sinks or [])]
    series = SeriesRecorder(run.end_h) if detail else None
    if series is not None:
        sinks.append(series)
    writer = EventLogWriter(event_log) if event_log is not None else None
    if writer is not None:
        sinks.append(writer)
    twin = Twin(scenario, replication, Recorder(sinks), controller_factory=controller_factory)
    state_file = (
        None if risk_state_dir is None else risk_state_dir / f"risk_rep{replication:03d}.json"
    )
    if state_file is not None:
        _restore_risk(twin, state_file)
    if on_built is not None:
        on_built(twin)
    try:
        twin.run(progress)
    finally:
        if writer is not None:
            writer.close()
    if state_file is not None:
        # The twin's ledger is new each run, so its outbox numbering restarts: seq 0.
        save_risk_state_file(state_file, capture(twin.world.risk, feed_seq=0))
    acc.close(twin.end_s)
    more = None if series is None else series.detail(twin.end_s, acc.clearance_distribution())
    return ReplicationResult(replication, {**acc.result(), **twin.extra_kpis()}, more)


def _restore_risk(twin: Twin, path: Path) -> None:
    try:
        state = load_risk_state_file(path)
        if state is not None:
            restore(twin.world.risk, state)
    except RiskStateError as exc:
        raise UserError(f"--risk-state {path}: {exc}") from None


def default_workers(replications: int) -> int:
    """Local processes worth starting for ``replications`` on this machine."""
    return max(1, min(replications, os.cpu_count() or 1))


def _log_path(scenario: Scenario, folder: Path | None, r: int) -> Path | None:
    mode = scenario.run.event_log
    if folder is None or mode == "none" or (mode == "first" and r > 0):
        return None
    return folder / f"events_rep{r:03d}.csv"


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _warm() -> None:
    """Import the twin in a new worker, before its first task."""
    import twin.model  # noqa: F401


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that start once and serve every later run.

    Starting a worker costs about two seconds of CPU (a fresh interpreter importing the
    project), more than a short replication; so workers are kept for the life of the
    process (the app, a sweep, a test session) and shut down at exit. A replication
    leaves nothing behind in its worker (:meth:`twin.model.Twin.run`), so a reused worker
    gives the same bytes as a new one. Workers fork from a server process that imported
    the twin once ("forkserver", where the platform has it): free of the parent's threads
    (Streamlit, Dask) and locks like "spawn", without each worker importing it again.
    """
    pool = _POOLS.get(workers)
    if pool is not None and not getattr(pool, "_broken", False):
        return pool
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        # "__main__" too: the server loads the parent's main module (the ftztwin script, the
        # app) once, so a forked worker does not import it again.
        ctx.set_forkserver_preload(["__main__", "twin.experiment"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm)
    _POOLS[workers] = pool
    return pool


@atexit.register
def _shutdown_pools() -> None:
    for pool in _POOLS.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _POOLS.clear()


@contextmanager
def _pool(workers: int) -> Iterator[Executor | None]:
    yield None if workers <= 1 else worker_pool(workers)


def _run_batch(
    pool: Executor | None,
    scenario: Scenario,
    reps: Sequence[int],
    event_log_dir: Path | None,
    progress: Callable[[float], None] | None,
    detail: bool,
    risk_state_dir: Path | None = None,
) -> list[ReplicationResult]:
    if pool is None or len(reps) == 1:
        return [
            run_replication(
                scenario,
                r,
                _log_path(scenario, event_log_dir, r),
                progress,
                detail=detail,
                risk_state_dir=risk_state_dir,
            )
            for r in reps
        ]
    horizon_s = scenario.run.horizon_h * 3600.0
    futures = [
        pool.submit(run_replication, scenario, r, _log_path(scenario, event_log_dir, r), None, None, None, detail, risk_state_dir)
        for r in reps
    ]  # fmt: skip
    results = []
    for fut in as_completed(futures):
        results.append(fut.result())
        if progress is not None:
            progress(horizon_s)
    return sorted(results, key=lambda r: r.replication)


def run_experiment(
    scenario: Scenario,
    replications: int | None = None,
    event_log_dir: Path | None = None,
    progress: Callable[[float], None] | None = None,
    workers: int = 1,
    detail: bool = False,
    risk_state_dir: Path | None = None,
) -> list[ReplicationResult]:
    """Run replications 0..n-1 (the scenario's own count when ``replications`` is None).

    Args:
        scenario: The validated scenario.
        replications: How many; defaults to ``scenario.run.replications``.
        event_log_dir: Folder for event logs (``run.event_log`` says for which).
        progress: Receives simulated seconds done (per replication when parallel).
        workers: Local processes; 1 runs in this process.
        detail: Also collect each replication's series (for the report's plots).
        risk_state_dir: Where each replication's risk state is restored from and saved
            to, to carry learning between runs; None starts from the table.
    """
    n = replications or scenario.run.replications
    with _pool(min(workers, n)) as pool:
        return _run_batch(pool, scenario, range(n), event_log_dir, progress, detail, risk_state_dir)


@dataclass(frozen=True)
class PrecisionRun:
    """Replications added until a precision was reached (or the cap).

    Attributes:
        results: The replications kept, 0..n-1.
        kpis: The KPIs the precision was asked for.
        precision: Target relative half-width (half-width / |mean|).
        reached: Whether every KPI reached it within the cap.
        intervals: Each KPI's interval at the chosen number.
        min_replications: Replications always run first.
        max_replications: The cap.
    """

    results: list[ReplicationResult]
    kpis: tuple[str, ...]
    precision: float
    reached: bool
    intervals: dict[str, Interval]
    min_replications: int
    max_replications: int


def _precise(results: Sequence[ReplicationResult], kpis: Sequence[str], precision: float) -> bool:
    for k in kpis:
        rel = summarise_kpi(results, k).relative_half_width
        if math.isnan(rel) or rel > precision:
            return False
    return True


def _check_produced(results: Sequence[ReplicationResult], kpis: Sequence[str]) -> None:
    for k in kpis:
        if all(math.isnan(summarise_kpi([r], k).mean) for r in results):
            raise KpiNotProduced(k, sorted({n for r in results for n in r.kpis}))


def run_to_precision(
    scenario: Scenario,
    kpis: Sequence[str],
    precision: float,
    min_replications: int = 5,
    max_replications: int = 40,
    event_log_dir: Path | None = None,
    progress: Callable[[float], None] | None = None,
    workers: int = 1,
    detail: bool = False,
    risk_state_dir: Path | None = None,
) -> PrecisionRun:
    """Add replications one by one until each KPI's relative half-width ≤ ``precision``.

    Replications run in batches of ``workers``; the stopping rule is applied to
    replications in index order and any run beyond the stopping point is dropped, so the
    result is the same for any number of workers.

    Raises:
        ValueError: ``precision`` not in (0, 1), or ``min_replications`` < 2, or a cap
            below the minimum.
        KpiNotProduced: A KPI is absent from every one of the first replications.
    """
    if not 0 < precision < 1:
        raise ValueError(f"precision must be in (0, 1), got {precision}")
    if min_replications < 2 or max_replications < min_replications:
        raise ValueError(f"need 2 <= min ({min_replications}) <= max ({max_replications})")
    results: list[ReplicationResult] = []
    chosen = None
    with _pool(workers) as pool:
        while chosen is None and len(results) < max_replications:
            start = len(results)
            size = min_replications if not results else max(1, workers)
            reps = range(start, min(start + size, max_replications))
            results += _run_batch(
                pool, scenario, reps, event_log_dir, progress, detail, risk_state_dir
            )
            if start == 0:
                _check_produced(results, kpis)
            for n in range(max(min_replications, start + 1), len(results) + 1):
                if _precise(results[:n], kpis, precision):
                    chosen = n
                    break
    kept = results[: chosen or len(results)]
    intervals = {k: summarise_kpi(kept, k) for k in kpis}
    return PrecisionRun(
        kept,
        tuple(kpis),
        precision,
        chosen is not None,
        intervals,
        min_replications,
        max_replications,
    )
