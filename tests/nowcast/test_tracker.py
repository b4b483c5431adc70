"""What the live snapshot keeps beyond the controllers, and the forecast's interval rule."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from core.gate import GateDecision, Hold, Outcome, RecordDecision
from ftz_live.snapshot import StateTracker, scenario_clock_s
from ftztwin.cli import main
from twin.forecast import _q


def _decided(case: str, outcome: Outcome, t: float) -> RecordDecision:
    return RecordDecision(GateDecision(case, "g/l1", outcome, (), t, pass_id=f"P-{case}"))


def test_a_truck_held_for_a_busy_lane_queues_until_decided_and_a_pass_is_consumed_once():
    tr = StateTracker()
    tr.hold("z/g", Hold("z/g/l1", "c2", "lane_busy"))
    tr.hold("z/g", Hold("z/g/l1", "c3", "awaiting_reservation"))  # in its lane, not queueing
    assert list(tr.held["z/g"]) == ["c2"]
    tr.decided("z/g", _decided("c2", Outcome.PASS, 5.0))
    tr.decided("z/g", _decided("c4", Outcome.MANUAL_POST, 6.0))
    assert tr.held["z/g"] == {}
    assert [p["pass_id"] for p in tr.consumed] == ["P-c2"]  # a manual post consumed nothing
    assert tr.decisions["z/g"] == {"pass": 1, "manual_post": 1}


def test_arrivals_of_the_last_hour_forget_older_ones():
    tr = StateTracker()
    for t in (0.0, 100.0, 3000.0, 3700.0):
        tr.arrived("z/g", "c", t)
    assert tr.last_hour("z/g", 3700.0) == 2


def test_the_scenario_clock_is_shanghai_time_from_monday_midnight():
    # Tuesday 2 December 2014, 06:00 UTC is 14:00 in Shanghai.
    assert scenario_clock_s(datetime(2014, 12, 2, 6, 0, tzinfo=UTC)) == (24 + 14) * 3600.0


@given(st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=60))
def test_the_forecast_interval_holds_the_median_and_is_the_range_below_19_replications(values):
    mean, lo, mid, hi = _q(values)
    ulps = 1e-12 * max(1.0, max(abs(v) for v in values))  # a float sum's rounding, either side
    assert lo <= mid <= hi and min(values) - ulps <= mean <= max(values) + ulps
    if len(values) < 19:
        assert (lo, hi) == (min(values), max(values))


def test_a_live_service_that_cannot_be_reached_exits_2(capsys):
    code = main(["forecast", "scenarios/reform_2014.yaml", "--from", "http://127.0.0.1:9/state",
                 "--horizon-h", "1"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "http://127.0.0.1:9/state: cannot be fetched" in err


def test_a_held_truck_announced_again_leaves_the_queue_and_rejoins_if_held_again():
    tr = StateTracker()
    tr.hold("z/g", Hold("z/g/l1", "c2", "lane_busy"))
    tr.arrived("z/g", "c2", 10.0)
    assert tr.held["z/g"] == {}
    tr.hold("z/g", Hold("z/g/l1", "c2", "lane_busy"))
    assert list(tr.held["z/g"]) == ["c2"]
