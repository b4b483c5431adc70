"""Distributions with flat memory: a log-binned histogram, and one that knows censoring.

A truck still in the system when a run stops has a clearance time of *at least* its time
so far: a right-censored observation. :class:`CensoredHistogram` keeps finished and
censored observations in the same bins and estimates percentiles with Kaplan–Meier, so
trucks that never finish are neither dropped (which makes a starved resource look fast)
nor counted as if they had finished.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

__all__ = ["CensoredHistogram", "LogHistogram"]


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

    def key(self, value: float) -> int:
        """The bin of ``value`` (-1 for values below the floor)."""
        v = max(value, 0.0)
        return -1 if v < self._floor else int(math.log(v / self._floor) / self._log_base)

    def add(self, value: float) -> None:
        """Count one observation."""
        # :meth:`key` inlined, and max() spelt out with the same result (NaN included):
        # several observations per truck.
        v = 0.0 if value < 0.0 else value
        key = -1 if v < self._floor else int(math.log(v / self._floor) / self._log_base)
        self._bins[key] = self._bins.get(key, 0) + 1
        self.count += 1
        self.total += v
        if v > self.max:
            self.max = v

    def mid(self, key: int) -> float:
        """A representative value of bin ``key`` (its geometric middle; 0 for the floor bin)."""
        if key < 0:
            return 0.0
        return self._floor * math.exp((key + 0.5) * self._log_base)

    def edges(self, key: int) -> tuple[float, float]:
        """Lower and upper edge of bin ``key``."""
        if key < 0:
            return 0.0, self._floor
        return (
            self._floor * math.exp(key * self._log_base),
            self._floor * math.exp((key + 1) * self._log_base),
        )

    def items(self) -> Iterator[tuple[int, int]]:
        """``(bin, count)`` in increasing order."""
        return iter(sorted(self._bins.items()))

    def get(self, key: int) -> int:
        """Observations in bin ``key``."""
        return self._bins.get(key, 0)

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
        for key, n in self.items():
            seen += n
            if seen > rank:
                return min(self.mid(key), self.max)
        return self.max


class CensoredHistogram:
    """Finished and right-censored observations of one duration.

    ``mean`` counts a censored observation at its time so far, so it is the exact mean
    when nothing is censored and a lower bound otherwise (report it with
    :attr:`censored_share`). ``quantile`` is the Kaplan–Meier estimate on the bins.
    """

    def __init__(
        self, done: LogHistogram | None = None, censored: LogHistogram | None = None
    ) -> None:
        """Start empty, or from histograms of finished and censored observations."""
        self.done = done if done is not None else LogHistogram()
        self.censored = censored if censored is not None else LogHistogram()

    @property
    def count(self) -> int:
        """All observations, finished or not."""
        return self.done.count + self.censored.count

    @property
    def censored_share(self) -> float:
        """Share of observations that never finished (NaN when empty)."""
        return self.censored.count / self.count if self.count else math.nan

    @property
    def mean(self) -> float:
        """Mean with censored observations at their time so far (NaN when empty)."""
        n = self.count
        return (self.done.total + self.censored.total) / n if n else math.nan

    def quantile(self, q: float) -> float:
        """Kaplan–Meier ``q`` quantile; NaN when empty or when censoring hides it.

        Without censoring this is the inverted empirical distribution (the smallest
        value with at least ``q`` of the observations at or below it).

        A quantile is hidden when more than ``1 - q`` of the observations are censored
        before the survival curve falls to ``1 - q``: the data then say only that it is
        longer than the longest finished time.
        """
        at_risk = self.count
        if not at_risk:
            return math.nan
        survival = 1.0
        keys = sorted({k for k, _ in self.done.items()} | {k for k, _ in self.censored.items()})
        for key in keys:
            d, c = self.done.get(key), self.censored.get(key)
            if d:
                survival *= 1.0 - d / at_risk
                if 1.0 - survival >= q - 1e-12:
                    return min(self.done.mid(key), self.done.max)
            at_risk -= d + c  # censored in a bin count as surviving its events
        return math.nan
