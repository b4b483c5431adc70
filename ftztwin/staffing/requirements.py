"""Officers needed per pool and hour of the week, from the twin's own workload.

1. The twin runs with ample officers in the pools under study (three 8 h shifts around
   the clock, about twice the plan's busiest hour): nobody waits, so the officers busy
   in each hour are the infinite-server occupancy, the modified offered load ``m(h)``.
2. Measured hour by hour that load is noisy (a few replications of one hour each), so
   it is fitted to the shape the scenario implies: the modified offered load of the
   trucks the pool serves — their arrival rate by hour and day (``twin.arrivals``)
   through an infinite-server queue with the pool's mean task time, ``x(h)`` — scaled by
   the measured officer-work per truck, ``β = Σ busy / Σ x`` over the observed hours.
   That also gives every hour of the week, observed or not. A pool that serves no
   truck (audit, support) keeps its measured hours, repeated by hour of day and scaled
   by the weekly profile; hours never observed stay at zero and are named.
3. Background work (write-offs, batch reviews, audits: low priority, deferrable within
   the day) is spread evenly over the week and added to every hour's load.
4. Each hour is staffed by Erlang-C (:mod:`~ftztwin.staffing.queueing`) against the
   pool's waiting rules: the targets on that pool's waits, else a default.

The answer is a first estimate; the simulation then checks it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ftz_spec import Scenario
from ftz_spec.site import Shift
from ftztwin.staffing.candidate import Staffing, plan_staffing, with_shifts
from ftztwin.staffing.probe import busy_key, tasks_key, work_key
from ftztwin.staffing.queueing import WaitRule, servers_needed
from ftztwin.staffing.targets import Target
from twin.arrivals import rate_per_s
from twin.experiment import ReplicationResult
from twin.staff import on_duty

__all__ = [
    "DEFAULT_RULE",
    "PoolLoad",
    "Requirement",
    "ample_staffing",
    "offered_load",
    "pool_loads",
    "requirements",
    "rules_from_targets",
]

WEEK_H = 168
DEFAULT_RULE = WaitRule(30.0, 0.05)  # 95% of tasks wait at most 30 min (assumption)


@dataclass(frozen=True)
class PoolLoad:
    """A pool's measured load over the run's hours (means over replications).

    Attributes:
        pool: Pool id.
        busy: Officers busy with truck-facing work, per hour of the run (Erlangs).
        background: Officers busy with background work, per hour of the run.
        tasks: Truck-facing officer-tasks started per hour of the run.
        task_s: Mean officer-seconds per truck-facing officer-task.
        observed: Hours of the run measured.
    """

    pool: str
    busy: tuple[float, ...]
    background: tuple[float, ...]
    tasks: tuple[float, ...]
    task_s: float
    observed: tuple[int, ...]


@dataclass(frozen=True)
class Requirement:
    """Officers a pool needs on duty in each hour of the week.

    Attributes:
        pool: Pool id.
        rules: The waiting rules each hour meets.
        load: Offered load per hour of the week (Erlangs, background included).
        servers: Officers needed per hour of the week.
        task_s: Mean officer-seconds per task (Erlang-C's service time).
        source: Per hour: ``fitted`` (to the served trucks' profile), or for a pool that
            serves no truck ``observed``, ``extrapolated`` or ``unobserved``.
    """

    pool: str
    rules: tuple[WaitRule, ...]
    load: tuple[float, ...]
    servers: tuple[int, ...]
    task_s: float
    source: tuple[str, ...]

    @property
    def peak(self) -> int:
        """Officers needed in the busiest hour."""
        return max(self.servers)

    @property
    def officer_hours(self) -> int:
        """Officer-hours a week the requirement asks for."""
        return sum(self.servers)


def ample_staffing(base: Scenario, pools: Sequence[str]) -> Staffing:
    """``pools`` on three 8 h shifts around the clock with about twice the plan's peak."""
    out = plan_staffing(base)
    by_id = {p.id: p for p in base.site.staff_pools}
    for pool_id in pools:
        pool = by_id[pool_id]
        peak = max(on_duty(pool, h) for h in range(WEEK_H))
        n = max(4, 2 * peak + 2)
        shifts = tuple(Shift(start_h=h, length_h=8, officers=n) for h in (0, 8, 16))
        out = out.replace(pool_id, with_shifts(pool, shifts).count, shifts)
    return out


def pool_loads(
    base: Scenario, results: Sequence[ReplicationResult], pools: Sequence[str]
) -> dict[str, PoolLoad]:
    """Mean hourly load of ``pools`` over workload replications (see :mod:`.probe`)."""
    hours = max(1, math.ceil(base.run.horizon_h))
    # With ample staff nothing queues, so the warm-up's hours measure load as well as any
    # (the empty start costs only the first service times).
    observed = tuple(range(hours))
    n = max(1, len(results))

    def mean(key: str) -> float:
        return sum(r.kpis.get(key, 0.0) for r in results) / n

    out = {}
    for p in pools:
        spans = [r.kpis.get(work_key(p), math.nan) for r in results]
        spans = [s for s in spans if not math.isnan(s)]
        out[p] = PoolLoad(
            pool=p,
            busy=tuple(mean(busy_key(p, h)) for h in range(hours)),
            background=tuple(mean(busy_key(p, h, True)) for h in range(hours)),
            tasks=tuple(mean(tasks_key(p, h)) for h in range(hours)),
            task_s=sum(spans) / len(spans) if spans else math.nan,
            observed=observed,
        )
    return out


def _week(load: PoolLoad, weekly: Sequence[float]) -> tuple[list[float], list[str]]:
    """Truck-facing load per hour of the week, extrapolating unobserved hours."""
    wf = [w / (sum(weekly) / 7) if sum(weekly) else 1.0 for w in weekly]
    seen: dict[int, list[float]] = {}
    for h in load.observed:
        seen.setdefault(h % WEEK_H, []).append(load.busy[h])
    week, source = [0.0] * WEEK_H, ["unobserved"] * WEEK_H
    for w in range(WEEK_H):
        if w in seen:
            week[w], source[w] = sum(seen[w]) / len(seen[w]), "observed"
            continue
        donors = [
            sum(seen[d]) / len(seen[d]) * wf[w // 24] / wf[d // 24]
            for d in sorted(seen)
            if d % 24 == w % 24 and wf[d // 24] > 0
        ]
        if donors:
            week[w], source[w] = sum(donors) / len(donors), "extrapolated"
    return week, source


def _served_rate(base: Scenario, pool_id: str, hours: int) -> list[float]:
    """Trucks per hour arriving in flows the pool serves, for hours ``0..hours-1``."""
    pool = next(p for p in base.site.staff_pools if p.id == pool_id)
    zones = {pool.zone, *pool.also_serves}
    flows = [
        f for f in base.uncertainties.flows
        if pool.zone is None or f.zone in zones or f.to in zones
    ]  # fmt: skip
    return [
        sum(rate_per_s(base, f, h * 3600.0 + 1.0) * 3600.0 for f in flows) for h in range(hours)
    ]


def offered_load(rates_per_h: Sequence[float], task_s: float, cycles: int = 1) -> list[float]:
    """Hourly means of the M_t/M/∞ occupancy for piecewise-constant hourly arrival rates.

    ``dm/dt = λ(t) − m/τ`` integrated exactly over one-minute steps, from an empty system
    (``cycles=1``, as a run starts) or, with ``cycles=2``, in its periodic steady state
    (the second pass over a repeating pattern).
    """
    tau_min = max(task_s, 1.0) / 60.0
    decay = math.exp(-1.0 / tau_min)
    m, out = 0.0, []
    for cycle in range(cycles):
        out = []
        for lam_h in rates_per_h:
            inflow = lam_h / 60.0 * tau_min * (1.0 - decay)
            total = 0.0
            for _ in range(60):
                m = m * decay + inflow
                total += m
            out.append(total / 60.0)
        del cycle
    return out


def _fitted(base: Scenario, load: PoolLoad) -> tuple[list[float], list[str]] | None:
    """``β·x(h)`` over the week (see the module docstring); None if the pool serves no truck."""
    if not load.task_s > 0:
        return None
    run = offered_load(_served_rate(base, load.pool, len(load.busy)), load.task_s)
    shape = sum(run[h] for h in load.observed)
    if shape <= 0:
        return None
    beta = sum(load.busy[h] for h in load.observed) / shape
    week = offered_load(_served_rate(base, load.pool, WEEK_H), load.task_s, cycles=2)
    return [beta * x for x in week], ["fitted"] * WEEK_H


def requirements(
    base: Scenario, loads: dict[str, PoolLoad], rules: dict[str, tuple[WaitRule, ...]]
) -> dict[str, Requirement]:
    """Officers needed per pool and hour of the week (Erlang-C on the modified load)."""
    out = {}
    for p, load in loads.items():
        week, source = _fitted(base, load) or _week(load, base.uncertainties.weekly_profile)
        obs = [load.background[h] for h in load.observed]
        background = sum(obs) / len(obs) if obs else 0.0
        total = [w + background for w in week]
        service = load.task_s if load.task_s > 0 else 60.0
        servers = tuple(
            max((servers_needed(a, service, r) for r in rules[p]), default=0) for a in total
        )
        out[p] = Requirement(p, rules[p], tuple(total), servers, service, tuple(source))
    return out


def rules_from_targets(
    targets: Sequence[Target], pools: Sequence[str], default: WaitRule = DEFAULT_RULE
) -> dict[str, tuple[WaitRule, ...]]:
    """Each pool's waiting rules: the targets on its waits, else ``default``.

    ``wait_min_mean[staff/P] <= v`` becomes a mean-wait rule, ``wait_min_p95[staff/P] <= v``
    a 5% tail rule. Meeting a rule in every hour meets it over the window too (the window's
    waits are a mixture of the hours').
    """
    out: dict[str, tuple[WaitRule, ...]] = {}
    for p in pools:
        found = []
        for t in targets:
            if t.op != "<=":
                continue
            if t.kpi == f"wait_min_mean[staff/{p}]":
                found.append(WaitRule(t.value))
            elif t.kpi == f"wait_min_p95[staff/{p}]":
                found.append(WaitRule(t.value, 0.05))
        out[p] = tuple(found) or (default,)
    return out
