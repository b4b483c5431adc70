"""Whether a check finds the violation a case really holds: by check and by kind.

A check of kind ``documentary``, ``scan``, ``physical`` or ``post_audit`` finds a
violation with probability ``detection[check] × kind.detection[check]`` (capped at 1):
documents find valuation and classification errors, images find what is hidden,
opening the goods finds everything (plan 二(五) and the domain brief). An officer who
knows what to look for — the decision names the kind — finds it more often.
"""

from __future__ import annotations

from core.risk import RiskDecision
from ftz_spec import Scenario
from twin.cases import Case

__all__ = ["finds", "p_find"]


def p_find(scenario: Scenario, check: str, case: Case, suspected: str = "") -> float:
    """Return the chance that ``check`` finds the violation ``case`` holds (0 if none).

    Args:
        scenario: The scenario (detection figures and kinds).
        check: ``documentary``, ``scan``, ``physical`` or ``post_audit``.
        case: The case; its ``violation`` is the truth.
        suspected: The kind the officer was told to look for, or ``""``.
    """
    kind = case.violation
    if not kind:
        return 0.0
    unc = scenario.uncertainties
    spec = unc.violation_kinds.get(kind)
    p = unc.detection.get(check, 0.0) * (spec.detection.get(check, 1.0) if spec else 1.0)
    if suspected and suspected == kind:
        p *= unc.targeted_detection_boost
    return min(1.0, p)


def finds(
    scenario: Scenario, check: str, case: Case, decision: RiskDecision | None, u: float
) -> bool:
    """Whether ``check`` finds the case's violation, deciding with the pre-drawn ``u``."""
    suspected = decision.suspected_kind if decision is not None else ""
    return bool(case.violation) and u < p_find(scenario, check, case, suspected)
