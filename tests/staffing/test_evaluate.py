"""The feasibility check: sequential replications on common random numbers."""

from __future__ import annotations

import pytest

from ftztwin.staffing import (
    CLEARED_RATIO,
    Evaluator,
    StaffingError,
    Target,
    parse_target,
    with_guard,
)
from ftztwin.sweep import SerialBackend
from tests.staffing.conftest import FakeTwin, fake_kpis
from twin.stats import mean_ci

PLAN = {"officers": 8, "docs": 8, "inspectors": 8}
WAIT = "wait_min_p95[staff/officers]"


def _mean(counts, n):
    return mean_ci([fake_kpis(counts, r)[WAIT] for r in range(n)])


def test_a_target_far_from_the_ci_is_decided_on_the_first_replications(tiny):
    ev = Evaluator(tiny, [Target(WAIT, "<=", 100.0)], FakeTwin())
    verdict = ev.check(PLAN)
    assert verdict.feasible
    assert verdict.replications == 5


def test_replications_are_added_while_the_ci_straddles_the_target(tiny):
    iv = _mean(PLAN, 5)
    ev = Evaluator(tiny, [Target(WAIT, "<=", iv.high - 0.01)], FakeTwin(), 5, 5, 20)
    verdict = ev.check(PLAN)
    assert verdict.replications > 5


def test_candidate_is_feasible_only_when_the_upper_ci_bound_meets_the_target(tiny):
    iv = _mean(PLAN, 5)
    assert (
        not Evaluator(tiny, [Target(WAIT, "<=", iv.mean + 1e-3)], FakeTwin(), 5, 5, 5)
        .check(PLAN)
        .feasible
    )
    assert Evaluator(tiny, [Target(WAIT, "<=", iv.high)], FakeTwin(), 5, 5, 5).check(PLAN).feasible


def test_an_undecided_candidate_at_the_budget_counts_as_infeasible(tiny):
    iv = _mean(PLAN, 20)
    verdict = Evaluator(tiny, [Target(WAIT, "<=", iv.mean)], FakeTwin(), 5, 5, 20).check(PLAN)
    assert not verdict.feasible
    assert verdict.replications == 20
    assert "undecided at budget" in verdict.reason


def test_every_candidate_runs_the_same_replication_numbers_once(tiny):
    fake = FakeTwin()
    ev = Evaluator(tiny, [Target(WAIT, "<=", 100.0)], fake)
    for n in (8, 4, 8, 6):
        ev.check({**PLAN, "officers": n})
    by_candidate: dict[tuple, list[int]] = {}
    for counts, rep in fake.asked:
        by_candidate.setdefault(counts, []).append(rep)
    assert all(sorted(reps) == list(range(5)) for reps in by_candidate.values())
    assert ev.candidates == 3


def test_cleared_ratio_compares_each_replication_with_the_plans(tiny):
    ev = Evaluator(tiny, [Target(CLEARED_RATIO, ">=", 0.98)], FakeTwin())
    assert ev.check(PLAN).feasible
    starved = ev.check({**PLAN, "officers": 3})  # fake: 60 of 100 trucks cleared
    assert not starved.feasible
    assert starved.intervals[CLEARED_RATIO].mean == pytest.approx(0.6)


def test_a_pool_with_nobody_on_duty_is_refused_before_any_run(tiny):
    # 2 reviewers on a 24/7 roster: round(2 x 0.9 x 40/168) = 0 on duty. The trucks that
    # need a review would never clear (and the rest would look faster); validation now
    # refuses the candidate, so the search never runs or accepts it.
    targets = with_guard([parse_target("clearance_time_min_p95<=1000")])
    with SerialBackend() as b:
        ev = Evaluator(tiny, targets, b, 5, 5, 5)
        plan, starved = ev.check(PLAN), ev.check({**PLAN, "docs": 2})
    assert plan.feasible
    assert not starved.feasible and starved.replications == 0
    assert "nobody on duty in any hour" in starved.reason
    assert ev.candidates == 1  # only the plan ran


def test_an_unknown_target_kpi_is_refused_with_a_suggestion(tiny):
    ev = Evaluator(tiny, [Target("wait_min_p95[staff/oficers]", "<=", 1)], FakeTwin())
    with pytest.raises(StaffingError, match=r"did you mean wait_min_p95\[staff/officers\]"):
        ev.check_names()


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("clearance_time_min_p95<=60", Target("clearance_time_min_p95", "<=", 60.0)),
        (" inspection_rate >= 0.05 ", Target("inspection_rate", ">=", 0.05)),
        ("wait_min_p95[staff/insp_ys]<=1e1", Target("wait_min_p95[staff/insp_ys]", "<=", 10.0)),
    ],
)
def test_targets_are_parsed_as_kpi_operator_value(text, target):
    assert parse_target(text) == target


@pytest.mark.parametrize("text", ["clearance<60", "<=60", "x<=abc", "x=>3"])
def test_malformed_targets_are_user_errors(text):
    with pytest.raises(StaffingError, match="expected KPI<=VALUE"):
        parse_target(text)
