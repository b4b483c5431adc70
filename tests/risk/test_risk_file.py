import pytest

from core.risk import (
    CreditClass,
    Direction,
    Enterprise,
    Lane,
    PolicyError,
    RiskEngine,
    policy_from_mapping,
    setup_from_mapping,
)
from ftz_spec.errors import UserError
from ftz_spec.risk_file import DEFAULT_RISK_FILE, RiskFileError, load_risk_file, load_risk_table
from tests.risk.helpers import declaration


def test_default_risk_file_loads_with_table_controls_and_policy():
    setup = load_risk_file(DEFAULT_RISK_FILE)
    assert setup.table.base_rate == 0.02
    assert len(setup.table.rates) >= 50
    assert [c.control_id for c in setup.controls.controls] == ["BK-2014-001"]
    assert setup.policy.random.dishonest_rate == 0.8
    light = setup.policy.plan_for("pudong_airport", Direction.FIRST_LINE_ENTRY)
    assert light.expected_rates[Lane.SCAN] == 0.0
    assert (
        setup.policy.plan_for("yangshan_port", Direction.FIRST_LINE_ENTRY).expected_rates[Lane.SCAN]
        == 0.03
    )
    assert load_risk_table().rates == setup.table.rates


def test_default_risk_file_drives_an_engine():
    setup = load_risk_file()
    engine = RiskEngine(setup.table, setup.policy, seed=1, controls=setup.controls)
    cig = engine.assess(
        declaration("A", hs_code="2402200000", value_cny=100.0, weight_kg=10.0), None, 0.0
    )
    pc = engine.assess(declaration("B"), Enterprise("E1", CreditClass.ADVANCED_CERTIFIED), 0.0)
    assert cig.score > pc.score
    assert cig.explanation[0].attribute in {"hs_heading", "value_per_kg", "hs_chapter"}


def test_bad_risk_file_error_names_the_file_and_the_entry(write_yaml):
    path = write_yaml(
        "bad.yaml",
        "base_rate: 0.02\nfactors:\n  - {attribute: hs_chapter, value: '85', rate: 1.7}\n",
    )
    with pytest.raises(RiskFileError) as info:
        load_risk_file(path)
    assert isinstance(info.value, UserError)
    assert str(info.value) == f"{path}: factors[0] (hs_chapter=85): rate 1.7 outside [0, 1]"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("base_rate: [\n", "cannot read"),
        (
            "base_rate: 0.02\ncontrols: [{control_id: A, lane: scan, target_rate: 3}]\n",
            r"controls\[0\]",
        ),
        (
            "base_rate: 0.02\npolicy: {lanes: {expected_rates: {scan: 1.5}}}\n",
            r"policy.lanes: expected_rates.scan: 1.5",
        ),
    ],
)
def test_malformed_risk_file_is_reported_as_a_user_error(write_yaml, text, match):
    with pytest.raises(RiskFileError, match=match):
        load_risk_file(write_yaml("bad.yaml", text))


def test_missing_risk_file_is_reported(tmp_path):
    with pytest.raises(RiskFileError, match="file not found"):
        load_risk_file(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"colour": 1}, r"policy: unknown key\(s\) \['colour'\]"),
        (
            {"plans": [{"direction": "sideways"}]},
            r"policy.plans\[0\].direction: unknown value 'sideways'",
        ),
        ({"lanes": {"expected_rates": {"teleport": 0.1}}}, "unknown lane 'teleport'"),
        ({"random": {"ratios": {"royal": 0.1}}}, r"policy.random.ratios: unknown value 'royal'"),
        (
            {"random": {"general_credit_rate": 2}},
            r"policy.random: random.general_credit_rate: 2 outside",
        ),
        ({"learning": {"half_life_days": 0}}, "half_life_s"),
        (
            {
                "plans": [
                    {"zone": "z", "direction": "internal"},
                    {"zone": "z", "direction": "internal"},
                ]
            },
            r"policy.plans\[1\]: second plan",
        ),
    ],
)
def test_malformed_policy_is_rejected_naming_the_path(data, match):
    with pytest.raises(PolicyError, match=match):
        policy_from_mapping(data)


def test_policy_from_mapping_sets_every_part():
    p = policy_from_mapping(
        {
            "lanes": {"expected_rates": {"physical": 0.02}, "criteria": {}, "top_up": False},
            "random": {
                "general_credit_rate": 0.04,
                "ratios": {"advanced_certified": 0.1},
                "lane": "scan",
            },
            "learning": {
                "half_life_days": 30,
                "random_stratum_only": True,
                "max_learned_values": 10,
            },
            "rate_horizon": 100,
        }
    )
    assert p.default_plan.expected_rates == {Lane.PHYSICAL: 0.02}
    assert not p.default_plan.top_up
    assert p.random.rate(CreditClass.ADVANCED_CERTIFIED) == pytest.approx(0.004)
    assert p.random.lane is Lane.SCAN
    assert p.learning.half_life_s == 30 * 86_400
    assert p.rate_horizon == 100


def test_setup_from_mapping_rejects_a_non_mapping():
    with pytest.raises(PolicyError, match="expected a mapping"):
        setup_from_mapping([1, 2])  # type: ignore[arg-type]
