"""Stints of open-ended work that stop when the roster sends officers home.

Analysts' research and auditors' audits fill every hour an officer is on duty. Work
taken in stints that end no later than the next hour in which the pool's roster
shrinks leaves the roster's blockers nothing to wait for, so officers are never busy
for more hours than their roster gives them.
"""

from __future__ import annotations

from ftz_spec import StaffPool
from twin.staff import on_duty

__all__ = ["off_duty_wait_s", "stint_s"]

_HOUR = 3600.0
_WEEK_H = 168


def stint_s(pool: StaffPool, now: float, longest_s: float) -> float:
    """Return how long a stint started at ``now`` may last, at most ``longest_s`` seconds.

    It ends at the first hour boundary after which fewer of ``pool`` are on duty.
    """
    hour = int(now // _HOUR)
    for h in range(hour, hour + _WEEK_H):
        end = (h + 1) * _HOUR
        if end - now >= longest_s:
            return longest_s
        if on_duty(pool, h + 1) < on_duty(pool, h):
            return max(end - now, 1.0)
    return longest_s


def off_duty_wait_s(pool: StaffPool, now: float) -> float:
    """Seconds to the next hour boundary if nobody of ``pool`` is on duty now, else 0.

    A worker granted an officer in the same instant the roster sends everyone home
    (the roster's blockers are placed a moment later) hands the officer back instead.
    """
    if on_duty(pool, int(now // _HOUR)) > 0:
        return 0.0
    return (int(now // _HOUR) + 1) * _HOUR - now
