"""Replications of a scenario and their summary with confidence intervals.

Each replication gets its own named streams (common random numbers across scenarios) and
returns only its KPI dict; the event log, when wanted, is streamed to a file as it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ftztwin.scenario import Scenario
from twin.eventlog import EventLogWriter
from twin.kpi import KpiAccumulator
from twin.model import Twin, resource_capacities
from twin.recorder import Recorder, Sink
from twin.stats import Interval, mean_ci

__all__ = ["ReplicationResult", "run_experiment", "run_replication", "summarise"]


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
) -> ReplicationResult:
    """Run one replication; stream its event log to ``event_log`` if given."""
    warmup_s = scenario.run.warmup_h * 3600.0
    horizon_s = scenario.run.horizon_h * 3600.0
    acc = KpiAccumulator(warmup_s, horizon_s, resource_capacities(scenario))
    sinks: list[Sink] = [acc, *(extra_sinks or [])]
    writer = EventLogWriter(event_log) if event_log is not None else None
    if writer is not None:
        sinks.append(writer)
    try:
        Twin(scenario, replication, Recorder(sinks)).run(progress)
    finally:
        if writer is not None:
            writer.close()
    return ReplicationResult(replication, acc.result())


def run_experiment(
    scenario: Scenario,
    replications: int | None = None,
    event_log_dir: Path | None = None,
    progress: Callable[[float], None] | None = None,
) -> list[ReplicationResult]:
    """Run replications 0..n-1 in order (the run's own count when ``replications`` is None)."""
    n = replications or scenario.run.replications
    results = []
    for r in range(n):
        log = event_log_dir / f"events_rep{r:03d}.csv" if event_log_dir is not None else None
        results.append(run_replication(scenario, r, log, progress))
    return results


def summarise(results: list[ReplicationResult]) -> dict[str, Interval]:
    """Return each KPI's mean and 95% confidence interval over the replications."""
    names = sorted({k for r in results for k in r.kpis})
    return {k: mean_ci([r.kpis.get(k, float("nan")) for r in results]) for k in names}
