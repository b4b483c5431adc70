"""Every shipped scenario validates, and the JSON schema on disk is current."""

from __future__ import annotations

import json

import pytest

from ftz_spec import SCHEMA_PATH, Scenario, digest, load_scenario, schema_json
from tests.conftest import SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))


def test_there_are_scenario_files():
    assert {p.name for p in FILES} >= {"baseline_2013.yaml", "reform_2014.yaml"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_scenario_file_validates(path):
    scenario = load_scenario(path)
    assert isinstance(scenario, Scenario)
    assert len(digest(scenario)) == 64


def test_schema_file_is_up_to_date_run_ftztwin_schema_if_this_fails():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_json()


def test_schema_forbids_unknown_top_level_keys():
    schema = json.loads(schema_json())
    assert schema["additionalProperties"] is False
    assert {"site", "uncertainties", "levers", "run"} <= set(schema["properties"])


def test_scenario_is_frozen():
    scenario = load_scenario(SCENARIOS / "reform_2014.yaml")
    with pytest.raises(Exception, match="frozen"):
        scenario.run.seed = 1  # type: ignore[misc]


def test_baseline_and_reform_differ_only_in_levers_and_staffing():
    a = load_scenario(SCENARIOS / "baseline_2013.yaml").model_dump()
    b = load_scenario(SCENARIOS / "reform_2014.yaml").model_dump()
    assert {k for k in a if a[k] != b[k]} == {"name", "description", "levers", "site", "sources"}
    assert {k for k in a["site"] if a["site"][k] != b["site"][k]} == {"staff_pools"}


def test_shipped_staffing_matches_the_plan_403_before_and_503_after():
    from ftz_spec import StaffRole

    def by_group(name):
        site = load_scenario(SCENARIOS / name).site
        out = {"support": 0, "functional": 0, "field": 0}
        for pool in site.staff_pools:
            out[pool.role.group] += pool.count
        docs_and_gate = site.staff(StaffRole.DOCUMENT_REVIEW) + site.staff(StaffRole.GATE)
        return out, docs_and_gate

    before, dg_before = by_group("baseline_2013.yaml")
    after, dg_after = by_group("reform_2014.yaml")
    assert sum(before.values()) == 403 and sum(after.values()) == 503
    assert (before["support"], after["support"]) == (35, 20)
    assert (dg_before, dg_after) == (183, 143)
    shares = [after[g] / 503 for g in ("support", "functional", "field")]
    assert (
        abs(shares[0] - 0.05) < 0.015
        and abs(shares[1] - 0.20) < 0.01
        and abs(shares[2] - 0.75) < 0.015
    )
