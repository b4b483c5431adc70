"""Shifts that cover an hourly requirement at least cost: an integer programme (HiGHS).

Decision: how many officers start each allowed shift pattern on each day of the week
(``x[p, d] ≥ 0``, integer). Each pattern covers the hours from its start for its length,
less its meal break; coverage in every hour of the week must reach the requirement;
the cost is the officer-hours worked, so the headcount that works them (40 h a week,
less leave) is least too. The classic set-covering shift model (Dantzig 1954), solved by
HiGHS through :func:`scipy.optimize.milp`.

Patterns come in families. ``office`` (weekdays, 08:00-17:00), ``day`` (every day,
within 08:00-20:00), ``8h`` (any start, 8 h straight or 9 h with a 1 h break after 4 or
5 h) and ``12h`` (any start, 12 h with a break after 6 h). The result is a tuple of
:class:`~ftz_spec.site.Shift` the twin runs as an explicit roster; its coverage is
recomputed from those shifts by the same function the twin uses.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from ftz_spec.site import DAYS, WORK_H_PER_WEEK, Shift
from ftztwin.staffing.targets import StaffingError

__all__ = ["FAMILIES", "RosterPlan", "cover", "family_for_roster", "hourly_shifts", "schedule"]

WEEK_H = 168
_GAP = 0.05
# (start hours, length h, meal break after h or None, days) per family
_FAMILY_SPECS: dict[str, list[tuple[range, int, int | None, tuple[str, ...]]]] = {
    "office": [(range(8, 9), 9, 4, DAYS[:5]), (range(8, 10), 8, None, DAYS[:5])],
    "day": [(range(8, 13), 8, None, DAYS), (range(8, 12), 9, 4, DAYS), (range(8, 12), 9, 5, DAYS)],
    "8h": [(range(24), 8, None, DAYS), (range(24), 9, 4, DAYS), (range(24), 9, 5, DAYS)],
    "12h": [(range(24), 12, 6, DAYS)],
}
FAMILIES = tuple(_FAMILY_SPECS)


@dataclass(frozen=True)
class RosterPlan:
    """Shifts chosen for one pool and how they cover its requirement.

    Attributes:
        family: The pattern family used.
        shifts: The roster, as the twin runs it.
        requirement: Officers needed per hour of the week (as asked).
        cover: Officers on duty per hour of the week under ``shifts``.
        uncoverable: Hours with a requirement the family cannot staff (left at zero).
        work_h: Officer-hours a week.
        headcount: Officers that work them (40 h a week over availability).
        gap: Proven bound on how far ``work_h`` may lie above the least (share).
        note: Why the solver stopped early, if it did (empty normally).
    """

    family: str
    shifts: tuple[Shift, ...]
    requirement: tuple[int, ...]
    cover: tuple[int, ...]
    uncoverable: tuple[int, ...]
    work_h: int
    headcount: int
    gap: float = 0.0
    note: str = ""

    @property
    def short_hours(self) -> list[int]:
        """Coverable hours whose cover falls short of the requirement (always empty)."""
        skip = set(self.uncoverable)
        return [h for h in range(WEEK_H) if h not in skip and self.cover[h] < self.requirement[h]]


def family_for_roster(roster: str) -> str:
    """The pattern family matching a pool's standard roster kind."""
    return {"office": "office", "day": "day"}.get(roster, "8h")


def _day_groups(
    days: tuple[str, ...], classes: list[tuple[str, ...]]
) -> list[tuple[tuple[str, ...], float]]:
    """Day sets a pattern may run on, with a small penalty per officer-day off the full set.

    Days whose requirement is the same hour by hour form a class; a pattern may run on
    all its days, on a class, or on weekdays or the weekend. Ties go to the larger set,
    so rosters read as 'every day 08:00-16:00, 5 officers' where the load allows, and the
    model stays small enough to solve in seconds.
    """
    groups = {days: 0.0}
    for part in [*classes, DAYS[:5], DAYS[5:]]:
        sub = tuple(d for d in days if d in part)
        if sub and sub not in groups:
            groups[sub] = 0.01
    return list(groups.items())


def _classes(requirement: Sequence[int]) -> list[tuple[str, ...]]:
    """Days grouped by identical hourly requirement."""
    by: dict[tuple[int, ...], list[str]] = {}
    for i, d in enumerate(DAYS):
        by.setdefault(tuple(requirement[24 * i : 24 * i + 24]), []).append(d)
    return [tuple(v) for v in by.values()]


def _patterns(family: str, classes: list[tuple[str, ...]]) -> list[tuple[Shift, float]]:
    """Every allowed shift of ``family`` (one officer) with its cost in officer-hours."""
    try:
        spec = _FAMILY_SPECS[family]
    except KeyError:
        raise StaffingError(
            "--shift-family", [f"unknown family {family!r} (known: {', '.join(FAMILIES)})"]
        ) from None
    out = []
    for starts, length, brk, days in spec:
        for start in starts:
            for group, penalty in _day_groups(days, classes):
                shift = Shift(
                    start_h=start,
                    length_h=length,
                    officers=1,
                    days=group,
                    break_at_h=brk,  # type: ignore[arg-type]
                )
                # tiny fixed preferences: straight shifts, then earlier starts
                tie = 1e-3 * (brk is not None) + 1e-5 * start
                out.append((shift, (shift.work_h + penalty + tie) * len(group)))
    return out


