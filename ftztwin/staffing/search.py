"""The fewest staff that meet the targets: a pool-by-pool bisection over feasible candidates.

Starting from the plan's headcounts (raised together if the plan itself misses a
target), each adjustable pool in turn is cut to the smallest headcount that still
passes the sequential feasibility check of :mod:`ftztwin.staffing.evaluate`, with the
other pools at their current counts. More staff never lengthens a queue, so one pass
ends where no single pool can lose an officer: a minimal staffing (not necessarily the
one with the fewest staff overall, which would need a search over all combinations).
Per-zone pools are searched separately, so the answer is per role *and* per zone; the
roster (office, day, shifts) of each pool is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ftz_spec import Scenario, StaffPool, StaffRole
from ftztwin.staffing.evaluate import Evaluator, Verdict
from ftztwin.staffing.targets import StaffingError
from twin.staff import on_duty

__all__ = ["FIELD_ROLES", "StaffingResult", "choose_pools", "minimise_staff"]

FIELD_ROLES = (StaffRole.DOCUMENT_REVIEW, StaffRole.GATE, StaffRole.INSPECTION)
_MAX_GROWTH = 4  # the plan times 2, then 4: beyond that the targets are not a staffing question


@dataclass(frozen=True)
class StaffingResult:
    """The staffing found and how it was found.

    Attributes:
        plan: The scenario's pools as planned.
        adjusted: Ids of the pools the search changed (others kept at plan).
        counts: The headcount found per pool id.
        verdict: The check of the found staffing.
        plan_verdict: The check of the plan's staffing.
        candidates: Distinct candidates run.
        replications_run: Replications run in all.
    """

    plan: tuple[StaffPool, ...]
    adjusted: tuple[str, ...]
    counts: dict[str, int]
    verdict: Verdict
    plan_verdict: Verdict
    candidates: int
    replications_run: int


def choose_pools(scenario: Scenario, spec: str | None, target_kpis: Sequence[str]) -> list[str]:
    """Pool ids to adjust: from ``spec`` (comma-separated ids, roles, groups or ``all``).

    A word is a pool id, a role, or one of the plan's groups ``support``, ``functional``
    and ``field``. Without ``spec``: the pools a target names (``…[staff/insp_ys]``), else every field pool.

    Raises:
        StaffingError: A word of ``spec`` names no pool, role or group.
    """
    pools = scenario.site.staff_pools
    if spec is None:
        named = [p.id for p in pools if any(f"staff/{p.id}]" in k for k in target_kpis)]
        return named or [p.id for p in pools if p.role in FIELD_ROLES]
    chosen: list[str] = []
    for word in (w.strip() for w in spec.split(",") if w.strip()):
        if word == "all":
            matched = [p.id for p in pools]
        else:
            matched = [p.id for p in pools if word in (p.id, p.role.value)]
            # a pool id wins over a group of the same name
            matched = matched or [p.id for p in pools if p.role.group == word]
        if not matched:
            known = ", ".join(p.id for p in pools)
            raise StaffingError("--pools", [f"no pool, role or group {word!r} (pools: {known})"])
        chosen += [m for m in matched if m not in chosen]
    return chosen


def _floor(pool: StaffPool) -> int:
    """Smallest headcount with at least one officer on duty at the roster's peak."""
    count = 1
    while max(on_duty(pool.model_copy(update={"count": count}), h) for h in range(168)) < 1:
        count += 1
    return count


def _feasible_start(ev: Evaluator, adjust: list[str]) -> tuple[dict[str, int], Verdict]:
    counts = dict(ev.plan)
    plan_verdict = verdict = ev.check(counts)
    factor = 1
    while not verdict.feasible:
        factor *= 2
        if factor > _MAX_GROWTH:
            raise StaffingError(
                ev.base.name,
                [f"targets not met even with {_MAX_GROWTH}x the plan's staff in "
                 f"{', '.join(adjust)} ({verdict.reason})"],
            )  # fmt: skip
        counts = {p: c * factor if p in adjust else c for p, c in ev.plan.items()}
        verdict = ev.check(counts)
    return counts, plan_verdict


def minimise_staff(ev: Evaluator, adjust: Sequence[str]) -> StaffingResult:
    """Cut each pool in ``adjust`` to the fewest officers that keep every target met.

    Raises:
        StaffingError: Even four times the plan's staff misses a target.
    """
    ev.check_names()
    order = [p for p in ev.plan if p in adjust]  # scenario order: reproducible
    counts, plan_verdict = _feasible_start(ev, list(order))
    pools = {p.id: p for p in ev.base.site.staff_pools}
    for pool_id in order:
        lo, hi = min(_floor(pools[pool_id]), counts[pool_id]), counts[pool_id]
        while lo < hi:  # invariant: hi is feasible
            mid = (lo + hi) // 2
            if ev.check({**counts, pool_id: mid}).feasible:
                hi = mid
            else:
                lo = mid + 1
        counts[pool_id] = hi
    return StaffingResult(
        plan=ev.base.site.staff_pools,
        adjusted=tuple(order),
        counts=counts,
        verdict=ev.check(counts),
        plan_verdict=plan_verdict,
        candidates=ev.candidates,
        replications_run=ev.replications_run,
    )
