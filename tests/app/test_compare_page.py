"""The Compare page driven headless as a planner uses it: one edit after another."""

from __future__ import annotations

import math
import re

from ftztwin.appkit import compare
from tests.app.conftest import errors, frame_with, goto, in_bounds
from twin.catalogue import describe, is_known

YS_SCANNER = "utilisation[yangshan_port/h986]"


def _edited_option(at) -> str:
    return next(o for o in at.multiselect(key="cmp_choice").options if o.startswith("✎"))


def _compare(at):
    at.button(key="cmp_button").click().run()
    assert not at.exception, at.exception
    return at.session_state["cmp.last"]


def test_removing_the_baseline_then_adding_the_edited_scenario_keeps_both_edits(app):
    app.checkbox(key="sc:levers.auto_release_low_risk").uncheck().run()
    goto(app, "compare")
    for _ in range(3):  # the three tries: each edit of the selection must stick
        box = app.multiselect(key="cmp_choice")
        assert box.value == ["baseline_2013.yaml", "reform_2014.yaml"]
        box.unselect("baseline_2013.yaml").run()
        assert app.multiselect(key="cmp_choice").value == ["reform_2014.yaml"]
        app.multiselect(key="cmp_choice").select(_edited_option(app)).run()
        assert app.multiselect(key="cmp_choice").value == ["reform_2014.yaml", _edited_option(app)]
        runs = _compare(app)
        assert "at least two" not in errors(app)
        assert [r.scenario.levers.auto_release_low_risk for r in runs] == [True, False]
        app.multiselect(key="cmp_choice").set_value(
            ["baseline_2013.yaml", "reform_2014.yaml"]
        ).run()


def test_the_selection_survives_a_visit_to_another_page(app):
    goto(app, "compare")
    app.multiselect(key="cmp_choice").set_value(["staff_shortage.yaml", "reform_2014.yaml"]).run()
    goto(app, "run")
    goto(app, "compare")
    assert app.multiselect(key="cmp_choice").value == ["staff_shortage.yaml", "reform_2014.yaml"]


def test_three_scenarios_get_a_paired_difference_each_with_its_replications(app):
    goto(app, "compare")
    app.multiselect(key="cmp_choice").set_value(
        ["baseline_2013.yaml", "reform_2014.yaml", "staff_shortage.yaml"]
    ).run()
    runs = _compare(app)
    assert [r.name for r in runs] == ["baseline_2013", "reform_2014", "staff_shortage"]
    table = frame_with(app, "KPI 指标")
    deltas = [c for c in table.columns if c.startswith("Δ")]
    assert len(deltas) == 2
    row = table[table["id"] == "clearance_time_min_mean"].iloc[0]
    assert row[deltas[0]].startswith("-") and row[deltas[0]].endswith("*")  # reform faster
    for cell in row.drop(["KPI 指标", "id"]):
        assert cell.count("n = 2") == 1, cell  # replications beside every interval


def test_one_click_compares_baseline_with_reform_with_catalogue_names_and_units(app):
    goto(app, "compare")
    app.button(key="cmp_one_click").click().run()
    assert not app.exception and not app.error
    table = frame_with(app, "KPI 指标")
    row = table[table["id"] == "clearance_time_min_mean"].iloc[0]
    assert row["KPI 指标"] == "Clearance time, mean 平均通关时间 (min)"
    assert " min, n = 2" in row.iloc[2]
    assert not any("e+" in str(v) or "e-0" in str(v) for v in table.to_numpy().ravel())
    assert len(app.image) == 2


def test_the_kpi_picker_offers_the_catalogue_and_changes_the_table_and_chart(app):
    goto(app, "compare")
    app.button(key="cmp_one_click").click().run()
    picker = app.multiselect(key="cmp_kpis")
    offered = compare.kpi_choices(app.session_state["cmp.last"])
    assert all(is_known(k) for k in offered)
    assert picker.options == [compare.kpi_label(k) for k in offered]  # names, not ids
    assert "Wait, mean at staff/insp_ys 平均等待时间（staff/insp_ys） (min)" in picker.options
    before = app.image[0].value
    picker.set_value(["hit_rate", "wait_min_mean[staff/insp_ys]"]).run()
    app.selectbox(key="cmp_kpi").set_value("inspection_rate").run()
    assert not app.exception
    assert list(frame_with(app, "KPI 指标")["id"]) == ["hit_rate", "wait_min_mean[staff/insp_ys]"]
    assert app.image[0].value != before
    entries = frame_with(app, "中文")
    row = entries[entries["id"] == "inspection_rate"].iloc[0]
    assert (row["中文"], row["unit 单位"], row["bounds 界限"]) == ("查验率", "%", "[0, 100]")


def test_the_ranking_puts_the_reform_first_on_clearance_time(app):
    goto(app, "compare")
    app.button(key="cmp_one_click").click().run()
    app.selectbox(key="cmp_kpi").set_value("clearance_time_min_mean").run()
    ranking = frame_with(app, "rank 排名")
    assert ranking["scenario 情景"].iloc[0].startswith("reform_2014")
    assert ranking["verdict 结论"].tolist() == ["best 最优", "worse 较差"]


