"""Is a staffing candidate feasible? A sequential test on common random numbers.

Every candidate runs the same replications 0, 1, 2 … (the same trucks, enterprises and
draws: common random numbers), so candidates are compared pair-wise on equal terms.
A candidate starts with ``min_reps`` replications; while some target's 95% confidence
interval still straddles its bound, ``step`` more are added, up to ``max_reps``. It is
feasible only when every interval lies on the right side of its bound — at the budget an
undecided candidate counts as infeasible, so a shortage is never accepted on luck. This
is the feasibility-check form of ranking and selection (Batur & Kim 2010, simplified to
t intervals). Results are cached per (candidate, replication): re-checking costs nothing.

Ratios against a reference staffing (``cleared_ratio``, ``unfinished_excess``) pair each
replication with the reference's same replication. A candidate is a
:class:`~ftztwin.staffing.candidate.Staffing` (headcounts and explicit shifts) or, for
short, a mapping of headcounts. Replication numbers start at ``first_rep``: the final
selection runs fresh ones, independent of those the search chose on.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ftz_spec import Scenario
from ftz_spec.errors import ScenarioError
from ftztwin.staffing.candidate import Staffing, apply_staffing, plan_staffing
from ftztwin.staffing.probe import ARRIVED, UNFINISHED, replicate_guarded
from ftztwin.staffing.targets import CLEARED_RATIO, UNFINISHED_EXCESS, StaffingError, Target
from ftztwin.sweep.backends import Backend, TaskFn, run_replications
from twin.stats import Interval, mean_ci

__all__ = ["Evaluator", "Verdict", "shortfall"]

Counts = Mapping[str, int]
_RATIOS = (CLEARED_RATIO, UNFINISHED_EXCESS)


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one candidate.

    Attributes:
        counts: Headcount per pool id.
        feasible: Every target met with 95% confidence.
        replications: Replications used.
        intervals: Each target KPI's mean and 95% CI.
        reason: Why infeasible (empty when feasible): which target, by how much.
        staffing: The candidate checked (headcounts and shifts).
    """

    counts: dict[str, int]
    feasible: bool
    replications: int
    intervals: dict[str, Interval]
    reason: str = ""
    staffing: Staffing | None = None


def shortfall(target: Target, iv: Interval) -> str:
    """``target`` missed by how much, in words (mean and 95% CI against the bound)."""
    gap = iv.mean - target.value if target.op == "<=" else target.value - iv.mean
    ci = "" if math.isnan(iv.half_width) else f" ± {iv.half_width:.3g}"
    return f"{target} missed by {gap:.3g} (mean {iv.mean:.4g}{ci})"


