"""Staff per role against the reform plan's figures, service levels, moving staff, and the study.

The staffing study (:mod:`ftztwin.staffing`) runs here in the app's own process on the
sidebar's horizon and warm-up; the page passes a progress callback and draws the tables
this module returns.

The plan's figures (署加函〔2014〕44号, 机构人员重组): 403 → 503 staff in all; support
(综合保障) 35 → 20; document filing review and gate (单证备案审核和卡口监管) 183 → 143;
support : functional : field ≈ 5 : 20 : 75 after the reform.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from ftz_spec import Scenario, StaffRole
from ftz_spec.errors import UserError
from ftztwin.appkit.frames import ROLE_LABELS
from ftztwin.staffing import MODES, Outcome, Request, parse_target, run_staffing
from ftztwin.staffing.report import report_markdown, staffing_html
from ftztwin.staffing.tables import (
    COVERAGE_HEADER,
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
from ftztwin.sweep import SerialBackend
from twin.stats import Interval

__all__ = [
    "GROUP_LABELS",
    "MODES",
    "PLAN_SPLIT_PCT",
    "UserError",
    "default_targets",
    "field_pools",
    "group_frame",
    "move_staff",
    "plan_check_frame",
    "run_study",
    "service_frame",
    "staff_frame",
    "study_files",
    "study_frames",
    "study_headline",
    "study_request",
]

PLAN_SPLIT_PCT = {"support": 5.0, "functional": 20.0, "field": 75.0}
GROUP_LABELS = {
    "support": "Support 综合保障",
    "functional": "Functional departments 职能处室",
    "field": "Field units 现场业务",
}
# (figure, roles counted, before 2013, after the reform)
_PLAN_FIGURES = (
    ("Zone customs staff in total 总人数", tuple(StaffRole), 403, 503),
    ("Support 综合保障", (StaffRole.SUPPORT,), 35, 20),
    (
        "Document review and gate 单证备案审核和卡口监管",
        (StaffRole.DOCUMENT_REVIEW, StaffRole.GATE),
        183,
        143,
    ),
)


def staff_frame(scenario: Scenario) -> pd.DataFrame:
    """Return the staff pools: id, role, group, zone, headcount, roster, availability."""
    rows = [
        (p.id, ROLE_LABELS.get(p.role.value, p.role.value), p.role.group,
         p.zone or "all zones", p.count, p.roster, p.availability)
        for p in scenario.site.staff_pools
    ]  # fmt: skip
    cols = ["pool", "role", "group", "zone", "headcount", "roster", "availability"]
    return pd.DataFrame(rows, columns=cols)


def group_frame(scenario: Scenario) -> pd.DataFrame:
    """Return headcount and share per group (support, functional, field) beside the plan's."""
    pools = scenario.site.staff_pools
    total = sum(p.count for p in pools)
    rows = []
    for group, label in GROUP_LABELS.items():
        n = sum(p.count for p in pools if p.role.group == group)
        share = 100.0 * n / total if total else math.nan
        plan = PLAN_SPLIT_PCT[group]
        rows.append((group, label, n, share, plan, share - plan))
    cols = ["group", "label", "headcount", "share_pct", "plan_pct", "difference_pp"]
    return pd.DataFrame(rows, columns=cols)


def plan_check_frame(scenario: Scenario) -> pd.DataFrame:
    """Return the plan's headcount figures beside this scenario's."""
    rows = []
    for label, roles, before, after in _PLAN_FIGURES:
        n = sum(scenario.site.staff(role) for role in roles)
        rows.append((label, before, after, n, n - after))
    cols = ["figure", "plan_2013", "plan_after_reform", "this_scenario", "vs_plan_after"]
    return pd.DataFrame(rows, columns=cols)


