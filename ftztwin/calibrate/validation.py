"""Validation on held-out trucks: does the calibrated twin reproduce what it was not fitted to?

A share of the trucks, chosen by a hash of their id, is held out of every fit. Each is an
independent sample of the same site over the same days (hash-thinning a Poisson stream
gives a Poisson stream), so every profile stays estimable from the rest, which a split
by time would not allow in a log of one week. Their KPIs are computed from their records
by the twin's own KPI functions. The calibrated twin is then run with replications no
run of the scenario uses, its trucks held out by the same hash, and each observed KPI is
compared with the prediction interval of the simulated one (mean ± t·s·√(1 + 1/R)): the
observed log is one realisation, so it should fall where one more replication would.

Two verdicts: every KPI inside its simultaneous interval (Bonferroni over the KPIs: all
inside with 95% if the model is right), and no more KPIs outside their 95% intervals
than a right model leaves outside 95% of the time (the binomial count; with few
replications this is the one with power, the simultaneous intervals being wide).
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from core.trace import Lifecycle, TraceRecord
from ftz_spec import Scenario, parse_scenario
from ftztwin.calibrate.logs import ObservedLog, parse_attrs
from twin.experiment import run_replication
from twin.kpi import KpiAccumulator
from twin.model import resource_capacity_s, resource_groups
from twin.rng import stream_key

__all__ = [
    "FIRST_REPLICATION",
    "KpiCheck",
    "Verdict",
    "held_out",
    "observed_kpis",
    "simulated_kpis",
    "validate",
    "verdict",
]

FIRST_REPLICATION = 1000  # validation replications: never the 0, 1, … a run uses
_MIN_CASES = 30
_KPIS = ("trucks_cleared", "clearance_time_min_mean", "clearance_time_min_p95")


def held_out(case_id: str, share: float) -> bool:
    """Whether a truck is held out (a hash of its id below ``share``)."""
    return stream_key(case_id) / 2.0**64 < share


@dataclass(frozen=True)
class KpiCheck:
    """One held-out KPI against the calibrated twin's prediction."""

    kpi: str
    observed: float
    simulated: list[float]
    interval: tuple[float, float]  # 95% prediction interval
    simultaneous: tuple[float, float]

    @property
    def mean(self) -> float:
        """The simulated mean."""
        return float(np.mean(self.simulated))

    @property
    def inside(self) -> bool:
        """Whether the observed value lies in the simultaneous prediction interval."""
        return self.simultaneous[0] <= self.observed <= self.simultaneous[1]

    @property
    def inside_95(self) -> bool:
        """Whether the observed value lies in the 95% prediction interval."""
        return self.interval[0] <= self.observed <= self.interval[1]


@dataclass(frozen=True)
class Verdict:
    """Both verdicts of a validation."""

    kpis: int
    inside: int  # in their simultaneous intervals
    outside_95: int  # outside their 95% intervals
    allowed_95: int  # the most a right model leaves outside, 95% of the time

    @property
    def passed(self) -> bool:
        """Every KPI in its simultaneous interval and no more outside 95% than allowed."""
        return self.inside == self.kpis and self.outside_95 <= self.allowed_95


def verdict(checks: list[KpiCheck]) -> Verdict:
    """The two verdicts over ``checks``."""
    k = len(checks)
    return Verdict(k, sum(c.inside for c in checks), sum(not c.inside_95 for c in checks),
                   int(stats.binom.ppf(0.95, k, 0.05)) if k else 0)  # fmt: skip


def _window(scenario: Scenario, log: ObservedLog) -> Scenario:
    data = scenario.model_dump(mode="json")
    horizon_h = log.end_s / 3600.0
    warmup_h = max(scenario.run.warmup_h, log.start_s / 3600.0)
    if warmup_h >= horizon_h:
        warmup_h = log.start_s / 3600.0
    data["run"].update(horizon_h=horizon_h, warmup_h=warmup_h, event_log="none")
    return parse_scenario(data, scenario.name)


def _accumulator(scenario: Scenario) -> KpiAccumulator:
    return KpiAccumulator(
        scenario.run.warmup_h * 3600.0,
        scenario.run.horizon_h * 3600.0,
        resource_capacity_s(scenario),
        resource_groups(scenario),
    )


