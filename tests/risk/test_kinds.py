"""Violation kinds: factors and controls that target kinds; results counted by kind."""

from __future__ import annotations

import pytest

from core.risk import (
    ControlBook,
    ControlError,
    CreditClass,
    Enterprise,
    InspectionResult,
    Lane,
    RiskEngine,
    RiskError,
    RiskTable,
    RiskTableError,
    TargetedControl,
    ViolationKind,
    detection_by_kind,
)
from tests.risk.helpers import declaration, quiet_policy, table

E = Enterprise("E1", CreditClass.GENERAL_CREDIT)


def _tagged() -> RiskTable:
    return RiskTable.from_mapping(
        {
            "base_rate": 0.02,
            "factors": [
                {"attribute": "hs_chapter", "value": "49", "rate": 0.2,
                 "kinds": ["harmful_printed_matter"]},
                {"attribute": "hs_chapter", "value": "24", "rate": 0.1, "kinds": ["smuggling"]},
                {"attribute": "origin", "value": "HK", "rate": 0.3,
                 "kinds": ["smuggling", "undervaluation"]},
                {"attribute": "origin", "value": "DE", "rate": 0.001, "kinds": ["smuggling"]},
            ],
        }
    )  # fmt: skip


def test_a_decision_names_the_kind_its_risk_raising_tagged_factors_point_to():
    engine = RiskEngine(_tagged(), quiet_policy())
    printed = engine.assess(declaration("A", hs_code="4901000000", origin="FR"), E, 0.0)
    assert printed.suspected_kind == "harmful_printed_matter"
    both = engine.assess(declaration("B", hs_code="4901000000", origin="HK"), E, 0.0)
    # HK's pull is the larger one; it names two kinds, and the first declared wins.
    assert both.suspected_kind == "undervaluation"
    plain = engine.assess(declaration("C", hs_code="8471300000", origin="DE"), E, 0.0)
    assert plain.suspected_kind == ""  # a risk-lowering factor names nothing


def test_a_control_that_targets_a_kind_tells_the_inspector_what_to_look_for():
    control = TargetedControl(
        "IPR-1", Lane.PHYSICAL, 1.0, 0.0,
        hs_prefixes=frozenset({"42"}), kinds=frozenset({ViolationKind.IPR_INFRINGEMENT}),
    )  # fmt: skip
    engine = RiskEngine(_tagged(), quiet_policy(), controls=[control])
    d = engine.assess(declaration("A", hs_code="4202000000", origin="HK"), E, 0.0)
    assert (d.lane, d.control_id, d.suspected_kind) == (Lane.PHYSICAL, "IPR-1", "ipr_infringement")


def test_results_and_audit_findings_are_counted_by_kind():
    engine = RiskEngine(table(), quiet_policy())
    d = engine.assess(declaration("A"), E, 0.0)
    engine.feedback(InspectionResult(d, True, "smuggling", 5.0), 1.0)
    engine.feedback(InspectionResult(d, False), 1.0)
    engine.audit_feedback("E1", True, 2.0, "undervaluation")
    assert engine.findings[ViolationKind.SMUGGLING] == 1
    assert engine.findings[ViolationKind.UNDERVALUATION] == 1
    assert sum(engine.findings.values()) == 2


def test_an_audit_finding_raises_the_enterprise_risk_and_a_clean_audit_lowers_it():
    engine = RiskEngine(table(), quiet_policy())
    before = engine.scorer.rate("enterprise", "E1")
    engine.audit_feedback("E1", True, 0.0, "undervaluation")
    assert engine.scorer.rate("enterprise", "E1") > before
    engine.audit_feedback("E2", False, 0.0)
    assert engine.scorer.rate("enterprise", "E2") < before


def test_an_unknown_kind_in_a_result_is_refused_naming_it():
    engine = RiskEngine(table(), quiet_policy())
    d = engine.assess(declaration("A"), E, 0.0)
    with pytest.raises(RiskError, match=r"result A.kind: unknown violation kind 'prohibited'"):
        engine.feedback(InspectionResult(d, True, "prohibited"), 1.0)


@pytest.mark.parametrize(
    ("kinds", "match"),
    [
        (["fraud"], r"factors\[0\] \(hs_chapter=49\).kinds: unknown violation kind 'fraud'"),
        ("smuggling", "expected a non-empty list"),
        ([], "expected a non-empty list"),
    ],
)
def test_a_factor_naming_an_unknown_kind_is_refused(kinds, match):
    with pytest.raises(RiskTableError, match=match):
        RiskTable.from_mapping(
            {
                "base_rate": 0.02,
                "factors": [
                    {"attribute": "hs_chapter", "value": "49", "rate": 0.1, "kinds": kinds}
                ],
            }
        )


def test_a_control_naming_an_unknown_kind_is_refused():
    entry = {"control_id": "X", "lane": "physical", "target_rate": 0.1, "kinds": ["fraud"]}
    with pytest.raises(ControlError, match=r"controls\[0\]: .*unknown violation kind 'fraud'"):
        ControlBook.from_mappings([entry])


def test_detection_by_kind_counts_found_and_missed_of_every_kind():
    tallies = detection_by_kind(
        [("smuggling", True), ("smuggling", False), ("undervaluation", False), ("", True)]
    )
    assert tallies[ViolationKind.SMUGGLING].detection_rate == 0.5
    assert tallies[ViolationKind.UNDERVALUATION].missed == 1
    assert tallies[ViolationKind.IPR_INFRINGEMENT].violations == 0
    assert set(tallies) == set(ViolationKind)
