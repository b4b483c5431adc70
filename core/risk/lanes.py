"""Running lane state of one zone and direction: rates, top-up thresholds, hit counters.

Memory is fixed per zone and direction: exponentially weighted counts (no history list)
and a ring of recent scores, so the engine can run for years of simulated traffic.
"""

from __future__ import annotations

import math

import numpy as np

from core.risk.model import Lane
from core.risk.policy import FILL_ORDER, LanePlan

__all__ = ["LaneState"]

_MIN_SCORES = 32  # below this many scores a quantile says nothing; top-up waits


class LaneState:
    """Counters and thresholds behind capacity matching for one zone and direction."""

    __slots__ = (
        "_filled",
        "_keep",
        "_pos",
        "_recal_every",
        "_scores",
        "_since",
        "expected",
        "misses",
        "n",
        "plan",
        "selected",
        "thresholds",
    )

    def __init__(self, plan: LanePlan, horizon: int, window: int, recalibrate_every: int) -> None:
        """Start empty.

        Args:
            plan: The lane plan applied.
            horizon: Declarations over which lane rates are averaged.
            window: Recent scores kept for thresholds.
            recalibrate_every: Declarations between threshold recomputations.
        """
        self.plan = plan
        self.expected = [plan.expected_rates.get(lane, 0.0) for lane in Lane]
        self._keep = 1.0 - 1.0 / horizon
        self.n = 0.0
        self.selected = [0.0] * len(Lane)
        self.misses = [0] * len(Lane)
        self.thresholds = [math.inf] * len(Lane)
        self._scores = np.zeros(window)
        self._pos = 0
        self._filled = 0
        self._since = 0
        self._recal_every = recalibrate_every

    def rate(self, lane: Lane) -> float:
        """Return the running share of declarations sent to ``lane``."""
        return self.selected[lane] / self.n if self.n else 0.0

    def record(self, score: float, lane: Lane) -> None:
        """Count one decided declaration with its score and lane."""
        keep = self._keep
        sel = self.selected
        for i in range(len(sel)):
            sel[i] *= keep
        sel[lane] += 1.0
        self.n = self.n * keep + 1.0
        self._scores[self._pos] = score
        self._pos = (self._pos + 1) % len(self._scores)
        self._filled = min(self._filled + 1, len(self._scores))
        self._since += 1
        # Geometric warm-up: recompute at 32, 64, 128 … scores, then every recalibrate_every.
        if self._filled >= _MIN_SCORES and self._since >= min(self._recal_every, self._filled // 2):
            self._recalibrate()

    def move(self, old: Lane, new: Lane) -> None:
        """Move one recent declaration from ``old`` to ``new`` (an officer's re-routing)."""
        self.selected[old] = max(0.0, self.selected[old] - 1.0)
        self.selected[new] += 1.0

    def _recalibrate(self) -> None:
        # Nested thresholds: red takes the riskiest share, yellow the next, and so on.
        self._since = 0
        scores = self._scores[: self._filled]
        cumulative = 0.0
        for lane in FILL_ORDER:
            cumulative += self.expected[lane]
            q = cumulative * self.plan.top_up_pool_factor
            if self.expected[lane] <= 0.0:
                self.thresholds[lane] = math.inf
            elif q >= 1.0:
                self.thresholds[lane] = -math.inf
            else:
                self.thresholds[lane] = float(np.quantile(scores, 1.0 - q))
