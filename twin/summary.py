"""Summaries over replications that follow the KPI catalogue.

Every replication counts in every KPI's summary: a KPI absent from a replication is
filled in by its definition — zero for counts, levels and stalls ("nothing happened"),
*not applicable* for means and proportions without observations (a wait at a resource
nobody queued for), which is left out of the mean and shown as ``missing`` beside the
interval, never dropped silently. Intervals are clipped to the catalogue's bounds and
proportions get Wilson intervals (see :mod:`twin.stats`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from twin.catalogue import describe, is_known
from twin.stats import (
    CONFIDENCE,
    Interval,
    PairedDifference,
    holm,
    mean_ci,
    paired_difference,
    proportion_ci,
)

__all__ = ["compare", "summarise", "summarise_kpi", "value_of"]


class _Result(Protocol):
    replication: int
    kpis: dict[str, float]


def value_of(kpis: Mapping[str, float], kpi: str) -> float:
    """``kpi`` in one replication, filled in by definition when absent (NaN: n/a).

    A count absent is zero; a proportion absent is zero when its denominator is there
    and positive (a lane no truck was sent to has a share of 0), else not applicable.
    """
    if kpi in kpis:
        return kpis[kpi]
    if not is_known(kpi):
        return math.nan
    label = describe(kpi)
    if label.info.absent == "zero":
        return 0.0
    if label.denominator is not None and kpis.get(label.denominator, 0.0) > 0:
        return 0.0
    return math.nan


def summarise_kpi(results: Sequence[_Result], kpi: str, confidence: float = CONFIDENCE) -> Interval:
    """Mean and confidence interval of ``kpi`` over ``results`` (catalogue rules)."""
    values = [value_of(r.kpis, kpi) for r in results]
    if not is_known(kpi):
        return mean_ci(values, confidence=confidence)
    label = describe(kpi)
    if label.denominator is not None:
        trials = [value_of(r.kpis, label.denominator) for r in results]
        trials = [0.0 if math.isnan(t) else t for t in trials]
        return proportion_ci(values, trials, confidence)
    return mean_ci(values, label.bounds, confidence)


def summarise(
    results: Sequence[_Result],
    names: Iterable[str] | None = None,
    confidence: float = CONFIDENCE,
) -> dict[str, Interval]:
    """Every KPI (or those in ``names``) of ``results`` with its interval."""
    keys = sorted({k for r in results for k in r.kpis}) if names is None else list(names)
    return {k: summarise_kpi(results, k, confidence) for k in keys}


def compare(
    a: Sequence[_Result],
    b: Sequence[_Result],
    names: Iterable[str] | None = None,
    adjust: bool = False,
) -> dict[str, tuple[PairedDifference, float]]:
    """Paired differences ``b − a`` by replication index, with (Holm-adjusted) p-values.

    Returns:
        KPI → (paired difference, p-value; Holm-adjusted over the KPIs compared when
        ``adjust``).
    """
    keys = sorted({k for r in (*a, *b) for k in r.kpis}) if names is None else list(names)
    diffs = {}
    for k in keys:
        va = {r.replication: value_of(r.kpis, k) for r in a}
        vb = {r.replication: value_of(r.kpis, k) for r in b}
        diffs[k] = paired_difference(va, vb)
    p = {k: d.p_value for k, d in diffs.items()}
    if adjust:
        p = holm(p)
    return {k: (diffs[k], p[k]) for k in keys}
