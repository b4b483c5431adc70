import pytest

from core.risk import (
    CreditClass,
    Enterprise,
    InspectionResult,
    Lane,
    LanePlan,
    LearningPolicy,
    RandomControlPolicy,
    RiskEngine,
    RiskPolicy,
    RiskTable,
    detection_report,
)
from tests.risk.helpers import NO_CREDIT_RULE, binomial_tolerance, declaration, population, table

DAY = 86_400.0
WEEK = 7 * DAY
PER_WEEK = 2_500
CAPACITY = 0.05  # share of declarations physically inspected, fixed across policies


def _weekly_detection(policy, weeks=8, seed=21, learn=True):
    """Run the closed loop week by week; return each week's detection rate."""
    engine = RiskEngine(table(), policy, seed=seed)
    rates = []
    for week in range(weeks):
        outcomes = []
        for i, c in enumerate(population(PER_WEEK, seed=seed + week, start=week * PER_WEEK)):
            now = week * WEEK + i * (WEEK / PER_WEEK)
            d = engine.assess(c.declaration, c.enterprise, now)
            outcomes.append((d, c.violation, c.revenue_cny))
            if learn and d.inspected:
                engine.feedback(
                    InspectionResult(d, c.violation, "smuggling" if c.violation else ""), now
                )
        rates.append(detection_report(outcomes).detection_rate)
    return rates


def _targeting_policy():
    plan = LanePlan(expected_rates={Lane.PHYSICAL: CAPACITY}, criteria={})
    # Learning alone: the credit rule would hold back the certified two thirds of the
    # synthetic population whatever the table learns.
    return RiskPolicy(
        default_plan=plan,
        random=RandomControlPolicy(general_credit_rate=0.01),
        credit_rule=NO_CREDIT_RULE,
    )


def _random_policy():
    plan = LanePlan(expected_rates={}, criteria={})
    # One rate for every class: a survey, not the credit rule's rates.
    return RiskPolicy(
        default_plan=plan,
        random=RandomControlPolicy(general_credit_rate=CAPACITY, ratios={}),
        credit_rule=NO_CREDIT_RULE,
    )


def test_learning_from_results_raises_detection_clearly_above_random_selection():
    learned = _weekly_detection(_targeting_policy())
    random = _weekly_detection(_random_policy(), learn=False)
    late_learned = sum(learned[-3:]) / 3
    late_random = sum(random[-3:]) / 3
    assert late_random < 0.12  # random selection finds about its share
    assert late_learned > 3 * late_random
    assert late_learned > learned[0] + 0.15


def test_targeting_without_feedback_does_not_improve():
    frozen = _weekly_detection(_targeting_policy(), learn=False)
    assert max(frozen) < 0.2


