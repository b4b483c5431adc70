"""KPI values and intervals as a planner reads them: units, per cent, no ``3.251e+04``.

Used by the CLI tables, the reports and the app, with the names and units of the KPI
catalogue (:mod:`twin.catalogue`).
"""

from __future__ import annotations

import math

from twin.catalogue import describe, is_known
from twin.stats import Interval

__all__ = ["format_interval", "format_number", "format_value", "interval_text"]


def format_number(x: float) -> str:
    """``32,512`` · ``325`` · ``32.5`` · ``3.25`` · ``0.0325``; ``–`` for NaN."""
    if x is None or math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    if a == 0:
        return "0"
    return f"{x:.2g}" if a < 0.001 else f"{x:.3f}".rstrip("0").rstrip(".")


def _span(low: float, high: float) -> str:
    """``14.2–21.0``; ``-569 to -484`` when a dash would read as a minus sign."""
    sep = " to " if low < 0 or high < 0 else "–"
    return f"{format_number(low)}{sep}{format_number(high)}"


def _scale_unit(kpi: str) -> tuple[float, str]:
    if not is_known(kpi):
        return 1.0, ""
    info = describe(kpi).info
    return info.scale, info.unit


def format_value(kpi: str, x: float, unit: bool = True) -> str:
    """One value of ``kpi`` with its unit (proportions in per cent)."""
    scale, u = _scale_unit(kpi)
    text = format_number(x * scale)
    if not unit or not u or text == "–":
        return text
    return f"{text} %" if u == "%" else f"{text} {u}"


def format_interval(kpi: str, iv: Interval, unit: bool = False) -> str:
    """``32.5 (31.0–34.0)``: the mean and the interval's ends; counts of n/a beside."""
    scale, u = _scale_unit(kpi)
    if math.isnan(iv.mean):
        text = "n/a"
    elif math.isnan(iv.low):
        text = format_number(iv.mean * scale)
    else:
        text = f"{format_number(iv.mean * scale)} ({_span(iv.low * scale, iv.high * scale)})"
    if unit and u and text != "n/a":
        text += " %" if u == "%" else f" {u}"
    if iv.missing:
        text += f" [n/a in {iv.missing} of {iv.total}]"
    return text


def interval_text(kpi: str, iv: Interval) -> str:
    """A sentence part: ``17.6 min (95% CI 14.2–21.0 min; 5 replications)``."""
    scale, u = _scale_unit(kpi)
    unit = (" %" if u == "%" else f" {u}") if u else ""
    if math.isnan(iv.mean):
        return f"not applicable in all {iv.total} replications"
    head = f"{format_number(iv.mean * scale)}{unit}"
    if math.isnan(iv.low):
        tail = f"{iv.n} replication{'s' if iv.n != 1 else ''}, no interval"
    else:
        level = f"{iv.confidence:.0%}"
        tail = (
            f"{level} CI {_span(iv.low * scale, iv.high * scale)}{unit}; "
            f"{iv.n} replication{'s' if iv.n != 1 else ''}"
        )
    if iv.missing:
        tail += f"; not applicable in {iv.missing} of {iv.total}"
    return f"{head} ({tail})"
