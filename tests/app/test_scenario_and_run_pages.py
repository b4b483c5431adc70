"""The Scenario and Run pages driven headless with Streamlit's AppTest."""

from __future__ import annotations

import pytest

from ftz_spec import digest, load_scenario
from tests.app.conftest import BROKEN, errors, goto, metric, number


def _working(at):
    return at.session_state["work.scenario"]


def test_the_scenario_page_opens_on_the_reform_and_shows_it_valid(app):
    assert _working(app).name == "reform_2014"
    assert app.selectbox(key="scenario_file").value == "reform_2014.yaml"
    assert any("Valid" in s.value for s in app.success)
    assert app.checkbox(key="sc:levers.intelligent_gates").value is True
    assert app.number_input(key="sc:uncertainties.traffic_scale").value == 0.3


def test_changing_a_lever_on_the_scenario_page_makes_a_new_valid_scenario(app):
    before = digest(_working(app))
    app.checkbox(key="sc:levers.dual_review").uncheck().run()
    assert _working(app).levers.dual_review is False
    assert digest(_working(app)) != before
    assert not app.error


def test_an_invalid_yaml_edit_shows_the_field_path_and_keeps_the_last_valid_scenario(app):
    before = digest(_working(app))
    area = app.text_area[0]
    area.input(area.value.replace("traffic_scale: 0.3", "traffic_scale: -1.0")).run()
    app.button[0].click().run()  # "Validate and use this YAML"
    assert not app.exception
    assert "uncertainties.traffic_scale" in errors(app)
    assert digest(_working(app)) == before


def test_malformed_yaml_in_the_editor_shows_an_error_and_nothing_crashes(app):
    app.text_area[0].input("levers: [unclosed").run()
    app.button[0].click().run()
    assert not app.exception
    assert "malformed YAML" in errors(app)
    assert _working(app).name == "reform_2014"


def test_a_valid_yaml_edit_becomes_the_working_scenario_and_refills_the_form(app):
    area = app.text_area[0]
    area.input(area.value.replace("traffic_scale: 0.3", "traffic_scale: 0.5")).run()
    app.button[0].click().run()
    assert _working(app).uncertainties.traffic_scale == 0.5
    assert app.number_input(key="sc:uncertainties.traffic_scale").value == 0.5


def test_an_unreadable_scenario_file_shows_its_error_and_keeps_the_last_good_scenario(app):
    app.selectbox(key="scenario_file").set_value(BROKEN).run()
    assert not app.exception
    text = errors(app)
    assert "levers.h986.atlantis" in text and "undefined zone" in text
    assert _working(app).name == "reform_2014"


def test_choosing_another_file_loads_it_into_the_form(app):
    app.selectbox(key="scenario_file").set_value("baseline_2013.yaml").run()
    assert _working(app).name == "baseline_2013"
    assert app.checkbox(key="sc:levers.intelligent_gates").value is False


def test_saving_writes_a_new_scenario_file_with_the_same_digest(app, scenario_dir):
    app.number_input(key="sc:levers.h986.yangshan_port").set_value(3).run()
    app.text_input(key="save_name").input("ys_three_h986.yaml").run()
    next(b for b in app.button if b.label.startswith("Save")).click().run()
    saved = scenario_dir / "ys_three_h986.yaml"
    assert saved.exists(), errors(app)
    assert digest(load_scenario(saved)) == digest(_working(app))
    assert load_scenario(saved).levers.h986["yangshan_port"] == 3


def test_saving_never_overwrites_an_existing_file(app, scenario_dir):
    before = (scenario_dir / "base.yaml").read_text(encoding="utf-8")
    app.text_input(key="save_name").input("base.yaml").run()
    next(b for b in app.button if b.label.startswith("Save")).click().run()
    assert "exists already" in errors(app)
    assert (scenario_dir / "base.yaml").read_text(encoding="utf-8") == before


def test_the_run_page_shows_kpi_cards_with_intervals_and_four_charts(app):
    goto(app, "run")
    app.button(key="run_button").click().run()
    assert not app.exception and not app.error
    labels = [m.label for m in app.metric]
    assert any(label.startswith("Clearance time, mean") for label in labels)
    assert any(label.startswith("Clearance time, 95th") for label in labels)
    assert any("95% CI" in c.value for c in app.caption)
    assert len(app.image) == 4  # distribution, queues, utilisation, credit classes
    assert app.session_state["run.last"].scenario.run.horizon_h == 12


def test_turning_off_intelligent_gates_lengthens_clearance_on_the_run_page(app):
    goto(app, "run")
    app.button(key="run_button").click().run()
    smart = number(metric(app, "Clearance time, mean"))
    goto(app, "scenario")
    app.checkbox(key="sc:levers.intelligent_gates").uncheck().run()
    goto(app, "run")
    app.button(key="run_button").click().run()
    manual = number(metric(app, "Clearance time, mean"))
    assert manual > smart


def test_a_warmup_longer_than_the_horizon_shows_the_error_and_keeps_the_last_results(app):
    goto(app, "run")
    app.button(key="run_button").click().run()
    good = app.session_state["run.last"]
    app.sidebar.number_input(key="w:run.warmup_h").set_value(20.0).run()
    app.button(key="run_button").click().run()
    assert not app.exception
    assert "run.warmup_h" in errors(app)
    assert app.session_state["run.last"] is good
    assert app.metric  # the last good cards are still shown


def test_an_edit_made_on_the_scenario_page_survives_a_visit_to_another_page(app):
    app.number_input(key="sc:uncertainties.traffic_scale").set_value(0.4).run()
    goto(app, "staffing")
    goto(app, "scenario")
    assert app.number_input(key="sc:uncertainties.traffic_scale").value == 0.4
    assert _working(app).uncertainties.traffic_scale == 0.4


def test_a_run_with_trucks_left_inside_warns_on_the_run_page_as_in_the_cli(app, scenario_dir):
    # A terminating run stops at the horizon: the trucks still inside are carry-over,
    # and above the threshold the page says so with the CLI's words and code.
    (scenario_dir / "carry_over.yaml").write_text(
        "extends: reform_2014.yaml\nname: carry_over\n"
        "run: {type: terminating, unfinished_warning: 0.001}\n",
        encoding="utf-8",
    )
    app.run()  # the file list is read on each run
    app.selectbox(key="scenario_file").set_value("carry_over.yaml").run()
    goto(app, "run")
    app.button(key="run_button").click().run()
    assert not app.exception and not app.error
    last = app.session_state["run.last"]
    share = last.summary["unfinished_share"].mean
    assert share > 0.001
    shown = "\n".join(w.value for w in app.warning)
    assert "[unfinished_share]" in shown
    assert "[unfinished_share]" in "\n".join(last.warnings)
    assert number(metric(app, "Share unfinished")) == pytest.approx(share * 100, rel=0.01)


def test_a_drained_run_shows_its_unfinished_share_and_no_unfinished_warning(app):
    goto(app, "run")
    app.button(key="run_button").click().run()
    last = app.session_state["run.last"]
    assert last.summary["unfinished_share"].mean <= last.scenario.run.unfinished_warning
    assert metric(app, "Share unfinished")
    assert "[unfinished_share]" not in "\n".join(w.value for w in app.warning)
