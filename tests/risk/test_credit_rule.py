"""The credit-class rule as a constraint on the total inspection rate (企业信用管理)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from core.risk import (
    CreditClass,
    CreditRule,
    Enterprise,
    Lane,
    LanePlan,
    PolicyError,
    RandomControlPolicy,
    RiskEngine,
    RiskPolicy,
    SelectionBasis,
    TargetedControl,
    credit_rule_breaches,
    inspection_rate_by_credit_class,
    policy_from_mapping,
)
from tests.risk.helpers import declaration, table

DAY = 86_400.0
RISKY, PLAIN = "9301000000", "8471300000"
ADV, GCERT, GC, DIS = (
    CreditClass.ADVANCED_CERTIFIED,
    CreditClass.GENERAL_CERTIFIED,
    CreditClass.GENERAL_CREDIT,
    CreditClass.DISHONEST,
)


def _policy(**kw):
    plan = LanePlan(
        expected_rates={Lane.PHYSICAL: 0.04, Lane.SCAN: 0.02, Lane.DOCUMENTARY: 0.05},
        criteria={Lane.PHYSICAL: 0.3},
    )
    return RiskPolicy(default_plan=plan, **kw)


def _skewed_traffic(n, seed, risky_share_by_class):
    """Declarations whose goods mix depends on the class: certified firms ship the riskiest."""
    rng = np.random.default_rng(seed)
    classes = [ADV, GCERT, GC, DIS]
    weights = np.array([0.2, 0.25, 0.5, 0.05])
    for i in range(n):
        cls = classes[int(rng.choice(4, p=weights))]
        e = Enterprise(f"{cls.value}-{int(rng.integers(30))}", cls)
        hs = RISKY if rng.random() < risky_share_by_class[cls] else PLAIN
        yield declaration(f"D{i}", e.enterprise_id, hs_code=hs), e, i * (DAY / 4_000)


def _decide(engine, traffic):
    return [engine.assess(d, e, now) for d, e, now in traffic]


def _keeps_bounds(decisions, policy):
    """Rates keep the bounds, give or take the noise of the protected random minimum.

    The minimum share of random control is never balanced away (it is the fair sample),
    so a period can exceed a ceiling only by the luck of those draws: 3 σ of their count.
    """
    rates = inspection_rate_by_credit_class(decisions)
    for cls, ceiling in policy.credit_rule.ceilings.items():
        n = sum(d.credit_class is cls for d in decisions)
        minimum = policy.random.rate(cls) * policy.random.minimum_share
        slack = 3 * math.sqrt(minimum * n) / n if n else 0.0
        assert rates[cls] <= ceiling * rates[GC] + slack, (cls, rates)
    assert rates[DIS] >= policy.credit_rule.dishonest_floor, rates


def _within_bounds_each_day_and_overall(decisions, policy):
    days = {}
    for d in decisions:
        days.setdefault(int(d.time_s // DAY), []).append(d)
    for _, ds in sorted(days.items()):
        _keeps_bounds(ds, policy)
    _keeps_bounds(decisions, policy)


SKEW = {ADV: 0.6, GCERT: 0.4, GC: 0.02, DIS: 0.02}


def test_advanced_certified_shipping_the_riskiest_goods_stay_within_a_fifth_of_general_credit():
    engine = RiskEngine(table(hs_chapter__93=0.4), _policy(), seed=3)
    decisions = _decide(engine, _skewed_traffic(16_000, seed=3, risky_share_by_class=SKEW))
    _within_bounds_each_day_and_overall(decisions, engine.policy)
    demoted = [d for d in decisions if d.basis is SelectionBasis.CREDIT_RULE]
    assert demoted and all(d.lane is Lane.DOCUMENTARY for d in demoted if d.credit_class is ADV)
    assert any("credit_rule(企业信用管理)" in r for d in demoted for r in d.reasons)


def test_without_the_rule_the_same_skewed_mix_breaks_the_bounds():
    off = _policy(credit_rule=CreditRule(enforce=False))
    engine = RiskEngine(table(hs_chapter__93=0.4), off, seed=3)
    decisions = _decide(engine, _skewed_traffic(16_000, seed=3, risky_share_by_class=SKEW))
    rates = inspection_rate_by_credit_class(decisions)
    assert rates[ADV] > rates[GC]  # the goods, not the class, drive selection
    assert credit_rule_breaches(rates)


@settings(max_examples=6, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(
    adv=st.floats(0.0, 0.9),
    gcert=st.floats(0.0, 0.9),
    seed=st.integers(0, 10_000),
)
def test_any_goods_mix_keeps_every_class_within_its_bounds(adv, gcert, seed):
    engine = RiskEngine(table(hs_chapter__93=0.4), _policy(), seed=seed)
    mix = {ADV: adv, GCERT: gcert, GC: 0.05, DIS: 0.3}
    decisions = _decide(engine, _skewed_traffic(8_000, seed=seed, risky_share_by_class=mix))
    _within_bounds_each_day_and_overall(decisions, engine.policy)


def test_dishonest_declarations_are_raised_to_the_floor_when_random_control_falls_short():
    engine = RiskEngine(table(), _policy(), seed=8)
    e = Enterprise("X", DIS)
    decisions = [engine.assess(declaration(f"D{i}", "X"), e, float(i)) for i in range(3_000)]
    rate = inspection_rate_by_credit_class(decisions)[DIS]
    assert rate >= 0.8
    raised = [d for d in decisions if d.basis is SelectionBasis.CREDIT_RULE]
    assert raised and all(d.lane is Lane.PHYSICAL for d in raised)


def test_random_draws_of_certified_classes_are_never_demoted():
    engine = RiskEngine(table(hs_chapter__93=0.4), _policy(), seed=5)
    decisions = _decide(engine, _skewed_traffic(8_000, seed=5, risky_share_by_class=SKEW))
    randoms = [d for d in decisions if d.in_random_stratum]
    assert randoms and all(d.lane is Lane.PHYSICAL for d in randoms)


def test_targeted_controls_may_use_the_whole_ceiling_but_no_more():
    control = TargetedControl("BK-AEO", Lane.PHYSICAL, 1.0, 0.0, enterprises=frozenset({"A"}))
    policy = _policy(random=RandomControlPolicy(general_credit_rate=0.05))
    engine = RiskEngine(table(), policy, seed=2, controls=[control])
    a, g = Enterprise("A", ADV), Enterprise("G", GC)
    decisions = []
    for i in range(6_000):
        decisions.append(engine.assess(declaration(f"G{i}", "G"), g, float(i)))
        decisions.append(engine.assess(declaration(f"A{i}", "A"), a, float(i)))
    rates = inspection_rate_by_credit_class(decisions)
    assert rates[ADV] <= 0.2 * rates[GC]
    assert rates[ADV] > 0.2 * 0.9 * rates[GC]  # beyond the margin goods-driven picks keep free
    assert any(d.basis is SelectionBasis.CREDIT_RULE for d in decisions if d.credit_class is ADV)


@pytest.mark.parametrize(
    ("random", "match"),
    [
        (
            {"ratios": {"advanced_certified": 0.9, "general_certified": 0.95}},
            r"random.ratios.advanced_certified: 0.9 above the credit rule's ceiling 0.2",
        ),
        (
            {"ratios": {"advanced_certified": 0.1, "general_certified": 0.95}},
            r"random.ratios.general_certified: 0.95 above the credit rule's ceiling 0.5",
        ),
        (
            {"dishonest_rate": 0.05},
            r"random.dishonest_rate: 0.05 below the credit rule's floor 0.8",
        ),
    ],
)
def test_a_policy_the_rule_cannot_meet_is_refused_naming_the_class_and_the_ratio(random, match):
    with pytest.raises(PolicyError, match=match):
        policy_from_mapping({"random": random})


def test_the_example_policy_0_9_0_95_0_05_is_refused():
    bad = {"ratios": {"advanced_certified": 0.9, "general_certified": 0.95}, "dishonest_rate": 0.05}
    with pytest.raises(PolicyError, match=r"advanced_certified: 0\.9"):
        policy_from_mapping({"random": bad})
    # With the rule switched off (a what-if), the same rates are accepted.
    assert policy_from_mapping({"random": bad, "credit_rule": {"enforce": False}})


@pytest.mark.parametrize(
    ("rule", "match"),
    [
        ({"ceilings": {"advanced_certified": 0.6, "general_certified": 0.5}}, "penalise"),
        ({"ceilings": {"dishonest": 0.5}}, "only certified classes"),
        ({"dishonest_floor": 1.5}, r"dishonest_floor: 1.5 outside \[0, 1\]"),
        ({"margin": 0.7}, r"margin: 0.7 outside"),
        ({"enforce": "yes"}, "expected true or false"),
        ({"period": 3}, "unknown key"),
    ],
)
def test_a_malformed_credit_rule_is_refused_naming_the_field(rule, match):
    with pytest.raises(PolicyError, match=match):
        policy_from_mapping({"credit_rule": rule})


def test_the_period_sets_how_often_the_budget_starts_again():
    rule = policy_from_mapping({"credit_rule": {"period_days": 7}}).credit_rule
    assert rule.period_s == 7 * DAY
