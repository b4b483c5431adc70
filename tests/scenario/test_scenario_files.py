"""Every shipped scenario validates, and the JSON schema on disk is current."""

from __future__ import annotations

import json

import pytest

from ftztwin.scenario import SCHEMA_PATH, Scenario, digest, load_scenario, schema_json
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


def test_baseline_and_reform_differ_only_in_their_levers_and_names():
    a = load_scenario(SCENARIOS / "baseline_2013.yaml").model_dump()
    b = load_scenario(SCENARIOS / "reform_2014.yaml").model_dump()
    differing = {k for k in a if a[k] != b[k]}
    assert differing == {"name", "description", "levers"}
