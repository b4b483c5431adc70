"""Writing a run's results: KPIs as CSV, the resolved scenario with its digest, a report.

Results are written into a temporary folder that replaces the target only when complete,
so an interrupted or failed run never leaves half-written results behind.
"""

from __future__ import annotations

import csv
import math
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ftz_spec import Scenario, canonical_yaml, digest
from ftztwin.assumptions import assumptions_markdown
from twin.experiment import ReplicationResult
from twin.stats import Interval, mean_ci

__all__ = [
    "HEADLINE",
    "comparison_table",
    "format_interval",
    "headline",
    "kpi_table",
    "staged_dir",
    "write_results",
]

# The KPIs a planner reads first; every KPI is in the CSV files and the reports.
HEADLINE = (
    "trucks_cleared",
    "clearance_time_min_mean",
    "clearance_time_min_p95",
    "clearance_time_min_mean[flow=first_line_entry]",
    "clearance_time_min_mean[flow=second_line_import]",
    "clearance_time_min_mean[flow=transfer_between_zones]",
    "inspection_rate",
    "hit_rate",
    "detection_rate",
    "violations_missed",
    "duties_collected_mcny_per_day",
    "revenue_missed_mcny",
    "utilisation[role=document_review]",
    "utilisation[role=gate]",
    "utilisation[role=inspection]",
    "utilisation[role=risk_analysis]",
    "utilisation[role=audit]",
    "utilisation[role=support]",
    "ledger_discrepancies",
    "device_downtime_h",
)


def headline(names: list[str]) -> list[str]:
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


def write_results(
    folder: Path, scenario: Scenario, results: list[ReplicationResult], summary: dict[str, Interval]
) -> Path:
    """Write KPIs, the resolved scenario and a markdown report into ``folder``; return the report."""
    names = sorted(summary)
    with (folder / "kpis.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["replication", *names])
        for r in results:
            w.writerow([r.replication, *(_fmt(r.kpis.get(k, math.nan)) for k in names)])
    with (folder / "kpi_summary.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["kpi", "mean", "ci95_low", "ci95_high", "replications"])
        for k in names:
            iv = summary[k]
            w.writerow([k, _fmt(iv.mean), _fmt(iv.low), _fmt(iv.high), iv.n])
    sha = digest(scenario)
    (folder / "scenario.resolved.yaml").write_text(
        f"# sha256: {sha}\n" + canonical_yaml(scenario), encoding="utf-8"
    )
    (folder / "scenario.sha256").write_text(f"{sha}  scenario.resolved.yaml\n", encoding="utf-8")
    report = folder / "report.md"
    report.write_text(
        f"# {scenario.name}\n\n{scenario.description}\n\nScenario digest: `{sha}`  \n"
        f"Replications: {len(results)}, seed {scenario.run.seed}, horizon {scenario.run.horizon_h} h, "
        f"warm-up {scenario.run.warmup_h} h\n\n```\n{kpi_table(summary)}\n```\n\n"
        + assumptions_markdown(scenario),
        encoding="utf-8",
    )
    return report


def format_interval(iv: Interval, missing: str = "-") -> str:
    """``mean ± half-width`` of a 95% interval; the mean alone for one replication."""
    if math.isnan(iv.mean):
        return missing
    if math.isnan(iv.half_width):
        return f"{iv.mean:.4g}"
    return f"{iv.mean:.4g} ± {iv.half_width:.2g}"


def kpi_table(summary: dict[str, Interval], only: list[str] | None = None) -> str:
    """Return an aligned text table: KPI, mean ± 95% CI half-width."""
    names = only if only is not None else sorted(summary)
    rows = [("KPI", "mean ± 95% CI")] + [(k, format_interval(summary[k])) for k in names]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{a:<{width}}  {b}" for a, b in rows)


def comparison_table(
    name_a: str,
    a: list[ReplicationResult],
    name_b: str,
    b: list[ReplicationResult],
    only: list[str] | None = None,
) -> str:
    """Return a side-by-side table with the paired difference (b − a) and its 95% CI.

    Replications with the same number share their random numbers, so the paired
    difference is much tighter than the difference of two independent means.
    """
    names = only if only is not None else sorted({k for r in a + b for k in r.kpis})
    rows = [("KPI", name_a, name_b, f"paired diff ({name_b} − {name_a})")]
    for k in names:
        va = [r.kpis.get(k, math.nan) for r in a]
        vb = [r.kpis.get(k, math.nan) for r in b]
        diff = [y - x for x, y in zip(va, vb, strict=False)]
        rows.append(
            (
                k,
                format_interval(mean_ci(va)),
                format_interval(mean_ci(vb)),
                format_interval(mean_ci(diff)),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=True)) for r in rows)
