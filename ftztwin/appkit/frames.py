"""KPI summaries and event logs shaped into the frames the pages and charts show.

Nothing here computes a KPI of its own: means, percentiles and rates come from the twin's
KPIs (``summary``) and the charts only re-draw records of the event log.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.trace import Lifecycle, TraceRecord
from ftz_spec import Scenario
from ftztwin.appkit.compare import format_iv, format_number
from ftztwin.appkit.compare import paired as paired_kpi
from twin.catalogue import describe, is_known
from twin.experiment import ReplicationResult
from twin.kpi import compute_kpis
from twin.stats import Interval, mean_ci
from twin.summary import value_of

__all__ = [
    "CARDS",
    "CREDIT_LABELS",
    "ROLE_LABELS",
    "Card",
    "Delta",
    "card_deltas",
    "cards",
    "clearance_times",
    "credit_class_frame",
    "credit_display_frame",
    "gate_load_frame",
    "map_load",
    "paired",
    "pick",
    "queue_levels",
    "queue_over_time",
    "replications_frame",
    "role_utilisation",
    "summary_display_frame",
    "summary_frame",
]

# The cards a planner reads first, percentiles beside the mean and the unfinished share
# beside the clearance times it qualifies. Names, units and scales come from the one KPI
# catalogue (twin/kpi_catalogue.yaml), as in the CLI tables and the reports.
CARDS = (
    "clearance_time_min_mean",
    "clearance_time_min_p50",
    "clearance_time_min_p95",
    "unfinished_share",
    "trucks_cleared",
    "inspection_rate",
    "hit_rate",
    "violations_missed",
    "duties_collected_mcny_per_day",
)
ROLE_LABELS = {
    "support": "Support 综合保障",
    "risk_analysis": "Risk analysis 风险管理",
    "audit": "Audit 稽查",
    "it": "IT 科技",
    "document_review": "Document review 单证审核",
    "gate": "Gate 卡口监管",
    "inspection": "Inspection 查验",
}
CREDIT_LABELS = {
    "advanced_certified": "Advanced certified 高级认证",
    "general_certified": "General certified 一般认证",
    "general_credit": "General credit 一般信用",
    "dishonest": "Dishonest 失信",
}


@dataclass(frozen=True)
class Card:
    """One KPI card: the mean and its 95% confidence interval, formatted."""

    kpi: str
    label: str
    value: str
    interval: str


def _label(kpi: str) -> str:
    if not is_known(kpi):
        return kpi
    d = describe(kpi)
    return f"{d.name_en} {d.name_zh}"


def format_value(kpi: str, x: float) -> str:
    """One value with its unit (per cent for proportions), in the app's readable numbers."""
    scale, unit = (describe(kpi).info.scale, describe(kpi).unit) if is_known(kpi) else (1.0, "")
    text = format_number(x * scale)
    if not unit or text == "–":
        return text
    return f"{text} %" if unit == "%" else f"{text} {unit}"


def cards(summary: Mapping[str, Interval]) -> list[Card]:
    """Return the headline cards present in ``summary`` (catalogue names and units)."""
    out = []
    for kpi in CARDS:
        iv = summary.get(kpi)
        if iv is None:
            continue
        if math.isnan(iv.half_width):
            ci = f"n = {iv.n}, no interval"
        else:
            low, high = format_value(kpi, iv.low), format_value(kpi, iv.high)
            ci = f"95% CI {low} – {high} (n = {iv.n})"
        if iv.missing:
            ci += f"; not applicable in {iv.missing} of {iv.total}"
        out.append(Card(kpi, _label(kpi), format_value(kpi, iv.mean), ci))
    return out


