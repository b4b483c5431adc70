"""Joint search over several pools' headcounts and shifts: Optuna ask-and-tell on the twin.

Every adjusted pool is a *knob*:

* a :class:`RosterKnob` (the pool gets an explicit roster): an offset in officers added
  to every staffed hour of its Erlang-C requirement and a shift family; the shift model
  (:mod:`~ftztwin.staffing.shifts`) turns the pair into shifts and a headcount;
* a :class:`HeadcountKnob` (the pool keeps its roster): the headcount itself.

A trial asks Optuna (TPE, seeded) for one value per knob, builds the candidate, refuses it
without a run if it breaks a plan constraint, else checks it on common random numbers
with the sequential feasibility test (:class:`~ftztwin.staffing.evaluate.Evaluator`).
The value told back is the headcount when feasible, and otherwise more than any
feasible headcount plus the relative shortfall, so the sampler learns where the
boundary is. The first trials are enqueued warm starts: the requirement's own roster,
then one more officer per hour. Repeated candidates cost nothing (cached).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import optuna

from ftz_spec import StaffPool
from ftztwin.staffing.candidate import Staffing, with_shifts
from ftztwin.staffing.evaluate import Evaluator, Verdict
from ftztwin.staffing.plan import PlanLimits
from ftztwin.staffing.requirements import Requirement
from ftztwin.staffing.shifts import RosterPlan, schedule
from twin.staff import on_duty

__all__ = ["HeadcountKnob", "Progress", "RosterKnob", "Trial", "joint_search", "shortlist"]

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RosterKnob:
    """A pool staffed to its hourly requirement, shifted by an offset, in a shift family."""

    pool: StaffPool
    requirement: Requirement
    families: tuple[str, ...]

    @property
    def offsets(self) -> tuple[int, int]:
        """Smallest and largest offset in officers per staffed hour."""
        spread = max(2, self.requirement.peak // 3)
        return -spread, max(3, spread)

    def plan(self, offset: int, family: str) -> RosterPlan:
        """The shifts for the requirement moved by ``offset`` (at least one where needed)."""
        need = [max(1, r + offset) if r > 0 else 0 for r in self.requirement.servers]
        return schedule(need, family, self.pool.availability)


@dataclass(frozen=True)
class HeadcountKnob:
    """A pool that keeps its roster; only its headcount changes."""

    pool: StaffPool
    low: int
    high: int

    @classmethod
    def around(cls, pool: StaffPool) -> HeadcountKnob:
        """From the fewest officers with one on duty at the roster's peak to twice the plan."""
        low = 1
        while max(on_duty(pool.model_copy(update={"count": low}), h) for h in range(168)) < 1:
            low += 1
        return cls(pool, low, max(2 * pool.count, low + 1))


Knob = RosterKnob | HeadcountKnob


@dataclass
class Trial:
    """One candidate the search tried and what became of it."""

    number: int
    params: dict[str, int | str]
    staffing: Staffing
    plans: dict[str, RosterPlan]
    verdict: Verdict | None
    refused: list[str] = field(default_factory=list)
    value: float = math.inf

    @property
    def feasible(self) -> bool:
        """Passed the feasibility check (and every plan constraint)."""
        return self.verdict is not None and self.verdict.feasible and not self.refused


def _build(
    trial: optuna.Trial, knobs: Sequence[Knob], start: Staffing
) -> tuple[Staffing, dict[str, RosterPlan]]:
    staffing, plans = start, {}
    for k in knobs:
        if isinstance(k, HeadcountKnob):
            staffing = staffing.replace(k.pool.id, trial.suggest_int(k.pool.id, k.low, k.high))
            continue
        lo, hi = k.offsets
        offset = trial.suggest_int(f"{k.pool.id}.offset", lo, hi)
        family = str(trial.suggest_categorical(f"{k.pool.id}.family", list(k.families)))
        plan = k.plan(offset, family)
        plans[k.pool.id] = plan
        staffing = staffing.replace(k.pool.id, with_shifts(k.pool, plan.shifts).count, plan.shifts)
    return staffing, plans


def _shortfall_score(ev: Evaluator, verdict: Verdict) -> float:
    score = 0.0
    for t in ev.targets:
        iv = verdict.intervals[t.kpi]
        gap = (iv.mean - t.value) if t.op == "<=" else (t.value - iv.mean)
        if math.isnan(gap):
            gap = abs(t.value) or 1.0
        score += max(0.0, gap) / max(abs(t.value), 1e-6)
    return score


def _warm_starts(knobs: Sequence[Knob]) -> list[dict[str, int | str]]:
    out: list[dict[str, int | str]] = []
    for extra in (0, 1):
        params: dict[str, int | str] = {}
        for k in knobs:
            if isinstance(k, HeadcountKnob):
                params[k.pool.id] = min(max(k.pool.count, k.low), k.high)
            else:
                params[f"{k.pool.id}.offset"] = extra
                params[f"{k.pool.id}.family"] = k.families[0]
        out.append(params)
    return out


def joint_search(
    ev: Evaluator,
    knobs: Sequence[Knob],
    trials: int,
    limits: PlanLimits | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[Trial]:
    """Run ``trials`` trials of the joint search; return them in order.

    Args:
        ev: The evaluator (targets, backend, replications per candidate).
        knobs: One knob per adjusted pool.
        trials: Trials to run (repeats of a candidate cost no replications).
        limits: Plan constraints a candidate must keep (checked before any run).
        seed: Seed of the sampler (same seed, same trials).
        progress: Called after each trial with (done, total, message).
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(8, trials))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    for params in _warm_starts(knobs):
        study.enqueue_trial(params)
    start = ev.staffing(ev.plan)
    ceiling = float(start.total) + sum(
        k.high - k.pool.count if isinstance(k, HeadcountKnob) else 10 * k.requirement.peak + 50
        for k in knobs
    )
    out: list[Trial] = []
    for i in range(trials):
        trial = study.ask()
        staffing, plans = _build(trial, knobs, start)
        t = Trial(i, dict(trial.params), staffing, plans, None)
        t.refused = limits.violations(ev.base, staffing) if limits else []
        if t.refused:
            t.value = 2 * ceiling + len(t.refused)
        else:
            t.verdict = ev.check(staffing)
            t.value = (
                float(staffing.total)
                if t.verdict.feasible
                else ceiling + 1.0 + _shortfall_score(ev, t.verdict)
            )
        study.tell(trial, t.value)
        out.append(t)
        if progress is not None:
            best = min((x.staffing.total for x in out if x.feasible), default=None)
            progress(i + 1, trials, f"trial {i + 1}/{trials}: best feasible {best} officers")
    return out


def shortlist(trials: Sequence[Trial], k: int) -> list[Trial]:
    """The ``k`` distinct feasible candidates with the fewest officers (first found first)."""
    seen: set[Staffing] = set()
    out = []
    for t in sorted((t for t in trials if t.feasible), key=lambda t: (t.staffing.total, t.number)):
        if t.staffing not in seen:
            seen.add(t.staffing)
            out.append(t)
    return out[:k]
