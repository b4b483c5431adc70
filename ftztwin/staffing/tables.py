"""The staffing report's tables, built once from an outcome for Markdown, HTML, CSV and the app.

Each table is a header row and string rows; the renderers in
:mod:`~ftztwin.staffing.report` only lay them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ftz_spec.site import DAYS, WORK_H_PER_WEEK
from ftztwin.staffing.pipeline import Outcome
from ftztwin.staffing.plan import PLAN_FIGURES, PLAN_SPLIT, PLAN_TOTAL, group_totals
from ftztwin.staffing.shifts import cover
from twin.staff import on_duty
from twin.stats import Interval

__all__ = [
    "Table",
    "coverage_rows",
    "headline",
    "pool_table",
    "selection_table",
    "service_table",
    "shift_table",
    "split_table",
    "target_table",
    "trial_table",
]


@dataclass(frozen=True)
class Table:
    """A titled table of strings."""

    title: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]


def ci(iv: Interval | None) -> str:
    """``mean ± half-width`` (or ``-``)."""
    if iv is None or math.isnan(iv.mean):
        return "-"
    if math.isnan(iv.half_width):
        return f"{iv.mean:.4g}"
    return f"{iv.mean:.4g} ± {iv.half_width:.2g}"


def _on_duty(out: Outcome, pool_id: str, found: bool) -> list[int]:
    if found and pool_id in out.rosters:
        return list(out.rosters[pool_id].cover)
    pool = next(p for p in out.base.site.staff_pools if p.id == pool_id)
    if found and out.found is not None:
        shifts = out.found.shifts_of(pool_id)
        if shifts is not None:
            return list(cover(shifts))
        pool = pool.model_copy(update={"count": out.found.as_counts[pool_id]})
    return [on_duty(pool, h) for h in range(168)]


def headline(out: Outcome) -> list[str]:
    """The opening sentences: what was found, against what, how sure."""
    req, plan = out.request, out.plan.as_counts
    found = out.found.as_counts if out.found else plan
    a_plan = sum(plan[p] for p in req.pools)
    a_found = sum(found[p] for p in req.pools)
    lines = [
        f"Mode **{req.mode}** on scenario {out.base.name}: {a_found} officers in the adjusted "
        f"pools ({', '.join(req.pools)}) against {a_plan} in the plan ({a_found - a_plan:+d}); "
        f"{sum(found.values())} staff in all against the scenario's {sum(plan.values())} and "
        f"the reform plan's {PLAN_TOTAL}.",
    ]
    sel = out.selection
    if sel is not None and sel.chosen is not None:
        k = len(sel.entries)
        sure = "reached" if sel.guarantee else "NOT reached within the budget"
        lines.append(
            f"Guarantee ({sure}): with probability ≥ {100 * (1 - sel.alpha):.0f}% this staffing "
            f"meets every target, and among the {k} shortlisted staffings none with as few "
            f"officers has a {sel.objective} better by more than {sel.delta:g} (Bonferroni "
            f"feasibility tests and Kim–Nelson selection on {sel.replications} fresh "
            f"replications from number {sel.first_rep})." + (f" {sel.note}." if sel.note else "")
        )
    elif out.verdict is not None:
        state = "meets every target" if out.verdict.feasible else f"fails: {out.verdict.reason}"
        lines.append(
            f"Checked in the twin on replications 0-{out.verdict.replications - 1} (the "
            f"sequential check): {state}. The tables below use fresh replications from 1000."
        )
    lines.append(
        f"Search: {out.candidates} candidates, {out.replications} replications, "
        f"{out.seconds:.0f} s. Window {out.base.run.warmup_h:g}-{out.base.run.horizon_h:g} h."
    )
    return lines


def target_table(out: Outcome) -> Table:
    """Each target: plan and found with 95% CIs, and the Holm-adjusted verdict."""
    holm = {h.target: h for h in out.selection.holm} if out.selection else {}
    rows = []
    for t in out.request.targets:
        plan, found = out.service.get("plan", {}), out.service.get("found", {})
        h = holm.get(t)
        met = "-" if h is None else f"{'yes' if h.met else 'no'} (Holm p={h.p_holm:.2g})"
        if h is None and found.get(t.kpi) is not None:
            d = t.decide(found[t.kpi])
            met = {True: "yes", False: "no", None: "undecided"}[d]
        rows.append((str(t), ci(plan.get(t.kpi)), ci(found.get(t.kpi)), met))
    first, n = out.service_reps
    title = f"Targets on fresh replications {first}-{first + n - 1} (mean ± 95% CI half-width)"
    return Table(title, ("target", "plan", "found", "met"), rows)


def pool_table(out: Outcome) -> Table:
    """Headcount per pool, plan against found, with roster, peak on duty and hours.

    ``h on duty`` against ``h workable`` (headcount × availability × 40 h) shows where a
    standard roster's rounding puts more or fewer officer-hours on duty than its
    headcount can work; an explicit roster's headcount is sized to its hours.
    """
    found = out.found.as_counts if out.found else out.plan.as_counts
    rows = []
    for p in out.base.site.staff_pools:
        adjusted = p.id in out.request.pools
        roster = p.roster
        if p.id in out.rosters:
            plan = out.rosters[p.id]
            roster = (
                f"{plan.family} (≤{100 * plan.gap:.0f}% above least)" if plan.gap else plan.family
            )
        req = out.requirements.get(p.id)
        plan_h, found_h = sum(_on_duty(out, p.id, False)), sum(_on_duty(out, p.id, True))
        rows.append((
            p.id, p.role.value, p.zone or "-", p.roster, roster if adjusted else "kept",
            str(p.count), str(found[p.id]), f"{found[p.id] - p.count:+d}" if adjusted else "kept",
            str(req.peak) if req else "-", str(max(_on_duty(out, p.id, True))),
            f"{plan_h} / {p.count * p.availability * WORK_H_PER_WEEK:.0f}",
            f"{found_h} / {found[p.id] * p.availability * WORK_H_PER_WEEK:.0f}",
        ))  # fmt: skip
    head = ("pool", "role", "zone", "plan roster", "found roster", "plan", "found", "change",
            "peak required", "peak on duty", "plan h on duty / workable a week",
            "found h on duty / workable a week")  # fmt: skip
    return Table("Headcount by pool", head, rows)


def shift_table(out: Outcome) -> Table:
    """The found shifts of each adjusted pool."""
    rows = []
    for pid, plan in out.rosters.items():
        for s in plan.shifts:
            end = (s.start_h + s.length_h) % 24
            brk = "-" if s.break_at_h is None else f"{(s.start_h + s.break_at_h) % 24:02d}:00"
            days = "every day" if len(s.days) == 7 else ", ".join(s.days)
            rows.append((pid, f"{s.start_h:02d}:00-{end:02d}:00", brk, days, str(s.officers)))
    return Table(
        "Shifts (officers per shift per day)",
        ("pool", "hours", "meal break", "days", "officers"),
        rows,
    )


def coverage_rows(out: Outcome) -> list[tuple[str, ...]]:
    """Every hour of the week per adjusted pool: load, required, on duty (found, plan)."""
    rows = []
    for pid in out.request.pools:
        req = out.requirements.get(pid)
        found, plan = _on_duty(out, pid, True), _on_duty(out, pid, False)
        for h in range(168):
            rows.append((
                pid, str(h), DAYS[h // 24], f"{h % 24:02d}",
                f"{req.load[h]:.3f}" if req else "", str(req.servers[h]) if req else "",
                str(found[h]), str(plan[h]), req.source[h] if req else "",
            ))  # fmt: skip
    return rows


COVERAGE_HEADER = ("pool", "hour_of_week", "day", "hour", "load_erlang", "required",
                   "on_duty_found", "on_duty_plan", "load_source")  # fmt: skip


def service_table(out: Outcome) -> Table:
    """Service levels of the plan and the result on the same fresh replications."""
    plan, found = out.service.get("plan", {}), out.service.get("found", {})
    first, n = out.service_reps
    rows = [(k, ci(plan.get(k)), ci(found.get(k))) for k in out.comparable]
    return Table(
        f"Service levels, plan and found on replications {first}-{first + n - 1} "
        "(common random numbers)",
        ("KPI", "plan", "found"),
        rows,
    )


def split_table(out: Outcome) -> Table:
    """Support : functional : field and the plan's figures."""
    plan = group_totals(out.base, out.plan)
    found = group_totals(out.base, out.found or out.plan)
    tp, tf = sum(plan.values()) or 1, sum(found.values()) or 1
    rows = [
        (g, str(plan[g]), f"{100 * plan[g] / tp:.1f}", str(found[g]), f"{100 * found[g] / tf:.1f}",
         f"{PLAN_SPLIT[g]:g}")
        for g in PLAN_SPLIT
    ]  # fmt: skip
    rows.append(("total", str(tp), "100", str(tf), "100", f"{PLAN_TOTAL} staff"))
    counts = (out.found or out.plan).as_counts
    for name, roles, limit in PLAN_FIGURES:
        n = sum(counts[p.id] for p in out.base.site.staff_pools if p.role in roles)
        m = sum(p.count for p in out.base.site.staff_pools if p.role in roles)
        rows.append((name, str(m), "", str(n), "", f"{limit}"))
    head = ("group / figure", "plan", "plan %", "found", "found %", "reform plan")
    return Table("Against the plan: 5 : 20 : 75 and 503 staff", head, rows)


def trial_table(out: Outcome) -> Table:
    """The joint search's trials."""
    rows = []
    for t in out.trials:
        state = (
            "refused: " + "; ".join(t.refused)
            if t.refused
            else ("feasible" if t.feasible else (t.verdict.reason if t.verdict else "-"))
        )
        params = ", ".join(f"{k}={v}" for k, v in t.params.items())
        reps = str(t.verdict.replications) if t.verdict else "0"
        rows.append((str(t.number), params, str(t.staffing.total), reps, state))
    return Table(
        "Joint search (Optuna TPE, warm-started)",
        ("trial", "choice", "staff", "reps", "outcome"),
        rows,
    )


def selection_table(out: Outcome) -> Table:
    """The ranking-and-selection stage."""
    sel = out.selection
    rows = []
    if sel is not None:
        for i, e in enumerate(sel.entries):
            rows.append((str(i + 1), str(e.staffing.total), e.status, str(e.reps),
                         ci(e.intervals.get(sel.objective)), e.reason))  # fmt: skip
    obj = sel.objective if sel else "objective"
    return Table(
        "Ranking and selection", ("candidate", "staff", "status", "reps", obj, "note"), rows
    )