def summary_frame(summary: Mapping[str, Interval]) -> pd.DataFrame:
    """Return one row per KPI: names and unit from the catalogue, mean, 95% CI, n, n/a.

    Values are in the KPI's own unit (proportions as fractions, as in ``kpis.csv``); the
    ``unit`` column says which.
    """
    rows = []
    for k, iv in sorted(summary.items()):
        d = describe(k) if is_known(k) else None
        name_en, name_zh = (d.name_en, d.name_zh) if d else (k, "")
        unit = ("fraction" if d.unit == "%" else d.unit) if d else ""
        rows.append((k, name_en, name_zh, unit, iv.mean, iv.low, iv.high, iv.half_width, iv.n, iv.missing))  # fmt: skip
    # Replications where the KPI does not apply are counted, never dropped silently.
    cols = ["kpi", "name", "name_zh", "unit", "mean", "ci95_low", "ci95_high", "half_width", "replications", "not_applicable"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def summary_display_frame(summary: Mapping[str, Interval]) -> pd.DataFrame:
    """Every KPI as a planner reads it: catalogue names, unit, mean (95% CI) and n.

    Numbers are written out (``1,300``, ``0.0325``, never ``1.3e+03``), proportions in
    per cent; :func:`summary_frame` keeps the raw numbers for the CSV download.
    """
    rows = []
    for k, iv in sorted(summary.items()):
        d = describe(k) if is_known(k) else None
        rows.append((d.name_en if d else k, d.name_zh if d else "", k, format_iv(k, iv)))
    cols = ["KPI", "指标", "id", "mean (95% CI), n 均值（95%置信区间）"]
    return pd.DataFrame(rows, columns=cols)


def credit_display_frame(credit: pd.DataFrame) -> pd.DataFrame:
    """:func:`credit_class_frame` in per cent with the interval written out."""

    def pct(x: float) -> str:
        return "–" if math.isnan(x) else f"{format_number(x * 100)} %"

    rows = [
        (
            r.label,
            f"{pct(r.inspection_rate)} ({pct(r.low)} – {pct(r.high)})",
            pct(r.hit_rate),
            r.hit_rate_from,
        )
        for r in credit.itertuples(index=False)
    ]
    cols = [
        "credit class 信用等级",
        "inspection rate (95% CI) 查验率",
        "hit rate 查获率",
        "hit rate from 来源",
    ]
    return pd.DataFrame(rows, columns=cols)


def replications_frame(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """Return one row per replication, one column per KPI."""
    frame = pd.DataFrame([{"replication": r.replication, **r.kpis} for r in results])
    return frame.reindex(columns=["replication", *sorted(c for c in frame if c != "replication")])


def clearance_times(events: pd.DataFrame, warmup_s: float = 0.0) -> pd.DataFrame:
    """Return each finished case arriving after ``warmup_s``.

    Columns: case_id, start_h (arrival), minutes (clearance time), flow, credit_class,
    zone, lane.
    """
    clr = events[events["activity"] == "clearance"]
    start = clr[clr["lifecycle"] == "START"].groupby("case_id")["time_s"].min()
    stops = clr[clr["lifecycle"] == "STOP"].drop_duplicates("case_id", keep="last")
    stops = stops.set_index("case_id")
    frame = pd.DataFrame({"start_s": start}).join(stops[["time_s", "attrs"]], how="inner")
    frame = frame[frame["start_s"] >= warmup_s]
    attrs = frame["attrs"]
    return pd.DataFrame(
        {
            "case_id": frame.index,
            "start_h": frame["start_s"].to_numpy() / 3600.0,
            "minutes": (frame["time_s"] - frame["start_s"]).to_numpy() / 60.0,
            "flow": [a.get("flow", "?") for a in attrs],
            "credit_class": [a.get("credit_class", "?") for a in attrs],
            "zone": [a.get("zone", "?") for a in attrs],
            "lane": [a.get("lane", "?") for a in attrs],
        }
    ).reset_index(drop=True)


def queue_levels(waits: pd.DataFrame, bin_min: float) -> pd.DataFrame:
    """The longest queue per resource in each ``bin_min`` bin of WAIT_START/WAIT_STOP records.

    The level is the running count of WAIT_START minus WAIT_STOP per resource, in log
    order; each bin starts with the level the previous bin ended with. ``waits`` must
    not be empty. Index: hours (``time_h``).
    """
    waits = waits.sort_values("time_s", kind="stable")
    step = waits["lifecycle"].map({"WAIT_START": 1, "WAIT_STOP": -1})
    level = step.groupby(waits["resource"]).cumsum()
    frame = pd.DataFrame({"resource": waits["resource"], "time_s": waits["time_s"], "level": level})
    # A truck served on arrival starts and stops waiting at one instant: only the level
    # after the last record of an instant is a queue anyone could see.
    frame = frame.drop_duplicates(["resource", "time_s"], keep="last")
    bins = (frame["time_s"] // (bin_min * 60.0)).astype(int)
    grouped = frame.assign(bin=bins).groupby(["bin", "resource"])["level"]
    full = range(int(bins.max()) + 1)
    peak = grouped.max().unstack().reindex(full)
    carried = grouped.last().unstack().reindex(full).ffill().shift(1).fillna(0.0)
    out = peak.where(peak > carried, carried)
    out.index = out.index * bin_min / 60.0
    out.index.name = "time_h"
    return out


def queue_over_time(
    events: pd.DataFrame, activity: str = "gate_queue", bin_min: float = 10.0
) -> pd.DataFrame:
    """Return the longest queue per resource of ``activity`` in each ``bin_min`` bin.

    See :func:`queue_levels`; gate lanes are named by their gate. Index: hours.
    """
    waits = events[
        (events["activity"] == activity) & events["lifecycle"].isin(["WAIT_START", "WAIT_STOP"])
    ]
    if waits.empty:
        return pd.DataFrame()
    out = queue_levels(waits, bin_min)
    out.columns = [c.removesuffix("/lanes") for c in out.columns]
    return out


def role_utilisation(summary: Mapping[str, Interval]) -> pd.DataFrame:
    """Return staff utilisation per role with its confidence interval."""
    rows = []
    for role, label in ROLE_LABELS.items():
        iv = summary.get(f"utilisation[role={role}]")
        if iv is not None:
            rows.append((role, label, iv.mean, iv.low, iv.high))
    return pd.DataFrame(rows, columns=["role", "label", "mean", "low", "high"])


def _records(rows: pd.DataFrame) -> list[TraceRecord]:
    return [
        TraceRecord(c, a, Lifecycle(lc), r, float(t), attrs)
        for c, a, lc, r, t, attrs in rows[
            ["case_id", "activity", "lifecycle", "resource", "time_s", "attrs"]
        ].itertuples(index=False)
    ]


def credit_class_frame(
    summary: Mapping[str, Interval], events: pd.DataFrame, warmup_s: float, horizon_s: float
) -> pd.DataFrame:
    """Return inspection and hit rates by enterprise credit class.

    Inspection rates are the twin's KPIs over all replications. The twin has no hit-rate
    KPI per class yet, so the hit rate is the twin's own KPI function applied to the
    first replication's clearance records of each class (marked ``rep 1 only``).
    """
    clr = events[events["activity"] == "clearance"]
    stops = clr[clr["lifecycle"] == "STOP"]
    class_of = {
        c: a.get("credit_class") for c, a in zip(stops["case_id"], stops["attrs"], strict=True)
    }
    rows = []
    for cls, label in CREDIT_LABELS.items():
        insp = summary.get(f"inspection_rate[credit={cls}]")
        if insp is None:
            continue
        hit = summary.get(f"hit_rate[credit={cls}]")
        if hit is not None:
            hit_mean, source = hit.mean, "all replications"
        else:
            mine = clr[clr["case_id"].map(class_of) == cls]
            kpis = compute_kpis(_records(mine), warmup_s, horizon_s, {})
            hit_mean, source = kpis.get("hit_rate", math.nan), "rep 1 only"
        rows.append((cls, label, insp.mean, insp.low, insp.high, hit_mean, source))
    cols = ["credit_class", "label", "inspection_rate", "low", "high", "hit_rate", "hit_rate_from"]
    return pd.DataFrame(rows, columns=cols)


def gate_load_frame(summary: Mapping[str, Interval], scenario: Scenario) -> pd.DataFrame:
    """Return load and waiting per gate and per H986 scanner of the scenario."""

    def mean(name: str) -> float:
        iv = summary.get(name)
        return iv.mean if iv is not None else math.nan

    rows: list[tuple[Any, ...]] = []
    for g in scenario.site.gates:
        res = f"{g.ref}/lanes"
        rows.append(
            (g.ref, "gate 卡口", f"{g.line} line, {g.lanes} lanes", mean(f"utilisation[{res}]"),
             mean(f"wait_min_mean[{res}]"), mean(f"wait_min_p95[{res}]"),
             mean(f"queue_len_mean[{res}]"))
        )  # fmt: skip
    for zone, count in sorted(scenario.levers.h986.items()):
        if count:
            res = f"{zone}/h986"
            rows.append(
                (res, "H986 scanner", f"{count} unit(s)", mean(f"utilisation[{res}]"),
                 mean(f"wait_min_mean[{res}]"), mean(f"wait_min_p95[{res}]"),
                 mean(f"queue_len_mean[{res}]"))
            )  # fmt: skip
    cols = [
        "resource",
        "kind",
        "size",
        "utilisation",
        "wait_min_mean",
        "wait_min_p95",
        "queue_len_mean",
    ]
    return pd.DataFrame(rows, columns=cols)


def map_load(loads: pd.DataFrame) -> dict[str, float]:
    """Return the map's marker sizes: each gate and scanner node's utilisation (0..1)."""
    out = {}
    for res, util in zip(loads["resource"], loads["utilisation"], strict=True):
        if not math.isnan(util):
            out[res] = float(util)
    return out


def pick(summary: Mapping[str, Interval], names: Sequence[str]) -> dict[str, Interval]:
    """Return the entries of ``summary`` named in ``names`` that exist, in that order."""
    return {n: summary[n] for n in names if n in summary}


def paired(a: Sequence[ReplicationResult], b: Sequence[ReplicationResult], kpi: str) -> Interval:
    """Return the mean and 95% CI of the paired difference b − a over common replications.

    Pairs by replication index (common random numbers); a KPI absent from a replication
    counts by its catalogue definition (zero for counts), as in the CLI comparison.
    """
    va = {r.replication: value_of(r.kpis, kpi) for r in a}
    diffs = [value_of(r.kpis, kpi) - va[r.replication] for r in b if r.replication in va]
    return mean_ci(diffs)


@dataclass(frozen=True)
class Delta:
    """A card's change since the previous run: text and Streamlit's delta colour."""

    text: str
    color: str


def card_deltas(prev: Any, last: Any) -> dict[str, Delta]:
    """Each card KPI's paired change from ``prev`` to ``last`` (both :class:`RunResult`).

    Green means better by the catalogue's ``better`` (``inverse`` colouring for a KPI
    where lower is better), grey where no direction is better.
    """
    out = {}
    for kpi in CARDS:
        if kpi not in last.summary:
            continue
        p = paired_kpi(prev, last, kpi)
        iv = p.interval
        if math.isnan(iv.mean):
            continue
        scale, unit = describe(kpi).info.scale, describe(kpi).unit
        text = format_number(iv.mean * scale)
        text = text if text.startswith("-") or text == "0" else f"+{text}"
        text += (" pp" if unit == "%" else f" {unit}") + (" *" if p.significant else "")
        better = describe(kpi).info.better if is_known(kpi) else None
        color = {"lower": "inverse", "higher": "normal"}.get(better or "", "off")
        out[kpi] = Delta(text, color)
    return out
