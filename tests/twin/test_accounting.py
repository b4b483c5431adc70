"""Every truck is accounted for: cleared, or unfinished and counted where it waits."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.trace import Lifecycle
from ftz_spec import parse_scenario
from tests.twin.helpers import variant
from twin.experiment import run_replication
from twin.twin_fixtures import scenario_data


def _one_gate(run: dict, **kw) -> object:
    data = scenario_data(**kw)
    data["run"].update(event_log="none", **run)
    return parse_scenario(data)


def _sums(k: dict[str, float], prefix: str) -> float:
    return sum(v for key, v in k.items() if key.startswith(prefix))


@settings(max_examples=15)
@given(
    kind=st.sampled_from(["steady_state", "terminating"]),
    horizon=st.floats(1.0, 4.0),
    cap=st.sampled_from([0.0, 0.2, 5.0]),
    rate=st.floats(30.0, 150.0),
    officers=st.integers(1, 3),
)
def test_every_counted_truck_is_cleared_or_unfinished_by_flow_and_by_resource(
    kind, horizon, cap, rate, officers
):
    s = _one_gate(
        {"type": kind, "horizon_h": horizon, "warmup_h": 0.5, "drain_cap_h": cap},
        intelligent=False, trucks_per_h=rate, officers=officers,
    )  # fmt: skip
    arrived = []
    sink = [lambda r: arrived.append(r.case_id) if r.activity == "clearance" and r.lifecycle is Lifecycle.START and 1800 <= r.time_s < horizon * 3600 else None]  # fmt: skip
    k = run_replication(s, 0, extra_sinks=sink).kpis
    assert k["trucks_observed"] == len(arrived)
    assert k["trucks_observed"] == k["trucks_cleared"] + k["unfinished_cases"]
    assert _sums(k, "unfinished_cases[flow=") == k["unfinished_cases"]
    assert _sums(k, "unfinished_cases[at=") == k["unfinished_cases"]
    assert k["unfinished_share"] == pytest.approx(k["unfinished_cases"] / k["trucks_observed"])
    end = horizon + (cap if kind == "steady_state" else 0.0)
    assert k["run_end_h"] <= end + 1e-9
    if kind == "terminating":
        assert k["run_end_h"] == pytest.approx(horizon) and k["drain_h"] == 0


def test_a_steady_state_run_drains_until_the_last_truck_has_left():
    s = _one_gate(
        {"horizon_h": 3.0, "warmup_h": 0.5, "drain_cap_h": 24.0},
        intelligent=False,
        trucks_per_h=100,
    )
    k = run_replication(s, 0).kpis
    assert k["unfinished_cases"] == 0 and k["unfinished_warmup_arrivals"] == 0
    assert 0 < k["drain_h"] < 24


def test_a_terminating_run_reports_its_carry_over_where_the_trucks_wait():
    # 150 trucks an hour at a manual gate with one officer (60 s a truck): a queue builds.
    s = _one_gate({"type": "terminating", "horizon_h": 3.0, "warmup_h": 0.0},
                  intelligent=False, trucks_per_h=150, officers=1, lanes=2)  # fmt: skip
    k = run_replication(s, 0).kpis
    assert k["unfinished_cases"] > 20
    assert (
        k["unfinished_cases[at=z1/g1/lanes]"] + k.get("unfinished_cases[at=staff/officers]", 0)
        == k["unfinished_cases"]
    )
    assert k["run_end_h"] == 3.0


@pytest.mark.slow
def test_inspections_stuck_for_want_of_officers_are_counted_at_the_inspection_pool():
    # Inspectors work office hours only; the run starts Monday 00:00, stops arrivals at
    # 04:00 and may drain two hours: trucks selected for inspection wait for officers.
    s = variant(
        horizon_h=4.0, warmup_h=0.5,
        run={"drain_cap_h": 2.0},
        site={"staff_pools": [{"id": p, "roster": "office"} for p in ("insp_wgq", "insp_wgl", "insp_ys", "insp_pd")]},
        uncertainties={"traffic_scale": 0.5},
    )  # fmt: skip
    assert any(w.code == "inspection_team_short" for w in s.warnings())
    recs = []
    k = run_replication(s, 0, extra_sinks=[recs.append]).kpis
    at_pools = _sums(k, "unfinished_cases[at=staff/insp_")
    assert at_pools > 0
    assert k["unfinished_cases"] >= at_pools
    assert k["wait_min_mean[staff/insp_ys]"] > 60  # open waits counted with their time so far
    assert k["longest_stall_h[staff/insp_ys]"] > 2
    # The cleared trucks alone look fast; the stuck ones are in the KPI, not lost from it.
    clr = [r for r in recs if r.activity == "clearance"]
    start = {
        r.case_id: r.time_s for r in clr if r.lifecycle is Lifecycle.START and r.time_s >= 1800
    }
    done = [
        (r.time_s - start[r.case_id]) / 60
        for r in clr
        if r.lifecycle is Lifecycle.STOP and r.case_id in start
    ]
    assert k["clearance_time_min_mean"] > sum(done) / len(done)
    done.sort()
    finished_p95 = done[int(0.95 * len(done))]
    assert math.isnan(k["clearance_time_min_p95"]) or k["clearance_time_min_p95"] >= finished_p95


def test_a_resource_stalled_past_the_threshold_is_counted_and_warned(tmp_path, capsys):
    from ftz_spec import canonical_yaml
    from ftztwin.cli import main

    s = variant(
        horizon_h=4.0, warmup_h=0.5,
        run={"drain_cap_h": 2.0, "stall_warning_h": 1.0, "replications": 1},
        site={"staff_pools": [{"id": p, "roster": "office"} for p in ("insp_wgq", "insp_wgl", "insp_ys", "insp_pd")]},
        uncertainties={"traffic_scale": 0.3},
    )  # fmt: skip
    path = tmp_path / "stalled.yaml"
    path.write_text(canonical_yaml(s), encoding="utf-8")
    assert (
        main(["run", str(path), "--out", str(tmp_path / "out"), "--no-event-log", "--workers", "1"])
        == 0
    )
    err = capsys.readouterr().err
    assert "[stalled_resource]" in err and "staff/insp_" in err
    assert "[unfinished_share]" in err
    report = (tmp_path / "out" / s.name / "report.md").read_text(encoding="utf-8")
    assert "stalled_resource" in report and "unfinished_share" in report
