"""Confidence intervals over replications, done with :mod:`scipy.stats`.

Each replication is one independent observation of a KPI. Means get Student-t
intervals; proportions (an inspection rate, a hit rate) get the wider of a Wilson interval
on the counts pooled over replications and the t interval over the replications' rates,
so neither a few replications nor a few events make an interval look tighter than the
data allow; every interval is clipped to the KPI's physical bounds (a rate stays in
[0, 1]). Comparisons pair replications by their index (common random numbers), and
Holm's step-down correction is there for many KPIs compared at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from scipy import stats as sps

from twin.histogram import CensoredHistogram, LogHistogram

__all__ = [
    "CONFIDENCE",
    "Bounds",
    "CensoredHistogram",
    "Interval",
    "LogHistogram",
    "PairedDifference",
    "holm",
    "mean_ci",
    "paired_difference",
    "proportion_ci",
    "replications_for",
    "t_quantile",
    "t_quantile_975",
]

CONFIDENCE = 0.95
Bounds = tuple[float | None, float | None]
_UNBOUNDED: Bounds = (None, None)


@dataclass(frozen=True)
class Interval:
    """A KPI's mean over replications with its confidence interval.

    Attributes:
        mean: Mean over the replications the KPI applies to.
        low: Lower end of the interval (NaN with fewer than two replications).
        high: Upper end.
        n: Replications the mean is over.
        missing: Replications in which the KPI does not apply (no observation: a wait
            at a resource nobody queued for); never silently dropped — shown beside
            the interval.
        method: ``t``, ``wilson+t`` (proportions), or ``none``.
        confidence: Confidence level of the interval.
    """

    mean: float
    low: float
    high: float
    n: int
    missing: int = 0
    method: str = "t"
    confidence: float = CONFIDENCE

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return (self.high - self.low) / 2

    @property
    def relative_half_width(self) -> float:
        """Half-width as a share of ``|mean|`` (inf for a zero mean, NaN without interval)."""
        if math.isnan(self.half_width):
            return math.nan
        return self.half_width / abs(self.mean) if self.mean else math.inf

    @property
    def total(self) -> int:
        """Replications asked about: ``n + missing``."""
        return self.n + self.missing


def t_quantile(df: int, confidence: float = CONFIDENCE) -> float:
    """Two-sided Student-t quantile for ``df`` degrees of freedom (NaN below 1)."""
    if df < 1:
        return math.nan
    return float(sps.t.ppf(0.5 + confidence / 2, df))


def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom."""
    return t_quantile(df, 0.95)


def _clip(x: float, bounds: Bounds) -> float:
    lo, hi = bounds
    if math.isnan(x):
        return x
    if lo is not None:
        x = max(x, lo)
    if hi is not None:
        x = min(x, hi)
    return x


def mean_ci(
    values: Sequence[float], bounds: Bounds = _UNBOUNDED, confidence: float = CONFIDENCE
) -> Interval:
    """Mean of ``values`` with a t interval clipped to ``bounds``.

    NaN values are replications in which the KPI does not apply: they are left out of
    the mean and counted in :attr:`Interval.missing`.
    """
    xs = [float(v) for v in values if not math.isnan(v)]
    missing = len(values) - len(xs)
    n = len(xs)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, missing, "none", confidence)
    m = math.fsum(xs) / n
    if n == 1:
        return Interval(m, math.nan, math.nan, 1, missing, "none", confidence)
    sd = math.sqrt(math.fsum((x - m) ** 2 for x in xs) / (n - 1))
    h = t_quantile(n - 1, confidence) * sd / math.sqrt(n)
    return Interval(
        _clip(m, bounds), _clip(m - h, bounds), _clip(m + h, bounds), n, missing, "t", confidence
    )


def proportion_ci(
    rates: Sequence[float], trials: Sequence[float], confidence: float = CONFIDENCE
) -> Interval:
    """A proportion over replications: the wider of Wilson (pooled) and t, in [0, 1].

    Args:
        rates: The proportion in each replication (NaN where it does not apply).
        trials: Its denominator in each replication (trucks, inspections …).
        confidence: Confidence level.
    """
    iv = mean_ci(rates, (0.0, 1.0), confidence)
    pairs = [(r, t) for r, t in zip(rates, trials, strict=True) if not math.isnan(r) and t > 0]
    n = round(sum(t for _, t in pairs))
    if n <= 0:
        return iv
    k = min(n, max(0, round(sum(r * t for r, t in pairs))))
    w = sps.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    if iv.n < 2:
        return replace(iv, low=float(w.low), high=float(w.high), method="wilson")
    return replace(iv, low=min(iv.low, float(w.low)), high=max(iv.high, float(w.high)), method="wilson+t")  # fmt: skip


@dataclass(frozen=True)
class PairedDifference:
    """``b − a`` over the replications both runs have, paired by replication index.

    Attributes:
        interval: Mean difference with its t interval.
        p_value: Two-sided paired t-test p-value (NaN with fewer than two pairs or
            no spread).
        unpaired: Replications present in only one of the two runs (left out).
    """

    interval: Interval
    p_value: float
    unpaired: int = 0


def paired_difference(
    a: Mapping[int, float], b: Mapping[int, float], confidence: float = CONFIDENCE
) -> PairedDifference:
    """Paired difference ``b − a`` of one KPI keyed by replication index."""
    common = sorted(set(a) & set(b))
    unpaired = len(set(a) ^ set(b))
    diffs = [b[r] - a[r] for r in common]
    iv = mean_ci(diffs, confidence=confidence)
    xs = [d for d in diffs if not math.isnan(d)]
    p = math.nan
    if len(xs) >= 2:
        sd = math.sqrt(math.fsum((x - iv.mean) ** 2 for x in xs) / (len(xs) - 1))
        if sd > 0:
            tstat = iv.mean / (sd / math.sqrt(len(xs)))
            p = float(2 * sps.t.sf(abs(tstat), len(xs) - 1))
        else:
            p = 0.0 if iv.mean != 0 else 1.0
    return PairedDifference(iv, p, unpaired)


def holm(p_values: Mapping[str, float]) -> dict[str, float]:
    """Holm's step-down adjusted p-values (family-wise error for many comparisons).

    NaN p-values are kept as NaN and do not count in the family.
    """
    valid = sorted((p, k) for k, p in p_values.items() if not math.isnan(p))
    m = len(valid)
    out = {k: math.nan for k in p_values}
    running = 0.0
    for i, (p, k) in enumerate(valid):
        running = max(running, min(1.0, (m - i) * p))
        out[k] = running
    return out


def replications_for(iv: Interval, precision: float) -> int | None:
    """Replications a pilot ``iv`` suggests for a relative half-width of ``precision``.

    The relative-precision rule ``n ≈ n₀ (h₀ / (precision · |mean|))²`` (None when the
    pilot has no interval or a zero mean).
    """
    rel = iv.relative_half_width
    if math.isnan(rel) or math.isinf(rel):
        return None
    return max(iv.n, math.ceil(iv.n * (rel / precision) ** 2))
