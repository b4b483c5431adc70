"""A whole study through the pipeline: guardrails, errors that say why, and the report."""

from __future__ import annotations

import csv

import pytest
import yaml

from ftz_spec import load_scenario, parse_scenario
from ftz_spec.site import Shift
from ftztwin.cli import main
from ftztwin.staffing import (
    UNFINISHED_EXCESS,
    Evaluator,
    PlanLimits,
    Request,
    StaffingError,
    Target,
    parse_target,
    run_staffing,
    window_problems,
    write_report,
)
from ftztwin.staffing.candidate import Staffing
from ftztwin.staffing.requirements import ample_staffing
from ftztwin.sweep import SerialBackend
from tests.conftest import MINIMAL
from tests.staffing.conftest import FakeTwin

DAYTIME = [0.3, 0.25, 0.2, 0.2, 0.25, 0.4, 0.7, 1.0, 1.3, 1.5, 1.5, 1.4, 1.2, 1.4, 1.5, 1.5,
           1.4, 1.3, 1.1, 0.9, 0.7, 0.6, 0.5, 0.4]  # fmt: skip
TANDEM = (Target("clearance_time_min_mean", "<=", 60.0),)


def _peaked(horizon_h, warmup_h):
    data = yaml.safe_load(MINIMAL)
    data["uncertainties"]["hourly_profile"] = DAYTIME
    data["run"].update(horizon_h=horizon_h, warmup_h=warmup_h)
    return parse_scenario(data, "peaked")


def _fake_study(tiny, **kw):
    req = Request(targets=TANDEM, pools=("officers", "docs"), keep_rosters=True, trials=30,
                  shortlist=3, **kw)  # fmt: skip
    fake = FakeTwin()
    return run_staffing(tiny, req, fake), fake


def test_a_night_only_window_is_refused_naming_the_flow_before_anything_runs():
    fake = FakeTwin()
    req = Request(targets=TANDEM, pools=("docs",))
    with pytest.raises(
        StaffingError, match=r"flow out peaks at 09:00, 10:00.*lengthen --horizon-h"
    ):
        run_staffing(_peaked(6, 0), req, fake)
    assert fake.asked == []


def test_a_partial_window_allowed_is_run_with_a_warning():
    refusals, _ = window_problems(_peaked(6, 0), ["docs"])
    assert refusals and "sees at most 27% of its peak rate" in refusals[0]
    assert window_problems(_peaked(24, 2), ["docs"]) == ([], [])


def test_the_cli_refuses_a_night_window_with_exit_2(tmp_path, capsys):
    data = yaml.safe_load(MINIMAL)
    data["uncertainties"]["hourly_profile"] = DAYTIME
    path = tmp_path / "peaked.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code = main(["staff", str(path), "--target", "clearance_time_min_p95<=60",
                 "--horizon-h", "6", "--warmup-h", "0", "--backend", "serial"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "--allow-partial-window" in err and "Traceback" not in err


def test_targets_out_of_reach_say_which_target_and_by_how_much(tiny):
    req = Request(targets=(Target("clearance_time_min_mean", "<=", 1.0),), pools=("officers", "docs"),
                  keep_rosters=True, trials=6)  # fmt: skip
    with pytest.raises(
        StaffingError, match=r"closest: misses clearance_time_min_mean <= 1 missed by \d"
    ):
        run_staffing(tiny, req, FakeTwin())


def test_plan_constraints_bound_the_result(tiny):
    out, _ = _fake_study(tiny, limits=PlanLimits(max_total=25))
    assert out.found.total <= 25
    assert any(t.refused for t in out.trials)


def test_work_left_undone_counts_against_a_starved_candidate_in_the_twin(tiny):
    # (A pool nobody is ever on duty in is refused by validation before any run.)
    # A terminating run (one period as it is): the work still inside at the horizon is
    # left undone, where a steady-state run would drain it at the cost of waits.
    data = tiny.model_dump(mode="json")
    data["run"]["type"] = "terminating"
    data["run"]["warmup_h"] = 0.0
    period = parse_scenario(data, "tiny_terminating")
    targets = [Target(UNFINISHED_EXCESS, "<=", 0.01)]
    with SerialBackend() as b:
        ev = Evaluator(period, targets, b, 6, 6, 6, reference=ample_staffing(period, ["docs"]))
        # Valid but starved: one reviewer on duty one hour a day (23:00), never within this
        # four-hour period, so its reviews are still queued at the end.
        late = (Shift(start_h=23, length_h=1, officers=1),)
        starved_roster = Staffing.of({**ev.plan, "docs": 3}, {"docs": late})
        fine, starved = ev.check({"docs": 16}), ev.check(starved_roster)
    assert fine.feasible
    assert not starved.feasible
    assert "unfinished_excess <= 0.01 missed by" in starved.reason
    assert starved.intervals[UNFINISHED_EXCESS].mean > 0.1


def test_the_report_sets_the_result_beside_the_plan_and_the_roster_runs(tiny, tmp_path):
    out, _ = _fake_study(tiny)
    md = write_report(tmp_path / "tiny", out)
    text = md.read_text(encoding="utf-8")
    assert "Guarantee (reached): with probability ≥ 95%" in text
    assert "5 : 20 : 75" in text and "503" in text
    assert "| clearance_time_min_mean <= 60 |" in text
    html = (tmp_path / "tiny" / "staffing.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html
    with (tmp_path / "tiny" / "staffing.csv").open(encoding="utf-8") as fh:
        rows = {r["pool"]: r for r in csv.DictReader(fh)}
    assert int(rows["officers"]["found"]) == out.found.as_counts["officers"]
    assert rows["inspectors"]["change"] == "kept"
    staffed = load_scenario(tmp_path / "tiny" / "staffing.yaml")
    assert {p.id: p.count for p in staffed.site.staff_pools} == out.found.as_counts
    coverage = list(csv.DictReader((tmp_path / "tiny" / "coverage.csv").open(encoding="utf-8")))
    assert len(coverage) == 168 * 2


def test_the_study_is_deterministic(tiny):
    a, _ = _fake_study(tiny)
    b, _ = _fake_study(tiny)
    assert a.found == b.found
    assert [t.params for t in a.trials] == [t.params for t in b.trials]


def test_an_unknown_mode_is_a_user_error(tiny):
    with pytest.raises(StaffingError, match="unknown mode 'best'"):
        run_staffing(tiny, Request(targets=TANDEM, pools=("docs",), mode="best"), FakeTwin())


def test_a_target_is_parsed_behind_one_function():
    assert parse_target("clearance_time_min_p95<=60") == Target(
        "clearance_time_min_p95", "<=", 60.0
    )
