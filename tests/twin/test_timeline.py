"""The plan's timeline (四(二)) as three scenarios: near, mid and long term."""

from __future__ import annotations

import pytest

from ftz_spec import load_scenario
from tests.conftest import SCENARIOS
from tests.twin.helpers import variant
from twin.experiment import run_replication

PHASES = ("near_term_jun_2014", "mid_term_dec_2014", "reform_2014")


def _load(name):
    return load_scenario(SCENARIOS / f"{name}.yaml")


def test_the_near_term_has_the_new_organisation_and_central_monitoring_but_no_h986():
    near, reform = _load("near_term_jun_2014"), _load("reform_2014")
    assert near.site.staff_pools == reform.site.staff_pools  # 503 staff, ≈ 5 : 20 : 75
    assert sum(p.count for p in near.site.staff_pools) == 503
    lv = near.levers
    assert lv.central_monitoring and lv.video_inspection and lv.differentiated_audit
    assert not any(lv.h986.values()) and not lv.intelligent_gates
    assert not lv.auto_release_low_risk and not lv.single_window


def test_each_phase_switches_on_more_reforms_than_the_one_before():
    def on(s):
        return {k for k, v in s.levers.model_dump().items() if v is True}

    near, mid, long = (on(_load(p)) for p in PHASES)
    assert near < mid < long
    assert _load("mid_term_dec_2014").levers.h986 == _load("reform_2014").levers.h986


@pytest.mark.slow
def test_clearance_gets_faster_from_one_phase_to_the_next_on_the_same_trucks():
    def clearance(name):
        s = variant(name, horizon_h=14.0, warmup_h=2.0, uncertainties={"traffic_scale": 0.3})
        return run_replication(s, 0).kpis["clearance_time_min_mean"]

    near, mid, long = (clearance(p) for p in PHASES)
    assert near > mid > long
