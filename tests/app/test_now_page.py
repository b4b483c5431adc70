"""The Now page: the state from a recorded snapshot, a forecast with intervals, a what-if."""

from __future__ import annotations

import json

from tests.conftest import ROOT


def _page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "now.py"), default_timeout=300).run()
    assert not at.exception, at.exception
    return at


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def test_the_now_page_shows_the_recorded_state_and_a_what_if_beside_doing_nothing(scenario_dir):
    at = _page()
    assert any("Load a snapshot" in i.value for i in at.info)
    _button(at, "now_load").click().run()
    assert not at.exception, at.exception
    gates = at.dataframe[0].value
    assert len(gates) == 8 and "yangshan_port/gate_2L_01" in set(gates["gate 卡口"])
    faults = at.dataframe[1].value
    assert list(faults["device 设备"]) == ["yangshan_port/h986-1"]
    at.number_input(key="now_h").set_value(1)
    at.number_input(key="now_reps").set_value(2)
    at.text_area(key="now_levers").input("outage.yangshan_port/gate_2L_01=1")
    _button(at, "now_run").click().run()
    assert not at.exception, at.exception
    assert len(at.image) == 1  # the forecast chart
    table = at.dataframe[2].value
    row = table[table["resource"] == "yangshan_port/gate_2L_01"].iloc[0]
    assert row["90% low"] <= row["mean"] <= row["90% high"]
    assert row["paired difference"] > 0  # the gate shut for the hour keeps its trucks waiting


def test_a_snapshot_of_another_version_shows_the_field_and_no_forecast(scenario_dir, tmp_path):
    doc = json.loads((ROOT / "conf" / "snapshot_example.json").read_text(encoding="utf-8"))
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps(doc | {"version": 0}))
    at = _page()
    at.text_input(key="now_source").input(str(bad))
    _button(at, "now_load").click().run()
    assert not at.exception, at.exception
    assert any("version: this twin reads snapshot version 1 (got 0)" in e.value for e in at.error)
    assert any("Load a snapshot" in i.value for i in at.info)
