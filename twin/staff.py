"""Staff pools with rosters: officers come on and off duty; every task takes officer time.

A pool is a SimPy ``PriorityResource`` sized for its busiest hour. Officers off duty are
held by high-priority *roster blockers*; an officer who is busy when their shift ends
finishes the task first (a blocker waits like any request, ahead of normal work).
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import simpy

from ftz_spec import StaffPool, StaffRole
from ftz_spec.site import Shift

__all__ = ["Staff", "StaffUnit", "on_duty", "on_duty_fraction", "staff_seconds"]

_HOUR = 3600.0
_WEEK_H = 168


def on_duty_fraction(roster: str, hour_of_week: int) -> float:
    """Share of a pool's available headcount on duty in ``hour_of_week`` (0 = Monday 00:00).

    Officers work 40 hours a week; the roster says when: ``shifts`` spreads them over all
    168 hours, ``day`` over 08:00-20:00 every day, ``office`` over weekday office hours.
    """
    day, hour = divmod(hour_of_week % _WEEK_H, 24)
    if roster == "shifts":
        return 40.0 / 168.0
    if roster == "day":
        return 40.0 / 84.0 if 8 <= hour < 20 else 0.0
    return 1.0 if day < 5 and 8 <= hour < 17 else 0.0


def on_duty(pool: StaffPool, hour_of_week: int) -> int:
    """Officers of ``pool`` on duty in ``hour_of_week``.

    A pool with explicit shifts has exactly their officers on duty; otherwise the
    roster's share of the available headcount, rounded.
    """
    if pool.shifts:
        return _shift_cover(pool.shifts)[hour_of_week % _WEEK_H]
    return round(pool.count * pool.availability * on_duty_fraction(pool.roster, hour_of_week))


@functools.lru_cache(maxsize=256)
def _shift_cover(shifts: tuple[Shift, ...]) -> tuple[int, ...]:
    """Officers on duty in each hour of the week under ``shifts`` (asked every hour)."""
    cover = [0] * _WEEK_H
    for shift in shifts:
        for h in shift.hours_of_week():
            cover[h] += shift.officers
    return tuple(cover)


def staff_seconds(pool: StaffPool, start_s: float, end_s: float) -> float:
    """Officer-seconds on duty between ``start_s`` and ``end_s`` (the utilisation denominator)."""
    total = 0.0
    hour = int(start_s // _HOUR)
    while hour * _HOUR < end_s:
        lo, hi = max(start_s, hour * _HOUR), min(end_s, (hour + 1) * _HOUR)
        total += on_duty(pool, hour) * (hi - lo)
        hour += 1
    return total


@dataclass
class StaffUnit:
    """One pool in the running twin."""

    pool: StaffPool
    resource: simpy.PriorityResource
    blockers: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Resource name used in trace records: ``staff/<pool id>``."""
        return f"staff/{self.pool.id}"


class Staff:
    """All staff pools of a run, found by role and zone."""

    def __init__(self, env: simpy.Environment, pools: tuple[StaffPool, ...]) -> None:
        """Create the pools and start their roster keepers."""
        self.env = env
        self.units: dict[str, StaffUnit] = {}
        self._found: dict[tuple[StaffRole, str | None], StaffUnit | None] = {}
        for pool in pools:
            peak = max(on_duty(pool, h) for h in range(_WEEK_H))
            unit = StaffUnit(pool, simpy.PriorityResource(env, capacity=max(peak, 1)))
            self.units[pool.id] = unit
            env.process(self._keep_roster(unit, peak))

    def unit(self, role: StaffRole, zone: str | None) -> StaffUnit | None:
        """Return the pool serving ``role`` in ``zone`` (falling back to an area-wide pool)."""
        key = (role, zone)
        if key not in self._found:  # asked for every task: look the pools up once
            self._found[key] = self._lookup(role, zone)
        return self._found[key]

    def _lookup(self, role: StaffRole, zone: str | None) -> StaffUnit | None:
        local = central = None
        for unit in self.units.values():
            if unit.pool.role is role and unit.pool.count > 0:
                if zone is not None and (unit.pool.zone == zone or zone in unit.pool.also_serves):
                    local = local or unit
                elif unit.pool.zone is None:
                    central = central or unit
        return local or central

    def _keep_roster(self, unit: StaffUnit, peak: int) -> Generator[Any, Any, None]:
        resource = unit.resource
        if peak == 0:  # nobody ever on duty: block the single placeholder server for good
            unit.blockers.append(resource.request(priority=-1))
            return
        while True:
            hour = int(self.env.now // _HOUR)
            off = resource.capacity - on_duty(unit.pool, hour)
            while len(unit.blockers) < off:
                unit.blockers.append(resource.request(priority=-1))
            while len(unit.blockers) > off:
                blocker = unit.blockers.pop()  # newest first: the likeliest still waiting
                if blocker.triggered:
                    resource.release(blocker)
                else:
                    blocker.cancel()
            yield self.env.timeout((hour + 1) * _HOUR - self.env.now)
