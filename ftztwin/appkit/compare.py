"""Side-by-side comparison of runs: means with intervals, paired differences, ranking.

Replications with the same number share their random numbers (common random numbers),
so the difference of two scenarios is taken replication by replication — the paired
difference — as :func:`ftztwin.report.comparison_table` does for the command line.
Every KPI is named, united and bounded by the one KPI catalogue
(``twin/kpi_catalogue.yaml``) the CLI and the reports use, and every interval is shown
with the number of replications it rests on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ftz_spec import Scenario
from ftztwin.appkit.runs import RunResult
from ftztwin.diff import diff_rows
from twin.catalogue import GROUPS, HEADLINE, describe, is_known
from twin.readable import format_number as _twin_number
from twin.stats import Interval, PairedDifference, paired_difference, replications_for
from twin.summary import summarise_kpi, value_of

__all__ = [
    "COMPARE_KPIS",
    "KpiChoice",
    "Paired",
    "catalogue_frame",
    "comparison_frame",
    "describe_better",
    "diff_bounds",
    "diff_frame",
    "format_diff",
    "format_iv",
    "format_number",
    "inputs_frame",
    "kpi_choices",
    "kpi_label",
    "long_frame",
    "moved_frame",
    "moved_most",
    "paired",
    "precision_warnings",
    "ranking_frame",
    "run_label",
    "suggested_kpis",
    "unfinished_frame",
    "what_changed",
]

# The table's rows when the planner has picked nothing: the headline KPIs with the
# percentiles planners ask for beside the mean, and always the unfinished share.
COMPARE_KPIS = (
    "clearance_time_min_mean",
    "clearance_time_min_p50",
    "clearance_time_min_p95",
    "unfinished_share",
    "inspection_rate",
    "hit_rate",
    "violations_missed",
    "duties_collected_mcny_per_day",
    "utilisation[role=inspection]",
)


def run_label(run: RunResult) -> str:
    """Return a column label that tells runs of like-named scenarios apart."""
    return f"{run.name} ({run.digest[:6]})"


def kpi_label(kpi: str) -> str:
    """``Clearance time, mean 平均通关时间 (min)``: catalogue names and unit."""
    if not is_known(kpi):
        return kpi
    d = describe(kpi)
    return f"{d.name_en} {d.name_zh} ({d.unit})"


@dataclass(frozen=True)
class KpiChoice:
    """One KPI the picker offers: id and its catalogue entry."""

    id: str
    label: str
    unit: str
    bounds: tuple[float | None, float | None]
    better: str | None


def _order(kpi: str) -> tuple[int, int, str]:
    if kpi in HEADLINE:
        return (0, HEADLINE.index(kpi), kpi)
    if not is_known(kpi):
        return (2, 0, kpi)
    return (1, GROUPS.index(describe(kpi).info.group), kpi)


def kpi_choices(runs: Sequence[RunResult]) -> list[str]:
    """Every KPI of the catalogue some run has: headline first, then by report group."""
    have = set().union(*(r.summary for r in runs)) if runs else set()
    return sorted((k for k in have if is_known(k)), key=_order)


def catalogue_frame(kpis: Sequence[str]) -> pd.DataFrame:
    """The catalogue's entry of each KPI: id, names in English and Chinese, unit, bounds."""
    rows = []
    for k in kpis:
        d = describe(k)
        lo, hi = d.bounds
        scale = d.info.scale
        bounds = f"[{_num(lo, scale)}, {_num(hi, scale)}]"
        rows.append((k, d.name_en, d.name_zh, d.unit, bounds, d.info.better or "–", d.info.meaning))
    cols = ["id", "English", "中文", "unit 单位", "bounds 界限", "better 更优", "meaning 含义"]
    return pd.DataFrame(rows, columns=cols)


def format_number(x: float) -> str:
    """The twin's readable numbers, and no exponent for tiny values either.

    ``twin.readable.format_number`` writes ``7.2e-05`` below 0.001; a planner reads
    ``0.000072``, and a value below a millionth as ``≈ 0`` (its sign kept).
    """
    if x is None or math.isnan(x) or math.isinf(x) or x == 0 or abs(x) >= 0.001:
        return _twin_number(x)
    if abs(x) < 1e-6:
        return "≈ 0" if x > 0 else "≈ -0"
    return f"{x:.6f}".rstrip("0")


def _num(x: float | None, scale: float = 1.0) -> str:
    return "∞" if x is None else format_number(x * scale)


