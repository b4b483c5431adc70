import pytest

from core.risk import (
    CreditClass,
    Enterprise,
    Lane,
    LanePlan,
    PolicyError,
    RandomControlPolicy,
    RiskEngine,
    RiskPolicy,
    SelectionBasis,
    inspection_rate_by_credit_class,
)
from tests.risk.helpers import binomial_tolerance, declaration, table

N = 12_000


def _random_only(general_rate=0.05):
    plan = LanePlan(expected_rates={}, criteria={})
    return RiskPolicy(
        default_plan=plan, random=RandomControlPolicy(general_credit_rate=general_rate)
    )


def _rates_by_class(policy, seed=11):
    engine = RiskEngine(table(), policy, seed=seed)
    decisions = []
    for cls in CreditClass:
        e = Enterprise(f"E-{cls.value}", cls)
        decisions += [
            engine.assess(declaration(f"{cls.value}-{i}", e.enterprise_id), e, 0.0)
            for i in range(N)
        ]
    return inspection_rate_by_credit_class(decisions)


@pytest.fixture(scope="module")
def rates():
    return _rates_by_class(_random_only(0.05))


def test_random_control_rates_follow_credit_class_ratios_within_binomial_tolerance(rates):
    expected = {
        CreditClass.ADVANCED_CERTIFIED: 0.01,
        CreditClass.GENERAL_CERTIFIED: 0.025,
        CreditClass.GENERAL_CREDIT: 0.05,
        # The credit rule keeps dishonest enterprises at its floor plus the margin above
        # it (0.8 + 0.1 × (1 − 0.8)), a little over the random rate of 0.8.
        CreditClass.DISHONEST: 0.82,
    }
    for cls, p in expected.items():
        assert abs(rates[cls] - p) < binomial_tolerance(p, N), cls


def test_advanced_certified_average_rate_is_at_most_a_fifth_of_general_credit(rates):
    # One-sided: the observed ratio may exceed 0.2 only by sampling noise.
    adv, gen = rates[CreditClass.ADVANCED_CERTIFIED], rates[CreditClass.GENERAL_CREDIT]
    assert adv <= 0.2 * gen + binomial_tolerance(0.01, N)
    assert rates[CreditClass.GENERAL_CERTIFIED] <= 0.5 * gen + binomial_tolerance(0.025, N)
    assert rates[CreditClass.DISHONEST] >= 0.8 - binomial_tolerance(0.8, N)


def test_random_selection_records_its_draw_and_rate_as_the_reason():
    engine = RiskEngine(table(), _random_only(1.0), seed=3)
    d = engine.assess(declaration("D7"), Enterprise("E1", CreditClass.GENERAL_CREDIT), 0.0)
    assert d.lane is Lane.PHYSICAL
    assert d.basis is SelectionBasis.RANDOM_CONTROL
    assert d.in_random_stratum
    assert d.random_rate == 1.0
    assert any(
        r.startswith("random_control(随机布控): draw") and "general_credit" in r for r in d.reasons
    )


def test_unknown_enterprise_is_assessed_as_general_credit_with_the_reason_recorded():
    engine = RiskEngine(table(), _random_only(0.05), seed=3)
    d = engine.assess(declaration("D1", enterprise_id="NEW-1"), None, 0.0)
    assert d.credit_class is CreditClass.GENERAL_CREDIT
    assert d.random_rate == pytest.approx(0.05)
    assert "unknown_enterprise NEW-1: assessed as general_credit" in d.reasons


def test_enterprise_that_is_not_the_declarant_is_refused():
    from core.risk import DeclarationError

    engine = RiskEngine(table())
    with pytest.raises(DeclarationError, match="'E2' is not its enterprise 'E1'"):
        engine.assess(declaration(enterprise_id="E1"), Enterprise("E2", CreditClass.DISHONEST), 0.0)


def test_random_control_that_favours_a_worse_credit_class_is_rejected():
    with pytest.raises(PolicyError, match=r"advanced_certified 0\.6 ≤ general_certified 0\.5"):
        RandomControlPolicy(
            ratios={CreditClass.ADVANCED_CERTIFIED: 0.6, CreditClass.GENERAL_CERTIFIED: 0.5}
        )


def test_random_rate_outside_unit_interval_is_rejected():
    with pytest.raises(PolicyError, match=r"random.dishonest_rate: 1.2 outside \[0, 1\]"):
        RandomControlPolicy(dishonest_rate=1.2)


def test_random_stratum_is_drawn_whatever_else_selected_the_declaration():
    # A declaration selected by criteria must still belong to the random stratum when its
    # draw says so; otherwise compliance measurement would miss the riskiest goods.
    t = table(hs_chapter__93=0.9)
    plan = LanePlan(expected_rates={Lane.PHYSICAL: 1.0}, criteria={Lane.PHYSICAL: 0.3})
    policy = RiskPolicy(default_plan=plan, random=RandomControlPolicy(general_credit_rate=0.3))
    engine = RiskEngine(t, policy, seed=1)
    e = Enterprise("E1", CreditClass.GENERAL_CREDIT)
    ds = [engine.assess(declaration(f"D{i}", hs_code="9301000000"), e, 0.0) for i in range(4000)]
    assert all(d.basis is SelectionBasis.CRITERIA for d in ds)
    share = sum(d.in_random_stratum for d in ds) / len(ds)
    assert abs(share - 0.3) < binomial_tolerance(0.3, len(ds))
