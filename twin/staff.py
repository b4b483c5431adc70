"""Staff pools with rosters: officers come on and off duty; every task takes officer time.

A pool is a SimPy priority resource sized for its busiest hour. Officers off duty are
held by high-priority *roster blockers*; an officer who is busy when their shift ends
finishes the task first (a blocker waits like any request, ahead of normal work).
"""

from __future__ import annotations

import bisect
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import simpy
from simpy.resources.resource import SortedQueue

from ftz_spec import StaffPool, StaffRole
from ftz_spec.site import HOURS_PER_WEEK, on_duty_fraction, serving_pool

__all__ = [
    "PriorityResource",
    "Staff",
    "StaffUnit",
    "on_duty",
    "on_duty_fraction",
    "staff_seconds",
]

_HOUR = 3600.0
_WEEK_H = HOURS_PER_WEEK


def _key(request: Any) -> Any:
    return request.key


class _InsortQueue(SortedQueue):
    """SimPy's sorted request queue, kept sorted by insertion instead of re-sorting.

    SimPy appends and then sorts the whole queue on every request; a pool with a long
    queue (a busy hour's inspections) sorted it thousands of times per run. The queue is
    always sorted before an append, so inserting after the last equal key gives exactly
    the order the stable sort gave: same service order, same results.
    """

    def append(self, item: Any) -> None:
        """Insert ``item`` after every request with a key not above its own."""
        if self.maxlen is not None and len(self) >= self.maxlen:
            raise RuntimeError("Cannot append event. Queue is full.")
        bisect.insort_right(self, item, key=_key)


class PriorityResource(simpy.PriorityResource):
    """``simpy.PriorityResource`` with a queue that inserts instead of sorting."""

    PutQueue = _InsortQueue


def on_duty(pool: StaffPool, hour_of_week: int) -> int:
    """Officers of ``pool`` on duty in ``hour_of_week`` (the roster arithmetic of the spec)."""
    return pool.on_duty(hour_of_week)


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
    resource: PriorityResource
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
        self._pools = pools
        self.units: dict[str, StaffUnit] = {}
        self._found: dict[tuple[StaffRole, str | None], StaffUnit | None] = {}
        for pool in pools:
            peak = max(pool.duty_week())
            unit = StaffUnit(pool, PriorityResource(env, capacity=max(peak, 1)))
            self.units[pool.id] = unit
            env.process(self._keep_roster(unit, peak))

    def unit(self, role: StaffRole, zone: str | None) -> StaffUnit | None:
        """Return the pool serving ``role`` in ``zone`` (falling back to an area-wide pool)."""
        key = (role, zone)
        if key not in self._found:  # asked for every task: look the pools up once
            self._found[key] = self._lookup(role, zone)
        return self._found[key]

    def _lookup(self, role: StaffRole, zone: str | None) -> StaffUnit | None:
        pool = serving_pool(self._pools, role, zone)
        return None if pool is None else self.units[pool.id]

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
