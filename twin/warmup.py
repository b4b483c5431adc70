"""Choosing the warm-up with MSER-5 (White 1997; Hoad, Robinson & Davies 2010).

The output series — clearance time of each truck, or each wait at a resource, in the
order they end — is cut into batches of five and averaged over the replications batch by
batch. MSER picks the number of leading batches ``d`` to drop that minimises the squared
standard error of the rest, ``Σ_{i>d} (Z_i − Z̄_d)² / (n − d)²``. A minimum in the second
half of the series means the run is too short to tell (the series has not settled):
*undetermined*. The warm-up suggested is the time the last dropped batch ended: every
observation dropped ended by then, so a warm-up that long (counted on arrival, as the
KPIs are) leaves them all out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ftz_spec import Scenario, StaffRole
from twin.series import Series

__all__ = ["WarmupEstimate", "default_warmup_kpis", "estimate_warmup", "mser"]

Verdict = Literal["agrees", "contradicts", "undetermined", "too few data"]
# Fewer batches than this (500 observations) say too little to overrule a warm-up: MSER-5
# is studied on series of a thousand observations and more (Hoad, Robinson & Davies 2010).
_MIN_BATCHES = 100


def mser(z: Sequence[float]) -> tuple[int, bool]:
    """MSER truncation of batch means ``z``: ``(batches to drop, determined)``.

    ``determined`` is False when the minimum lies in the second half of the series.
    Truncations that leave only a constant tail are skipped (see the comment below).
    """
    x = np.asarray(z, dtype=float)
    n = len(x)
    if n < 2:
        return 0, False
    # Suffix sums give every truncation's mean and sum of squares in one pass.
    s1 = np.cumsum(x[::-1])[::-1]
    s2 = np.cumsum((x * x)[::-1])[::-1]
    d = np.arange(n - 1)  # keep at least two batches
    m = n - d
    sse = np.maximum(s2[d] - s1[d] ** 2 / m, 0.0)
    stat = sse / m**2
    # A tail of identical batch means (a resource nobody waited at for the last hours, a
    # quiet Sunday night) has a statistic of exactly zero: a spurious minimum at the end
    # that would call every sparse series unsettled. Such truncations are not candidates
    # unless the whole series is constant.
    flat = (np.maximum.accumulate(x[::-1])[::-1] == np.minimum.accumulate(x[::-1])[::-1])[d]
    if not flat.all():
        stat = np.where(flat, np.inf, stat)
    best = int(np.argmin(stat))
    return best, best <= n // 2


def _rebatch(s: Series, batch: int) -> tuple[np.ndarray, np.ndarray]:
    """Batch means and end times of ``s`` at a (multiple) batch size ``batch``."""
    k = batch // s.batch
    means = np.asarray(s.means, dtype=float)
    ends = np.asarray(s.ends_s, dtype=float)
    n = len(means) // k * k
    return means[:n].reshape(-1, k).mean(axis=1), ends[:n].reshape(-1, k)[:, -1]


@dataclass(frozen=True)
class WarmupEstimate:
    """MSER-5 on one KPI's series over the replications.

    Attributes:
        kpi: The KPI whose series it is (``clearance_time_min_mean``, ``wait_min_mean[r]``).
        warmup_h: Suggested warm-up (hours); NaN when there are too few data.
        determined: False when MSER's minimum lies in the second half of the series.
        per_replication_h: The same estimate for each replication alone (NaN where
            MSER's minimum lies in that replication's second half: undetermined).
        batches: Batches in the averaged series.
        batch: Observations per batch (5 unless a long run compacted them).
        means: The averaged batch means (for plots).
        ends_h: When the last observation of each averaged batch began (hours, latest
            replication).
    """

    kpi: str
    warmup_h: float
    determined: bool
    per_replication_h: tuple[float, ...]
    batches: int
    batch: int
    means: tuple[float, ...]
    ends_h: tuple[float, ...]

    def verdict(self, used_h: float) -> Verdict:
        """Whether a warm-up of ``used_h`` hours is one MSER-5 agrees with."""
        if self.batches < _MIN_BATCHES or math.isnan(self.warmup_h):
            return "too few data"
        if not self.determined:
            return "undetermined"
        return "agrees" if used_h >= self.warmup_h else "contradicts"


def estimate_warmup(kpi: str, series: Sequence[Series]) -> WarmupEstimate:
    """MSER-5 of ``kpi`` from one :class:`Series` per replication."""
    usable = [s for s in series if s.means]
    if not usable:
        return WarmupEstimate(kpi, math.nan, False, (), 0, 0, (), ())
    batch = max(s.batch for s in usable)
    pairs = [_rebatch(s, batch) for s in usable]
    n = min(len(m) for m, _ in pairs)
    if n < 2:
        return WarmupEstimate(kpi, math.nan, False, (), n, batch, (), ())
    means = np.mean([m[:n] for m, _ in pairs], axis=0)
    ends = np.max([e[:n] for _, e in pairs], axis=0)
    d, determined = mser(means)
    per = []
    for m, e in pairs:
        di, ok = mser(m)
        per.append((float(e[di - 1]) / 3600.0 if di else 0.0) if ok else math.nan)
    warmup_h = float(ends[d - 1]) / 3600.0 if d else 0.0
    return WarmupEstimate(
        kpi, warmup_h, determined, tuple(per), n, batch,
        tuple(float(v) for v in means), tuple(float(v) / 3600.0 for v in ends),
    )  # fmt: skip


def default_warmup_kpis(scenario: Scenario) -> list[str]:
    """The series a run's warm-up is checked on.

    Clearance time, and the waits at the inspection station (each zone's bays and
    inspection officers), the slowest part of the system to settle.
    """
    out = ["clearance_time_min_mean"]
    out += [f"wait_min_mean[{z.id}/inspection_bays]" for z in scenario.site.zones]
    out += [
        f"wait_min_mean[staff/{p.id}]"
        for p in scenario.site.staff_pools
        if p.role is StaffRole.INSPECTION
    ]
    return out