def test_with_no_violations_found_scores_fall():
    t = table(hs_chapter__84=0.05, origin__DE=0.05)
    engine = RiskEngine(t, seed=1)
    e = Enterprise("E1", CreditClass.GENERAL_CREDIT)
    first = engine.assess(declaration("D0"), e, 0.0).score
    scores = []
    for i in range(1, 400):
        d = engine.assess(declaration(f"D{i}"), e, i * 60.0)
        scores.append(d.score)
        engine.feedback(InspectionResult(d, violation_found=False), i * 60.0)
    assert scores[-1] < scores[len(scores) // 2] < first
    assert engine.scorer.rate("hs_chapter", "84") < 0.05 / 2


def test_violations_found_raise_the_rate_of_every_attribute_value_of_the_declaration():
    engine = RiskEngine(table(), seed=1)
    d = engine.assess(declaration(hs_code="9301000000", origin="VN"), None, 0.0)
    for _ in range(10):
        engine.feedback(InspectionResult(d, violation_found=True, kind="smuggling"), 0.0)
    for attribute, value in [("hs_chapter", "93"), ("origin", "VN"), ("enterprise", "E1")]:
        assert engine.scorer.rate(attribute, value) == pytest.approx((0.02 * 50 + 10) / 60)


def test_evidence_weighs_half_after_one_half_life():
    policy = RiskPolicy(learning=LearningPolicy(half_life_s=30 * DAY))
    engine = RiskEngine(table(origin__VN=0.1), policy, seed=1)
    prior = engine.scorer.rate("origin", "VN")  # the table's 0.1, damped by the origin weight
    assert 0.02 < prior < 0.1
    d = engine.assess(declaration(origin="VN"), None, 0.0)
    for _ in range(8):
        engine.feedback(InspectionResult(d, violation_found=True), 0.0)
    engine.feedback(InspectionResult(d, violation_found=False), 30 * DAY)
    # 8 violations now weigh 4; plus one fresh clean result.
    assert engine.scorer.rate("origin", "VN") == pytest.approx((prior * 50 + 4) / (50 + 4 + 1))


def test_learning_from_the_random_stratum_only_ignores_targeted_results():
    plan = LanePlan(expected_rates={Lane.PHYSICAL: 1.0}, criteria={})
    policy = RiskPolicy(
        default_plan=plan,
        random=RandomControlPolicy(general_credit_rate=0.0),
        learning=LearningPolicy(random_stratum_only=True),
    )
    engine = RiskEngine(table(), policy, seed=1)
    d = engine.assess(declaration(origin="VN"), None, 0.0)
    assert not d.in_random_stratum
    engine.feedback(InspectionResult(d, violation_found=True), 0.0)
    assert engine.scorer.rate("origin", "VN") == pytest.approx(0.02)


def test_random_stratum_estimates_the_true_non_compliance_rate():
    policy = RiskPolicy(
        random=RandomControlPolicy(general_credit_rate=0.2, ratios={}), credit_rule=NO_CREDIT_RULE
    )
    engine = RiskEngine(table(), policy, seed=5)
    cases = list(population(20_000, seed=5))
    for c in cases:
        d = engine.assess(c.declaration, c.enterprise, 0.0)
        if d.inspected:
            engine.feedback(InspectionResult(d, c.violation), 0.0)
    truth = sum(c.violation for c in cases) / len(cases)
    est = engine.compliance_estimate()
    assert est.assessed == len(cases)
    assert est.low <= truth <= est.high
    assert abs(est.rate - truth) < binomial_tolerance(truth, est.sampled)
    by_class = engine.compliance.by_class()
    assert by_class[CreditClass.DISHONEST].sampled == 0


def test_violation_explained_by_a_known_risky_factor_barely_raises_the_enterprise_rate():
    t = RiskTable.from_mapping(
        {
            "base_rate": 0.02,
            "attributes": {"hs_chapter": {"weight": 1.0}},
            "factors": [{"attribute": "hs_chapter", "value": "93", "rate": 0.5}],
        }
    )
    engine = RiskEngine(t, seed=1)
    arms = engine.assess(declaration("A", enterprise_id="E-ARMS", hs_code="9301000000"), None, 0.0)
    plain = engine.assess(
        declaration("B", enterprise_id="E-PLAIN", hs_code="8471000000"), None, 0.0
    )
    engine.feedback(InspectionResult(arms, violation_found=True), 0.0)
    engine.feedback(InspectionResult(plain, violation_found=True), 0.0)
    rise_arms = engine.scorer.rate("enterprise", "E-ARMS") - 0.02
    rise_plain = engine.scorer.rate("enterprise", "E-PLAIN") - 0.02
    assert 0 < rise_arms < rise_plain / 2


def test_learned_values_stay_bounded_however_many_new_enterprises():
    policy = RiskPolicy(learning=LearningPolicy(max_learned_values=25))
    engine = RiskEngine(RiskTable.from_mapping({"base_rate": 0.02}), policy, seed=1)
    for i in range(500):
        d = engine.assess(
            declaration(f"D{i}", enterprise_id=f"NEW-{i}", hs_code=f"{10 + i % 80}01000000"),
            None,
            0.0,
        )
        engine.feedback(InspectionResult(d, violation_found=True), 0.0)
    assert engine.scorer.learned_values() <= 25
    assert engine.scorer.rate("enterprise", "NEW-499") == pytest.approx(0.02)


def test_attribute_marked_not_learnable_keeps_its_prior():
    t = RiskTable.from_mapping(
        {
            "base_rate": 0.02,
            "attributes": {"credit_class": {"learn": False}},
            "factors": [{"attribute": "credit_class", "value": "general_credit", "rate": 0.03}],
        }
    )
    engine = RiskEngine(t, seed=1)
    before = engine.scorer.rate("credit_class", "general_credit")
    d = engine.assess(declaration(), Enterprise("E1", CreditClass.GENERAL_CREDIT), 0.0)
    engine.feedback(InspectionResult(d, violation_found=True), 0.0)
    assert engine.scorer.rate("credit_class", "general_credit") == before > 0.02
