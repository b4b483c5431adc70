"""Streaming statistics with flat memory, and confidence intervals over replications."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Interval", "LogHistogram", "mean_ci", "t_quantile_975"]

# Student t 0.975 quantiles for 1..30 degrees of freedom.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_quantile_975(df: int) -> float:
    """Return the 0.975 quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        return float("nan")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df)  # Cornish-Fisher, error < 1e-3 beyond 30 df


@dataclass(frozen=True)
class Interval:
    """A mean with its 95% confidence interval over ``n`` replications."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return (self.high - self.low) / 2


def mean_ci(values: Sequence[float]) -> Interval:
    """Return the mean of ``values`` with a 95% t confidence interval (NaNs ignored)."""
    xs = [v for v in values if not math.isnan(v)]
    n = len(xs)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    m = sum(xs) / n
    if n == 1:
        return Interval(m, math.nan, math.nan, 1)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))
    h = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return Interval(m, m - h, m + h, n)


class LogHistogram:
    """Quantiles of a non-negative quantity with bounded memory and ~1% relative error.

    Values are counted in bins whose width grows geometrically, so a week-long run keeps
    a few hundred counters instead of every observation.
    """

    def __init__(self, resolution: float = 0.01, floor: float = 1e-3) -> None:
        """Bins grow by ``1 + resolution``; values below ``floor`` share one bin."""
        self._log_base = math.log1p(resolution)
        self._floor = floor
        self._bins: dict[int, int] = {}
        self.count = 0
        self.total = 0.0
        self.max = 0.0

    def add(self, value: float) -> None:
        """Count one observation."""
        v = max(value, 0.0)
        key = -1 if v < self._floor else int(math.log(v / self._floor) / self._log_base)
        self._bins[key] = self._bins.get(key, 0) + 1
        self.count += 1
        self.total += v
        self.max = max(self.max, v)

    @property
    def mean(self) -> float:
        """The exact mean of the observations (NaN when empty)."""
        return self.total / self.count if self.count else math.nan

    def quantile(self, q: float) -> float:
        """Return the ``q`` quantile (0..1), NaN when empty."""
        if not self.count:
            return math.nan
        rank = q * (self.count - 1)
        seen = 0
        for key in sorted(self._bins):
            seen += self._bins[key]
            if seen > rank:
                if key < 0:
                    return 0.0
                mid = self._floor * math.exp((key + 0.5) * self._log_base)
                return min(mid, self.max)
        return self.max
