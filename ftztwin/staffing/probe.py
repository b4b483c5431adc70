"""What a staffing experiment measures in a replication beyond the twin's KPIs.

Two trace sinks ride along with the twin's own KPI accumulator (same records, same run):

* :class:`Backlog` counts the work a candidate left undone: cases that arrived after the
  warm-up and had not cleared at the horizon, and officer tasks still waiting for an
  officer then. The twin's KPIs see only finished work, so a starved pool would look
  fast; the staffing search holds this count against the candidate.
* :class:`Workload` measures each staff pool's offered load hour by hour: officers busy
  (the infinite-server occupancy, i.e. the modified offered load when staffing is ample),
  officer-tasks started and their mean duration. Truck-facing work is kept apart from the
  deferrable background work (write-offs, batch reviews, audits …) that officers do at
  low priority.

Both are module-level task functions (:func:`replicate_guarded`, :func:`replicate_workload`)
so any sweep backend ships them to its workers by name.
"""

from __future__ import annotations

import math

from core.trace import Lifecycle, TraceRecord
from ftz_spec import Scenario
from twin.experiment import ReplicationResult, run_replication

__all__ = [
    "ARRIVED",
    "BACKGROUND",
    "UNFINISHED",
    "Backlog",
    "Workload",
    "busy_key",
    "replicate_guarded",
    "replicate_workload",
    "tasks_key",
    "work_key",
]

# Low-priority officer work (priority 1 in the twin): it waits behind trucks and can be
# deferred within the day, so it adds capacity over the day rather than per hour.
BACKGROUND = frozenset(
    {
        "support", "risk_targeting", "device_maintenance", "write_off", "batch_review",
        "post_audit", "desk_audit", "risk_feedback",
    }
)  # fmt: skip
UNFINISHED = "unfinished_work"  # cases + queued officer tasks left at the horizon
ARRIVED = "arrived_work"  # cases + officer tasks that arrived after the warm-up
_HOUR = 3600.0
_STAFF = "staff/"


def busy_key(pool: str, hour: int, background: bool = False) -> str:
    """KPI name of a pool's officers busy (mean over the hour) in hour ``hour`` of the run."""
    return f"{'bg' if background else 'busy'}[staff/{pool}][{hour}]"


def tasks_key(pool: str, hour: int) -> str:
    """KPI name of the truck-facing officer-tasks a pool started in hour ``hour``."""
    return f"tasks[staff/{pool}][{hour}]"


def work_key(pool: str) -> str:
    """KPI name of a pool's mean officer-seconds per truck-facing officer-task."""
    return f"task_s_mean[staff/{pool}]"


class Backlog:
    """Counts the work still undone at the horizon (a trace sink)."""

    def __init__(self, warmup_s: float) -> None:
        self.warmup_s = warmup_s
        self.arrived = 0
        self._open: set[str] = set()
        self._waiting: set[tuple[str, str, str]] = set()

    def __call__(self, rec: TraceRecord) -> None:
        """Observe one record."""
        if rec.activity == "clearance":
            if rec.lifecycle is Lifecycle.START and rec.time_s >= self.warmup_s:
                self.arrived += 1
                self._open.add(rec.case_id)
            elif rec.lifecycle is Lifecycle.STOP:
                self._open.discard(rec.case_id)
            return
        if not rec.resource.startswith(_STAFF):
            return
        key = (rec.case_id, rec.activity, rec.resource)
        if rec.lifecycle is Lifecycle.WAIT_START and rec.time_s >= self.warmup_s:
            self.arrived += 1
            self._waiting.add(key)
        elif rec.lifecycle is Lifecycle.WAIT_STOP:
            self._waiting.discard(key)

    def result(self) -> dict[str, float]:
        """Work arrived after the warm-up, and what of it is unfinished at the horizon."""
        return {
            ARRIVED: float(self.arrived),
            UNFINISHED: float(len(self._open) + len(self._waiting)),
        }


class Workload:
    """Each staff pool's load hour by hour (a trace sink)."""

    def __init__(self, horizon_s: float) -> None:
        self.hours = max(1, math.ceil(horizon_s / _HOUR))
        self.horizon_s = horizon_s
        self._started: dict[tuple[str, str, str], tuple[float, int]] = {}
        self._busy: dict[tuple[str, bool], list[float]] = {}
        self._tasks: dict[str, list[float]] = {}
        self._work: dict[str, list[float]] = {}

    def __call__(self, rec: TraceRecord) -> None:
        """Observe one record."""
        if not rec.resource.startswith(_STAFF):
            return
        key = (rec.case_id, rec.activity, rec.resource)
        if rec.lifecycle is Lifecycle.START:
            self._started[key] = (rec.time_s, int(rec.attrs.get("officers", 1)))
        elif rec.lifecycle is Lifecycle.STOP and key in self._started:
            start, officers = self._started.pop(key)
            self._add(rec.resource[len(_STAFF) :], rec.activity, start, rec.time_s, officers)

    def _add(self, pool: str, activity: str, start: float, stop: float, officers: int) -> None:
        background = activity in BACKGROUND
        busy = self._busy.setdefault((pool, background), [0.0] * self.hours)
        hour = int(start // _HOUR)
        while hour < self.hours and hour * _HOUR < stop:
            lo, hi = max(start, hour * _HOUR), min(stop, (hour + 1) * _HOUR)
            busy[hour] += officers * (hi - lo) / _HOUR
            hour += 1
        if background:
            return
        first = min(int(start // _HOUR), self.hours - 1)
        self._tasks.setdefault(pool, [0.0] * self.hours)[first] += officers
        work = self._work.setdefault(pool, [0.0, 0.0])
        work[0] += officers
        work[1] += officers * (stop - start)

    def finish(self) -> None:
        """Count the tasks still in service at the horizon up to the horizon."""
        for (_, activity, resource), (start, officers) in sorted(self._started.items()):
            self._add(resource[len(_STAFF) :], activity, start, self.horizon_s, officers)
        self._started.clear()

    def result(self) -> dict[str, float]:
        """Busy officers per pool and hour (truck-facing and background), tasks, durations."""
        self.finish()
        out: dict[str, float] = {}
        for (pool, background), busy in sorted(self._busy.items()):
            out.update({busy_key(pool, h, background): v for h, v in enumerate(busy)})
        for pool, tasks in sorted(self._tasks.items()):
            out.update({tasks_key(pool, h): v for h, v in enumerate(tasks)})
        for pool, (n, total) in sorted(self._work.items()):
            out[work_key(pool)] = total / n if n else math.nan
        return out


def replicate_guarded(scenario: Scenario, replication: int) -> ReplicationResult:
    """One replication's KPIs plus the work it left undone (a backend task function)."""
    backlog = Backlog(scenario.run.warmup_h * _HOUR)
    res = run_replication(scenario, replication, extra_sinks=[backlog])
    return ReplicationResult(replication, {**res.kpis, **backlog.result()})


def replicate_workload(scenario: Scenario, replication: int) -> ReplicationResult:
    """One replication's KPIs plus every pool's hourly load (a backend task function)."""
    workload = Workload(scenario.run.horizon_h * _HOUR)
    backlog = Backlog(scenario.run.warmup_h * _HOUR)
    res = run_replication(scenario, replication, extra_sinks=[workload, backlog])
    return ReplicationResult(replication, {**res.kpis, **backlog.result(), **workload.result()})
