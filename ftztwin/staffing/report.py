"""The staffing report in Markdown, self-contained HTML and CSV, and the roster to run.

Written into one folder (staged, moved in place when complete): ``staffing.md``,
``staffing.html``, ``staffing.csv`` (headcount per pool), ``shifts.csv``,
``coverage.csv`` (every hour of the week: load, required, on duty found and planned),
``service.csv`` (KPIs of plan and result with 95% CIs), ``trials.csv`` and
``staffing.yaml`` — the scenario with the staffing found, which ``ftztwin run`` runs.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from ftz_spec import canonical_yaml, digest
from ftztwin.assumptions import assumptions_markdown
from ftztwin.report import staged_dir
from ftztwin.staffing.candidate import apply_staffing
from ftztwin.staffing.pipeline import Outcome
from ftztwin.staffing.plan import PLAN_SPLIT, PLAN_TOTAL
from ftztwin.staffing.tables import (
    COVERAGE_HEADER,
    Table,
    coverage_rows,
    headline,
    pool_table,
    selection_table,
    service_table,
    shift_table,
    split_table,
    target_table,
    trial_table,
)

__all__ = ["PLAN_SPLIT", "PLAN_TOTAL", "report_markdown", "staffing_html", "write_report"]


def _tables(out: Outcome) -> list[Table]:
    tables = [target_table(out), pool_table(out)]
    if out.rosters:
        tables.append(shift_table(out))
    tables += [service_table(out), split_table(out)]
    if out.selection is not None:
        tables.append(selection_table(out))
    if out.trials:
        tables.append(trial_table(out))
    return tables


def _coverage_summary(out: Outcome) -> Table:
    """Monday hour by hour: required against on duty (the CSV has the whole week)."""
    rows = [r for r in coverage_rows(out) if r[2] == "mon"]
    return Table(
        "Hourly coverage on Monday (coverage.csv: every hour of the week)",
        ("pool", "hour", "load (Erlang)", "required", "on duty found", "on duty plan"),
        [(r[0], r[3], r[4], r[5], r[6], r[7]) for r in rows],
    )


def _md_table(t: Table) -> str:
    def row(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    lines = [f"### {t.title}", "", row(t.header), "|" + "---|" * len(t.header)]
    lines += [row(r) for r in t.rows] or [row(("(none)",) + ("",) * (len(t.header) - 1))]
    return "\n".join(lines)


def report_markdown(out: Outcome) -> str:
    """The whole report as Markdown."""
    parts = [f"# Staffing study 人员编制: {out.base.name}", "", *headline(out)]
    if out.warnings:
        parts += ["", "**Warnings:**", *(f"- {w}" for w in out.warnings)]
    parts += ["", f"Plan constraints: {out.request.limits}."]
    for t in [*_tables(out), _coverage_summary(out)]:
        parts += ["", _md_table(t)]
    # The inputs the study rests on, with their sources (the run report carries it too).
    parts += ["", assumptions_markdown(out.base)]
    return "\n".join(parts).rstrip("\n") + "\n"


def staffing_html(out: Outcome) -> str:
    """The whole report as one self-contained HTML page."""
    body = [f"<h1>Staffing study 人员编制: {html.escape(out.base.name)}</h1>"]
    body += [f"<p>{html.escape(line).replace('**', '')}</p>" for line in headline(out)]
    if out.warnings:
        body.append(
            "<ul class='warn'>"
            + "".join(f"<li>{html.escape(w)}</li>" for w in out.warnings)
            + "</ul>"
        )
    for t in [*_tables(out), _coverage_summary(out)]:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in t.header)
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in t.rows
        )
        body.append(f"<h3>{html.escape(t.title)}</h3><table><tr>{head}</tr>{rows}</table>")
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
        "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;"
        "padding:2px 6px;font-size:90%}.warn{color:#a40}"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Staffing {html.escape(out.base.name)}</title><style>{style}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_report(final: Path, out: Outcome) -> Path:
    """Write the report folder ``final``; return the path of ``staffing.md``."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with staged_dir(final) as folder:
        (folder / "staffing.md").write_text(report_markdown(out), encoding="utf-8")
        (folder / "staffing.html").write_text(staffing_html(out), encoding="utf-8")
        pools = pool_table(out)
        _csv(folder / "staffing.csv", pools.header, pools.rows)
        shifts = shift_table(out)
        _csv(folder / "shifts.csv", shifts.header, shifts.rows)
        _csv(folder / "coverage.csv", COVERAGE_HEADER, coverage_rows(out))
        service = service_table(out)
        _csv(folder / "service.csv", service.header, service.rows)
        trials = trial_table(out)
        _csv(folder / "trials.csv", trials.header, trials.rows)
        if out.found is not None:
            found = apply_staffing(out.base, out.found)
            found = found.model_copy(update={"name": f"{out.base.name}_staffed"})
            text = canonical_yaml(found)
            (folder / "staffing.yaml").write_text(
                f"# Staffing found by ftztwin staff (sha256 {digest(found)[:12]}); "
                f"run it with: ftztwin run staffing.yaml\n{text}",
                encoding="utf-8",
            )
    return final / "staffing.md"
