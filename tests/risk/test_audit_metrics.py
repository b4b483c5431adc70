import math

import pytest

from core.risk import (
    AuditMethod,
    AuditPolicy,
    AuditScope,
    AuditTier,
    CreditClass,
    Enterprise,
    InspectionResult,
    Lane,
    PolicyError,
    RiskEngine,
    credit_class_ratios,
    detection_report,
    hit_rate,
    inspection_rate_by_credit_class,
    lane_rates,
    plan_audits,
)
from tests.risk.helpers import declaration, quiet_policy, table


def test_enterprise_with_violations_found_gets_frequent_full_on_site_audit():
    engine = RiskEngine(table(), quiet_policy(), seed=1)
    bad = Enterprise("E-BAD", CreditClass.GENERAL_CREDIT)
    goods = [Enterprise(f"E-GOOD-{k}", CreditClass.GENERAL_CREDIT) for k in range(20)]
    for i in range(60):
        d = engine.assess(declaration(f"B{i}", enterprise_id="E-BAD"), bad, 0.0)
        engine.feedback(InspectionResult(d, violation_found=i % 3 == 0), 0.0)
        for g in goods:
            d = engine.assess(
                declaration(f"G{i}-{g.enterprise_id}", enterprise_id=g.enterprise_id), g, 0.0
            )
            engine.feedback(InspectionResult(d, violation_found=False), 0.0)
    plans = engine.audit_plan([goods[0], bad])
    assert [p.enterprise_id for p in plans] == ["E-BAD", "E-GOOD-0"]
    assert (plans[0].tier, plans[0].method, plans[0].scope) == (
        AuditTier.HIGH,
        AuditMethod.ON_SITE,
        AuditScope.FULL,
    )
    assert (plans[1].tier, plans[1].method) == (AuditTier.LOW, AuditMethod.SELF_AUDIT)
    assert plans[0].audits_per_year > plans[1].audits_per_year


def test_dishonest_enterprise_is_always_audited_as_high_risk():
    [plan] = plan_audits([(Enterprise("E1", CreditClass.DISHONEST), 0.001)], base_rate=0.02)
    assert plan.tier is AuditTier.HIGH
    assert "dishonest enterprise (失信企业): always high" in plan.reasons


def test_medium_risk_enterprise_gets_targeted_desk_audit():
    [plan] = plan_audits([(Enterprise("E1", CreditClass.GENERAL_CREDIT), 0.04)], base_rate=0.02)
    assert (plan.tier, plan.method, plan.scope, plan.audits_per_year) == (
        AuditTier.MEDIUM,
        AuditMethod.DESK,
        AuditScope.TARGETED,
        1.0,
    )


def test_audit_policy_with_medium_above_high_is_rejected():
    with pytest.raises(PolicyError, match="medium_ratio 4 ≤ high_ratio 3"):
        AuditPolicy(high_ratio=3.0, medium_ratio=4.0)


def _decision(engine, i, lane, cls=CreditClass.GENERAL_CREDIT):
    d = engine.assess(declaration(f"D{i}"), Enterprise("E1", cls), 0.0)
    return engine.reroute(d, lane, "test", 0.0) if lane is not d.lane else d


def test_lane_and_credit_class_rates_are_counted_per_decision():
    engine = RiskEngine(table(), quiet_policy())
    ds = [_decision(engine, i, Lane.PHYSICAL if i < 2 else Lane.AUTO_RELEASE) for i in range(10)]
    ds += [_decision(engine, 10 + i, Lane.SCAN, CreditClass.ADVANCED_CERTIFIED) for i in range(1)]
    ds += [
        _decision(engine, 20 + i, Lane.AUTO_RELEASE, CreditClass.ADVANCED_CERTIFIED)
        for i in range(9)
    ]
    rates = lane_rates(ds)
    assert rates[Lane.PHYSICAL] == pytest.approx(0.1)
    assert rates[Lane.SCAN] == pytest.approx(0.05)
    by_class = inspection_rate_by_credit_class(ds)
    assert by_class[CreditClass.GENERAL_CREDIT] == pytest.approx(0.2)
    assert by_class[CreditClass.ADVANCED_CERTIFIED] == pytest.approx(0.1)
    assert math.isnan(by_class[CreditClass.DISHONEST])
    assert credit_class_ratios(by_class)[CreditClass.ADVANCED_CERTIFIED] == pytest.approx(0.5)
    assert all(math.isnan(v) for v in lane_rates([]).values())


def test_hit_rate_is_violations_found_per_inspection():
    engine = RiskEngine(table(), quiet_policy())
    d = _decision(engine, 1, Lane.PHYSICAL)
    results = [InspectionResult(d, v) for v in (True, False, False, True)]
    assert hit_rate(results) == 0.5
    assert hit_rate(iter(results)) == 0.5  # one pass over a stream
    assert math.isnan(hit_rate([]))


def test_detection_report_counts_missed_violations_revenue_and_wasted_load():
    engine = RiskEngine(table(), quiet_policy())
    inspected = _decision(engine, 1, Lane.PHYSICAL)
    released = _decision(engine, 2, Lane.AUTO_RELEASE)
    documents = _decision(engine, 3, Lane.DOCUMENTARY)
    r = detection_report(
        [
            (inspected, True, 100.0),
            (inspected, False, 0.0),
            (inspected, False, 0.0),
            (released, True, 40.0),
            (documents, True, 10.0),
            (released, False, 0.0),
        ]
    )
    assert (r.declarations, r.violations, r.detected, r.missed) == (6, 3, 1, 2)
    assert r.detection_rate == pytest.approx(1 / 3)
    assert (r.revenue_detected_cny, r.revenue_missed_cny) == (100.0, 50.0)
    assert (r.inspections, r.inspections_on_compliant) == (3, 2)
    assert r.compliant_load_share == pytest.approx(2 / 3)
    with_docs = detection_report([(documents, True, 10.0)], lanes=frozenset({Lane.DOCUMENTARY}))
    assert with_docs.detected == 1
