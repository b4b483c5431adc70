"""The joint search and the selection stage, on a fake twin with known answers."""

from __future__ import annotations

import pytest

from ftztwin.staffing import Evaluator, PlanLimits, Target, minimise_staff
from ftztwin.staffing.joint import HeadcountKnob, joint_search, shortlist
from ftztwin.staffing.select import holm, select
from tests.staffing.conftest import FakeTwin

TANDEM = [Target("clearance_time_min_mean", "<=", 60.0)]  # fake: 100/officers + 400/docs


def _knobs(tiny, pools=("officers", "docs")):
    return [HeadcountKnob.around(p) for p in tiny.site.staff_pools if p.id in pools]


def _adjusted(counts):
    return counts["officers"] + counts["docs"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_joint_search_trades_officers_between_pools_that_the_pool_by_pool_search_cannot(
    tiny, seed
):
    # Pool by pool (from the plan doubled, 16 + 16): officers cut to their floor of 3,
    # then docs need 15-16 (400/15 = 26.7 sits on the bound): 18-19 in all. Jointly
    # 5 + 11 or 6 + 10 meet 100/a + 400/b <= 60 with 16.
    alone = minimise_staff(Evaluator(tiny, TANDEM, FakeTwin()), ["officers", "docs"])
    assert alone.counts["officers"] == 3
    assert _adjusted(alone.counts) >= 18
    ev = Evaluator(tiny, TANDEM, FakeTwin())
    best = shortlist(joint_search(ev, _knobs(tiny), 40, seed=seed), 1)[0]
    assert _adjusted(best.staffing.as_counts) == 16 < _adjusted(alone.counts)
    assert best.verdict.feasible


def test_the_same_seed_gives_the_same_trials(tiny):
    runs = [
        joint_search(Evaluator(tiny, TANDEM, FakeTwin()), _knobs(tiny), 12, seed=7)
        for _ in range(2)
    ]
    assert [t.params for t in runs[0]] == [t.params for t in runs[1]]


def test_a_candidate_that_breaks_a_plan_constraint_is_refused_without_a_run(tiny):
    fake = FakeTwin()
    ev = Evaluator(tiny, TANDEM, fake)
    trials = joint_search(ev, _knobs(tiny), 12, PlanLimits(max_total=30), seed=0)
    refused = [t for t in trials if t.refused]
    assert refused and all("exceeds 30 by" in t.refused[0] for t in refused)
    run = {c for c, _ in fake.asked}
    assert all(tuple(sorted(t.staffing.as_counts.items())) not in run for t in refused)
    assert all(t.staffing.total <= 30 for t in trials if t.feasible)


def test_selection_chooses_the_fewest_officers_confirmed_feasible(tiny):
    ev = Evaluator(tiny, TANDEM, FakeTwin())
    small = ev.staffing({"officers": 3, "docs": 9})  # 33 + 44 = 77: infeasible
    fit = ev.staffing({"officers": 6, "docs": 10})  # 56.7: feasible, 16
    fat = ev.staffing({"officers": 8, "docs": 16})  # 37.5: feasible, 24
    sel = select(ev, [small, fit, fat], "clearance_time_min_mean", 1.0, first_rep=1000)
    assert sel.chosen == fit
    status = {e.staffing: e.status for e in sel.entries}
    assert status == {small: "infeasible", fit: "chosen", fat: "feasible"}
    assert all(r >= 1000 for _, r in ev.backend.asked)  # fresh replications only
    assert all(h.met for h in sel.holm)


def test_among_equal_headcounts_kim_nelson_picks_the_better_service(tiny):
    ev = Evaluator(tiny, TANDEM, FakeTwin())
    a = ev.staffing({"officers": 5, "docs": 11})  # 20 + 36.4 = 56.4
    b = ev.staffing({"officers": 6, "docs": 10})  # 16.7 + 40 = 56.7
    c = ev.staffing({"officers": 7, "docs": 9})  # 14.3 + 44.4 = 58.7
    sel = select(ev, [c, b, a], "clearance_time_min_mean", 0.2)
    assert sel.chosen == a
    assert sel.guarantee
    assert {e.status for e in sel.entries if e.staffing != a} == {"eliminated"}


def test_a_candidate_too_close_to_call_is_never_chosen(tiny):
    ev = Evaluator(tiny, [Target("clearance_time_min_mean", "<=", 100 / 5 + 400 / 10)], FakeTwin())
    edge = ev.staffing({"officers": 5, "docs": 10})  # exactly at the bound
    sel = select(ev, [edge], "clearance_time_min_mean", 1.0, max_reps=12)
    assert sel.chosen is None
    assert sel.entries[0].status == "undecided"


def test_holm_adjusts_the_smallest_p_value_by_the_number_of_targets(tiny):
    targets = [
        Target("clearance_time_min_mean", "<=", 60.0),
        Target("wait_min_p95[staff/docs]", "<=", 12.5),
    ]
    ev = Evaluator(tiny, targets, FakeTwin())
    rows = holm(ev, ev.staffing({"officers": 6, "docs": 10}), range(10), 0.05)
    ps = sorted((r.p, r.p_holm) for r in rows)
    assert ps[0][1] == pytest.approx(min(1.0, 2 * ps[0][0]))
    assert ps[1][1] == pytest.approx(max(ps[0][1], ps[1][0]))