def _records(frame: pd.DataFrame) -> Iterable[TraceRecord]:
    frame = frame.sort_values("time_s", kind="stable")
    for row in frame.itertuples(index=False):
        yield TraceRecord(row.case_id, row.activity, Lifecycle(row.lifecycle), row.resource,
                          float(row.time_s), parse_attrs(row.attrs))  # fmt: skip


def _supported(frame: pd.DataFrame, warmup_s: float) -> set[str]:
    """KPIs with at least 30 held-out trucks behind them."""
    late = frame[frame["time_s"] >= warmup_s]
    waits = late[late["lifecycle"] == "WAIT_START"].groupby("resource")["case_id"].nunique()
    out = set(_KPIS) | {f"wait_min_mean[{r}]" for r, n in waits.items() if n >= _MIN_CASES}
    stops = late[(late["activity"] == "clearance") & (late["lifecycle"] == "STOP")]
    kinds = stops["attrs"].map(lambda a: parse_attrs(a).get("flow", "?")).value_counts()
    out |= {f"clearance_time_min_mean[flow={k}]" for k, n in kinds.items() if n >= _MIN_CASES}
    return out


def observed_kpis(log: ObservedLog, scenario: Scenario, share: float) -> dict[str, float]:
    """The KPIs of the held-out trucks, as the twin computes KPIs."""
    window = _window(scenario, log)
    cases = {c for c in log.records["case_id"].unique() if held_out(c, share)}
    frame = log.records[log.records["case_id"].isin(cases)]
    acc = _accumulator(window)
    for rec in _records(frame):
        acc.observe(rec)
    keep = _supported(frame, window.run.warmup_h * 3600.0)
    return {k: v for k, v in acc.result().items() if k in keep and math.isfinite(v)}


class _HeldOut:
    """A recorder sink: the KPIs of the held-out trucks only."""

    def __init__(self, scenario: Scenario, share: float) -> None:
        self.acc = _accumulator(scenario)
        self.share = share
        self._seen: dict[str, bool] = {}

    def __call__(self, rec: TraceRecord) -> None:
        held = self._seen.get(rec.case_id)
        if held is None:
            held = self._seen[rec.case_id] = held_out(rec.case_id, self.share)
        if held:
            self.acc.observe(rec)
        if rec.activity == "clearance" and rec.lifecycle is Lifecycle.STOP:
            self._seen.pop(rec.case_id, None)


def _one(args: tuple[Scenario, int, float]) -> dict[str, float]:
    scenario, replication, share = args
    sink = _HeldOut(scenario, share)
    run_replication(scenario, replication, extra_sinks=[sink])
    return sink.acc.result()


def simulated_kpis(
    scenario: Scenario, log: ObservedLog, share: float, replications: int, workers: int = 1
) -> list[dict[str, float]]:
    """The held-out KPIs of ``replications`` runs of the calibrated twin over the log's window."""
    window = _window(scenario, log)
    jobs = [(window, FIRST_REPLICATION + r, share) for r in range(replications)]
    if workers <= 1 or replications <= 1:
        return [_one(job) for job in jobs]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, replications), mp_context=ctx) as pool:
        return list(pool.map(_one, jobs))


def _prediction(values: list[float], level: float) -> tuple[float, float]:
    xs = np.asarray(values, dtype=float)
    n = len(xs)
    if n < 2:
        return (math.nan, math.nan)
    m, s = float(xs.mean()), float(xs.std(ddof=1))
    h = float(stats.t.ppf(1 - (1 - level) / 2, n - 1)) * s * math.sqrt(1 + 1 / n)
    return (m - h, m + h)


def validate(observed: dict[str, float], simulated: list[dict[str, float]]) -> list[KpiCheck]:
    """Compare each observed KPI with the simulated ones (simultaneous over the KPIs).

    A KPI that is zero in the held-out trucks and in every replication (a queue that never
    forms) says nothing either way and is left out, so it cannot pad the count.
    """
    names = [
        k
        for k in sorted(observed)
        if all(k in s for s in simulated)
        and not (observed[k] == 0 and all(s[k] == 0 for s in simulated))
    ]
    k = max(len(names), 1)
    out = []
    for name in names:
        values = [s[name] for s in simulated]
        out.append(KpiCheck(name, observed[name], values, _prediction(values, 0.95),
                            _prediction(values, 1 - 0.05 / k)))  # fmt: skip
    return out
