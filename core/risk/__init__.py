"""Risk engine (智能化风险分析): valuation table, lanes, random and targeted control.

Typical use by the twin or the live runtime::

    engine = RiskEngine(table, policy, seed=run_seed, controls=controls)
    decision = engine.assess(declaration, enterprise_or_none, now)
    ...  # route by decision.lane; inspect; then close the loop:
    engine.feedback(InspectionResult(decision, violation_found=True, kind="undervaluation",
                                     revenue_at_stake_cny=12_000.0), now)

Pass the zone's inspection state (``ZoneLoad``) to ``assess`` for capacity-aware
selection; the credit-class rule (``CreditRule``) keeps each class's total inspection
rate within its bounds whatever selected the goods.

The package is pure: no I/O, no clock, no global random generator. Tables and policies
come in as data (:meth:`RiskTable.from_mapping`); decisions go out as frozen dataclasses
with their reasons, so every selection can be audited and replayed from the seed.
"""

from core.risk.audit import AuditMethod, AuditPlan, AuditPolicy, AuditScope, AuditTier, plan_audits
from core.risk.capacity import CapacityPolicy, ZoneLoad
from core.risk.compliance import ComplianceEstimate, ComplianceMeter
from core.risk.config import RiskSetup, policy_from_mapping, setup_from_mapping
from core.risk.controls import ControlBook, TargetedControl
from core.risk.credit import STATUTORY_CEILINGS, CreditBalance, CreditRule
from core.risk.decision import FactorShare, InspectionResult, RiskDecision, SelectionBasis
from core.risk.draws import Drawer, stable_uniform
from core.risk.engine import RiskEngine
from core.risk.errors import ControlError, DeclarationError, PolicyError, RiskError, RiskTableError
from core.risk.kinds import FOUND_BY_DOCUMENTS, FOUND_BY_SCAN, ViolationKind, parse_kind
from core.risk.metrics import (
    DetectionReport,
    KindTally,
    credit_class_ratios,
    credit_rule_breaches,
    detection_by_kind,
    detection_report,
    hit_rate,
    inspection_rate_by_credit_class,
    lane_rates,
)
from core.risk.model import (
    INSPECTION_LANES,
    CreditClass,
    Declaration,
    Direction,
    Enterprise,
    GoodsLine,
    Lane,
    Procedure,
    direction_of,
)
from core.risk.policy import FILL_ORDER, LanePlan, LearningPolicy, RandomControlPolicy, RiskPolicy
from core.risk.table import ATTRIBUTES, VALUE_BANDS, RiskTable

__all__ = [
    "ATTRIBUTES",
    "FILL_ORDER",
    "FOUND_BY_DOCUMENTS",
    "FOUND_BY_SCAN",
    "INSPECTION_LANES",
    "STATUTORY_CEILINGS",
    "VALUE_BANDS",
    "AuditMethod",
    "AuditPlan",
    "AuditPolicy",
    "AuditScope",
    "AuditTier",
    "CapacityPolicy",
    "ComplianceEstimate",
    "ComplianceMeter",
    "ControlBook",
    "ControlError",
    "CreditBalance",
    "CreditClass",
    "CreditRule",
    "Declaration",
    "DeclarationError",
    "DetectionReport",
    "Direction",
    "Drawer",
    "Enterprise",
    "FactorShare",
    "GoodsLine",
    "InspectionResult",
    "KindTally",
    "Lane",
    "LanePlan",
    "LearningPolicy",
    "PolicyError",
    "Procedure",
    "RandomControlPolicy",
    "RiskDecision",
    "RiskEngine",
    "RiskError",
    "RiskPolicy",
    "RiskSetup",
    "RiskTable",
    "RiskTableError",
    "SelectionBasis",
    "TargetedControl",
    "ViolationKind",
    "ZoneLoad",
    "credit_class_ratios",
    "credit_rule_breaches",
    "detection_by_kind",
    "detection_report",
    "direction_of",
    "hit_rate",
    "inspection_rate_by_credit_class",
    "lane_rates",
    "parse_kind",
    "plan_audits",
    "policy_from_mapping",
    "setup_from_mapping",
    "stable_uniform",
]
