"""Writing a run's results: KPIs as CSV, the resolved scenario with its digest, the reports.

``report.md`` and the self-contained ``report.html`` say the same (see
:mod:`ftztwin.report_content`); figures are written beside them as PNG. Results are
written into a temporary folder that replaces the target only when complete, so an
interrupted or failed run never leaves half-written results behind. The tables printed
by the CLI come from here too: KPI names and units from the catalogue, readable numbers.
"""

from __future__ import annotations

import csv
import math
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ftz_spec import Scenario, canonical_yaml, digest
from ftztwin.assumptions import assumptions_rows
from ftztwin.report_content import build_report
from ftztwin.report_doc import render_html, render_markdown
from twin.assessment import Assessment, assess
from twin.catalogue import HEADLINE, describe, is_known
from twin.experiment import PrecisionRun, ReplicationResult
from twin.readable import format_interval as format_kpi_interval
from twin.readable import format_number
from twin.stats import Interval
from twin.summary import compare

__all__ = [
    "HEADLINE",
    "comparison_table",
    "format_interval",
    "headline",
    "kpi_table",
    "staged_dir",
    "write_results",
]


def headline(names: Sequence[str]) -> list[str]:
    """Return the headline KPIs present in ``names``, in headline order."""
    have = set(names)
    return [k for k in HEADLINE if k in have]


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder that replaces ``final`` on success."""
    tmp = final.with_name(final.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    tmp.rename(final)


def _fmt(x: float) -> str:
    return "nan" if math.isnan(x) else repr(round(x, 9))


def _figures(a: Assessment) -> dict[str, bytes]:
    """Draw the report's figures (only when the replications kept their series)."""
    if not any(r.detail is not None for r in a.results):
        return {}
    from ftztwin import report_plots as plots

    run = a.scenario.run
    figs = {
        "clearance.png": plots.plot_clearance(a.results, a.summary),
        "queues.png": plots.plot_queues(a.results, run.warmup_h, run.horizon_h),
        "utilisation.png": plots.plot_utilisation(a.summary),
        "credit_classes.png": plots.plot_credit_classes(a.summary),
    }
    if a.warmup:
        figs["warmup.png"] = plots.plot_warmup(a.warmup, run.warmup_h)
    return figs


def _write_csv(
    folder: Path, results: Sequence[ReplicationResult], summary: dict[str, Interval]
) -> None:
    names = sorted(summary)
    with (folder / "kpis.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["replication", *names])
        for r in results:
            w.writerow([r.replication, *(_fmt(r.kpis.get(k, math.nan)) for k in names)])
    with (folder / "kpi_summary.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["kpi", "name_en", "name_zh", "unit", "mean", "ci95_low", "ci95_high",
                    "replications", "not_applicable", "method"])  # fmt: skip
        for k in names:
            iv = summary[k]
            label = describe(k) if is_known(k) else None
            w.writerow([
                k, label.name_en if label else "", label.name_zh if label else "",
                label.unit if label else "", _fmt(iv.mean), _fmt(iv.low), _fmt(iv.high),
                iv.n, iv.missing, iv.method,
            ])  # fmt: skip


def write_results(
    folder: Path,
    scenario: Scenario,
    results: list[ReplicationResult],
    summary: dict[str, Interval] | None = None,
    precision: PrecisionRun | None = None,
) -> Assessment:
    """Write KPIs, the resolved scenario, ``report.md`` and ``report.html`` into ``folder``.

    Returns:
        The run's assessment (what the reports say), for the CLI to print from.
    """
    a = assess(scenario, results, precision)
    _write_csv(folder, a.results, summary if summary is not None else a.summary)
    sha = digest(scenario)
    (folder / "scenario.resolved.yaml").write_text(
        f"# sha256: {sha}\n" + canonical_yaml(scenario), encoding="utf-8"
    )
    (folder / "scenario.sha256").write_text(f"{sha}  scenario.resolved.yaml\n", encoding="utf-8")
    figures = _figures(a)
    for name, data in figures.items():
        (folder / name).write_bytes(data)
    doc = build_report(a, list(figures))
    intro, rows = assumptions_rows(scenario)
    doc.h("Inputs and their sources")
    doc.p(intro)
    doc.table(("kind", "source", "values"), rows)
    (folder / "report.md").write_text(render_markdown(doc), encoding="utf-8")
    (folder / "report.html").write_text(render_html(doc, figures), encoding="utf-8")
    return a


def format_interval(iv: Interval, missing: str = "-") -> str:
    """``mean ± half-width`` of an interval without a KPI to name its unit (the app's cards)."""
    if math.isnan(iv.mean):
        return missing
    if math.isnan(iv.half_width):
        return format_number(iv.mean)
    return f"{format_number(iv.mean)} ± {format_number(iv.half_width)}"


def _label(kpi: str) -> tuple[str, str]:
    if not is_known(kpi):
        return kpi, ""
    label = describe(kpi)
    return f"{label.name_en} {label.name_zh}", label.unit


def _aligned(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def kpi_table(summary: dict[str, Interval], only: Sequence[str] | None = None) -> str:
    """An aligned text table: KPI (English, Chinese), unit, mean (95% CI), replications."""
    names = list(only) if only is not None else sorted(summary)
    rows: list[list[str]] = [["KPI", "unit", "mean (95% CI)", "n"]]
    for k in names:
        name, unit = _label(k)
        rows.append([name, unit, format_kpi_interval(k, summary[k]), str(summary[k].n)])
    return _aligned(rows)


def comparison_table(
    name_a: str,
    a: list[ReplicationResult],
    name_b: str,
    b: list[ReplicationResult],
    only: Sequence[str] | None = None,
    adjust: bool = False,
) -> str:
    """A side-by-side table with the paired difference (b − a), its 95% CI and p-value.

    Replications with the same index share their random numbers, so the paired
    difference is much tighter than the difference of two independent means. With
    ``adjust`` the p-values are Holm-adjusted over the KPIs in the table.
    """
    from twin.summary import summarise_kpi

    names = list(only) if only is not None else sorted({k for r in a + b for k in r.kpis})
    diffs = compare(a, b, names, adjust)
    p_head = "p (Holm)" if adjust else "p"
    rows: list[list[str]] = [
        ["KPI", "unit", name_a, name_b, f"{name_b} − {name_a} (95% CI)", p_head]
    ]
    for k in names:
        name, unit = _label(k)
        d, p = diffs[k]
        rows.append([
            name, unit, format_kpi_interval(k, summarise_kpi(a, k)),
            format_kpi_interval(k, summarise_kpi(b, k)), format_kpi_interval(k, d.interval),
            "–" if math.isnan(p) else f"{p:.2g}",
        ])  # fmt: skip
    return _aligned(rows)