def _scale_unit(kpi: str) -> tuple[float, str]:
    if not is_known(kpi):
        return 1.0, ""
    d = describe(kpi)
    return d.info.scale, d.unit


def _span(low: float, high: float) -> str:
    sep = " to " if low < 0 or high < 0 else "–"
    return f"{format_number(low)}{sep}{format_number(high)}"


def format_iv(kpi: str, iv: Interval | None) -> str:
    """``17.6 (14.2–21.0) min, n = 3``: mean, 95% interval, replications, n/a count."""
    if iv is None or iv.total == 0:
        return "–"
    scale, unit = _scale_unit(kpi)
    u = f" {unit}" if unit else ""
    if math.isnan(iv.mean):
        return f"n/a in all {iv.total}"
    text = f"{format_number(iv.mean * scale)}"
    if not math.isnan(iv.low):
        text += f" ({_span(iv.low * scale, iv.high * scale)})"
    text += f"{u}, n = {iv.n}"
    if iv.missing:
        text += f" (n/a in {iv.missing} of {iv.total})"
    return text


def diff_bounds(kpi: str) -> tuple[float | None, float | None]:
    """Physical bounds of a difference of two values of ``kpi`` (``[lo − hi, hi − lo]``).

    A proportion's difference stays within ±1 (±100 percentage points); a KPI bounded on
    one side only leaves its difference unbounded.
    """
    if not is_known(kpi):
        return (None, None)
    lo, hi = describe(kpi).bounds
    if lo is None or hi is None:
        return (None, None)
    return (lo - hi, hi - lo)


@dataclass(frozen=True)
class Paired:
    """The paired difference ``b − a`` of one KPI, clipped to its physical bounds."""

    kpi: str
    interval: Interval
    p_value: float
    unpaired: int

    @property
    def significant(self) -> bool:
        """Whether the 95% interval excludes zero."""
        iv = self.interval
        return not math.isnan(iv.low) and (iv.low > 0 or iv.high < 0)


def _clip(x: float, bounds: tuple[float | None, float | None]) -> float:
    lo, hi = bounds
    if math.isnan(x):
        return x
    return min(max(x, -math.inf if lo is None else lo), math.inf if hi is None else hi)


def paired(a: RunResult, b: RunResult, kpi: str) -> Paired:
    """The paired difference ``b − a`` by replication index (catalogue fill-in rules).

    A replication without the KPI counts as the catalogue defines it (zero for counts,
    n/a for a mean without observations); pairs with an n/a side are left out and
    counted in the interval's ``missing``. Replications only one run has are counted in
    ``unpaired``.
    """
    va = {r.replication: value_of(r.kpis, kpi) for r in a.results}
    vb = {r.replication: value_of(r.kpis, kpi) for r in b.results}
    d: PairedDifference = paired_difference(va, vb)
    bounds = diff_bounds(kpi)
    iv = d.interval
    iv = Interval(
        _clip(iv.mean, bounds), _clip(iv.low, bounds), _clip(iv.high, bounds),
        iv.n, iv.missing, iv.method, iv.confidence,
    )  # fmt: skip
    return Paired(kpi, iv, d.p_value, d.unpaired)


def format_diff(p: Paired) -> str:
    """``+1.20 (−0.30 to +2.70) min, n = 3 *``; per-cent KPIs in percentage points."""
    iv = p.interval
    if iv.total == 0 or math.isnan(iv.mean):
        return "–"
    scale, unit = _scale_unit(p.kpi)
    u = " pp" if unit == "%" else (f" {unit}" if unit else "")

    def signed(x: float) -> str:
        text = format_number(x * scale)
        return text if text.startswith("-") or text == "0" else f"+{text}"

    text = signed(iv.mean)
    if not math.isnan(iv.low):
        text += f" ({signed(iv.low)} to {signed(iv.high)})"
    text += f"{u}, n = {iv.n}"
    if iv.missing:
        text += f" (n/a in {iv.missing})"
    if p.significant:
        text += " *"
    return text


def _interval(run: RunResult, kpi: str) -> Interval:
    iv = run.summary.get(kpi)
    return iv if iv is not None else summarise_kpi(run.results, kpi)


