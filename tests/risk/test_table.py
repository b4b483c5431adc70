import math

import pytest

from core.risk import (
    Lane,
    Procedure,
    RiskEngine,
    RiskTable,
    RiskTableError,
)
from tests.risk.helpers import declaration, quiet_policy, table


def test_factor_rate_outside_unit_interval_is_rejected_naming_entry():
    data = {
        "base_rate": 0.02,
        "factors": [
            {"attribute": "origin", "value": "DE", "rate": 0.1},
            {"attribute": "hs_chapter", "value": "85", "rate": 1.7},
        ],
    }
    with pytest.raises(
        RiskTableError, match=r"factors\[1\] \(hs_chapter=85\): rate 1.7 outside \[0, 1\]"
    ):
        RiskTable.from_mapping(data)


def test_unknown_factor_attribute_is_rejected_naming_entry():
    data = {"base_rate": 0.02, "factors": [{"attribute": "colour", "value": "red", "rate": 0.1}]}
    with pytest.raises(RiskTableError, match=r"factors\[0\] \(colour=red\): unknown attribute"):
        RiskTable.from_mapping(data)


def test_attribute_weight_outside_unit_interval_is_rejected():
    with pytest.raises(RiskTableError, match=r"attributes.origin: weight 1.5 outside"):
        RiskTable.from_mapping({"base_rate": 0.02, "attributes": {"origin": {"weight": 1.5}}})


def test_duplicate_factor_is_rejected():
    f = {"attribute": "origin", "value": "DE", "rate": 0.1}
    with pytest.raises(RiskTableError, match=r"factors\[1\] \(origin=DE\): duplicate"):
        RiskTable.from_mapping({"base_rate": 0.02, "factors": [f, dict(f)]})


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({}, "base_rate is required"),
        ({"base_rate": 0.0}, r"base_rate: 0 outside \(0, 1\)"),
        ({"base_rate": 0.02, "colour": 1}, r"unknown key\(s\) \['colour'\]"),
        (
            {"base_rate": 0.02, "factors": [{"attribute": "origin", "value": "DE"}]},
            "rate is required",
        ),
        (
            {"base_rate": 0.02, "factors": [{"attribute": "origin", "value": "DE", "rate": "x"}]},
            "expected a number",
        ),
        (
            {
                "base_rate": 0.02,
                "factors": [{"attribute": "value_per_kg", "value": "cheap", "rate": 0.1}],
            },
            "unknown band",
        ),
        ({"base_rate": 0.02, "reference_value_per_kg": {"851": 3.0}}, "2- or 4-digit"),
        ({"base_rate": 0.02, "reference_value_per_kg": {"85": -3.0}}, "must be > 0"),
        ({"base_rate": 0.02, "prior_strength": 0}, "prior_strength"),
    ],
)
def test_malformed_table_is_rejected_with_a_named_error(data, match):
    with pytest.raises(RiskTableError, match=match):
        RiskTable.from_mapping(data)


def test_declaration_with_only_neutral_factors_scores_the_base_rate():
    engine = RiskEngine(table(0.02), quiet_policy())
    d = engine.assess(declaration(), None, 0.0)
    assert d.score == pytest.approx(0.02)
    assert d.explanation == ()


def test_factor_at_its_rate_with_full_weight_sets_the_score_to_that_rate():
    t = RiskTable.from_mapping(
        {
            "base_rate": 0.02,
            "attributes": {"hs_chapter": {"weight": 1.0}},
            "factors": [{"attribute": "hs_chapter", "value": "93", "rate": 0.3}],
        }
    )
    d = RiskEngine(t, quiet_policy()).assess(declaration(hs_code="9301000000"), None, 0.0)
    assert d.score == pytest.approx(0.3)
    assert [(s.attribute, s.value, s.share) for s in d.explanation] == [("hs_chapter", "93", 1.0)]


def test_explanation_shares_sum_to_one_and_are_sorted_largest_first():
    t = table(hs_chapter__93=0.3, origin__VN=0.05, procedure__second_line_import=0.01)
    d = RiskEngine(t, quiet_policy()).assess(
        declaration(hs_code="9301000000", origin="VN", procedure=Procedure.SECOND_LINE_IMPORT),
        None,
        0.0,
    )
    shares = [s.share for s in d.explanation]
    assert math.fsum(shares) == pytest.approx(1.0)
    assert shares == sorted(shares, reverse=True)
    lowering = [s for s in d.explanation if s.attribute == "procedure"]
    assert lowering[0].log_odds < 0


def test_declared_value_far_below_reference_scores_the_undervaluation_factor():
    t = RiskTable.from_mapping(
        {
            "base_rate": 0.02,
            "reference_value_per_kg": {"8517": 3000.0},
            "factors": [{"attribute": "value_per_kg", "value": "far_below", "rate": 0.2}],
        }
    )
    engine = RiskEngine(t, quiet_policy())
    cheap = engine.assess(
        declaration("A", hs_code="8517120000", value_cny=500.0, weight_kg=1.0), None, 0.0
    )
    fair = engine.assess(
        declaration("B", hs_code="8517120000", value_cny=3000.0, weight_kg=1.0), None, 0.0
    )
    assert ("value_per_kg", "far_below") in cheap.factor_keys
    assert ("value_per_kg", "normal") in fair.factor_keys
    assert cheap.score > fair.score


def test_heading_reference_wins_over_chapter_reference():
    t = RiskTable.from_mapping(
        {"base_rate": 0.02, "reference_value_per_kg": {"85": 100.0, "8517": 3000.0}}
    )
    assert t.value_band("8517120000", 3000.0, 1.0) == "normal"
    assert t.value_band("8501000000", 3000.0, 1.0) == "above"
    assert t.value_band("0101000000", 3000.0, 1.0) is None
    assert t.value_band("8517120000", 3000.0, 0.0) is None


def test_riskiest_goods_line_sets_the_score_and_all_lines_are_learned():
    from core.risk import Declaration, GoodsLine

    t = table(hs_chapter__93=0.3)
    d = Declaration(
        "D1",
        "E1",
        Procedure.FIRST_LINE_ENTRY,
        "yangshan_port",
        (GoodsLine("8471300000", "DE", 1.0, 1.0), GoodsLine("9301000000", "US", 1.0, 1.0)),
    )
    decision = RiskEngine(t, quiet_policy()).assess(d, None, 0.0)
    assert ("hs_chapter", "93") in {(a, v) for a, v, _ in decision.contributions}
    assert {("hs_chapter", "84"), ("hs_chapter", "93"), ("origin", "DE")} <= set(
        decision.factor_keys
    )
    assert decision.lane is Lane.AUTO_RELEASE
