"""Differentiated post-clearance audit (差别化稽查): an audit plan by enterprise risk.

The "dumbbell" model (哑铃型监管) moves pressure from the clearance moment to prior risk
analysis and post-clearance audit; the plan asks that method, scope and frequency follow
the enterprise's risk. Risk here is the enterprise's learned violation rate relative to
the table's base rate, raised for dishonest enterprises whatever the data say.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.risk.errors import PolicyError
from core.risk.model import CreditClass, Enterprise

__all__ = ["AuditMethod", "AuditPlan", "AuditPolicy", "AuditScope", "AuditTier", "plan_audits"]


class AuditTier(StrEnum):
    """Enterprise risk tier for audit."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class AuditMethod(StrEnum):
    """How an audit is carried out."""

    ON_SITE = "on_site"  # 实地稽查
    DESK = "desk"  # 书面稽查
    SELF_AUDIT = "self_audit"  # 企业自查 (主动披露)


class AuditScope(StrEnum):
    """How much of the enterprise's trade an audit covers."""

    FULL = "full"  # 全面稽查: all accounts, all procedures
    TARGETED = "targeted"  # 专项稽查: the risky goods or procedures only
    SAMPLE = "sample"  # 抽查: a sample of declarations


@dataclass(frozen=True, slots=True)
class AuditPolicy:
    """Tiers and what each tier gets.

    Attributes:
        high_ratio: Enterprise rate ≥ ``high_ratio × base rate`` is high risk.
        medium_ratio: Enterprise rate ≥ ``medium_ratio × base rate`` is medium risk.
        audits_per_year: Tier → audits per year.
    """

    high_ratio: float = 3.0
    medium_ratio: float = 1.5
    audits_per_year: tuple[tuple[AuditTier, float], ...] = (
        (AuditTier.HIGH, 2.0),
        (AuditTier.MEDIUM, 1.0),
        (AuditTier.LOW, 1.0 / 3.0),
    )

    def __post_init__(self) -> None:
        """Validate the thresholds.

        Raises:
            PolicyError: ``medium_ratio`` above ``high_ratio`` or a negative frequency.
        """
        if not 0 < self.medium_ratio <= self.high_ratio:
            raise PolicyError(
                f"audit: need 0 < medium_ratio {self.medium_ratio:g} ≤ high_ratio "
                f"{self.high_ratio:g}"
            )
        for tier, f in self.audits_per_year:
            if f < 0:
                raise PolicyError(f"audit.audits_per_year.{tier.value}: {f:g} < 0")


_HOW = {
    AuditTier.HIGH: (AuditMethod.ON_SITE, AuditScope.FULL),
    AuditTier.MEDIUM: (AuditMethod.DESK, AuditScope.TARGETED),
    AuditTier.LOW: (AuditMethod.SELF_AUDIT, AuditScope.SAMPLE),
}


@dataclass(frozen=True, slots=True)
class AuditPlan:
    """Audit plan of one enterprise.

    Attributes:
        enterprise_id: The enterprise.
        tier: Its risk tier.
        audits_per_year: Planned audits per year.
        method: How to audit.
        scope: How much to cover.
        risk_rate: Estimated violation rate used.
        reasons: Why this tier.
    """

    enterprise_id: str
    tier: AuditTier
    audits_per_year: float
    method: AuditMethod
    scope: AuditScope
    risk_rate: float
    reasons: tuple[str, ...]


def plan_audits(
    enterprises: Iterable[tuple[Enterprise, float]],
    base_rate: float,
    policy: AuditPolicy | None = None,
) -> list[AuditPlan]:
    """Plan audits by enterprise risk, riskiest first.

    Args:
        enterprises: Each enterprise with its estimated violation rate, e.g.
            ``engine.scorer.rate("enterprise", e.enterprise_id)``.
        base_rate: The table's base violation rate, in (0, 1).
        policy: Tier thresholds and frequencies; defaults if None.

    Returns:
        One plan per enterprise, sorted by descending risk rate.
    """
    policy = policy or AuditPolicy()
    frequency = dict(policy.audits_per_year)
    plans = []
    for enterprise, rate in enterprises:
        ratio = rate / base_rate
        tier = (
            AuditTier.HIGH
            if ratio >= policy.high_ratio
            else AuditTier.MEDIUM
            if ratio >= policy.medium_ratio
            else AuditTier.LOW
        )
        reasons = [f"violation rate {rate:.4f} = {ratio:.2f} × base {base_rate:.4f}"]
        if enterprise.credit_class is CreditClass.DISHONEST and tier is not AuditTier.HIGH:
            tier = AuditTier.HIGH
            reasons.append("dishonest enterprise (失信企业): always high")
        method, scope = _HOW[tier]
        plans.append(
            AuditPlan(
                enterprise.enterprise_id,
                tier,
                frequency.get(tier, 0.0),
                method,
                scope,
                rate,
                tuple(reasons),
            )
        )
    plans.sort(key=lambda p: -p.risk_rate)
    return plans
