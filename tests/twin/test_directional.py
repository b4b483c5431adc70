"""Directional validation: the twin moves the way the world would."""

from __future__ import annotations

import math

import pytest

from core.risk import CreditClass
from ftz_spec.risk import risk_setup
from tests.twin.helpers import variant
from twin.experiment import run_replication
from twin.stats import mean_ci

pytestmark = pytest.mark.slow


def _kpis(scenario, reps=1):
    return [run_replication(scenario, r).kpis for r in range(reps)]


def test_one_more_h986_shortens_the_scan_wait():
    # Selection held fixed (with capacity-aware selection a saturated scanner sheds load),
    # and a quarter of the declarations to the scanner: one scanner is overrun at peak
    # hours, two are not.
    scan_heavy = {
        "risk_policy": {"lanes": {"expected_rates": {"scan": 0.25}}, "plans": []},
        "capacity_aware_selection": False,
    }
    one = variant(levers={"h986": {"waigaoqiao_ftz": 1}, **scan_heavy})
    two = variant(levers={"h986": {"waigaoqiao_ftz": 2}, **scan_heavy})
    key = "wait_min_mean[waigaoqiao_ftz/h986]"
    w1, w2 = _kpis(one)[0][key], _kpis(two)[0][key]
    assert w2 < w1 / 2


def test_automatic_release_lowers_document_review_utilisation():
    on = _kpis(variant(levers={"auto_release_low_risk": True}))[0]
    off = _kpis(variant(levers={"auto_release_low_risk": False}))[0]
    key = "utilisation[role=document_review]"
    assert on[key] < off[key] * 0.6


def test_zero_violation_rate_gives_zero_seizures_on_the_whole_site():
    k = _kpis(
        variant(
            horizon_h=12,
            uncertainties={"enterprises": {"violation_scale": 0.0}, "plate_mismatch_rate": 0.0},
        )
    )[0]
    assert k["inspection_rate"] > 0.01
    assert k["violations"] == 0 and k["violations_caught"] == 0 and k["hit_rate"] == 0


def test_more_traffic_lengthens_the_queues_at_manual_gates():
    normal = _kpis(variant("baseline_2013"))[0]
    busy = _kpis(variant("baseline_2013", uncertainties={"traffic_scale": 1.5}))[0]
    key = "wait_min_mean[staff/gate_ys]"
    assert busy[key] > normal[key]
    assert busy["clearance_time_min_mean"] > normal["clearance_time_min_mean"]


def test_the_reform_clears_faster_than_the_baseline_on_the_same_trucks():
    base = _kpis(variant("baseline_2013"))[0]
    reform = _kpis(variant("reform_2014"))[0]
    assert reform["clearance_time_min_mean"] < base["clearance_time_min_mean"] / 3
    assert reform["utilisation[role=gate]"] < base["utilisation[role=gate]"]


def test_credit_class_ratio_rules_hold_in_the_output():
    """The credit rule bounds the total inspection rate, whatever selected the goods.

    Only the statutory random minimum is never balanced away, so a class may exceed its
    ceiling by the luck of those draws: 3 σ of their count.
    """
    scenario = variant(horizon_h=48, warmup_h=4)
    results = _kpis(scenario, reps=2)

    def rate(cls: CreditClass) -> float:
        # Measured when decided: cases still in inspection at the horizon count too.
        return mean_ci([k[f"decided_inspection_rate[credit={cls.value}]"] for k in results]).mean

    general = rate(CreditClass.GENERAL_CREDIT)
    assert general > 0
    policy = risk_setup(scenario).policy
    for cls, ceiling in policy.credit_rule.ceilings.items():
        n = sum(k["trucks_cleared"] for k in results) * 0.05  # a class's share is ≥ 5 %
        minimum = policy.random.rate(cls) * policy.random.minimum_share
        assert rate(cls) <= ceiling * general + 3 * math.sqrt(minimum / n), cls
    assert rate(CreditClass.DISHONEST) >= 0.8


def test_an_h986_outage_sends_scan_selections_to_physical_inspection():
    normal = _kpis(variant())[0]
    outage = _kpis(
        variant(
            uncertainties={"outages": [{"resource": "yangshan_port/h986", "from_h": 0, "to_h": 24}]}
        )
    )[0]
    assert (
        "wait_min_mean[yangshan_port/h986]" not in outage
        or outage.get("utilisation[yangshan_port/h986]", 0) == 0
    )
    assert outage["utilisation[role=inspection]"] >= normal["utilisation[role=inspection]"]