def _undecided(target: Target, iv: Interval) -> str:
    return f"{target}: the 95% CI {iv.low:.4g} to {iv.high:.4g} straddles the bound"


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
        reference: Staffing | None = None,
        fn: TaskFn = replicate_guarded,
    ) -> None:
        """Check candidates derived from ``base`` (whose own headcounts are the plan).

        Args:
            base: The scenario the candidates change.
            targets: Service levels every candidate must meet.
            backend: A started backend.
            min_reps: Replications a candidate starts with.
            step: Replications added while a target is undecided.
            max_reps: Replications at most per candidate.
            reference: The staffing ratios are taken against (default: the plan).
            fn: The replication task function (default: KPIs plus unfinished work).
        """
        self.base = base
        self.targets = list(targets)
        self.backend = backend
        self.min_reps, self.step, self.max_reps = min_reps, step, max(max_reps, min_reps)
        self.plan = {p.id: p.count for p in base.site.staff_pools}
        self.reference = reference or plan_staffing(base)
        self.fn = fn
        self._cache: dict[Staffing, dict[int, dict[str, float]]] = {}
        self.replications_run = 0

    @property
    def candidates(self) -> int:
        """Distinct candidates run so far."""
        return len(self._cache)

    def staffing(self, candidate: Counts | Staffing) -> Staffing:
        """``candidate`` as a :class:`Staffing` (a mapping keeps the base's rosters)."""
        if isinstance(candidate, Staffing):
            return candidate
        return Staffing.of({**self.plan, **dict(candidate)})

    def scenario(self, candidate: Counts | Staffing) -> Scenario:
        """The base scenario with the candidate's headcounts (and shifts)."""
        return apply_staffing(self.base, self.staffing(candidate))

    def kpis(self, candidate: Counts | Staffing, reps: Sequence[int]) -> list[dict[str, float]]:
        """KPIs of the given replications of the candidate, running only the missing ones."""
        st = self.staffing(candidate)
        have = self._cache.setdefault(st, {})
        missing = [r for r in reps if r not in have]
        if missing:
            for res in run_replications(self.scenario(st), missing, self.backend, self.fn):
                have[res.replication] = res.kpis
            self.replications_run += len(missing)
        return [have[r] for r in reps]

    def values(self, candidate: Counts | Staffing, kpi: str, reps: Sequence[int]) -> list[float]:
        """One KPI per replication; ratio KPIs paired with the reference's replication."""
        rows = self.kpis(candidate, reps)
        if kpi not in _RATIOS:
            return [row.get(kpi, math.nan) for row in rows]
        ref = self.kpis(self.reference, reps)
        if kpi == CLEARED_RATIO:
            return [
                c["trucks_cleared"] / p["trucks_cleared"] if p["trucks_cleared"] else math.nan
                for c, p in zip(rows, ref, strict=True)
            ]
        return [
            (c[UNFINISHED] - p[UNFINISHED]) / max(p[ARRIVED], 1.0)
            for c, p in zip(rows, ref, strict=True)
        ]

    def check_names(self) -> None:
        """Fail early on a target KPI that the twin does not produce.

        Raises:
            StaffingError: A target names an unknown KPI.
        """
        names = set(self.kpis(self.plan, [0])[0]) | set(_RATIOS)
        bad = [t.kpi for t in self.targets if t.kpi not in names]
        if bad:
            problems = []
            for kpi in bad:
                near = difflib.get_close_matches(kpi, sorted(names), n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(near)}?" if near else ""
                problems.append(f"unknown KPI (got {kpi!r}){hint}")
            raise StaffingError("--target", problems)

    def intervals(self, candidate: Counts | Staffing, reps: Sequence[int]) -> dict[str, Interval]:
        """Each target KPI's mean and 95% CI over the given replications."""
        return {t.kpi: mean_ci(self.values(candidate, t.kpi, reps)) for t in self.targets}

    def check(self, candidate: Counts | Staffing, first_rep: int = 0) -> Verdict:
        """Decide whether the candidate meets every target (sequentially adding replications).

        A candidate the scenario validation refuses (a pool nobody is on duty in, never
        two inspectors) is infeasible without a run.
        """
        st = self.staffing(candidate)
        try:
            self.scenario(st)
        except ScenarioError as exc:
            nan = Interval(math.nan, math.nan, math.nan, 0)
            reason = f"refused by validation: {exc.problems[0]}"
            return Verdict(st.as_counts, False, 0, {t.kpi: nan for t in self.targets}, reason, st)
        n = self.min_reps
        while True:
            intervals = self.intervals(st, range(first_rep, first_rep + n))
            decisions = [(t, t.decide(intervals[t.kpi])) for t in self.targets]
            missed = [t for t, d in decisions if d is False]
            if missed:
                why = "; ".join(shortfall(t, intervals[t.kpi]) for t in missed)
                return Verdict(st.as_counts, False, n, intervals, f"misses {why}", st)
            if all(d for _, d in decisions):
                return Verdict(st.as_counts, True, n, intervals, "", st)
            if n >= self.max_reps:
                open_ = [t for t, d in decisions if d is None]
                why = "; ".join(_undecided(t, intervals[t.kpi]) for t in open_)
                return Verdict(st.as_counts, False, n, intervals, f"undecided at budget: {why}", st)
            n = min(n + self.step, self.max_reps)
