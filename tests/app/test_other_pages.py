"""The Staffing, Map & monitoring and Downloads pages driven headless (Compare: test_compare_page)."""

from __future__ import annotations

from tests.app.conftest import errors, goto


def _run_first(app):
    goto(app, "run")
    app.button(key="run_button").click().run()
    assert app.session_state.get("run.last") is not None, errors(app)


def test_the_staffing_page_sets_the_reform_beside_the_plans_figures(app):
    goto(app, "staffing")
    plan = app.dataframe[0].value.set_index("plan_after_reform")
    assert plan.loc[503, "this_scenario"] == 503
    assert plan.loc[20, "this_scenario"] == 20
    assert plan.loc[143, "this_scenario"] == 143
    groups = app.dataframe[1].value
    assert list(groups["plan_pct"]) == [5.0, 20.0, 75.0]


def test_the_staffing_check_shows_utilisation_and_waits_per_pool(app):
    goto(app, "staffing")
    app.button(key="staff_run").click().run()
    service = app.dataframe[-1].value
    assert {"utilisation", "wait_min_mean", "wait_min_p95"} <= set(service.columns)
    assert service["utilisation"].notna().any()


def test_moving_document_reviewers_to_inspection_lowers_inspection_utilisation(app):
    goto(app, "staffing")
    app.selectbox(key="move_from").set_value("docs_wgq").run()
    app.selectbox(key="move_to").set_value("insp_wgq").run()
    app.number_input(key="move_n").set_value(20).run()
    app.button(key="move_button").click().run()
    assert not app.exception and not app.error
    base, moved = app.session_state["staff.move"]
    assert moved.scenario.site.staff_pools[4].count == base.scenario.site.staff_pools[4].count - 20
    key = "utilisation[staff/insp_wgq]"
    assert moved.summary[key].mean < base.summary[key].mean


def test_moving_more_staff_than_a_pool_has_names_the_pools_count(app):
    goto(app, "staffing")
    app.selectbox(key="move_from").set_value("support").run()
    app.number_input(key="move_n").set_value(100).run()
    app.button(key="move_button").click().run()
    assert not app.exception
    assert "site.staff_pools[0].count" in errors(app)


def test_the_map_page_draws_the_map_before_any_run(app):
    goto(app, "monitoring")
    assert len(app.get("vega_lite_chart")) == 1  # the map (a Vega-Lite chart, no tiles)
    assert any("Run a scenario" in i.value for i in app.info)


def test_the_monitoring_replay_follows_the_time_slider(app):
    _run_first(app)
    goto(app, "monitoring")
    assert len(app.image) == 2  # the queues now and the flow of trucks
    loads = app.dataframe[0].value
    assert "yangshan_port/h986" in set(loads["resource"])
    devices = app.dataframe[1].value
    # A gate shows a fault exactly when a device fault was alarmed in the last window
    # (runs now drain past the horizon, so the replay's default time moved with them).
    faulty = devices["status"].str.startswith("fault")
    assert devices["status"].str.startswith(("ok", "fault", "out of service")).all()
    assert ((devices["faults_last_window"] > 0) == faulty).all()
    app.slider[0].set_value(0.0).run()
    assert app.metric[0].value == "0"  # nobody has arrived at time zero
    app.slider[0].set_value(8.0).run()
    assert not app.exception
    assert int(app.metric[0].value) > 0


def test_an_unreadable_uploaded_event_log_shows_an_error_and_keeps_the_replay(app):
    _run_first(app)
    goto(app, "monitoring")
    app.get("file_uploader")[0].upload("junk.csv", b"\xff\xfe not a log", "text/csv").run()
    assert not app.exception
    assert "junk.csv" in errors(app)
    assert any("replication 1" in c.value for c in app.caption)


def test_an_uploaded_event_log_is_replayed(app):
    _run_first(app)
    log = app.session_state["run.last"].events_csv
    goto(app, "monitoring")
    app.get("file_uploader")[0].upload("events_rep000.csv", log, "text/csv").run()
    assert not app.exception and not app.error
    assert any("Replaying events_rep000.csv" in c.value for c in app.caption)


def test_the_downloads_page_offers_kpis_event_log_scenario_and_charts(app):
    goto(app, "downloads")
    assert any("Nothing to download" in i.value for i in app.info)
    _run_first(app)
    goto(app, "downloads")
    labels = [b.label for b in app.get("download_button")]
    for wanted in ("KPIs per replication", "KPI summary", "Event log", "Resolved scenario"):
        assert any(label.startswith(wanted) for label in labels), labels
    assert sum(label.endswith("(PNG)") for label in labels) == 5
