"""Failure and repair of a simulated device (MTTF / MTTR, exponential)."""

from __future__ import annotations

import numpy as np

__all__ = ["FailureProcess"]


class FailureProcess:
    """Alternating up and down periods, drawn lazily so memory stays flat.

    The schedule depends only on the device's own random stream, never on how often it
    is asked, so two runs with the same seed fail at the same times.
    """

    def __init__(self, rng: np.random.Generator, mttf_h: float | None, mttr_min: float) -> None:
        """Create the process; with ``mttf_h=None`` the device never fails."""
        self._rng = rng
        self._mttf_s = None if mttf_h is None else mttf_h * 3600.0
        self._mttr_s = mttr_min * 60.0
        self._down_from = self._draw_up(0.0)
        self._down_until = self._down_from + self._draw_down()
        self.downtime_s = 0.0

    def _draw_up(self, start: float) -> float:
        if self._mttf_s is None:
            return float("inf")
        return start + float(self._rng.exponential(self._mttf_s))

    def _draw_down(self) -> float:
        return float(self._rng.exponential(self._mttr_s)) if self._mttf_s is not None else 0.0

    def is_down(self, now: float) -> bool:
        """Return whether the device is failed at ``now`` (seconds); ``now`` must not decrease."""
        while now >= self._down_until:
            self.downtime_s += self._down_until - self._down_from
            self._down_from = self._draw_up(self._down_until)
            self._down_until = self._down_from + self._draw_down()
        return now >= self._down_from
