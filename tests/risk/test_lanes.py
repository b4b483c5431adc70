import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.risk import (
    FILL_ORDER,
    CreditClass,
    Direction,
    Enterprise,
    Lane,
    LanePlan,
    PolicyError,
    Procedure,
    RandomControlPolicy,
    RiskEngine,
    RiskPolicy,
    SelectionBasis,
    lane_rates,
)
from tests.risk.helpers import (
    CHAPTERS,
    NO_CREDIT_RULE,
    binomial_tolerance,
    declaration,
    population,
    quiet_policy,
    table,
)

E1 = Enterprise("E1", CreditClass.GENERAL_CREDIT)
SPREAD = table(**{f"hs_chapter__{c}": 0.005 + 0.01 * i for i, c in enumerate(CHAPTERS)})


def _run(policy, n=8_000, seed=3):
    engine = RiskEngine(SPREAD, policy, seed=seed)
    return engine, [
        engine.assess(c.declaration, c.enterprise, 0.0) for c in population(n, seed=seed)
    ]


@settings(max_examples=8, deadline=None)
@given(
    rates=st.tuples(*(st.floats(0.005, 0.08) for _ in range(4))),
    random_rate=st.floats(0.0, 0.01),
)
def test_expected_lane_rates_are_met_when_capacity_allows(rates, random_rate):
    plan = LanePlan(expected_rates=dict(zip(FILL_ORDER, rates, strict=True)), criteria={})
    # Lane rates alone: the credit rule, which moves certified classes' selections to
    # documentary review, has its own tests (test_credit_rule.py).
    policy = RiskPolicy(
        default_plan=plan,
        random=RandomControlPolicy(general_credit_rate=random_rate),
        credit_rule=NO_CREDIT_RULE,
    )
    _, ds = _run(policy, n=6_000)
    measured = lane_rates(ds[1_000:])  # after warm-up
    for lane, p in zip(FILL_ORDER, rates, strict=True):
        assert abs(measured[lane] - p) < binomial_tolerance(p, 5_000), lane


def test_top_up_fills_lanes_with_the_riskiest_declarations_red_first():
    _, ds = _run(quiet_policy(physical=0.05, scan=0.10))
    mean = {
        lane: sum(d.score for d in ds if d.lane is lane) / max(1, sum(d.lane is lane for d in ds))
        for lane in Lane
    }
    assert mean[Lane.PHYSICAL] > mean[Lane.SCAN] > mean[Lane.AUTO_RELEASE]
    topped = [d for d in ds if d.basis is SelectionBasis.TOP_UP]
    assert topped
    assert all(any(r.startswith("top_up: ") for r in d.reasons) for d in topped)


def test_low_risk_declaration_of_advanced_certified_enterprise_is_auto_released():
    t = table(credit_class__advanced_certified=0.002)
    engine = RiskEngine(t, RiskPolicy(random=RandomControlPolicy(general_credit_rate=0.0)))
    e = Enterprise("AEO-1", CreditClass.ADVANCED_CERTIFIED)
    d = engine.assess(declaration(enterprise_id="AEO-1"), e, 0.0)
    assert d.lane is Lane.AUTO_RELEASE
    assert d.basis is SelectionBasis.NONE
    assert d.reasons[0].startswith("auto_release(自动放行)")


def test_criteria_hit_goes_to_the_strictest_lane_whose_criterion_it_meets():
    t = table(hs_chapter__93=0.5, hs_chapter__24=0.1)
    plan = LanePlan(criteria={Lane.PHYSICAL: 0.15, Lane.DOCUMENTARY: 0.04}, top_up=False)
    engine = RiskEngine(
        t, RiskPolicy(default_plan=plan, random=RandomControlPolicy(general_credit_rate=0.0))
    )
    arms = engine.assess(declaration("A", hs_code="9301000000"), E1, 0.0)
    tobacco = engine.assess(declaration("B", hs_code="2402000000"), E1, 0.0)
    assert (arms.lane, arms.basis) == (Lane.PHYSICAL, SelectionBasis.CRITERIA)
    assert (tobacco.lane, tobacco.basis) == (Lane.DOCUMENTARY, SelectionBasis.CRITERIA)
    assert any("physical criterion 0.1500" in r for r in arms.reasons)


def test_criteria_hit_over_lane_capacity_is_rerouted_to_the_next_lane():
    t = table(hs_chapter__93=0.5)
    plan = LanePlan(
        expected_rates={Lane.PHYSICAL: 0.1, Lane.SCAN: 0.5},
        criteria={Lane.PHYSICAL: 0.15},
        top_up=False,
    )
    engine = RiskEngine(
        t, RiskPolicy(default_plan=plan, random=RandomControlPolicy(general_credit_rate=0.0))
    )
    ds = [engine.assess(declaration(f"D{i}", hs_code="9301000000"), E1, 0.0) for i in range(400)]
    rerouted = [d for d in ds if d.basis is SelectionBasis.REROUTED]
    assert rerouted and {d.lane for d in rerouted} == {Lane.SCAN, Lane.POST_AUDIT}
    assert any("physical over capacity → rerouted to scan" in r for r in rerouted[0].reasons)
    shares = lane_rates(ds[100:])
    assert shares[Lane.PHYSICAL] <= 0.1 * plan.capacity_factor + 0.01
    assert shares[Lane.SCAN] <= 0.5 * plan.capacity_factor + 0.01
    assert shares[Lane.POST_AUDIT] > 0  # blue takes what no examination lane can


