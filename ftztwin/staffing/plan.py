"""The plan as constraints, and the evaluation window as a guardrail.

The reform plan (署加函〔2014〕44号, 机构人员重组): 503 staff; support (综合保障) 35 → 20;
document review and gate (单证备案审核和卡口监管) 183 → 143; support : functional : field
≈ 5 : 20 : 75. Each may be imposed on the search (:class:`PlanLimits`); a candidate that
breaks one is refused before it is run, and the refusal says which figure and by how much.

The window guardrail: a staffing is only as good as the hours it was tried on. A window
that misses the hours in which a flow the adjusted pools serve peaks would size them on
the quiet hours (a 6 h night window once found 12 inspectors for Yangshan against 75
planned), so such a window is refused unless the caller allows it, and then warned about.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ftz_spec import Scenario, StaffRole
from ftztwin.staffing.candidate import Staffing
from ftztwin.staffing.targets import StaffingError

__all__ = [
    "PLAN_FIGURES",
    "PLAN_SPLIT",
    "PLAN_TOTAL",
    "PlanLimits",
    "check_window",
    "group_totals",
    "window_problems",
]

PLAN_TOTAL = 503
PLAN_SPLIT = {"support": 5.0, "functional": 20.0, "field": 75.0}
# (name, roles counted, the plan's figure after the reform)
PLAN_FIGURES = (
    ("support 综合保障", (StaffRole.SUPPORT,), 20),
    (
        "document review and gate 单证备案审核和卡口监管",
        (StaffRole.DOCUMENT_REVIEW, StaffRole.GATE),
        143,
    ),
)
_PEAK_SHARE = 0.9  # hours within 10% of the busiest hour are peak hours


def group_totals(base: Scenario, staffing: Staffing) -> dict[str, int]:
    """Officers per group (support, functional, field) under ``staffing``."""
    counts = staffing.as_counts
    out = dict.fromkeys(PLAN_SPLIT, 0)
    for p in base.site.staff_pools:
        out[p.role.group] += counts.get(p.id, p.count)
    return out


@dataclass(frozen=True)
class PlanLimits:
    """Optional plan constraints on a candidate (None: not imposed).

    Attributes:
        max_total: Officers in all pools at most.
        min_total: Officers in all pools at least.
        split_pp: Each group's share within this many points of 5 : 20 : 75.
        plan_figures: Support at most 20 and document review + gate at most 143.
    """

    max_total: int | None = None
    min_total: int | None = None
    split_pp: float | None = None
    plan_figures: bool = False

    def __str__(self) -> str:
        parts = []
        if self.max_total is not None:
            parts.append(f"total <= {self.max_total}")
        if self.min_total is not None:
            parts.append(f"total >= {self.min_total}")
        if self.split_pp is not None:
            parts.append(f"5 : 20 : 75 within ±{self.split_pp:g} points")
        if self.plan_figures:
            parts.append("support <= 20, document review + gate <= 143")
        return ", ".join(parts) or "none"

    def violations(self, base: Scenario, staffing: Staffing) -> list[str]:
        """Each broken constraint, naming the figure and by how much."""
        counts = staffing.as_counts
        total = sum(counts.get(p.id, p.count) for p in base.site.staff_pools)
        out = []
        if self.max_total is not None and total > self.max_total:
            out.append(f"total {total} exceeds {self.max_total} by {total - self.max_total}")
        if self.min_total is not None and total < self.min_total:
            out.append(f"total {total} is {self.min_total - total} below {self.min_total}")
        if self.split_pp is not None and total:
            for group, n in group_totals(base, staffing).items():
                share = 100.0 * n / total
                off = share - PLAN_SPLIT[group]
                if abs(off) > self.split_pp:
                    out.append(
                        f"{group} share {share:.1f}% is {abs(off):.1f} points from the plan's "
                        f"{PLAN_SPLIT[group]:g}% (allowed ±{self.split_pp:g})"
                    )
        if self.plan_figures:
            for name, roles, limit in PLAN_FIGURES:
                n = sum(counts.get(p.id, p.count) for p in base.site.staff_pools if p.role in roles)
                if n > limit:
                    out.append(f"{name} {n} exceeds the plan's {limit} by {n - limit}")
        return out


def _served_flows(base: Scenario, pools: Sequence[str]) -> list[str]:
    zones: set[str | None] = set()
    for p in base.site.staff_pools:
        if p.id in pools:
            zones |= {p.zone, *p.also_serves}
    every = None in zones
    return [
        f.id
        for f in base.uncertainties.flows
        if f.trucks_per_day > 0 and (every or f.zone in zones or f.to in zones)
    ]


def window_problems(base: Scenario, pools: Sequence[str]) -> tuple[list[str], list[str]]:
    """Problems with the evaluation window ``[warmup, horizon)`` for ``pools``.

    The window covers a flow's peak when it holds an hour within 10% of the flow's
    busiest hour of the day (a flat profile peaks in every hour).

    Returns:
        ``(refusals, warnings)``: each served flow whose peak the window misses; and a
        warning when it holds none of the busiest days of the week.
    """
    unc = base.uncertainties
    start, end = base.run.warmup_h, base.run.horizon_h
    hours = range(int(start), max(int(start) + 1, math.ceil(end)))
    seen = {h % 24 for h in hours}
    hourly = unc.hourly_profile
    peak = [h for h in range(24) if hourly[h] >= _PEAK_SHARE * max(hourly)]
    refusals = []
    if max(hourly[h] for h in seen) < _PEAK_SHARE * max(hourly):
        names = ", ".join(f"{h:02d}:00" for h in peak)
        busiest = max(hourly[h] for h in seen) / max(hourly)
        for flow in _served_flows(base, pools):
            refusals.append(
                f"flow {flow} peaks at {names}; the window {start:g}-{end:g} h sees at most "
                f"{100 * busiest:.0f}% of its peak rate; lengthen --horizon-h"
            )
    weekly = unc.weekly_profile
    days_seen = {h // 24 % 7 for h in hours}
    busiest = [d for d in range(7) if weekly[d] == max(weekly)]
    warnings = []
    if not any(d in days_seen for d in busiest):
        warnings.append("the window holds none of the busiest days of the week")
    return refusals, warnings


def check_window(base: Scenario, pools: Sequence[str], allow: bool) -> list[str]:
    """Refuse a window that misses peak hours (or, if ``allow``, return them as warnings).

    Raises:
        StaffingError: The window misses a served flow's peak hours and ``allow`` is False.
    """
    refusals, warnings = window_problems(base, pools)
    if refusals and not allow:
        raise StaffingError("--horizon-h", [*refusals, "(--allow-partial-window to go on)"])
    return [*refusals, *warnings]
