r"""The staffing optimiser: the fewest staff per role and zone that meet service levels.

Example (about a minute on two cores)::

    ftztwin staff scenarios/reform_2014.yaml --pools insp_ys \
        --target "wait_min_p95[staff/insp_ys]<=30" --target "clearance_time_min_p95<=60" \
        --horizon-h 12 --warmup-h 2

Candidates differ only in headcounts; each is checked on common random numbers with a
sequential feasibility test (:mod:`~ftztwin.staffing.evaluate`), and a pool-by-pool
bisection finds a minimal staffing (:mod:`~ftztwin.staffing.search`). The report
compares it with the plan's 503 staff and its 5 : 20 : 75 split
(:mod:`~ftztwin.staffing.report`).
"""

from ftztwin.staffing.evaluate import Evaluator, Verdict
from ftztwin.staffing.report import PLAN_SPLIT, PLAN_TOTAL, staffing_report, write_staffing
from ftztwin.staffing.search import FIELD_ROLES, StaffingResult, choose_pools, minimise_staff
from ftztwin.staffing.targets import (
    CLEARED_RATIO,
    GUARD,
    StaffingError,
    Target,
    parse_target,
    with_guard,
)

__all__ = [
    "CLEARED_RATIO",
    "FIELD_ROLES",
    "GUARD",
    "PLAN_SPLIT",
    "PLAN_TOTAL",
    "Evaluator",
    "StaffingError",
    "StaffingResult",
    "Target",
    "Verdict",
    "choose_pools",
    "minimise_staff",
    "parse_target",
    "staffing_report",
    "with_guard",
    "write_staffing",
]
