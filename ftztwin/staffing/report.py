"""The staffing report: found headcounts by pool, role, zone and group, against the plan.

The reform plan (署加函〔2014〕44号) sets 503 staff split support : functional : field
≈ 5 : 20 : 75; the report sets the staffing found beside both.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

from ftz_spec import Scenario
from ftztwin.assumptions import assumptions_markdown
from ftztwin.report import staged_dir
from ftztwin.staffing.search import StaffingResult
from ftztwin.staffing.targets import Target
from twin.stats import Interval

__all__ = ["PLAN_SPLIT", "PLAN_TOTAL", "staffing_report", "write_staffing"]

PLAN_TOTAL = 503
PLAN_SPLIT = {"support": 5.0, "functional": 20.0, "field": 75.0}


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=True)) for r in rows)


def _ci(iv: Interval) -> str:
    if math.isnan(iv.mean):
        return "-"
    return f"{iv.mean:.4g}" if math.isnan(iv.half_width) else f"{iv.mean:.4g} ± {iv.half_width:.2g}"


def _totals(res: StaffingResult, key: str) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in res.plan:
        name = {"role": p.role.value, "group": p.role.group, "zone": p.zone or "(all zones)"}[key]
        out[name][0] += p.count
        out[name][1] += res.counts[p.id]
    return {k: (a, b) for k, (a, b) in sorted(out.items())}


def staffing_report(res: StaffingResult, targets: list[Target], note: str = "") -> str:
    """Return the report as plain text (also the body of ``staffing.md``)."""
    pools = [("pool", "role", "zone", "roster", "plan", "found", "change")]
    for p in res.plan:
        found = res.counts[p.id]
        change = f"{found - p.count:+d}" if p.id in res.adjusted else "kept"
        pools.append(
            (p.id, p.role.value, p.zone or "-", p.roster, str(p.count), str(found), change)
        )
    roles = [("role", "plan", "found")] + [
        (k, str(a), str(b)) for k, (a, b) in _totals(res, "role").items()
    ]
    zones = [("zone", "plan", "found")] + [
        (k, str(a), str(b)) for k, (a, b) in _totals(res, "zone").items()
    ]
    groups = _totals(res, "group")
    plan_all = sum(a for a, _ in groups.values())
    found_all = sum(b for _, b in groups.values())
    split = [("group", "plan", "plan %", "found", "found %", "reform plan %")]
    for g in ("support", "functional", "field"):
        a, b = groups.get(g, (0, 0))
        split.append(
            (
                g,
                str(a),
                f"{100 * a / plan_all:.1f}",
                str(b),
                f"{100 * b / found_all:.1f}",
                f"{PLAN_SPLIT[g]:.0f}",
            )
        )
    split.append(("total", str(plan_all), "100", str(found_all), "100", f"{PLAN_TOTAL} staff"))
    checks = [("target", "plan staffing", "found staffing", "met")]
    met = {True: "yes", False: "no", None: "undecided"}
    for t in targets:
        iv = res.verdict.intervals[t.kpi]
        checks.append((str(t), _ci(res.plan_verdict.intervals[t.kpi]), _ci(iv), met[t.decide(iv)]))
    lines = [
        f"Fewest staff found: {found_all} (scenario plan {plan_all}; reform plan {PLAN_TOTAL}, "
        f"{found_all - PLAN_TOTAL:+d}).",
        f"Adjusted pools: {', '.join(res.adjusted)}; all other pools kept at the plan.",
        f"Search: {res.candidates} candidates, {res.replications_run} replications "
        f"(common random numbers; a candidate passes only when every target's 95% CI meets it; "
        f"{res.verdict.replications} replications at the result). {note}".rstrip(),
        "", "Targets (mean ± 95% CI half-width over replications):", _table(checks),
        "", "By pool:", _table(pools),
        "", "By role:", _table(roles),
        "", "By zone:", _table(zones),
        "", "Support : functional : field against the plan's 5 : 20 : 75 and 503 staff:", _table(split),
    ]  # fmt: skip
    return "\n".join(lines)


def write_staffing(
    final: Path,
    res: StaffingResult,
    targets: list[Target],
    note: str = "",
    scenario: Scenario | None = None,
) -> Path:
    """Write ``staffing.md`` and ``staffing.csv`` (one row per pool) into ``final``; return the report.

    With ``scenario``, the report ends with its assumptions table (the inputs it rests on).
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    with staged_dir(final) as folder:
        text = staffing_report(res, targets, note)
        tail = "" if scenario is None else "\n" + assumptions_markdown(scenario)
        (folder / "staffing.md").write_text(
            f"# Staffing\n\n```\n{text}\n```\n{tail}", encoding="utf-8"
        )
        with (folder / "staffing.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["pool", "role", "group", "zone", "roster", "plan", "found", "adjusted"])
            for p in res.plan:
                w.writerow(
                    [
                        p.id,
                        p.role.value,
                        p.role.group,
                        p.zone or "",
                        p.roster,
                        p.count,
                        res.counts[p.id],
                        p.id in res.adjusted,
                    ]
                )
    return final / "staffing.md"
