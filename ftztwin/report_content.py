"""What the run report says, built once from an :class:`~twin.assessment.Assessment`.

In the order a planner reads: the headline in words with units and intervals, whether
every truck is accounted for, warnings, the warm-up and why, the replications and why,
the figures, then every KPI by group with its English and Chinese name and unit.
"""

from __future__ import annotations

import math

from ftz_spec import digest
from ftztwin.report_doc import Doc
from twin.assessment import PRECISION_KPIS, Assessment
from twin.catalogue import GROUPS, describe, is_known
from twin.readable import format_interval, format_number, format_value, interval_text

__all__ = ["FIGURES", "build_report"]

# File name → caption of each figure the report draws (when the run kept its series).
FIGURES = {
    "clearance.png": "Clearance-time distribution of the counted trucks (unfinished: time so far)",
    "queues.png": "Where work waits over time: mean number waiting at the busiest resources",
    "utilisation.png": "Staff utilisation by role, 95% intervals within 0-100%",
    "credit_classes.png": "Inspection rate by credit class, 95% Wilson intervals",
    "warmup.png": "Warm-up: MSER-5 on the run's own series",
}


def _name(kpi: str) -> str:
    if not is_known(kpi):
        return kpi
    label = describe(kpi)
    return f"{label.name_en} {label.name_zh}"


def _setting(a: Assessment) -> str:
    run = a.scenario.run
    kind = (
        f"steady state: warm-up {run.warmup_h:g} h, arrivals until {run.horizon_h:g} h, then "
        f"drained (cap {run.drain_cap_h:g} h)"
        if run.drains
        else f"{run.type.replace('_', ' ')}: arrivals until {run.horizon_h:g} h, warm-up "
        f"{run.warmup_h:g} h, no drain"
    )
    return (
        f"Scenario digest `{digest(a.scenario)}`. {len(a.results)} replications "
        f"(seed {run.seed}); {kind}."
    )


def _headline(doc: Doc, a: Assessment) -> None:
    doc.h("Headline")
    doc.ul([f"{_name(k)}: {interval_text(k, a.summary[k])}" for k in a.headline()])


def _accounting(doc: Doc, a: Assessment) -> None:
    s = a.summary
    doc.h("Every truck accounted for")
    doc.p(
        f"Counted (arrived after the warm-up): {format_number(s['trucks_observed'].mean)} trucks "
        f"per replication; cleared {format_number(s['trucks_cleared'].mean)}; unfinished when the "
        f"run stopped {format_number(s['unfinished_cases'].mean)} — "
        f"{interval_text('unfinished_share', a.unfinished_share)}. "
        f"Runs stopped at {format_number(s['run_end_h'].mean)} h "
        f"(drain {format_number(s['drain_h'].mean)} h after the horizon)."
    )
    rows = [
        [k[len("unfinished_cases[") : -1], format_interval(k, iv)]
        for k, iv in sorted(s.items())
        if k.startswith("unfinished_cases[") and iv.mean > 0
    ]
    if rows:
        doc.table(["unfinished, by flow and by where they wait", "trucks (95% CI)"], rows)


def _warmup(doc: Doc, a: Assessment) -> None:
    run = a.scenario.run
    doc.h("Warm-up")
    if not a.warmup:
        doc.p(f"Warm-up used: {run.warmup_h:g} h. MSER-5 not checked (the run kept no series).")
        return
    doc.p(
        f"Warm-up used: {run.warmup_h:g} h. MSER-5 (batches of five, averaged over the "
        f"replications) on clearance time and the waits at inspection: **{a.warmup_verdict}**."
    )
    rows = [
        [e.kpi, "–" if math.isnan(e.warmup_h) else format_number(e.warmup_h),
         ", ".join("n/d" if math.isnan(h) else format_number(h) for h in e.per_replication_h) or "–",
         str(e.batches), e.verdict(run.warmup_h)]
        for e in a.warmup
    ]  # fmt: skip
    doc.table(["series", "MSER-5 warm-up (h)", "per replication (h)", "batches", "verdict"], rows)
    doc.p(
        "n/d: MSER's minimum lies in the second half of that series, so it cannot tell; "
        "a series needs 100 batches (500 observations) to be judged."
    )


def _replications(doc: Doc, a: Assessment) -> None:
    doc.h("Replications")
    pr = a.precision
    if pr is not None:
        doc.p(
            f"Replications added one by one until the relative half-width of "
            f"{', '.join(pr.kpis)} was at most {pr.precision:.0%} (at least "
            f"{pr.min_replications}, at most {pr.max_replications}): "
            f"{len(pr.results)} replications, target {'reached' if pr.reached else 'NOT reached'}."
        )
    rows = []
    for k, (rel, need) in a.relative_precision(PRECISION_KPIS).items():
        rows.append(
            [_name(k), "–" if math.isnan(rel) else f"{rel:.1%}", "–" if need is None else str(need)]
        )
    doc.table(["KPI", "95% half-width / mean", "replications for ±5%"], rows)


def _all_kpis(doc: Doc, a: Assessment) -> None:
    doc.h("Every KPI")
    groups: dict[str, list[list[str]]] = {g: [] for g in (*GROUPS, "Other")}
    for k, iv in sorted(a.summary.items()):
        if is_known(k):
            label = describe(k)
            group, unit = label.info.group, label.unit
            name_en, name_zh = label.name_en, label.name_zh
        else:
            group, unit, name_en, name_zh = "Other", "", k, ""
        groups[group].append([name_en, name_zh, unit, format_interval(k, iv), str(iv.n), k])
    for group, rows in groups.items():
        if rows:
            doc.p(f"**{group}**")
            doc.table(["KPI", "中文", "unit", "mean (95% CI)", "replications", "id"], rows)


def build_report(a: Assessment, figures: list[str]) -> Doc:
    """The run report; ``figures`` are the names (keys of :data:`FIGURES`) drawn."""
    doc = Doc(a.scenario.name, [])
    if a.scenario.description:
        doc.p(a.scenario.description.strip())
    doc.p(_setting(a))
    for w in a.warnings:
        doc.warn(str(w))
    _headline(doc, a)
    _accounting(doc, a)
    _warmup(doc, a)
    _replications(doc, a)
    if figures:
        doc.h("Figures")
        for name in figures:
            doc.figure(name, FIGURES[name])
    _all_kpis(doc, a)
    doc.p(f"Values: mean over replications with the 95% confidence interval; proportions in "
          f"per cent with Wilson intervals; {format_value('unfinished_share', 0.05)} means five in a hundred.")  # fmt: skip
    return doc
