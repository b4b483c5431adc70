"""Replications of a scenario, serial or on local processes, and their summary.

Each replication gets its own named streams (common random numbers across scenarios)
and returns only its KPI dict; the event log, when wanted, is streamed to a file as it
runs. Results are ordered by replication whatever the number of workers, so a run is
byte-identical on one process or many.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.trace import Recorder, Sink
from ftz_spec import Scenario
from ftz_stores.eventlog import EventLogWriter
from twin.kpi import KpiAccumulator
from twin.model import Twin, resource_capacity_s, resource_groups
from twin.stats import Interval, mean_ci

__all__ = ["ReplicationResult", "default_workers", "run_experiment", "run_replication", "summarise"]


@dataclass(frozen=True)
class ReplicationResult:
    """The KPIs of one replication."""

    replication: int
    kpis: dict[str, float]


def run_replication(
    scenario: Scenario,
    replication: int,
    event_log: Path | None = None,
    progress: Callable[[float], None] | None = None,
    extra_sinks: list[Sink] | None = None,
    controller_factory: Callable[[str], Any] | None = None,
    on_built: Callable[[Twin], None] | None = None,
) -> ReplicationResult:
    """Run one replication; stream its event log to ``event_log`` if given.

    ``controller_factory`` replaces the in-process gate controllers (hardware in the loop);
    ``on_built`` sees the built twin before it runs (a calibration observes its devices).
    """
    warmup_s = scenario.run.warmup_h * 3600.0
    horizon_s = scenario.run.horizon_h * 3600.0
    acc = KpiAccumulator(
        warmup_s, horizon_s, resource_capacity_s(scenario), resource_groups(scenario)
    )
    sinks: list[Sink] = [acc, *(extra_sinks or [])]
    writer = EventLogWriter(event_log) if event_log is not None else None
    if writer is not None:
        sinks.append(writer)
    twin = Twin(scenario, replication, Recorder(sinks), controller_factory=controller_factory)
    if on_built is not None:
        on_built(twin)
    try:
        twin.run(progress)
    finally:
        if writer is not None:
            writer.close()
    return ReplicationResult(replication, {**acc.result(), **twin.extra_kpis()})


def default_workers(replications: int) -> int:
    """Local processes worth starting for ``replications`` on this machine."""
    return max(1, min(replications, os.cpu_count() or 1))


def _log_path(scenario: Scenario, folder: Path | None, r: int) -> Path | None:
    mode = scenario.run.event_log
    if folder is None or mode == "none" or (mode == "first" and r > 0):
        return None
    return folder / f"events_rep{r:03d}.csv"


def run_experiment(
    scenario: Scenario,
    replications: int | None = None,
    event_log_dir: Path | None = None,
    progress: Callable[[float], None] | None = None,
    workers: int = 1,
) -> list[ReplicationResult]:
    """Run replications 0..n-1 (the scenario's own count when ``replications`` is None).

    Args:
        scenario: The validated scenario.
        replications: How many; defaults to ``scenario.run.replications``.
        event_log_dir: Folder for event logs (``run.event_log`` says for which).
        progress: Receives simulated seconds done (per replication when parallel).
        workers: Local processes; 1 runs in this process.
    """
    n = replications or scenario.run.replications
    if workers <= 1 or n == 1:
        return [
            run_replication(scenario, r, _log_path(scenario, event_log_dir, r), progress)
            for r in range(n)
        ]
    horizon_s = scenario.run.horizon_h * 3600.0
    results: list[ReplicationResult] = []
    # "spawn" keeps workers free of the parent's threads (Streamlit, Dask) and locks.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, n), mp_context=ctx) as pool:
        futures = [
            pool.submit(run_replication, scenario, r, _log_path(scenario, event_log_dir, r))
            for r in range(n)
        ]
        for fut in as_completed(futures):
            results.append(fut.result())
            if progress is not None:
                progress(horizon_s)
    return sorted(results, key=lambda r: r.replication)


def summarise(results: list[ReplicationResult]) -> dict[str, Interval]:
    """Return each KPI's mean and 95% confidence interval over the replications."""
    names = sorted({k for r in results for k in r.kpis})
    return {k: mean_ci([r.kpis.get(k, float("nan")) for r in results]) for k in names}