def test_the_h986_what_if_shows_on_compare_with_the_scanners_kpi_chosen(app):
    app.number_input(key="sc:levers.h986.yangshan_port").set_value(3).run()
    goto(app, "compare")
    app.multiselect(key="cmp_choice").set_value(["reform_2014.yaml", _edited_option(app)]).run()
    _compare(app)
    assert app.selectbox(key="cmp_kpi").value == YS_SCANNER  # chosen from what changed
    row = frame_with(app, "KPI 指标").set_index("id").loc[YS_SCANNER]
    delta = row[next(c for c in row.index if c.startswith("Δ"))]
    assert delta.startswith("-") and delta.endswith("*"), delta  # 3 scanners share the load
    changed = frame_with(app, "path 路径")
    assert changed["path 路径"].tolist() == ["levers.h986.yangshan_port"]
    assert (changed["A"].iloc[0], changed["B"].iloc[0]) == ("2", "3")
    moved = frame_with(app, "Δ B − A")
    assert YS_SCANNER in set(moved["id"])


def test_what_changed_works_between_any_two_of_the_compared(app):
    goto(app, "compare")
    app.multiselect(key="cmp_choice").set_value(
        ["baseline_2013.yaml", "reform_2014.yaml", "traffic_plus_50.yaml"]
    ).run()
    _compare(app)
    app.selectbox(key="cmp_diff_a").set_value(1).run()
    app.selectbox(key="cmp_diff_b").set_value(2).run()
    changed = frame_with(app, "path 路径")
    assert "uncertainties.traffic_scale" in set(changed["path 路径"])
    assert "site.staff_pools[id=support].count" not in set(changed["path 路径"])  # same in both


def test_every_interval_on_the_compare_page_lies_within_its_bounds(app):
    goto(app, "compare")
    app.button(key="cmp_one_click").click().run()
    runs = app.session_state["cmp.last"]
    checked = 0
    for run in runs:
        for kpi, iv in run.summary.items():
            if is_known(kpi) and not math.isnan(iv.low):
                assert in_bounds(iv.low, iv.high, describe(kpi).bounds), (kpi, iv)
                checked += 1
    assert checked > 100
    # What the page prints for the per-cent KPIs stays in 0..100 too.
    picker = app.multiselect(key="cmp_kpis")
    shares = [k for k in compare.kpi_choices(runs) if describe(k).unit == "%"][:30]
    picker.set_value(shares).run()
    table = frame_with(app, "KPI 指标")
    for col in [c for c in table.columns if c not in ("KPI 指标", "id") and not c.startswith("Δ")]:
        for cell in table[col]:
            for number in re.findall(r"-?\d[\d,]*\.?\d*", cell.split(" %")[0]):
                assert 0 <= float(number.replace(",", "")) <= 100, cell


def test_too_few_replications_for_the_asked_precision_are_warned_with_a_number(app):
    goto(app, "compare")
    app.sidebar.number_input(key="w:run.precision_pct").set_value(1.0).run()
    app.button(key="cmp_one_click").click().run()
    shown = "\n".join(w.value for w in app.warning)
    assert "Too few replications for ±1%" in shown
    assert re.search(r"Clearance time, mean .* with 2 replications.*≈ \d+ replications", shown)


def test_the_unfinished_share_is_shown_for_every_compared_scenario(app):
    goto(app, "compare")
    app.button(key="cmp_one_click").click().run()
    unfinished = frame_with(app, "share unfinished 未完成比例")
    assert len(unfinished) == 2
    assert unfinished["share unfinished 未完成比例"].str.contains(r"%, n = 2").all()


def test_comparing_fewer_than_two_scenarios_shows_an_error(app):
    goto(app, "compare")
    app.multiselect(key="cmp_choice").set_value(["reform_2014.yaml"]).run()
    app.button(key="cmp_button").click().run()
    assert "at least two" in errors(app)


def test_what_changed_lists_both_values_and_sources_and_can_hide_source_only_rows(app):
    goto(app, "compare")
    app.button(key="cmp_one_click").click().run()
    inputs = frame_with(app, "path 路径")
    support = inputs[inputs["path 路径"] == "site.staff_pools[id=support].count"].iloc[0]
    assert (support["A"], support["B"]) == ("35", "20")  # 35 → 20 (三(一)3)
    assert support["source A 来源"] == support["source B 来源"] == "plan 三(一)3"
    assert "levers.paperless" in set(inputs["path 路径"])
    assert "site.staff_pools[id=support].availability" not in set(inputs["path 路径"])
    with_sources = len(inputs)
    app.checkbox(key="cmp_values_only").check().run()
    values_only = frame_with(app, "path 路径")
    assert set(values_only["change 变化"]) <= {"changed", "only_in_a", "only_in_b"}
    assert len(values_only) < with_sources  # gate pools of 14 in both, on other assumptions
