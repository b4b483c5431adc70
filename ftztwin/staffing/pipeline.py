"""One staffing study from request to outcome, for the CLI and the app alike.

Modes:

* ``requirements`` — officers needed per pool and hour (modified offered load, Erlang-C),
  then run in the twin exactly as required (one-hour positions) and checked;
* ``shifts`` — the requirement covered by the shift model's roster, checked in the twin;
* ``joint`` — both as warm start for the joint search (Optuna, common random numbers),
  then ranking and selection on fresh replications (the default);
* ``pool`` — the older pool-by-pool bisection over headcounts, rosters kept.

Every mode first checks the evaluation window, and ends by running the plan's staffing
and the result on the same fresh replications, so the report sets them side by side.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ftz_spec import Scenario
from ftztwin.staffing.candidate import Staffing, plan_staffing, with_shifts
from ftztwin.staffing.evaluate import Evaluator, Verdict
from ftztwin.staffing.joint import HeadcountKnob, RosterKnob, Trial, joint_search, shortlist
from ftztwin.staffing.plan import PlanLimits, check_window
from ftztwin.staffing.probe import replicate_workload
from ftztwin.staffing.queueing import WaitRule
from ftztwin.staffing.requirements import (
    DEFAULT_RULE,
    Requirement,
    ample_staffing,
    pool_loads,
    requirements,
    rules_from_targets,
)
from ftztwin.staffing.search import minimise_staff
from ftztwin.staffing.select import Selection, select
from ftztwin.staffing.shifts import FAMILIES, RosterPlan, family_for_roster, hourly_shifts, schedule
from ftztwin.staffing.targets import StaffingError, Target, with_guard, with_unfinished_guard
from ftztwin.sweep.backends import Backend, run_replications
from twin.stats import Interval, mean_ci

__all__ = ["MODES", "Outcome", "Request", "run_staffing"]

MODES = ("joint", "shifts", "requirements", "pool")
_AMPLE_WAIT_MIN = 5.0  # a p95 wait above this in the ample run is named
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Request:
    """What to study. Defaults suit a 24 h window on two cores.

    Attributes:
        targets: Service levels (the unfinished-work guard is added by the caller).
        pools: Pool ids to adjust.
        mode: One of :data:`MODES`.
        keep_rosters: Joint search over headcounts only, each pool on its roster.
        families: Shift families the search may use (default: the pool's own, then 8h).
        trials: Joint-search trials.
        shortlist: Candidates carried into selection.
        min_reps: Replications a candidate starts with (selection's first stage too).
        max_reps: Replications at most per candidate in the search.
        select_reps: Replications at most per candidate in the selection.
        workload_reps: Replications of the ample run that measures the load.
        objective: KPI selection minimises among the fewest-officer staffings.
        indifference: Indifference zone δ, in the objective's unit.
        alpha: Error rate of the selection (probability of a correct choice ≥ 1 − α).
        limits: Plan constraints.
        allow_partial_window: Warn, not refuse, when the window misses peak hours.
        default_rule: Hourly waiting rule for pools no target names.
        seed: Seed of the search's sampler.
    """

    targets: tuple[Target, ...]
    pools: tuple[str, ...]
    mode: str = "joint"
    keep_rosters: bool = False
    families: tuple[str, ...] | None = None
    trials: int = 24
    shortlist: int = 4
    min_reps: int = 5
    max_reps: int = 15
    select_reps: int = 30
    workload_reps: int = 3
    objective: str = "clearance_time_min_mean"
    indifference: float = 1.0
    alpha: float = 0.05
    limits: PlanLimits = field(default_factory=PlanLimits)
    allow_partial_window: bool = False
    default_rule: WaitRule = DEFAULT_RULE
    seed: int = 0


@dataclass
class Outcome:
    """Everything a staffing study found (the report's input)."""

    base: Scenario
    request: Request
    plan: Staffing
    found: Staffing | None
    requirements: dict[str, Requirement] = field(default_factory=dict)
    rosters: dict[str, RosterPlan] = field(default_factory=dict)
    trials: list[Trial] = field(default_factory=list)
    selection: Selection | None = None
    verdict: Verdict | None = None
    service: dict[str, dict[str, Interval]] = field(default_factory=dict)  # plan/found → KPI
    service_reps: tuple[int, int] = (0, 0)
    warnings: list[str] = field(default_factory=list)
    candidates: int = 0
    replications: int = 0
    seconds: float = 0.0

    @property
    def comparable(self) -> list[str]:
        """KPIs shown for the plan and the result: targets, objective, adjusted pools."""
        names = [t.kpi for t in self.request_targets]
        names.append(self.request.objective)
        names += ["clearance_time_min_mean", "clearance_time_min_p95"]
        for p in self.request.pools:
            names += [
                f"wait_min_mean[staff/{p}]",
                f"wait_min_p95[staff/{p}]",
                f"utilisation[staff/{p}]",
            ]
        return list(dict.fromkeys(names))

    @property
    def request_targets(self) -> list[Target]:
        """The targets checked (guard included)."""
        return list(self.request.targets)


def _step(progress: Progress | None, share: float, text: str) -> None:
    if progress is not None:
        progress(min(max(share, 0.0), 1.0), text)


def _families(req: Request, roster: str, need: Sequence[int] = ()) -> tuple[str, ...]:
    """Shift families a pool may use; the warm start takes the first.

    The pool's own roster's family comes first when it can staff every hour the
    requirement asks for, else 8 h shifts.
    """
    if req.families:
        for f in req.families:
            if f not in FAMILIES:
                raise StaffingError(
                    "--shift-family", [f"unknown family {f!r} (known: {', '.join(FAMILIES)})"]
                )
        return req.families
    own = family_for_roster(roster)
    if own == "8h":
        return (own,)
    return ("8h", own) if need and schedule(need, own, 1.0).uncoverable else (own, "8h")


def _measure(base: Scenario, req: Request, backend: Backend, out: Outcome) -> Staffing:
    ample = ample_staffing(base, req.pools)
    ev = Evaluator(base, req.targets, backend)
    results = run_replications(
        ev.scenario(ample), range(req.workload_reps), backend, replicate_workload
    )
    out.replications += len(results)
    for p in req.pools:
        waits = [r.kpis.get(f"wait_min_p95[staff/{p}]", 0.0) for r in results]
        if sum(waits) / len(waits) > _AMPLE_WAIT_MIN:
            out.warnings.append(
                f"{p}: work still waits with ample officers (p95 {sum(waits) / len(waits):.1f} "
                "min); another resource or the work's own timing limits it"
            )
    loads = pool_loads(base, results, req.pools)
    rules = rules_from_targets(req.targets, req.pools, req.default_rule)
    out.requirements = requirements(base, loads, rules)
    for r in out.requirements.values():
        unobserved = r.source.count("unobserved")
        if unobserved and any(x > 0 for x in r.load):
            out.warnings.append(
                f"{r.pool}: {unobserved} hours of the week never observed; required 0 there"
            )
    return ample


def _staffing_of(base: Scenario, plans: dict[str, RosterPlan], start: Staffing) -> Staffing:
    pools = {p.id: p for p in base.site.staff_pools}
    out = start
    for pid, plan in plans.items():
        out = out.replace(pid, with_shifts(pools[pid], plan.shifts).count, plan.shifts)
    return out


def _fixed_plan(base: Scenario, req: Request, out: Outcome) -> Staffing:
    pools = {p.id: p for p in base.site.staff_pools}
    for pid, r in out.requirements.items():
        if req.mode == "requirements":
            shifts = hourly_shifts(r.servers)
            out.rosters[pid] = RosterPlan(
                "hourly",
                shifts,
                r.servers,
                r.servers,
                (),
                sum(r.servers),
                with_shifts(pools[pid], shifts).count,
            )
        else:
            family = _families(req, pools[pid].roster, r.servers)[0]
            out.rosters[pid] = schedule(r.servers, family, pools[pid].availability)
    return _staffing_of(base, out.rosters, plan_staffing(base))


def _knobs(base: Scenario, req: Request, out: Outcome) -> list[RosterKnob | HeadcountKnob]:
    pools = {p.id: p for p in base.site.staff_pools}
    if req.keep_rosters:
        return [HeadcountKnob.around(pools[p]) for p in req.pools]
    return [
        RosterKnob(
            pools[p],
            out.requirements[p],
            _families(req, pools[p].roster, out.requirements[p].servers),
        )
        for p in req.pools
    ]


def _compare(ev: Evaluator, out: Outcome, reps: Sequence[int]) -> None:
    names = out.comparable
    for label, st in (("plan", out.plan), ("found", out.found)):
        if st is None:
            continue
        out.service[label] = {k: mean_ci(ev.values(st, k, reps)) for k in names}
    out.service_reps = (reps[0], len(reps))


def run_staffing(
    base: Scenario, req: Request, backend: Backend, progress: Progress | None = None
) -> Outcome:
    """Run one staffing study on a started backend.

    Raises:
        StaffingError: Bad mode or pool, a window that misses peak hours (unless allowed),
            or no staffing that meets the targets (naming the target and the shortfall).
    """
    started = time.perf_counter()
    if req.mode not in MODES:
        raise StaffingError("--mode", [f"unknown mode {req.mode!r} (known: {', '.join(MODES)})"])
    guard = with_guard if req.mode == "pool" else with_unfinished_guard
    req = dataclasses.replace(req, targets=tuple(guard(list(req.targets))))
    out = Outcome(base, req, plan_staffing(base), None)
    out.warnings += check_window(base, req.pools, req.allow_partial_window)
    ev = Evaluator(base, req.targets, backend, req.min_reps, req.min_reps, req.max_reps)
    ev.check_names()
    if req.mode == "pool":
        _step(progress, 0.05, "pool-by-pool bisection")
        res = minimise_staff(ev, list(req.pools))
        out.found, out.verdict = ev.staffing(res.counts), res.verdict
    else:
        _step(progress, 0.02, "measuring the workload with ample staff")
        ample = _measure(base, req, backend, out)
        ev.reference = ample
        if req.mode in ("requirements", "shifts"):
            _step(progress, 0.3, f"checking the {req.mode} roster in the twin")
            out.found = _fixed_plan(base, req, out)
            out.verdict = ev.check(out.found)
        else:
            _joint(base, req, ev, out, progress)
    _step(progress, 0.9, "plan and result on the same fresh replications")
    n = max(req.min_reps, out.verdict.replications if out.verdict else 0)
    if out.selection is not None and out.selection.chosen is not None:
        n = next(e.reps for e in out.selection.entries if e.staffing == out.selection.chosen)
    _compare(ev, out, range(1000, 1000 + n))
    out.candidates, out.replications = ev.candidates, out.replications + ev.replications_run
    out.seconds = time.perf_counter() - started
    _step(progress, 1.0, "done")
    return out


def _joint(
    base: Scenario, req: Request, ev: Evaluator, out: Outcome, progress: Progress | None
) -> None:
    knobs = _knobs(base, req, out)

    def tick(done: int, total: int, text: str) -> None:
        _step(progress, 0.1 + 0.6 * done / total, text)

    out.trials = joint_search(ev, knobs, req.trials, req.limits, req.seed, tick)
    best = shortlist(out.trials, req.shortlist)
    if not best:
        tried = [t for t in out.trials if t.verdict is not None]
        closest = min(tried, key=lambda t: t.value, default=None)
        why = (
            closest.verdict.reason
            if closest and closest.verdict
            else "every candidate broke a plan constraint"
        )
        if closest is None and out.trials:
            why = "; ".join(out.trials[0].refused)
        raise StaffingError(
            base.name, [f"no staffing met the targets in {req.trials} trials; closest: {why}"]
        )
    _step(progress, 0.72, "ranking and selection on fresh replications")
    out.selection = select(
        ev, [t.staffing for t in best], req.objective, req.indifference, req.alpha,
        1000, req.select_reps, lambda s: _step(progress, 0.75, s),
    )  # fmt: skip
    if out.selection.chosen is None:
        raise StaffingError(base.name, [out.selection.note])
    out.found = out.selection.chosen
    chosen = next(t for t in best if t.staffing == out.found)
    out.rosters = dict(chosen.plans)
    out.verdict = chosen.verdict
    out.warnings += [f"{pid}: {plan.note}" for pid, plan in out.rosters.items() if plan.note]
