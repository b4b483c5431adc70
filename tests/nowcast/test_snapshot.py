"""The snapshot document: validated on read with file, field path and value; both sides write it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.gate import DeviceKind, GatePass, GatePassState, GatePolicy, TruckArrived
from core.gate.controller import GateController
from ftz_spec import load_scenario
from ftz_spec.snapshot import SnapshotError, lane_trucks, load_snapshot, parse_snapshot
from ftztwin.cli import main
from twin.initial_state import fork_from_snapshot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "conf" / "snapshot_example.json"
BIN = ROOT / ".venv" / "bin"


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_the_shipped_snapshot_reads_back_and_names_only_gates_of_the_reform_scenario():
    snap = load_snapshot(EXAMPLE)
    scenario = load_scenario(ROOT / "scenarios" / "reform_2014.yaml")
    assert set(snap.gates) == {g.ref for g in scenario.site.gates}
    assert snap.hour_of_week == 24 + 14
    fork = fork_from_snapshot(snap, scenario)
    assert fork.zones_h986_down == ("yangshan_port",)


@pytest.mark.slow
def test_the_shipped_snapshot_is_what_its_tool_writes_from_the_current_twin():
    # A stale example would show newcomers a state the twin no longer produces.
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "snapshot_example", ROOT / "tools" / "snapshot_example.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.example_text() == EXAMPLE.read_text(encoding="utf-8"), (
        "conf/snapshot_example.json is stale: run .venv/bin/python tools/snapshot_example.py"
    )


def test_a_snapshot_of_another_version_is_refused_naming_the_version(tmp_path):
    doc = example() | {"version": 2}
    with pytest.raises(
        SnapshotError, match=r"version: this twin reads snapshot version 1 \(got 2\)"
    ):
        parse_snapshot(doc, "x.json")


def test_a_bad_field_is_named_with_its_path_and_value(tmp_path):
    doc = example()
    doc["gates"]["yangshan_port/gate_2L_01"]["arrivals_last_hour"] = -3
    with pytest.raises(SnapshotError) as err:
        parse_snapshot(doc, "x.json")
    assert "x.json: gates.yangshan_port/gate_2L_01.arrivals_last_hour" in str(err.value)
    assert "(got -3)" in str(err.value)


def test_a_gate_the_scenario_does_not_have_is_refused_by_the_fork():
    doc = example()
    doc["gates"]["atlantis/gate_9"] = {"lanes": {}}
    snap = parse_snapshot(doc)
    scenario = load_scenario(ROOT / "scenarios" / "reform_2014.yaml")
    with pytest.raises(
        SnapshotError, match=r"gates\.atlantis/gate_9: not a gate of scenario reform_2014"
    ):
        fork_from_snapshot(snap, scenario)


def test_forecast_of_a_bad_snapshot_exits_2_with_file_field_and_value_and_no_traceback(
    tmp_path, capsys
):
    doc = example()
    doc["clock_s"] = "noon"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    code = main(
        [
            "forecast",
            str(ROOT / "scenarios/reform_2014.yaml"),
            "--from",
            str(bad),
            "--horizon-h",
            "1",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}: clock_s:" in err and "'noon'" in err
    assert "Traceback" not in err


def test_a_file_that_is_not_json_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code = main(
        [
            "forecast",
            str(ROOT / "scenarios/reform_2014.yaml"),
            "--from",
            str(bad),
            "--horizon-h",
            "1",
        ]
    )
    assert code == 2 and "not JSON" in capsys.readouterr().err


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                    max_leaves=10))  # fmt: skip
def test_any_json_value_is_either_a_snapshot_or_a_snapshot_error(value):
    try:
        parse_snapshot(value, "fuzz.json")
    except SnapshotError as err:
        assert str(err).startswith("fuzz.json: ")


def test_a_lane_snapshot_shows_the_undecided_passage_with_what_it_read_and_awaits():
    policy = GatePolicy(required=frozenset({DeviceKind.PLATE_CAMERA, DeviceKind.WEIGHBRIDGE}))
    ctl = GateController("z/g", policy)
    gp = GatePass("GP1", "沪A1", state=GatePassState.APPROVED)
    ctl.handle(TruckArrived("z/g/lane1", "case-1", gp), 10.0)
    lanes = lane_trucks(ctl, ("z/g/lane1", "z/g/lane2"), 25.0)
    assert lanes["z/g/lane2"] is None
    t = lanes["z/g/lane1"]
    assert t["case_id"] == "case-1" and t["pass_id"] == "GP1" and t["state"] == "reading"
    assert t["age_s"] == 15.0 and t["awaiting"] == {"plate_camera": 1, "weighbridge": 1}
