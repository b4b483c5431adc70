"""Runs for the app: a scenario with the app's run settings, replications, and a result store.

The app runs short experiments (hours, a few replications) so that a planner gets an
answer in seconds. The event log of the first replication is kept for the charts and the
monitoring replay; the KPIs of every replication are kept for confidence intervals.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftz_spec import Scenario, digest, parse_scenario
from ftz_stores.eventlog import read_event_log
from ftztwin.appkit.jobs import REGISTRY, Call, Job, Registry, Workers, default_workers
from twin.assessment import assess
from twin.experiment import ReplicationResult, run_experiment, run_replication
from twin.stats import Interval

__all__ = [
    "RunResult",
    "RunSettings",
    "RunStore",
    "collect",
    "read_log",
    "run_scenario",
    "start_run",
    "with_run_settings",
]


def read_log(source: Any) -> Any:
    """Read an event log (path or text buffer) into a frame whose ``time_s`` is numeric.

    Some twin processes hand numpy floats to the recorder, and the writer's ``repr``
    turns those into ``np.float64(…)`` in the CSV; the wrapper is unwrapped here so that
    such logs still load (reported to the twin's owner).

    Raises:
        ValueError: A time is not a number.
    """
    import pandas as pd

    frame = read_event_log(source)
    if not pd.api.types.is_numeric_dtype(frame["time_s"]):
        text = frame["time_s"].astype(str).str.replace(r"^np\.float64\((.*)\)$", r"\1", regex=True)
        frame["time_s"] = pd.to_numeric(text)
    return frame


@dataclass(frozen=True)
class RunSettings:
    """How long and how often the app runs a scenario (overrides the scenario's ``run``)."""

    horizon_h: float = 24.0
    warmup_h: float = 4.0
    replications: int = 3


@dataclass(frozen=True)
class RunResult:
    """Everything the pages draw from one experiment; never mutated once made.

    Attributes:
        scenario: The scenario that ran, with the app's run settings applied.
        digest: ``digest(scenario)``, the cache key.
        results: The KPIs of every replication.
        summary: Mean and 95% confidence interval of every KPI.
        events: The event log of replication 0 as a DataFrame (``attrs`` parsed).
        events_csv: The same event log as CSV bytes, for download.
        warnings: Every warning of the run, as the CLI and the report print them (set-up
            warnings, unfinished share above the threshold, stalled resources).
    """

    scenario: Scenario
    digest: str
    results: tuple[ReplicationResult, ...]
    summary: dict[str, Interval]
    events: Any
    events_csv: bytes
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name


def with_run_settings(scenario: Scenario, settings: RunSettings, source: str = "<app>") -> Scenario:
    """Return ``scenario`` with the app's horizon, warm-up and replications, validated again.

    Raises:
        ScenarioError: The settings do not validate (e.g. warm-up not shorter than horizon).
    """
    data = scenario.model_dump(mode="json")
    data["run"] = {
        **data["run"],
        "horizon_h": settings.horizon_h,
        "warmup_h": settings.warmup_h,
        "replications": settings.replications,
        "event_log": "first",
    }
    return parse_scenario(data, source)


def run_scenario(scenario: Scenario, progress: Callable[[float], None] | None = None) -> RunResult:
    """Run ``scenario.run.replications`` replications and collect what the pages need.

    Args:
        scenario: A validated scenario (see :func:`with_run_settings`).
        progress: Receives the share of the whole experiment done, 0..1.

    Raises:
        ScenarioError: A file the scenario names (the risk table) is missing or invalid.
    """
    total_s = scenario.run.replications * scenario.run.horizon_h * 3600.0
    done_s = 0.0

    def tick(step_s: float) -> None:  # the twin reports simulated seconds per chunk
        nonlocal done_s
        done_s += step_s
        if progress is not None:
            progress(min(1.0, done_s / total_s))

    # The event log goes through a file, as in the CLI, rather than a list of records:
    # the same reader then serves the app's own runs and logs uploaded from elsewhere.
    with tempfile.TemporaryDirectory(prefix="ftztwin-app-") as tmp:
        results = run_experiment(scenario, None, Path(tmp), tick)
        made = collect(scenario, results, Path(tmp) / "events_rep000.csv")
    if progress is not None:
        progress(1.0)
    return made


def collect(scenario: Scenario, results: Sequence[ReplicationResult], log: Path) -> RunResult:
    """Judge ``results`` (in replication order) and read replication 0's event ``log``."""
    events_csv = log.read_bytes()
    events = read_log(log)
    # The same judgement as the CLI and the reports (twin.assessment): intervals within
    # bounds, the unfinished share and every warning.
    judged = assess(scenario, list(results))
    return RunResult(
        scenario,
        digest(scenario),
        tuple(judged.results),
        judged.summary,
        events,
        events_csv,
        tuple(str(w) for w in judged.warnings),
    )


def start_run(
    store: RunStore, scenario: Scenario, workers: int | None = None, registry: Registry = REGISTRY
) -> Job:
    """Start ``scenario``'s replications in worker processes, or join the same run in progress.

    The job's key is the scenario's digest (its run settings included), so every tab and
    session asking for the same run watches one job. When it ends its result goes into
    ``store``, where every session finds it. Results are those of :func:`run_scenario`,
    byte for byte, for any number of workers.
    """
    key = digest(scenario)
    n = scenario.run.replications
    horizon_s = scenario.run.horizon_h * 3600.0

    def work(job: Job, pool: Workers) -> RunResult:
        with tempfile.TemporaryDirectory(prefix="ftztwin-app-") as tmp:
            log = Path(tmp) / "events_rep000.csv"
            calls = [
                Call(run_replication, (scenario, r, log if r == 0 else None), horizon_s)
                for r in range(n)
            ]
            done: dict[int, ReplicationResult] = {}
            for i, result in pool.map(calls, job.advance):
                done[i] = result
                job.mark_first_result()
            return collect(scenario, [done[r] for r in range(n)], log)

    def keep(job: Job) -> None:
        store.put(job.result)

    return registry.start(
        key,
        f"Running {scenario.name}: {n} replications × {scenario.run.horizon_h:g} h",
        work,
        total=n * horizon_s,
        workers=workers or default_workers(n),
        on_done=keep,
    )


class RunStore:
    """The last few results by scenario digest; older ones are dropped first.

    One store serves every session of the app (Streamlit keeps it as a resource), so a
    scenario that someone has run is not run again while it is in the store.
    """

    def __init__(self, size: int = 12) -> None:
        """Keep at most ``size`` results (each holds one replication's event log)."""
        self.size = size
        self._items: OrderedDict[str, RunResult] = OrderedDict()
        self._lock = threading.Lock()  # sessions run in threads of one server

    def get(self, key: str) -> RunResult | None:
        """Return the result for ``key`` (a scenario digest) or None."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, result: RunResult) -> RunResult:
        """Keep ``result`` under its digest and return it."""
        with self._lock:
            self._items[result.digest] = result
            self._items.move_to_end(result.digest)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return result

    def run(self, scenario: Scenario, progress: Callable[[float], None] | None = None) -> RunResult:
        """Return the stored result for ``scenario`` or run it and store it."""
        return self.get(digest(scenario)) or self.put(run_scenario(scenario, progress))

    def __len__(self) -> int:
        return len(self._items)
