"""Metrics of selection policies as pure functions over decisions and results.

Every function makes one pass over an iterable and keeps counters only, so a generator
over millions of records runs in flat memory. Metrics that need the truth (whether a
declaration really was a violation) take it as an argument: the truth belongs to the
twin, never to the engine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from core.risk.credit import CreditRule
from core.risk.decision import InspectionResult, RiskDecision
from core.risk.kinds import ViolationKind
from core.risk.model import INSPECTION_LANES, CreditClass, Lane

__all__ = [
    "DetectionReport",
    "KindTally",
    "credit_class_ratios",
    "credit_rule_breaches",
    "detection_by_kind",
    "detection_report",
    "hit_rate",
    "inspection_rate_by_credit_class",
    "lane_rates",
]


def lane_rates(decisions: Iterable[RiskDecision]) -> dict[Lane, float]:
    """Return the share of declarations sent to each lane (NaN for no declarations)."""
    counts = dict.fromkeys(Lane, 0)
    for d in decisions:
        counts[d.lane] += 1
    n = sum(counts.values())
    return {lane: c / n if n else math.nan for lane, c in counts.items()}


def inspection_rate_by_credit_class(
    decisions: Iterable[RiskDecision], lanes: frozenset[Lane] = INSPECTION_LANES
) -> dict[CreditClass, float]:
    """Return, per credit class, the share of declarations sent to ``lanes``.

    Args:
        decisions: The decisions.
        lanes: Lanes that count as inspection (scan and physical by default).

    Returns:
        Credit class → inspection rate; NaN for a class without declarations.
    """
    n = dict.fromkeys(CreditClass, 0)
    k = dict.fromkeys(CreditClass, 0)
    for d in decisions:
        n[d.credit_class] += 1
        k[d.credit_class] += d.lane in lanes
    return {c: k[c] / n[c] if n[c] else math.nan for c in CreditClass}


def credit_class_ratios(rates: dict[CreditClass, float]) -> dict[CreditClass, float]:
    """Return each class's inspection rate as a share of the general-credit rate.

    Args:
        rates: Output of :func:`inspection_rate_by_credit_class`.

    Returns:
        Credit class → ratio (the rules ask advanced ≤ 0.2, general-certified ≤ 0.5).
    """
    ref = rates[CreditClass.GENERAL_CREDIT]
    return {c: r / ref if ref else math.nan for c, r in rates.items()}


def hit_rate(results: Iterable[InspectionResult]) -> float:
    """Return the share of inspection results that found a violation (NaN if none)."""
    n = k = 0
    for r in results:
        n += 1
        k += r.violation_found
    return k / n if n else math.nan


@dataclass(frozen=True, slots=True)
class DetectionReport:
    """What a selection policy caught and missed, against the truth.

    Attributes:
        declarations: Declarations counted.
        violations: Declarations that truly were violations.
        detected: Violations sent to a detecting lane.
        missed: Violations released or sent to a non-detecting lane.
        detection_rate: ``detected / violations`` (NaN without violations).
        revenue_detected_cny: Revenue at stake on detected violations, CNY.
        revenue_missed_cny: Revenue at stake on missed violations, CNY.
        inspections: Declarations sent to a detecting lane.
        inspections_on_compliant: Of those, how many were compliant (wasted load).
        compliant_load_share: ``inspections_on_compliant / inspections``.
    """

    declarations: int
    violations: int
    detected: int
    missed: int
    detection_rate: float
    revenue_detected_cny: float
    revenue_missed_cny: float
    inspections: int
    inspections_on_compliant: int
    compliant_load_share: float


def detection_report(
    outcomes: Iterable[tuple[RiskDecision, bool, float]],
    lanes: frozenset[Lane] = INSPECTION_LANES,
) -> DetectionReport:
    """Compare decisions with the truth.

    Args:
        outcomes: ``(decision, truly_violation, revenue_at_stake_cny)`` per declaration.
        lanes: Lanes taken to detect a violation they examine (scan and physical).

    Returns:
        The report; a violation counts as detected when its lane is in ``lanes``.
    """
    n = violations = detected = inspections = wasted = 0
    rev_hit = rev_miss = 0.0
    for decision, truth, revenue in outcomes:
        n += 1
        examined = decision.lane in lanes
        inspections += examined
        if truth:
            violations += 1
            if examined:
                detected += 1
                rev_hit += revenue
            else:
                rev_miss += revenue
        elif examined:
            wasted += 1
    return DetectionReport(
        n,
        violations,
        detected,
        violations - detected,
        detected / violations if violations else math.nan,
        rev_hit,
        rev_miss,
        inspections,
        wasted,
        wasted / inspections if inspections else math.nan,
    )


def credit_rule_breaches(
    rates: dict[CreditClass, float], rule: CreditRule | None = None
) -> list[str]:
    """Return the credit rule's bounds that ``rates`` break, in words (empty when kept).

    Args:
        rates: Credit class → average inspection rate, e.g. from
            :func:`inspection_rate_by_credit_class`.
        rule: The rule; the statutory one if None.
    """
    rule = rule or CreditRule()
    ref = rates.get(CreditClass.GENERAL_CREDIT, math.nan)
    out = []
    for cls, ceiling in rule.ceilings.items():
        r = rates.get(cls, math.nan)
        if not math.isnan(r) and not math.isnan(ref) and r > ceiling * ref + 1e-12:
            out.append(f"{cls.value}: {r:.4f} > {ceiling:g} × general_credit {ref:.4f}")
    d = rates.get(CreditClass.DISHONEST, math.nan)
    if not math.isnan(d) and d < rule.dishonest_floor - 1e-12:
        out.append(f"dishonest: {d:.4f} < floor {rule.dishonest_floor:g}")
    return out


@dataclass(frozen=True, slots=True)
class KindTally:
    """What clearance found and missed of one violation kind.

    Attributes:
        violations: Declarations that truly held the kind.
        found: Of those, found at clearance.
        missed: ``violations - found``.
        detection_rate: ``found / violations`` (NaN without violations).
    """

    violations: int
    found: int
    missed: int
    detection_rate: float


def detection_by_kind(
    outcomes: Iterable[tuple[str, bool]],
) -> dict[ViolationKind, KindTally]:
    """Count found and missed violations by kind.

    Args:
        outcomes: ``(true_kind, found)`` per declaration; ``true_kind`` is a
            :class:`ViolationKind` value or ``""`` for a compliant declaration.

    Returns:
        Kind → tally, for every kind.
    """
    n = dict.fromkeys(ViolationKind, 0)
    k = dict.fromkeys(ViolationKind, 0)
    for kind, found in outcomes:
        if kind:
            v = ViolationKind(kind)
            n[v] += 1
            k[v] += bool(found)
    return {
        v: KindTally(n[v], k[v], n[v] - k[v], k[v] / n[v] if n[v] else math.nan)
        for v in ViolationKind
    }
