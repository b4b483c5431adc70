"""Experiments from the app: sweeps over chosen levers and the staffing optimiser, as jobs.

A sweep is the CLI's (:mod:`ftztwin.sweep`): a full grid or a Latin hypercube over the
levers a planner picks, every point a validated scenario, every point's replications on
common random numbers. Here its replications go to the job's worker processes
(:mod:`ftztwin.appkit.jobs`), so the page shows progress with an ETA, Stop ends it, and a
second tab asking for the same sweep joins it. Each point is judged as a run is
(:func:`twin.assessment.assess`: intervals within their KPI's bounds), and the table is
kept by the sweep's key, so asking again answers at once.

The staffing optimiser is :func:`ftztwin.staffing.run_staffing` on a backend whose
replications are the job's worker processes.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from ftz_spec import Scenario, digest
from ftztwin.appkit.frames import ROLE_LABELS
from ftztwin.appkit.jobs import REGISTRY, Call, Job, Registry, Workers, default_workers
from ftztwin.staffing import Outcome, Request, run_staffing
from ftztwin.sweep import Backend, SweepError, SweepSpec, Task, resolve_points
from twin.assessment import assess
from twin.catalogue import describe, is_known
from twin.experiment import ReplicationResult, run_replication

__all__ = [
    "CACHE",
    "DEFAULT_OUTPUTS",
    "REGISTRY",
    "Lever",
    "SweepError",
    "SweepTable",
    "levers",
    "response_chart",
    "staff_service_chart",
    "start_staffing",
    "start_sweep",
    "sweep_key",
    "sweep_spec",
]

DEFAULT_OUTPUTS = (
    "clearance_time_min_mean",
    "clearance_time_min_p95",
    "unfinished_share",
    "trucks_cleared",
    "inspection_rate",
)


@dataclass(frozen=True)
class Lever:
    """A field a sweep can vary: its path, a label, the scenario's value, whole numbers."""

    path: str
    label: str
    value: float
    integer: bool


def levers(scenario: Scenario) -> list[Lever]:
    """Levers a planner sweeps: headcounts, H986 scanners, gate lanes, traffic."""
    out = [
        Lever(
            f"site.staff_pools[id={p.id}].count",
            f"Staff {p.id} ({ROLE_LABELS.get(p.role.value, p.role.value)}) 人员",
            float(p.count),
            True,
        )
        for p in scenario.site.staff_pools
    ]
    out += [
        Lever(f"levers.h986.{z.id}", f"H986 scanners at {z.id} H986数量",
              float(scenario.levers.h986.get(z.id, 0)), True)
        for z in scenario.site.zones
    ]  # fmt: skip
    out.append(
        Lever("uncertainties.traffic_scale", "Traffic scale 交通量倍数",
              float(scenario.uncertainties.traffic_scale), False)
    )  # fmt: skip
    return out


def sweep_spec(
    factors: dict[str, tuple[float, float, int, bool]],
    design: str,
    samples: int,
    replications: int,
    seed: int = 0,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    name: str = "app_sweep",
) -> SweepSpec:
    """A validated sweep from the page: ``{path: (low, high, levels, integer)}``.

    Raises:
        pydantic.ValidationError: The design does not validate (e.g. no factor).
    """
    data: dict[str, Any] = {
        "name": name,
        "scenario": "<app>",
        "design": design,
        "replications": replications,
        "seed": seed,
        "outputs": list(outputs),
        "levers": {},
    }
    if design == "lhs":
        data["samples"] = samples
    for path, (low, high, levels, integer) in factors.items():
        if design == "grid" and integer:
            # A grid of whole numbers: the distinct rounded levels between low and high.
            step = (high - low) / max(1, levels - 1)
            data["levers"][path] = sorted({round(low + i * step) for i in range(levels)})
        else:
            data["levers"][path] = {"low": low, "high": high, "integer": integer}
            if design == "grid":
                data["levers"][path]["levels"] = levels
    return SweepSpec.model_validate(data)


def sweep_key(spec: SweepSpec, base: Scenario) -> str:
    """What a sweep computes: its design and the digest of its base scenario."""
    text = json.dumps(spec.model_dump(mode="json"), sort_keys=True) + digest(base)
    return "sweep:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class SweepTable:
    """A finished sweep: one row per (point, KPI), and the factors' paths."""

    key: str
    factors: tuple[str, ...]
    rows: pd.DataFrame
    points: int
    replications: int

    def csv(self) -> bytes:
        """The table as CSV (what the page offers for download)."""
        return self.rows.to_csv(index=False).encode("utf-8")