def service_frame(summary: Mapping[str, Interval], scenario: Scenario) -> pd.DataFrame:
    """Return utilisation and waiting per staff pool (the service level of each pool)."""

    def get(name: str) -> Interval:
        return summary.get(name, Interval(math.nan, math.nan, math.nan, 0))

    rows = []
    for p in scenario.site.staff_pools:
        res = f"staff/{p.id}"
        util = get(f"utilisation[{res}]")
        rows.append(
            (p.id, ROLE_LABELS.get(p.role.value, p.role.value), p.count, util.mean,
             util.half_width, get(f"wait_min_mean[{res}]").mean, get(f"wait_min_p95[{res}]").mean)
        )  # fmt: skip
    cols = ["pool", "role", "headcount", "utilisation", "utilisation_ci_half_width",
            "wait_min_mean", "wait_min_p95"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def move_staff(data: Mapping[str, Any], from_pool: str, to_pool: str, n: int) -> dict[str, Any]:
    """Return scenario data with ``n`` staff moved from one pool to another.

    The result is not validated here: a move that leaves a negative headcount comes back
    from :func:`ftz_spec.parse_scenario` as an error naming the pool's count.

    Raises:
        KeyError: A pool id is not in the data.
    """
    out = copy.deepcopy(dict(data))
    pools = {p["id"]: p for p in out["site"]["staff_pools"]}
    for pool_id in (from_pool, to_pool):
        if pool_id not in pools:
            raise KeyError(f"no staff pool {pool_id!r}")
    pools[from_pool]["count"] -= n
    pools[to_pool]["count"] += n
    out["name"] = f"{out['name']}+move_{n}_{from_pool}_to_{to_pool}"
    return out


def field_pools(scenario: Scenario) -> list[str]:
    """Ids of the field pools (document review, gate, inspection): the study's usual scope."""
    return [p.id for p in scenario.site.staff_pools if p.role.group == "field"]


def default_targets(pools: Sequence[str]) -> str:
    """One waiting target per pool, one per line (what the page's text box starts with)."""
    return "\n".join(f"wait_min_p95[staff/{p}]<=30" for p in pools)


def study_request(
    targets: str, pools: Sequence[str], mode: str, trials: int, min_reps: int,
    allow_partial_window: bool = False,
) -> Request:  # fmt: skip
    """A study request from the page's inputs (targets one per line).

    Raises:
        ftztwin.staffing.StaffingError: A target does not parse, or no pool is chosen.
    """
    from ftztwin.staffing import StaffingError

    lines = [t.strip() for t in targets.splitlines() if t.strip()]
    if not lines:
        raise StaffingError(
            "targets", ["give at least one target, e.g. clearance_time_min_p95<=60"]
        )
    if not pools:
        raise StaffingError("pools", ["choose at least one pool to adjust"])
    return Request(
        targets=tuple(parse_target(t) for t in lines), pools=tuple(pools), mode=mode,
        trials=trials, min_reps=min_reps, max_reps=2 * min_reps, select_reps=4 * min_reps,
        workload_reps=min(3, min_reps), shortlist=3, allow_partial_window=allow_partial_window,
    )  # fmt: skip


def run_study(
    scenario: Scenario, request: Request, progress: Callable[[float, str], None] | None = None
) -> Outcome:
    """Run the staffing study in this process (``progress`` gets share done and a line).

    Raises:
        ftztwin.staffing.StaffingError: The study cannot start or finds no staffing.
    """
    with SerialBackend() as backend:
        return run_staffing(scenario, request, backend, progress)


def study_headline(outcome: Outcome) -> list[str]:
    """The report's opening sentences."""
    return [*headline(outcome), *(f"Warning: {w}" for w in outcome.warnings)]


def study_frames(outcome: Outcome) -> dict[str, pd.DataFrame]:
    """The report's tables as data frames, by name."""
    tables = {
        "targets": target_table(outcome), "pools": pool_table(outcome),
        "shifts": shift_table(outcome), "service": service_table(outcome),
        "plan": split_table(outcome), "selection": selection_table(outcome),
        "trials": trial_table(outcome),
    }  # fmt: skip
    out = {k: pd.DataFrame(t.rows, columns=list(t.header)) for k, t in tables.items()}
    coverage = pd.DataFrame(coverage_rows(outcome), columns=list(COVERAGE_HEADER))
    for col in ("hour_of_week", "required", "on_duty_found", "on_duty_plan"):
        coverage[col] = pd.to_numeric(coverage[col], errors="coerce")
    out["coverage"] = coverage
    return out


def study_files(outcome: Outcome) -> dict[str, tuple[bytes, str]]:
    """Downloadable files: name → (bytes, MIME type)."""
    frames = study_frames(outcome)
    return {
        "staffing.md": (report_markdown(outcome).encode("utf-8"), "text/markdown"),
        "staffing.html": (staffing_html(outcome).encode("utf-8"), "text/html"),
        "staffing.csv": (frames["pools"].to_csv(index=False).encode("utf-8"), "text/csv"),
        "coverage.csv": (frames["coverage"].to_csv(index=False).encode("utf-8"), "text/csv"),
    }
