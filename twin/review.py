"""Document review (单证审核) and approvals: three-level approval before, dual review after.

Computers do the formal checks (the risk engine's lane); people do judgement. Which
declarations a person reviews, and how approvals run, are levers of the plan.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from core.risk import InspectionResult, Lane, RiskDecision
from ftz_spec import StaffRole
from twin.cases import Case
from twin.detection import finds
from twin.world import World, staff_task

__all__ = ["feed_back", "needs_review", "review_declaration"]

_U_DOC, _U_APPROVAL = 16, 19


def needs_review(w: World, lane: Lane) -> bool:
    """Whether a person reviews a declaration sent to ``lane``.

    Before the reform every declaration is reviewed; with automatic release of low-risk
    declarations (低风险单证自动验放) only those the risk engine did not release are.
    """
    if not w.scenario.levers.auto_release_low_risk:
        return True
    return lane not in (Lane.AUTO_RELEASE, Lane.POST_AUDIT)


def review_declaration(
    w: World, case: Case, decision: RiskDecision, reported: bool = False
) -> Generator[Any, Any, bool]:
    """Review the declaration of ``case`` if needed; return whether a violation was found.

    ``reported``: the computer already found the violation and its result went back to the
    risk table; the review's result is then not reported a second time.
    """
    lv, zone = w.scenario.levers, case.flow.zone
    found = False
    if needs_review(w, decision.lane):
        if not lv.paperless:
            yield w.env.timeout(case.times["paper_delivery"])  # paper documents must arrive first
        duration = case.times["doc_review_paperless" if lv.paperless else "doc_review"]
        if lv.unified_record_lists:  # one record-list format: fewer fields to check
            f = w.scenario.uncertainties.filing
            duration *= f.fields_unified / f.fields_per_declaration
        yield from staff_task(
            w, w.unit(StaffRole.DOCUMENT_REVIEW, zone), "doc_review", case.case_id, duration
        )
        found = finds(w.scenario, "documentary", case, decision, float(case.u[_U_DOC]))
        if decision.lane == Lane.DOCUMENTARY and not reported:
            feed_back(w, case, decision, found)
    if case.u[_U_APPROVAL] < w.scenario.uncertainties.approval_share:
        yield from approve(w, case.case_id, zone, case.times["approval"], case.times["handoff"])
    return found


def approve(
    w: World, case_id: str, zone: str | None, work_s: float, handoff_s: float
) -> Generator[Any, Any, None]:
    """Run an approval: two officers side by side (双人复核) or three levels with hand-offs."""
    unit = w.unit(StaffRole.DOCUMENT_REVIEW, zone)
    if w.scenario.levers.dual_review:
        for _ in range(2):
            yield from staff_task(w, unit, "dual_review", case_id, work_s)
        return
    for level in range(3):
        if level:
            yield w.env.timeout(handoff_s)  # the file waits in the next level's in-tray
        yield from staff_task(w, unit, f"approval_level{level + 1}", case_id, work_s)


def feed_back(w: World, case: Case, decision: RiskDecision, found: bool) -> None:
    """Close the loop (闭合管理回路): an inspection result goes back to the risk table.

    The enterprise learns at once that it was inspected (or caught); the table learns
    when an analyst has processed the result (:meth:`twin.targeting.AnalystDesk.feed_back`).
    """
    result = InspectionResult(
        decision,
        found,
        case.violation if found else "",
        case.revenue_at_stake_cny if found else 0.0,
    )
    w.counters.feedback += 1
    w.enterprises.inspected(case.enterprise, case.chapter)
    if found:
        w.enterprises.caught(case.enterprise, float(case.u[_U_APPROVAL - 1]))
    w.desk.feed_back(case, result)
