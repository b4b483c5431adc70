"""Is a staffing candidate feasible? A sequential test on common random numbers.

Every candidate runs the same replications 0, 1, 2 … (the same trucks, enterprises and
draws: common random numbers), so candidates are compared pair-wise on equal terms.
A candidate starts with ``min_reps`` replications; while some target's 95% confidence
interval still straddles its bound, ``step`` more are added, up to ``max_reps``. It is
feasible only when every interval lies on the right side of its bound — at the budget an
undecided candidate counts as infeasible, so a shortage is never accepted on luck. This
is the feasibility-check form of ranking and selection (Batur & Kim 2010, simplified to
t intervals). Results are cached per (candidate, replication): re-checking costs nothing.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ftz_spec import Scenario, parse_scenario
from ftz_spec.errors import ScenarioError
from ftztwin.staffing.targets import CLEARED_RATIO, StaffingError, Target
from ftztwin.sweep.backends import Backend, run_replications
from twin.stats import Interval, mean_ci

__all__ = ["Evaluator", "Verdict"]

Counts = Mapping[str, int]


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one candidate.

    Attributes:
        counts: Headcount per pool id.
        feasible: Every target met with 95% confidence.
        replications: Replications used.
        intervals: Each target KPI's mean and 95% CI.
        reason: Why infeasible (empty when feasible).
    """

    counts: dict[str, int]
    feasible: bool
    replications: int
    intervals: dict[str, Interval]
    reason: str = ""


class Evaluator:
    """Checks candidates against targets on a started backend, caching every replication."""

    def __init__(
        self,
        base: Scenario,
        targets: Sequence[Target],
        backend: Backend,
        min_reps: int = 5,
        step: int = 5,
        max_reps: int = 20,
    ) -> None:
        """Check candidates derived from ``base`` (whose own headcounts are the plan)."""
        self.base = base
        self.targets = list(targets)
        self.backend = backend
        self.min_reps, self.step, self.max_reps = min_reps, step, max(max_reps, min_reps)
        self.plan = {p.id: p.count for p in base.site.staff_pools}
        self._data = base.model_dump(mode="json")
        self._cache: dict[tuple[int, ...], dict[int, dict[str, float]]] = {}
        self.replications_run = 0

    @property
    def candidates(self) -> int:
        """Distinct candidates run so far."""
        return len(self._cache)

    def _key(self, counts: Counts) -> tuple[int, ...]:
        return tuple(counts[p] for p in sorted(self.plan))

    def scenario(self, counts: Counts) -> Scenario:
        """The base scenario with the given headcounts."""
        data = dict(self._data)
        site = dict(data["site"])
        site["staff_pools"] = [{**p, "count": counts[p["id"]]} for p in site["staff_pools"]]
        data["site"] = site
        return parse_scenario(data, self.base.name)

    def _kpis(self, counts: Counts, n: int) -> list[dict[str, float]]:
        """KPIs of replications 0..n-1 of the candidate, running only the missing ones."""
        key = self._key(counts)
        have = self._cache.setdefault(key, {})
        missing = [r for r in range(n) if r not in have]
        if missing:
            for res in run_replications(self.scenario(counts), missing, self.backend):
                have[res.replication] = res.kpis
            self.replications_run += len(missing)
        return [have[r] for r in range(n)]

    def _values(self, counts: Counts, n: int, kpi: str) -> list[float]:
        rows = self._kpis(counts, n)
        if kpi != CLEARED_RATIO:
            return [row.get(kpi, math.nan) for row in rows]
        ref = self._kpis(self.plan, n)
        return [
            c["trucks_cleared"] / p["trucks_cleared"] if p["trucks_cleared"] else math.nan
            for c, p in zip(rows, ref, strict=True)
        ]

    def check_names(self) -> None:
        """Fail early on a target KPI that the twin does not produce.

        Raises:
            StaffingError: A target names an unknown KPI.
        """
        names = set(self._kpis(self.plan, 1)[0]) | {CLEARED_RATIO}
        bad = [t.kpi for t in self.targets if t.kpi not in names]
        if bad:
            problems = []
            for kpi in bad:
                near = difflib.get_close_matches(kpi, sorted(names), n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(near)}?" if near else ""
                problems.append(f"unknown KPI (got {kpi!r}){hint}")
            raise StaffingError("--target", problems)

    def check(self, counts: Counts) -> Verdict:
        """Decide whether ``counts`` meets every target (sequentially adding replications).

        A candidate the scenario validation refuses (a pool nobody is on duty in, never
        two inspectors) is infeasible without a run.
        """
        counts = dict(counts)
        try:
            self.scenario(counts)
        except ScenarioError as exc:
            nan = Interval(math.nan, math.nan, math.nan, 0)
            reason = f"refused by validation: {exc.problems[0]}"
            return Verdict(counts, False, 0, {t.kpi: nan for t in self.targets}, reason)
        n = self.min_reps
        while True:
            intervals = {t.kpi: mean_ci(self._values(counts, n, t.kpi)) for t in self.targets}
            decisions = [(t, t.decide(intervals[t.kpi])) for t in self.targets]
            missed = [t for t, d in decisions if d is False]
            if missed:
                return Verdict(counts, False, n, intervals, f"misses {missed[0]}")
            if all(d for _, d in decisions):
                return Verdict(counts, True, n, intervals)
            if n >= self.max_reps:
                open_ = next(t for t, d in decisions if d is None)
                return Verdict(counts, False, n, intervals, f"undecided at budget: {open_}")
            n = min(n + self.step, self.max_reps)
