"""Side-by-side comparison of runs: means with intervals and paired differences.

Replications with the same number share their random numbers (common random numbers),
so the difference of two scenarios is taken replication by replication — the paired
difference — as :func:`ftztwin.report.comparison_table` does for the command line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ftztwin.appkit.frames import paired
from ftztwin.appkit.runs import RunResult
from ftztwin.diff import diff_rows
from ftztwin.report import HEADLINE, format_interval
from twin.stats import Interval

__all__ = [
    "COMPARE_KPIS",
    "comparison_frame",
    "diff_frame",
    "inputs_frame",
    "long_frame",
    "run_label",
]

# Headline KPIs plus the percentiles, which planners ask for beside the mean.
COMPARE_KPIS = (
    "clearance_time_min_mean",
    "clearance_time_min_p50",
    "clearance_time_min_p95",
    *(k for k in HEADLINE if k not in {"clearance_time_min_mean", "clearance_time_min_p95"}),
)


def run_label(run: RunResult) -> str:
    """Return a column label that tells runs of like-named scenarios apart."""
    return f"{run.name} ({run.digest[:6]})"


def _diff_cell(iv: Interval) -> str:
    if math.isnan(iv.mean):
        return "–"
    if math.isnan(iv.half_width):
        return f"{iv.mean:+.4g}"
    mark = " *" if iv.low > 0 or iv.high < 0 else ""
    return f"{iv.mean:+.4g} [{iv.low:+.3g}, {iv.high:+.3g}]{mark}"


def _kpis(runs: Sequence[RunResult], kpis: Sequence[str] | None) -> list[str]:
    have = set().union(*(r.summary for r in runs))
    return [k for k in (kpis or COMPARE_KPIS) if k in have]


def comparison_frame(runs: Sequence[RunResult], kpis: Sequence[str] | None = None) -> pd.DataFrame:
    """Return a display table: KPI, each run's mean ± half-width, each paired difference.

    The first run is the reference; a ``*`` marks a difference whose 95% interval
    excludes zero.
    """
    base = runs[0]
    rows = []
    for k in _kpis(runs, kpis):
        row = {"KPI": k}
        for run in runs:
            row[run_label(run)] = format_interval(
                run.summary.get(k, Interval(math.nan, math.nan, math.nan, 0)), missing="–"
            )
        for run in runs[1:]:
            key = f"Δ {run_label(run)} − {run_label(base)} [95% CI]"
            row[key] = _diff_cell(paired(base.results, run.results, k))
        rows.append(row)
    return pd.DataFrame(rows)


def long_frame(runs: Sequence[RunResult], kpis: Sequence[str] | None = None) -> pd.DataFrame:
    """Return one row per run and KPI: mean and 95% CI bounds (for charts and CSV)."""
    rows = []
    for k in _kpis(runs, kpis):
        for run in runs:
            iv = run.summary.get(k)
            if iv is not None:
                rows.append((k, run_label(run), iv.mean, iv.low, iv.high, iv.n))
    return pd.DataFrame(rows, columns=["kpi", "scenario", "mean", "ci95_low", "ci95_high", "n"])


def diff_frame(runs: Sequence[RunResult], kpi: str) -> pd.DataFrame:
    """Return each run's paired difference from the first run for one KPI."""
    base = runs[0]
    rows = []
    for run in runs[1:]:
        iv = paired(base.results, run.results, kpi)
        rows.append((run_label(run), iv.mean, iv.low, iv.high, iv.n))
    return pd.DataFrame(rows, columns=["scenario", "diff", "ci95_low", "ci95_high", "n"])


_INPUT_COLUMNS = ("scenario", "path", "change", "reference", "value", "reference source", "source")


def inputs_frame(runs: Sequence[RunResult], values_only: bool = False) -> pd.DataFrame:
    """Return the inputs each run differs from the first in, path by path (``ftztwin diff``).

    One row per run after the first and path: both values and both sources, so a
    difference in the KPIs can be read against the inputs (and their sources) that
    caused it. ``values_only`` leaves out paths where only the source differs.
    """
    base = runs[0]
    rows = [
        (run_label(run), path, change, a, b, src_a, src_b)
        for run in runs[1:]
        for path, change, a, b, src_a, src_b in diff_rows(base.scenario, run.scenario, values_only)
    ]
    return pd.DataFrame(rows, columns=list(_INPUT_COLUMNS))