def comparison_frame(
    runs: Sequence[RunResult],
    kpis: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return a display table: one row per KPI, each run's mean and interval, each Δ.

    The first run is the reference; a ``*`` marks a difference whose 95% interval
    excludes zero. Columns: ``KPI 指标`` (catalogue names), ``id``, one per run, one
    ``Δ`` per run after the first.
    """
    labels = list(labels or [run_label(r) for r in runs])
    rows = []
    for k in kpis or [k for k in COMPARE_KPIS if any(k in r.summary for r in runs)]:
        row = {"KPI 指标": kpi_label(k), "id": k}
        for label, run in zip(labels, runs, strict=True):
            row[label] = format_iv(k, _interval(run, k))
        for label, run in zip(labels[1:], runs[1:], strict=True):
            row[f"Δ {label} − {labels[0]}"] = format_diff(paired(runs[0], run, k))
        rows.append(row)
    return pd.DataFrame(rows)


def long_frame(runs: Sequence[RunResult], kpis: Sequence[str] | None = None) -> pd.DataFrame:
    """Return one row per run and KPI: mean, 95% CI bounds and n (for charts and CSV)."""
    rows = []
    for k in kpis or kpi_choices(runs):
        for run in runs:
            iv = run.summary.get(k)
            if iv is not None:
                rows.append((k, run_label(run), iv.mean, iv.low, iv.high, iv.n, iv.missing))
    cols = ["kpi", "scenario", "mean", "ci95_low", "ci95_high", "n", "n_missing"]
    return pd.DataFrame(rows, columns=cols)


def diff_frame(runs: Sequence[RunResult], kpi: str) -> pd.DataFrame:
    """Return each run's paired difference from the first run for one KPI (clipped)."""
    rows = []
    for run in runs[1:]:
        iv = paired(runs[0], run, kpi).interval
        rows.append((run_label(run), iv.mean, iv.low, iv.high, iv.n))
    return pd.DataFrame(rows, columns=["scenario", "diff", "ci95_low", "ci95_high", "n"])


def ranking_frame(
    runs: Sequence[RunResult], kpi: str, labels: Sequence[str] | None = None
) -> pd.DataFrame:
    """Rank the runs on ``kpi`` (the catalogue says which direction is better).

    Each run after the best gets its paired difference from the best; where that
    interval holds zero the two are not told apart by these replications (``tied``).
    A KPI with no better direction is ranked highest first, and the table says so.
    """
    labels = list(labels or [run_label(r) for r in runs])
    better = describe(kpi).info.better if is_known(kpi) else None
    means = [_interval(r, kpi).mean for r in runs]
    order = sorted(
        range(len(runs)),
        key=lambda i: (math.isnan(means[i]), means[i] if better == "lower" else -means[i]),
    )
    best = order[0]
    rows = []
    for rank, i in enumerate(order, 1):
        run = runs[i]
        if i == best:
            vs, verdict = "–", "best 最优" if better else "highest 最高"
        else:
            p = paired(runs[best], run, kpi)
            vs = format_diff(p)
            verdict = "worse 较差" if p.significant and better else "tied 无显著差异"
            if p.significant and not better:
                verdict = "lower 较低"
        rows.append((rank, labels[i], format_iv(kpi, _interval(run, kpi)), vs, verdict))
    cols = [
        "rank 排名",
        "scenario 情景",
        "mean (95% CI), n",
        "Δ vs first 与第一名之差",
        "verdict 结论",
    ]
    return pd.DataFrame(rows, columns=cols)


def unfinished_frame(
    runs: Sequence[RunResult], labels: Sequence[str] | None = None
) -> pd.DataFrame:
    """Each run's unfinished share and trucks unfinished: clearance times are censored."""
    labels = list(labels or [run_label(r) for r in runs])
    rows = []
    for label, run in zip(labels, runs, strict=True):
        rows.append((
            label,
            format_iv("unfinished_share", _interval(run, "unfinished_share")),
            format_iv("unfinished_cases", _interval(run, "unfinished_cases")),
            format_iv("trucks_observed", _interval(run, "trucks_observed")),
        ))  # fmt: skip
    cols = ["scenario 情景", "share unfinished 未完成比例", "trucks unfinished 未完成车辆", "trucks counted 计入车辆"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def precision_warnings(
    runs: Sequence[RunResult],
    kpis: Sequence[str],
    precision: float,
    labels: Sequence[str] | None = None,
) -> list[str]:
    """A warning for each run and KPI whose 95% half-width exceeds ``precision`` × |mean|.

    Each says how many replications the relative-precision rule suggests instead.
    """
    labels = list(labels or [run_label(r) for r in runs])
    out = []
    for k in kpis:
        for label, run in zip(labels, runs, strict=True):
            iv = _interval(run, k)
            if iv.n == 0:
                continue  # not applicable in any replication: the table says so
            if iv.n < 2:
                out.append(
                    f"{label}: {kpi_label(k)} rests on {iv.n} replication, no interval: "
                    f"at least 2 are needed for ±{precision:.0%}"
                )
            elif iv.half_width > 0 and iv.mean == 0:
                out.append(
                    f"{label}: {kpi_label(k)} has a mean of 0 and a half-width of "
                    f"{format_number(iv.half_width * _scale_unit(k)[0])} with {iv.n} "
                    "replications: no relative precision can be judged"
                )
            elif iv.half_width > 0 and iv.relative_half_width > precision:
                need = replications_for(iv, precision)
                out.append(
                    f"{label}: {kpi_label(k)} is known to ±{_pct(iv.relative_half_width)} of "
                    f"its mean with {iv.n} replications, not the ±{precision:.0%} asked "
                    f"for; ≈ {need} replications would reach it"
                )
    return out


def _pct(x: float) -> str:
    return "∞" if math.isinf(x) else f"{x:.0%}"


def moved_most(
    a: RunResult, b: RunResult, top: int = 10, kpis: Sequence[str] | None = None
) -> list[Paired]:
    """The KPIs whose paired difference ``b − a`` excludes zero, the clearest first.

    Clearest: largest |mean| relative to the half-width. A what-if that moves only the
    KPIs of the resource it changes (an H986 scanner's waits) shows up here even when
    every headline card stays the same.
    """
    names = kpis or kpi_choices([a, b])
    found = [p for p in (paired(a, b, k) for k in names) if p.significant]

    def strength(p: Paired) -> float:
        h = p.interval.half_width
        return math.inf if h == 0 else abs(p.interval.mean) / h

    return sorted(found, key=lambda p: (-strength(p), p.kpi))[:top]


def suggested_kpis(a: Scenario, b: Scenario, have: Sequence[str]) -> list[str]:
    """KPIs that measure what the scenarios' differences touch, among ``have``.

    An H986 count changed in a zone points to that zone's scanner (waits, utilisation,
    queue); a staff pool's count to the pool. Only a what-if of a few changes (at most
    three paths) gets suggestions: a whole other plan is read on the headline KPIs.
    """
    out: list[str] = []
    rows = diff_rows(a, b, values_only=True)
    if len(rows) > 3:
        return out
    for path, *_ in rows:
        resource = None
        if path.startswith("levers.h986."):
            resource = f"{path.removeprefix('levers.h986.')}/h986"
        elif path.startswith("site.staff_pools[id=") and path.endswith("].count"):
            resource = f"staff/{path[len('site.staff_pools[id=') : -len('].count')]}"
        if resource is None:
            continue
        for base in ("wait_min_mean", "utilisation", "queue_len_mean", "wait_min_p95"):
            k = f"{base}[{resource}]"
            if k in have and k not in out:
                out.append(k)
    return out


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


def what_changed(a: Scenario, b: Scenario, values_only: bool = False) -> pd.DataFrame:
    """The resolved-scenario diff of any two scenarios (A → B), as ``ftztwin diff`` prints it."""
    rows = diff_rows(a, b, values_only)
    cols = ["path 路径", "change 变化", "A", "B", "source A 来源", "source B 来源"]
    return pd.DataFrame(rows, columns=cols)


def summary_of(run: RunResult, kpis: Sequence[str]) -> Mapping[str, Interval]:
    """The intervals of ``kpis`` in ``run`` (computed by the catalogue's rules if absent)."""
    return {k: _interval(run, k) for k in kpis}


def describe_better(kpi: str) -> str:
    """Which direction the ranking takes, in words (from the catalogue's ``better``)."""
    better = describe(kpi).info.better if is_known(kpi) else None
    if better == "lower":
        return "lower is better 越低越好; best first"
    if better == "higher":
        return "higher is better 越高越好; best first"
    return "no direction is better by itself 无优劣方向; highest first"


def moved_frame(a: RunResult, b: RunResult, top: int = 15) -> pd.DataFrame:
    """:func:`moved_most` as a table: KPI names, both values and the paired Δ (B − A)."""
    rows = [
        (kpi_label(p.kpi), p.kpi, format_iv(p.kpi, _interval(a, p.kpi)),
         format_iv(p.kpi, _interval(b, p.kpi)), format_diff(p))
        for p in moved_most(a, b, top)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["KPI 指标", "id", "A", "B", "Δ B − A"])
