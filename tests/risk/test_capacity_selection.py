"""Capacity-aware selection: low-priority selections yield to a saturated zone."""

from __future__ import annotations

import pytest

from core.risk import (
    CapacityPolicy,
    CreditClass,
    Enterprise,
    Lane,
    LanePlan,
    PolicyError,
    RandomControlPolicy,
    RiskEngine,
    RiskPolicy,
    SelectionBasis,
    TargetedControl,
    ZoneLoad,
    policy_from_mapping,
)
from tests.risk.helpers import NO_CREDIT_RULE, declaration, table

E = Enterprise("E1", CreditClass.GENERAL_CREDIT)
CALM = ZoneLoad(queue_length=0, officers_on_duty=10, scan_queue_length=0, scanners_up=1)
JAMMED = ZoneLoad(queue_length=30, officers_on_duty=10, scan_queue_length=0, scanners_up=1)
JAMMED_NO_SCAN = ZoneLoad(queue_length=30, officers_on_duty=10)


def _engine(enabled=True, controls=(), random_rate=0.2):
    plan = LanePlan(expected_rates={Lane.PHYSICAL: 0.2}, criteria={Lane.PHYSICAL: 0.3})
    policy = RiskPolicy(
        default_plan=plan,
        random=RandomControlPolicy(general_credit_rate=random_rate),
        capacity=CapacityPolicy(enabled=enabled, queue_per_officer=1.0),
        credit_rule=NO_CREDIT_RULE,
    )
    return RiskEngine(table(hs_chapter__93=0.9), policy, seed=4, controls=controls)


def _run(engine, load, n=4_000, hs="8471300000"):
    return [engine.assess(declaration(f"D{i}", hs_code=hs), E, float(i), load) for i in range(n)]


def test_with_selection_fixed_the_load_changes_nothing():
    off_calm = _run(_engine(enabled=False), CALM)
    off_jam = _run(_engine(enabled=False), JAMMED)
    assert [(d.lane, d.basis) for d in off_calm] == [(d.lane, d.basis) for d in off_jam]
    assert all(d.deferred_from is None for d in off_jam)


def test_below_the_threshold_nothing_is_deferred():
    engine = _engine()
    decisions = _run(engine, CALM)
    assert engine.selections_deferred() == 0
    assert [(d.lane, d.basis) for d in decisions] == [
        (d.lane, d.basis) for d in _run(_engine(enabled=False), CALM)
    ]


def test_a_saturated_zone_defers_top_up_and_random_above_the_minimum_and_counts_them():
    engine = _engine()
    decisions = _run(engine, JAMMED)
    deferred = [d for d in decisions if d.basis is SelectionBasis.DEFERRED]
    assert deferred and engine.selections_deferred() == len(deferred)
    assert engine.deferred == {"yangshan_port": len(deferred)}
    assert {d.deferred_from for d in deferred} == {Lane.PHYSICAL}
    assert {d.lane for d in deferred} == {Lane.SCAN}  # a working scanner with no queue
    assert all(not d.in_random_stratum for d in deferred)  # left the compliance sample
    assert all(any(r.startswith("deferred(能力感知选择)") for r in d.reasons) for d in deferred)


def test_the_random_minimum_is_never_deferred():
    engine = _engine()
    for d in _run(engine, JAMMED):
        if d.random_draw < d.random_rate * 0.5:
            assert d.lane is Lane.PHYSICAL and d.in_random_stratum, d


def test_targeted_controls_and_criteria_hits_are_never_deferred():
    control = TargetedControl("BK-1", Lane.PHYSICAL, 1.0, 0.0, hs_prefixes=frozenset({"2402"}))
    engine = _engine(controls=[control])
    targeted = _run(engine, JAMMED, n=300, hs="2402200000")
    assert all(d.lane is Lane.PHYSICAL for d in targeted)
    engine = _engine()
    risky = [
        engine.assess(declaration(f"R{i}", hs_code="9301000000"), E, float(i), JAMMED)
        for i in range(300)
    ]
    assert all(d.lane is Lane.PHYSICAL for d in risky if d.basis is SelectionBasis.CRITERIA)
    assert any(d.basis is SelectionBasis.CRITERIA for d in risky)


def test_without_a_working_scanner_a_deferral_goes_to_post_clearance_audit():
    decisions = _run(_engine(), JAMMED_NO_SCAN)
    deferred = [d for d in decisions if d.deferred_from is not None]
    assert deferred and {d.lane for d in deferred} == {Lane.POST_AUDIT}


def test_a_suspected_valuation_error_is_deferred_to_audit_not_to_the_scanner():
    t = table(value_per_kg__far_below=0.1)
    t = type(t).from_mapping(
        {
            "base_rate": 0.02,
            "reference_value_per_kg": {"84": 1000.0},
            "factors": [
                {"attribute": "value_per_kg", "value": "far_below", "rate": 0.1,
                 "kinds": ["undervaluation"]},
            ],
        }
    )  # fmt: skip
    engine = RiskEngine(t, _engine().policy, seed=4)
    decisions = [
        engine.assess(declaration(f"D{i}", value_cny=10.0, weight_kg=10.0), E, float(i), JAMMED)
        for i in range(2_000)
    ]
    deferred = [d for d in decisions if d.deferred_from is not None]
    assert deferred and all(d.suspected_kind == "undervaluation" for d in deferred)
    assert {d.lane for d in deferred} == {Lane.POST_AUDIT}  # documents find valuation errors


def test_a_zone_load_reports_its_pressure():
    assert JAMMED.pressure == 3.0
    assert ZoneLoad(5, 0).pressure == float("inf")
    assert ZoneLoad(0, 0).pressure == 0.0
    assert ZoneLoad(0, 3).scan_pressure == float("inf")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"queue_per_officer": -1}, "queue_per_officer: -1.0 must be ≥ 0"),
        ({"enabled": 1}, "expected true or false"),
        ({"threshold": 2}, "unknown key"),
    ],
)
def test_a_malformed_capacity_policy_is_refused_naming_the_field(data, match):
    with pytest.raises(PolicyError, match=match):
        policy_from_mapping({"capacity": data})
