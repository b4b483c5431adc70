"""The whole study on the twin against answers known beforehand (slow: real replications)."""

from __future__ import annotations

import math

import pytest
import yaml

from ftz_spec import parse_scenario
from ftztwin.staffing import Request, parse_target, run_staffing
from ftztwin.staffing.evaluate import Evaluator
from ftztwin.staffing.search import minimise_staff
from ftztwin.staffing.targets import with_guard
from ftztwin.sweep import SerialBackend
from tests.conftest import MINIMAL
from twin.staff import on_duty

pytestmark = pytest.mark.slow

ARRIVALS_PER_H, REVIEW_MIN = 30.0, 5.0  # a = 2.5 Erlang


def erlang_c_servers(lam_per_min: float, mean_min: float, wq_min: float) -> int:
    """The textbook answer: fewest servers whose M/M/c mean wait is at most ``wq_min``."""
    a = lam_per_min * mean_min
    s = math.floor(a) + 1
    while True:
        top = a**s / math.factorial(s) * s / (s - a)
        c = top / (sum(a**k / math.factorial(k) for k in range(s)) + top)
        if c * mean_min / (s - a) <= wq_min:
            return s
        s += 1


def one_gate_mmc():
    """One gate; every truck's declaration reviewed by one officer: M/M/c in the docs pool."""
    data = yaml.safe_load(MINIMAL)
    # Every declaration reviewed at exactly the review time (one record-list format would
    # shorten it by the share of fields it saves).
    data["levers"] = {
        "auto_release_low_risk": False,
        "batch_declaration": False,
        "unified_record_lists": False,
    }
    unc = data["uncertainties"]
    unc["flows"][0]["trucks_per_day"] = ARRIVALS_PER_H * 24
    unc["approval_share"] = 0.0
    unc["enterprises"]["processing_share"] = 0.0
    unc["times"] = {"doc_review_paperless_min": {"dist": "exponential", "mean": REVIEW_MIN}}
    data["run"].update(horizon_h=48, warmup_h=4)
    return parse_scenario(data, "one_gate_mmc")


def test_the_search_returns_the_erlang_c_minimal_servers_for_a_mean_wait_target():
    target = 2.5  # minutes: Erlang-C gives 7.0 min with 3 officers, 1.07 min with 4
    c_star = erlang_c_servers(ARRIVALS_PER_H / 60, REVIEW_MIN, target)
    assert c_star == 4
    req = Request(
        targets=(parse_target(f"wait_min_mean[staff/docs]<={target}"),), pools=("docs",),
        trials=6, min_reps=4, max_reps=8, select_reps=8, workload_reps=4, shortlist=2,
    )  # fmt: skip
    with SerialBackend() as b:
        out = run_staffing(one_gate_mmc(), req, b)
    assert out.requirements["docs"].servers == (c_star,) * 168
    roster = out.found.shifts_of("docs")
    pool = next(p for p in out.base.site.staff_pools if p.id == "docs")
    pool = pool.model_copy(update={"shifts": roster, "count": out.found.as_counts["docs"]})
    assert {on_duty(pool, h) for h in range(168)} == {c_star}
    assert out.selection is not None and out.selection.guarantee


PEAKED = [0.2] * 6 + [1.0] * 2 + [2.0] * 10 + [0.6] * 6  # quiet nights, a ten-hour day


def two_zones_peaked():
    """Two zones, one docs pool each on the 24/7 roster, traffic peaking by day."""
    data = yaml.safe_load(MINIMAL)
    site = data["site"]
    site["zones"].append({"id": "z2", "name": "Zone two"})
    gate = {**site["gates"][0], "id": "g1", "zone": "z2"}
    site["gates"].append(gate)
    site["staff_pools"] = [
        {"id": "officers", "role": "gate", "count": 8},
        {"id": "docs_a", "role": "document_review", "zone": "z1", "count": 30},
        {"id": "docs_b", "role": "document_review", "zone": "z2", "count": 30},
        {"id": "inspectors", "role": "inspection", "count": 12},
    ]
    # Every declaration reviewed at exactly the review time (one record-list format would
    # shorten it by the share of fields it saves).
    data["levers"] = {
        "auto_release_low_risk": False,
        "batch_declaration": False,
        "unified_record_lists": False,
    }
    unc = data["uncertainties"]
    unc["flows"] = [
        {
            "id": "a",
            "kind": "second_line_export",
            "zone": "z1",
            "place": "market",
            "trucks_per_day": 600,
        },
        {
            "id": "b",
            "kind": "second_line_export",
            "zone": "z2",
            "place": "market",
            "trucks_per_day": 600,
        },
    ]
    unc["hourly_profile"] = PEAKED
    unc["approval_share"] = 0.0
    unc["enterprises"]["processing_share"] = 0.0
    unc["times"] = {"doc_review_paperless_min": {"dist": "exponential", "mean": REVIEW_MIN}}
    data["run"].update(horizon_h=24, warmup_h=2)
    return parse_scenario(data, "two_zones_peaked")


def test_on_two_pools_the_joint_search_with_shifts_needs_fewer_officers_than_pool_by_pool():
    base = two_zones_peaked()
    targets = tuple(parse_target(f"wait_min_p95[staff/{p}]<=20") for p in ("docs_a", "docs_b"))
    with SerialBackend() as b:
        alone = minimise_staff(
            Evaluator(base, with_guard(list(targets)), b, 3, 3, 6), ["docs_a", "docs_b"]
        )
        req = Request(
            targets=targets, pools=("docs_a", "docs_b"), trials=4, min_reps=3, max_reps=6,
            select_reps=6, workload_reps=2, shortlist=2,
        )  # fmt: skip
        out = run_staffing(base, req, b)
    pool_by_pool = alone.counts["docs_a"] + alone.counts["docs_b"]
    joint = out.found.as_counts["docs_a"] + out.found.as_counts["docs_b"]
    assert alone.verdict.feasible and out.selection.chosen is not None
    assert joint < pool_by_pool
    found = out.service["found"]
    assert all(found[t.kpi].mean <= t.value for t in targets)