def test_lane_without_capacity_sends_its_criteria_hits_down_to_post_audit():
    t = table(hs_chapter__93=0.5)
    plan = LanePlan(expected_rates={}, criteria={Lane.SCAN: 0.15}, top_up=False)  # no H986 yet
    engine = RiskEngine(
        t, RiskPolicy(default_plan=plan, random=RandomControlPolicy(general_credit_rate=0.0))
    )
    d = engine.assess(declaration(hs_code="9301000000"), E1, 0.0)
    assert (d.lane, d.basis) == (Lane.POST_AUDIT, SelectionBasis.REROUTED)


def test_criteria_hits_without_selection_are_capped():
    t = table(hs_chapter__93=0.5)
    plan = LanePlan(
        expected_rates={Lane.PHYSICAL: 1.0},
        criteria={Lane.PHYSICAL: 0.15},
        criteria_selection_rate=0.0,
        max_hits_without_selection=5,
        top_up=False,
    )
    engine = RiskEngine(
        t, RiskPolicy(default_plan=plan, random=RandomControlPolicy(general_credit_rate=0.0))
    )
    ds = [engine.assess(declaration(f"D{i}", hs_code="9301000000"), E1, 0.0) for i in range(20)]
    assert [d.lane is Lane.PHYSICAL for d in ds] == ([False] * 4 + [True]) * 4
    assert all(d.basis is SelectionBasis.MAX_HITS_CAP for d in ds if d.lane is Lane.PHYSICAL)
    assert "not selected" in ds[0].reasons[0]


def test_criteria_selection_rate_selects_that_share_of_hits():
    t = table(hs_chapter__93=0.5)
    plan = LanePlan(
        expected_rates={Lane.PHYSICAL: 1.0},
        criteria={Lane.PHYSICAL: 0.15},
        criteria_selection_rate=0.25,
        max_hits_without_selection=1_000,
        top_up=False,
    )
    engine = RiskEngine(
        t, RiskPolicy(default_plan=plan, random=RandomControlPolicy(general_credit_rate=0.0))
    )
    n = 8_000
    ds = [engine.assess(declaration(f"D{i}", hs_code="9301000000"), E1, 0.0) for i in range(n)]
    share = sum(d.lane is Lane.PHYSICAL for d in ds) / n
    assert abs(share - 0.25) < binomial_tolerance(0.25, n)


def test_zone_and_direction_plan_overrides_the_default():
    light = LanePlan(expected_rates={Lane.PHYSICAL: 0.0}, criteria={})
    policy = RiskPolicy(
        default_plan=LanePlan(expected_rates={Lane.PHYSICAL: 0.2}, criteria={}),
        plans={("*", Direction.FIRST_LINE_ENTRY): light},
        random=RandomControlPolicy(general_credit_rate=0.0),
    )
    engine = RiskEngine(table(), policy)
    first = [
        engine.assess(declaration(f"F{i}", procedure=Procedure.FIRST_LINE_ENTRY), E1, 0.0)
        for i in range(300)
    ]
    second = [
        engine.assess(declaration(f"S{i}", procedure=Procedure.SECOND_LINE_IMPORT), E1, 0.0)
        for i in range(300)
    ]
    assert all(d.lane is Lane.AUTO_RELEASE for d in first)
    assert sum(d.lane is Lane.PHYSICAL for d in second) == pytest.approx(60, abs=6)
    assert engine.lane_rate(
        "yangshan_port", Direction.SECOND_LINE_IMPORT, Lane.PHYSICAL
    ) == pytest.approx(0.2, abs=0.02)


def test_officer_rerouting_is_recorded_and_counted():
    engine = RiskEngine(table(), quiet_policy())
    d = engine.assess(declaration(), E1, 0.0)
    r = engine.reroute(d, Lane.PHYSICAL, "seal broken", 60.0)
    assert (r.lane, r.basis, r.time_s) == (Lane.PHYSICAL, SelectionBasis.REROUTED, 60.0)
    assert r.reasons[-1] == "rerouted by officer: auto_release → physical: seal broken"
    assert engine.lane_rate("yangshan_port", Direction.SECOND_LINE_IMPORT, Lane.PHYSICAL) == 1.0


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (dict(expected_rates={Lane.SCAN: 1.2}), r"expected_rates.scan: 1.2 outside \[0, 1\]"),
        (dict(expected_rates={Lane.SCAN: 0.6, Lane.PHYSICAL: 0.6}), "sum 1.2 > 1"),
        (dict(expected_rates={Lane.AUTO_RELEASE: 0.5}), "auto_release"),
        (dict(criteria={Lane.PHYSICAL: -0.1}), "criteria.physical"),
        (dict(capacity_factor=0.5), "capacity_factor"),
        (dict(max_hits_without_selection=0), "max_hits_without_selection"),
    ],
)
def test_malformed_lane_plan_is_rejected_naming_the_entry(kw, match):
    with pytest.raises(PolicyError, match=match):
        LanePlan(**kw)


def test_lane_state_memory_is_flat_however_long_the_run():
    engine, _ = _run(quiet_policy(physical=0.05), n=3_000)
    state = engine._lanes[("yangshan_port", Direction.SECOND_LINE_IMPORT)]
    size = state._scores.size
    for c in population(3_000, seed=4, start=10_000):
        engine.assess(c.declaration, c.enterprise, 0.0)
    assert state._scores.size == size == engine.policy.score_window
    assert len(engine._lanes) == 1
