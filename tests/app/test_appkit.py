"""The app kit's data shaping, on hand-made event logs and one tiny run."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
import yaml

from ftz_spec import StaffRole, digest, load_scenario, parse_scenario
from ftz_spec.errors import ScenarioError
from ftztwin.appkit import compare, frames, monitor, staffing
from ftztwin.appkit.form import apply_values, field_key, form_fields, get_path
from ftztwin.appkit.runs import RunSettings, RunStore, read_log, run_scenario, with_run_settings
from tests.conftest import SCENARIOS

GATE = "z1/g1/lanes"


def _log(rows):
    return pd.DataFrame(
        rows, columns=["case_id", "activity", "lifecycle", "resource", "time_s", "attrs"]
    )


def _wait(case, start, stop):
    return [
        (case, "gate_queue", "WAIT_START", GATE, start, {}),
        (case, "gate_queue", "WAIT_STOP", GATE, stop, {}),
    ]


@pytest.fixture(scope="module")
def tiny_run():
    s = load_scenario(SCENARIOS / "reform_2014.yaml").model_dump(mode="json")
    s["uncertainties"]["traffic_scale"] = 0.2
    scenario = with_run_settings(parse_scenario(s, "tiny"), RunSettings(6.0, 1.0, 2))
    return run_scenario(scenario)


def test_a_truck_served_on_arrival_is_not_a_queue():
    log = _log(_wait("a", 60.0, 60.0) + _wait("b", 120.0, 120.0))
    assert frames.queue_over_time(log)["z1/g1"].max() == 0


def test_trucks_waiting_together_make_a_queue_that_carries_into_quiet_bins():
    log = _log(_wait("a", 60.0, 1900.0) + _wait("b", 70.0, 1900.0))
    q = frames.queue_over_time(log, bin_min=10)["z1/g1"]
    assert list(q) == [2, 2, 2, 2]  # bins 0-30 min: both wait until 31.7 min


def test_clearance_times_count_only_cases_arriving_after_the_warmup():
    stop = {"flow": "f", "credit_class": "dishonest", "zone": "z1", "lane": "scan"}
    log = _log(
        [
            ("early", "clearance", "START", "z1", 10.0, {}),
            ("early", "clearance", "STOP", "z1", 610.0, stop),
            ("late", "clearance", "START", "z1", 100.0, {}),
            ("late", "clearance", "STOP", "z1", 400.0, stop),
        ]
    )
    times = frames.clearance_times(log, warmup_s=50.0)
    assert list(times["case_id"]) == ["late"]
    assert times["minutes"].iloc[0] == pytest.approx(5.0)
    assert times["credit_class"].iloc[0] == "dishonest"


def test_event_logs_with_numpy_float_times_still_load():
    text = "case_id,activity,lifecycle,resource,time_s,attrs\nc,support,START,staff/s,np.float64(12.5),\n"
    assert read_log(io.StringIO(text))["time_s"].iloc[0] == 12.5


def test_an_upload_that_is_not_an_event_log_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="missing columns"):
        monitor.read_uploaded_log(b"a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a readable event log"):
        monitor.read_uploaded_log(b"\xff\xfe\x00")


def test_a_device_fault_at_a_gate_shows_in_the_monitoring_view_for_an_hour():
    fault = {"outcome": "manual_post", "reasons": "device_fault:timeout"}
    log = _log(
        [
            *_wait("a", 0.0, 0.0),
            ("a", "gate_check", "START", GATE, 0.0, {}),
            ("a", "gate_check", "STOP", GATE, 1800.0, fault),
        ]
    )
    assert monitor.snapshot(log, 1.0).devices["status"].iloc[0].startswith("fault")
    assert len(monitor.snapshot(log, 1.0).alarms) == 1
    assert monitor.snapshot(log, 2.0).devices["status"].iloc[0].startswith("ok")
    assert monitor.snapshot(log, 0.0).alarms.empty


@pytest.mark.parametrize("source", ["reform", "minimal"])
def test_an_untouched_form_keeps_the_scenarios_digest(source, minimal_yaml):
    if source == "reform":
        s = load_scenario(SCENARIOS / "reform_2014.yaml")
    else:  # no device uncertainties: the misread widget shows a default it must not add
        s = parse_scenario(yaml.safe_load(minimal_yaml))
    data = s.model_dump(mode="json")
    fields = form_fields(data)
    shown = {field_key(f): get_path(data, f.path, f.default) for f in fields}
    assert digest(parse_scenario(apply_values(data, fields, shown))) == digest(s)


def test_the_form_offers_one_h986_field_per_zone():
    data = load_scenario(SCENARIOS / "base.yaml").model_dump(mode="json")
    h986 = [f.dotted for f in form_fields(data) if f.path[:2] == ("levers", "h986")]
    assert len(h986) == 4 and "levers.h986.yangshan_port" in h986


def test_the_reform_staffing_matches_the_plans_503_and_20_and_143():
    plan = staffing.plan_check_frame(load_scenario(SCENARIOS / "reform_2014.yaml"))
    assert list(plan["vs_plan_after"]) == [0, 0, 0]
    before = staffing.plan_check_frame(load_scenario(SCENARIOS / "baseline_2013.yaml"))
    assert list(before["this_scenario"]) == list(before["plan_2013"])


def test_moving_staff_keeps_the_total_and_a_bad_move_names_the_count():
    data = load_scenario(SCENARIOS / "reform_2014.yaml").model_dump(mode="json")
    moved = parse_scenario(staffing.move_staff(data, "docs_wgq", "insp_wgq", 15))
    assert moved.site.staff(StaffRole.DOCUMENT_REVIEW) == 73 - 15
    assert sum(p.count for p in moved.site.staff_pools) == 503
    with pytest.raises(ScenarioError, match=r"site\.staff_pools\[0\]\.count"):
        parse_scenario(staffing.move_staff(data, "support", "risk", 21))


def test_a_run_keeps_every_replication_and_the_first_event_log(tiny_run):
    assert [r.replication for r in tiny_run.results] == [0, 1]
    assert tiny_run.summary["clearance_time_min_mean"].n == 2
    assert tiny_run.events_csv.startswith(b"case_id,activity")
    assert pd.api.types.is_numeric_dtype(tiny_run.events["time_s"])


def test_the_cards_show_percentiles_beside_the_mean_with_intervals(tiny_run):
    cards = {c.kpi: c for c in frames.cards(tiny_run.summary)}
    assert {"clearance_time_min_mean", "clearance_time_min_p50", "clearance_time_min_p95"} <= set(
        cards
    )
    assert cards["clearance_time_min_mean"].interval.startswith("95% CI")


def test_every_credit_class_gets_an_inspection_rate_and_a_hit_rate(tiny_run):
    credit = frames.credit_class_frame(tiny_run.summary, tiny_run.events, 3600.0, 6 * 3600.0)
    assert len(credit) == 4
    assert credit["inspection_rate"].between(0, 1).all()
    assert credit["hit_rate"].dropna().between(0, 1).all()


def test_a_scenario_compared_with_itself_differs_by_exactly_zero(tiny_run):
    diff = compare.diff_frame([tiny_run, tiny_run], "clearance_time_min_mean")
    assert diff["diff"].iloc[0] == 0 and diff["ci95_low"].iloc[0] == 0
    table = compare.comparison_frame([tiny_run, tiny_run])
    assert not table.iloc[:, -1].str.endswith("*").any()


def test_the_store_runs_a_scenario_once_and_forgets_the_oldest(tiny_run):
    store = RunStore(size=1)
    store.put(tiny_run)
    assert store.run(tiny_run.scenario) is tiny_run  # no second run: same digest
    other = with_run_settings(tiny_run.scenario, RunSettings(3.0, 1.0, 1))
    store.run(other)
    assert store.get(tiny_run.digest) is None and len(store) == 1


def test_gate_and_scanner_loads_are_fractions_for_the_map(tiny_run):
    loads = frames.gate_load_frame(tiny_run.summary, tiny_run.scenario)
    assert len(loads) == 8 + 3  # eight gates, H986 in three zones
    marks = frames.map_load(loads)
    assert all(0 <= v <= 1 and not math.isnan(v) for v in marks.values())
