"""Failure and repair of a simulated device (MTTF / MTTR, exponential)."""

from __future__ import annotations

from enum import StrEnum

import numpy as np

__all__ = ["FailureMode", "FailureProcess"]


class FailureMode(StrEnum):
    """What a device is doing at a moment."""

    UP = "up"
    DOWN = "down"  # silent: no readings, a device_down fault
    STUCK = "stuck"  # answers, but with the last value it read (stuck-at)


class FailureProcess:
    """Alternating up and failed periods, drawn lazily so memory stays flat.

    Each cycle draws exactly three numbers (up time, repair time, kind of failure) from
    a stream of its own, so the schedule depends only on the device's seed, never on how
    often the device is asked or on its other parameters (common random numbers).
    """

    def __init__(
        self,
        rng: np.random.Generator,
        mttf_h: float | None,
        mttr_min: float,
        stuck_share: float = 0.0,
    ) -> None:
        """Create the process; with ``mttf_h=None`` the device never fails."""
        self._rng = rng
        self._mttf_s = None if mttf_h is None else mttf_h * 3600.0
        self._mttr_s = mttr_min * 60.0
        self._stuck_share = stuck_share
        self.downtime_s = 0.0
        self._down_from = float("inf")
        self._down_until = float("inf")
        self._mode = FailureMode.DOWN
        self._next_cycle(0.0)

    def _next_cycle(self, start: float) -> None:
        if self._mttf_s is None:
            return
        up, down, kind = self._rng.random(3)
        self._down_from = start - self._mttf_s * float(np.log1p(-up))
        self._down_until = self._down_from - self._mttr_s * float(np.log1p(-down))
        self._mode = FailureMode.STUCK if kind < self._stuck_share else FailureMode.DOWN

    def mode(self, now: float) -> FailureMode:
        """Return the device's mode at ``now`` (seconds); ``now`` must not decrease."""
        while now >= self._down_until:
            self.downtime_s += self._down_until - self._down_from
            self._next_cycle(self._down_until)
        return self._mode if now >= self._down_from else FailureMode.UP

    def downtime_at(self, now: float) -> float:
        """Seconds spent failed up to ``now``, the failure in progress included.

        ``downtime_s`` alone counts only failures already repaired: a device down at the
        end of a run (or for all of it) would report no downtime. ``now`` must not
        decrease, as for :meth:`mode`.
        """
        self.mode(now)
        return self.downtime_s + max(0.0, now - self._down_from)

    def is_down(self, now: float) -> bool:
        """Return whether the device is failed (silent or stuck) at ``now``."""
        return self.mode(now) is not FailureMode.UP
