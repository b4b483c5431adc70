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


def test_saving_writes_a_new_named_variant_that_becomes_the_working_scenario(app, scenario_dir):
    app.number_input(key="sc:levers.h986.yangshan_port").set_value(3).run()
    edited = _working(app)
    app.text_input(key="save_name").input("ys_three_h986.yaml").run()  # ".yaml" is optional
    app.button(key="save_button").click().run()
    saved = scenario_dir / "ys_three_h986.yaml"
    assert saved.exists(), errors(app)
    variant = load_scenario(saved)
    assert variant.name == "ys_three_h986"  # its own name, not the file it came from
    assert variant.levers.h986["yangshan_port"] == 3
    assert digest(variant) == digest(_working(app))
    assert app.selectbox(key="scenario_file").value == "ys_three_h986.yaml"
    # the same inputs as the edit: only the name differs
    assert variant.model_dump(exclude={"name"}) == edited.model_dump(exclude={"name"})


def test_saving_never_overwrites_an_existing_file(app, scenario_dir):
    before = (scenario_dir / "base.yaml").read_text(encoding="utf-8")
    app.text_input(key="save_name").input("base").run()
    app.button(key="save_button").click().run()
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


def _run(at):
    goto(at, "run")
    at.button(key="run_button").click().run()
    assert not at.exception and not at.error, errors(at)
    return at.session_state["run.last"]


def test_the_run_page_shows_the_change_since_the_previous_run_paired_by_replication(app):
    first = _run(app)
    assert any("first run of the session" in c.value for c in app.caption)
    goto(app, "scenario")
    app.checkbox(key="sc:levers.intelligent_gates").uncheck().run()
    second = _run(app)
    assert app.session_state["run.prev"] is first and second is not first
    change = next(d.value for d in app.dataframe if "previous 上次" in d.value.columns)
    row = change.set_index("id").loc["clearance_time_min_mean"]
    assert row["previous 上次"].endswith("min, n = 2") and row["this run 本次"].endswith(
        "min, n = 2"
    )
    delta = row["Δ this run 本次 − previous 上次"]
    assert delta.startswith("+")  # manual gates are slower
    inputs = next(d.value for d in app.dataframe if "path 路径" in d.value.columns)
    assert inputs["path 路径"].tolist() == ["levers.intelligent_gates"]
    card = next(m for m in app.metric if m.label.startswith("Clearance time, mean"))
    assert card.delta.startswith("+") and card.delta.split()[1] == "min"


def test_running_the_same_scenario_again_keeps_the_previous_different_run(app):
    first = _run(app)
    goto(app, "scenario")
    app.number_input(key="sc:levers.h986.yangshan_port").set_value(3).run()
    _run(app)
    _run(app)  # the same digest: served from the store, the previous stays the first
    assert app.session_state["run.prev"] is first


def test_the_run_page_warns_when_replications_are_too_few_for_the_precision_asked(app):
    app.sidebar.number_input(key="w:run.precision_pct").set_value(2.0).run()
    _run(app)
    shown = "\n".join(w.value for w in app.warning)
    assert "Too few replications for ±2%" in shown
    assert "with 2 replications" in shown and "replications would reach it" in shown


def test_the_run_page_prints_readable_numbers_and_every_interval_with_its_replications(app):
    last = _run(app)
    table = next(
        d.value for d in app.dataframe if "id" in d.value.columns and "指标" in d.value.columns
    )
    assert len(table) == len(last.summary)
    cells = table["mean (95% CI), n 均值（95%置信区间）"]
    assert not cells.str.contains(r"\de[+-]\d").any()  # never 1.3e+02
    assert cells[~cells.str.startswith("n/a")].str.contains(r"n = \d").all()
    assert any(m.value.startswith("**Share unfinished 未完成比例:") for m in app.markdown)