class _Cache:
    """Finished sweeps by key (a few; the oldest go first)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[str, SweepTable] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> SweepTable | None:
        with self._lock:
            return self._items.get(key)

    def put(self, table: SweepTable) -> None:
        with self._lock:
            self._items[table.key] = table
            while len(self._items) > self.size:
                self._items.popitem(last=False)


CACHE = _Cache()


def _rows(
    points: Sequence[Any], results: dict[int, list[ReplicationResult]], spec: SweepSpec
) -> pd.DataFrame:
    rows = []
    for i, point in enumerate(points):
        reps = sorted(results[i], key=lambda r: r.replication)
        summary = assess(point.scenario, reps).summary
        for kpi in spec.outputs:
            iv = summary.get(kpi)
            row: dict[str, Any] = {"point": point.index, **point.values, "kpi": kpi}
            if iv is None:
                row.update(mean=math.nan, ci95_low=math.nan, ci95_high=math.nan, replications=0)
            else:
                row.update(mean=iv.mean, ci95_low=iv.low, ci95_high=iv.high, replications=iv.n)
            row["label"] = (
                f"{describe(kpi).name_en} {describe(kpi).name_zh}" if is_known(kpi) else kpi
            )
            rows.append(row)
    return pd.DataFrame(rows)


def start_sweep(
    spec: SweepSpec,
    base: Scenario,
    workers: int | None = None,
    registry: Registry = REGISTRY,
) -> tuple[str, Job | None]:
    """Start ``spec`` on ``base`` (or join it); ``(key, None)`` if its table is cached.

    Raises:
        SweepError: A point's scenario does not validate (before anything runs).
    """
    key = sweep_key(spec, base)
    if CACHE.get(key) is not None:
        return key, None
    points = resolve_points(spec, base, "the app's sweep")
    reps = spec.replications
    units = [p.scenario.run.horizon_h * 3600.0 for p in points]

    def work(job: Job, pool: Workers) -> SweepTable:
        calls = [
            Call(run_replication, (p.scenario, r, None), units[i])
            for i, p in enumerate(points)
            for r in range(reps)
        ]
        results: dict[int, list[ReplicationResult]] = {i: [] for i in range(len(points))}
        for index, result in pool.map(calls, job.advance):
            results[index // reps].append(result)
            job.mark_first_result()
        factors = tuple(f.path for f in spec.factors())
        return SweepTable(key, factors, _rows(points, results, spec), len(points), reps)

    def keep(job: Job) -> None:
        CACHE.put(job.result)

    job = registry.start(
        key,
        f"Sweep: {len(points)} points × {reps} replications",
        work,
        total=sum(units) * reps,
        workers=workers or default_workers(len(points) * reps),
        on_done=keep,
    )
    return key, job


def _call_task(fn: Any, scenario: Scenario, replication: int, progress: Any = None) -> Any:
    """A sweep backend's task run in a job's worker (the task reports no progress)."""
    return fn(scenario, replication)


class _JobBackend(Backend):
    """A :class:`ftztwin.sweep.Backend` whose tasks run on a job's worker processes."""

    name = "app-workers"

    def __init__(self, pool: Workers) -> None:
        super().__init__(pool.count)
        self._pool = pool

    def imap(self, tasks: Sequence[Task]) -> Iterator[tuple[int, ReplicationResult]]:
        calls = [Call(_call_task, (t.fn, t.scenario, t.replication)) for t in tasks]
        yield from self._pool.map(calls)


def start_staffing(
    scenario: Scenario,
    request: Request,
    workers: int | None = None,
    registry: Registry = REGISTRY,
) -> Job:
    """Start the staffing optimiser on ``scenario`` (run settings applied), or join it."""
    text = repr(request) + digest(scenario)
    key = "staffing:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    def work(job: Job, pool: Workers) -> Outcome:
        def progress(share: float, line: str) -> None:
            job.set_share(share, line)

        with _JobBackend(pool) as backend:
            return run_staffing(scenario, request, backend, progress)

    return registry.start(
        key,
        f"Staffing study on {', '.join(request.pools)}",
        work,
        total=1.0,
        workers=workers or default_workers(8),
    )


def response_chart(table: SweepTable, kpi: str, x: str, colour: str | None) -> alt.Chart:
    """The response surface of ``kpi``: mean and 95% interval against factor ``x``.

    With a second factor ``colour``: one line per level (a grid) or coloured points (a
    Latin hypercube); with two factors and a grid, see :func:`heatmap`.
    """
    rows = table.rows[table.rows["kpi"] == kpi].copy()
    label = rows["label"].iloc[0] if len(rows) else kpi
    rows["x"] = rows[x]
    enc_colour = alt.Color(f"{colour}:N", title=colour) if colour else alt.value("#2b8cbe")
    base = alt.Chart(rows).encode(
        x=alt.X("x:Q", title=x),
        color=enc_colour,
        tooltip=[x, *([colour] if colour else []), "mean", "ci95_low", "ci95_high", "replications"],
    )
    bars = base.mark_errorbar().encode(y=alt.Y("ci95_low:Q", title=label), y2="ci95_high:Q")
    line = base.mark_line(point=True).encode(y=alt.Y("mean:Q", title=label))
    return (bars + line).properties(height=360, title=f"{label} — mean and 95% interval")


def staff_service_chart(table: SweepTable, kpi: str) -> alt.Chart | None:
    """Total staff of the swept pools against a service level; None without a staff lever."""
    staff = [f for f in table.factors if f.startswith("site.staff_pools[")]
    if not staff:
        return None
    rows = table.rows[table.rows["kpi"] == kpi].copy()
    rows["staff"] = rows[staff].sum(axis=1)
    label = rows["label"].iloc[0] if len(rows) else kpi
    return (
        alt.Chart(rows)
        .mark_circle(size=70)
        .encode(
            x=alt.X("staff:Q", title="Staff in the swept pools 人员总数"),
            y=alt.Y("mean:Q", title=label),
            tooltip=[*staff, "mean", "ci95_low", "ci95_high"],
        )
        .properties(height=320, title=f"Staff against {label} 人员与服务水平")
    )