def cover(shifts: Sequence[Shift]) -> tuple[int, ...]:
    """Officers on duty in each hour of the week under ``shifts`` (the twin's reading)."""
    out = [0] * WEEK_H
    for s in shifts:
        for h in s.hours_of_week():
            out[h] += s.officers
    return tuple(out)


def _merge(chosen: list[tuple[Shift, int]]) -> tuple[Shift, ...]:
    """One :class:`Shift` per pattern and head count, listing the days it runs."""
    per_day: dict[tuple[int, int, int | None], dict[str, int]] = {}
    for shift, n in chosen:
        days = per_day.setdefault((shift.start_h, shift.length_h, shift.break_at_h), {})
        for d in shift.days:
            days[d] = days.get(d, 0) + n
    out = []
    for (start, length, brk), days in sorted(
        per_day.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0)
    ):
        for n in sorted(set(days.values())):
            out.append(
                Shift(
                    start_h=start,
                    length_h=length,
                    officers=n,
                    days=tuple(d for d in DAYS if days.get(d) == n),  # type: ignore[arg-type]
                    break_at_h=brk,
                )
            )
    return tuple(out)


def hourly_shifts(servers: Sequence[int]) -> tuple[Shift, ...]:
    """One-hour shifts that put exactly ``servers[h]`` on duty in each hour of the week.

    Not a roster anyone works: it lets the twin check an hourly requirement as it is.
    """
    chosen = [
        (Shift(start_h=h % 24, length_h=1, officers=1, days=(DAYS[h // 24],)), int(n))  # type: ignore[arg-type]
        for h, n in enumerate(servers)
        if n > 0
    ]
    return _merge(chosen)


def schedule(
    requirement: Sequence[int], family: str, availability: float, time_limit_s: float = 60.0
) -> RosterPlan:
    """The least officer-hours of ``family`` shifts that cover ``requirement``.

    Args:
        requirement: Officers needed in each of the 168 hours of the week.
        family: Pattern family (:data:`FAMILIES`).
        availability: Share of a pool's headcount not on leave (for the headcount).
        time_limit_s: Safety limit on solver time (the solver normally stops within 5%
            of the least officer-hours, well before; a roster cut short says so).

    Raises:
        StaffingError: Unknown family, or the solver found no roster.
    """
    if len(requirement) != WEEK_H:
        raise ValueError(f"need 168 hourly requirements (got {len(requirement)})")
    return _schedule(tuple(max(0, int(r)) for r in requirement), family, availability, time_limit_s)


@functools.lru_cache(maxsize=512)
def _schedule(
    requirement: tuple[int, ...], family: str, availability: float, time_limit_s: float
) -> RosterPlan:
    req = np.asarray(requirement, dtype=float)
    priced = _patterns(family, _classes(requirement))
    patterns = [p for p, _ in priced]
    a = np.zeros((WEEK_H, len(patterns)))
    for j, p in enumerate(patterns):
        for h in p.hours_of_week():
            a[h, j] = 1.0
    reachable = a.sum(axis=1) > 0
    uncoverable = tuple(int(h) for h in np.flatnonzero(~reachable & (req > 0)))
    need = np.where(reachable, req, 0.0)
    cost = np.array([c for _, c in priced])
    res = milp(
        cost,
        constraints=LinearConstraint(a, lb=need, ub=np.inf),
        integrality=np.ones(len(patterns)),
        bounds=Bounds(0, np.inf),
        # Integral rosters sit a few percent above the LP bound, which HiGHS cannot close
        # quickly: stop within 5% of it (the gap is reported). The clock is a safeguard
        # only; a roster it cut short is named, as another machine may find another.
        options={"time_limit": time_limit_s, "presolve": True, "mip_rel_gap": _GAP},
    )
    note = ""
    if res.x is None or res.status != 0:
        note = f"the shift model stopped at its {time_limit_s:g} s limit ({res.message})"
    if res.x is None:
        raise StaffingError(family, [note])
    counts = [round(v) for v in res.x]
    chosen = [(p, n) for p, n in zip(patterns, counts, strict=True) if n > 0]
    shifts = _merge(chosen)
    work = sum(s.officers * s.work_h * len(s.days) for s in shifts)
    heads = math.ceil(work / (WORK_H_PER_WEEK * availability) - 1e-9) if availability > 0 else 0
    return RosterPlan(
        family=family,
        shifts=shifts,
        requirement=tuple(int(r) for r in req),
        cover=cover(shifts),
        uncoverable=uncoverable,
        work_h=work,
        headcount=heads,
        gap=float(getattr(res, "mip_gap", 0.0) or 0.0),
        note=note,
    )
