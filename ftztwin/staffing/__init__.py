r"""Staffing a reform team can defend: requirements by hour, shifts, joint search, selection.

Example (minutes on two cores)::

    ftztwin staff scenarios/reform_2014.yaml --pools insp_ys,docs_ys \
        --target "wait_min_p95[staff/insp_ys]<=30" --target "wait_min_p95[staff/docs_ys]<=30" \
        --horizon-h 24 --warmup-h 2

1. :mod:`.requirements`: officers needed per pool and hour of the week — the twin's load
   measured with ample staff (the modified offered load), each hour staffed by Erlang-C
   (:mod:`.queueing`);
2. :mod:`.shifts`: an integer programme (HiGHS) that covers the requirement with allowed
   shift patterns (meal breaks included) at least cost, as a roster the twin runs;
3. :mod:`.joint`: Optuna ask-and-tell over several pools' offsets, shift families or
   headcounts together, every candidate checked on common random numbers
   (:mod:`.evaluate`), warm-started from 1-2; :mod:`.select`: feasibility tests
   (Bonferroni) and Kim–Nelson selection on fresh replications, targets Holm-checked;
4. :mod:`.plan`: the plan's figures as optional constraints, and the window guardrail;
5. :mod:`.pipeline` runs a study in one of four modes; :mod:`.report` writes it.

The older pool-by-pool bisection stays as mode ``pool`` (:mod:`.search`).
"""

from ftztwin.staffing.candidate import Staffing, apply_staffing, plan_staffing
from ftztwin.staffing.evaluate import Evaluator, Verdict
from ftztwin.staffing.pipeline import MODES, Outcome, Request, run_staffing
from ftztwin.staffing.plan import PLAN_SPLIT, PLAN_TOTAL, PlanLimits, window_problems
from ftztwin.staffing.queueing import WaitRule, erlang_c, mean_wait_s, servers_needed
from ftztwin.staffing.report import report_markdown, staffing_html, write_report
from ftztwin.staffing.search import FIELD_ROLES, StaffingResult, choose_pools, minimise_staff
from ftztwin.staffing.shifts import FAMILIES, RosterPlan, schedule
from ftztwin.staffing.targets import (
    CLEARED_RATIO,
    GUARD,
    UNFINISHED_EXCESS,
    StaffingError,
    Target,
    parse_target,
    with_guard,
    with_unfinished_guard,
)

__all__ = [
    "CLEARED_RATIO",
    "FAMILIES",
    "FIELD_ROLES",
    "GUARD",
    "MODES",
    "PLAN_SPLIT",
    "PLAN_TOTAL",
    "UNFINISHED_EXCESS",
    "Evaluator",
    "Outcome",
    "PlanLimits",
    "Request",
    "RosterPlan",
    "Staffing",
    "StaffingError",
    "StaffingResult",
    "Target",
    "Verdict",
    "WaitRule",
    "apply_staffing",
    "choose_pools",
    "erlang_c",
    "mean_wait_s",
    "minimise_staff",
    "parse_target",
    "plan_staffing",
    "report_markdown",
    "run_staffing",
    "schedule",
    "servers_needed",
    "staffing_html",
    "window_problems",
    "with_guard",
    "with_unfinished_guard",
    "write_report",
]
