"""The past before the run: what clearance missed since each last audit, for audits to find.

A run starts with empty queues, not with an empty past. These tests run the twin
(``run_replication``) and read the audit office's KPIs and the enterprises it drew the
past for.
"""

from __future__ import annotations

import math

import pytest

from tests.twin.helpers import variant
from twin.experiment import run_replication
from twin.model import Twin

QUARTER = {"traffic_scale": 0.25}


def _run(**history: float) -> tuple[dict[str, float], Twin]:
    built: list[Twin] = []
    scenario = variant("reform_2014", 3.0, 0.0, uncertainties={**QUARTER, "audit_history": history})
    result = run_replication(scenario, 0, on_built=built.append)
    return result.kpis, built[0]


def test_the_run_starts_with_the_violations_missed_since_each_enterprise_was_last_audited():
    kpis, twin = _run(look_back_years=30 / 365, missed_share=0.6)
    roster = twin.world.enterprises.roster
    # Every enterprise shipped for at most the 30-day look-back before the run.
    most = sum(a.daily * 30 * a.violation_share() * 0.6 for a in roster)
    past = kpis["audit_past_violations_start"]
    # Poisson: within 5 sd of the most; enterprises audited within the month have less.
    assert 0.75 * most <= past <= most + 5 * math.sqrt(most), (past, most)


def test_no_past_when_clearance_is_assumed_to_have_missed_nothing():
    kpis, _ = _run(missed_share=0.0)
    assert kpis["audit_past_violations_start"] == 0
    assert kpis["audit_findings_before_run"] == 0
    assert kpis["revenue_recovered_before_run_cny"] == 0


def test_the_past_grows_with_the_share_clearance_missed_and_with_the_look_back():
    low = _run(missed_share=0.3)[0]["audit_past_violations_start"]
    high = _run(missed_share=0.6)[0]["audit_past_violations_start"]
    assert high / low == pytest.approx(2.0, rel=0.1)
    short = _run(look_back_years=0.1)[0]["audit_past_violations_start"]
    assert short < 0.5 * high


def test_findings_from_before_the_run_are_part_of_the_audit_findings_and_never_exceed_the_past():
    kpis, _ = _run()
    assert kpis["post_audits"] > 0
    assert 0 < kpis["audit_findings_before_run"] <= kpis["audit_past_violations_start"]
    assert kpis["audit_findings_before_run"] <= kpis["post_audit_findings"]
    assert 0 < kpis["revenue_recovered_before_run_cny"] <= kpis["revenue_recovered_cny"]


def test_the_same_seed_draws_the_same_past_and_finds_the_same_in_it():
    a, b = _run()[0], _run()[0]
    for key in ("audit_past_violations_start", "audit_findings_before_run",
                "revenue_recovered_before_run_cny", "post_audit_findings"):  # fmt: skip
        assert a[key] == b[key], key
