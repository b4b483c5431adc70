"""The model's guarantees: less capacity never speeds clearance, more traffic never shortens waits.

Checked on common random numbers (same trucks, same draws) for every capacity of
reform_2014 — each staff pool, each zone's inspection bays and H986 scanners, each
gate's lanes — on a short horizon, with the risk engine's selection held fixed (see
:mod:`tests.twin.properties`). Unfinished trucks are part of the KPIs (censored), so a
starved resource cannot make clearance look faster by losing its trucks.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftz_spec import parse_scenario
from tests.twin.properties import capacities, kpis, short
from twin.experiment import run_replication
from twin.twin_fixtures import scenario_data

pytestmark = pytest.mark.slow

# Noise allowed: one bin of the percentile histogram (1 %) plus a hair; a queueing
# network is not monotone truck by truck, only in its aggregates.
TOLERANCE = 0.015
CAPACITIES = capacities("reform_2014")


def _lanes(k: dict[str, float]) -> dict[str, int]:
    return {x: round(v * k["trucks_cleared"]) for x, v in k.items() if x.startswith("lane_share[")}


def test_every_staff_pool_and_resource_of_reform_2014_is_covered():
    from ftz_spec import load_scenario
    from tests.conftest import SCENARIOS

    s = load_scenario(SCENARIOS / "reform_2014.yaml")
    pools = {f"staff/{p.id}" for p in s.site.staff_pools}
    assert pools <= set(CAPACITIES)
    assert {f"{g.ref}/lanes" for g in s.site.gates if g.lanes > 1} <= set(CAPACITIES)
    assert {f"{z}/h986" for z, n in s.levers.h986.items() if n} <= set(CAPACITIES)


@pytest.mark.parametrize("resource", sorted(CAPACITIES))
def test_removing_capacity_never_lowers_mean_or_p95_clearance(resource):
    base, cut = kpis(short()), kpis(short(**CAPACITIES[resource]))
    assert cut["trucks_observed"] == base["trucks_observed"]  # the same trucks (CRN)
    if not base["unfinished_cases"] and not cut["unfinished_cases"]:
        assert _lanes(cut) == _lanes(base)  # selection held fixed
    for kpi in ("clearance_time_min_mean", "clearance_time_min_p95"):
        assert cut[kpi] >= base[kpi] * (1 - TOLERANCE), (resource, kpi, base[kpi], cut[kpi])


def test_more_traffic_never_shortens_clearance_or_the_waits_at_busy_resources():
    base = [kpis(short(), r) for r in (0, 1)]
    busy = [kpis(short(uncertainties={"traffic_scale": 1.25}), r) for r in (0, 1)]
    for b, m in zip(base, busy, strict=True):
        assert m["clearance_time_min_mean"] >= b["clearance_time_min_mean"] * (1 - TOLERANCE)
        waits = [k for k in b if k.startswith("queue_len_mean[") and b[k] > 0.5]
        assert waits, "no busy resource to compare"
        for k in waits:
            assert m.get(k, 0.0) >= b[k] * (1 - 5 * TOLERANCE), (k, b[k], m.get(k))


@settings(max_examples=12)
@given(
    lanes=st.integers(1, 3),
    officers=st.integers(1, 3),
    rate=st.floats(20.0, 80.0),
    intelligent=st.booleans(),
)
def test_in_a_small_network_one_lane_or_officer_fewer_never_speeds_clearance(
    lanes, officers, rate, intelligent
):
    def run(n_lanes, n_officers):
        data = scenario_data(intelligent=intelligent, trucks_per_h=rate, lanes=n_lanes,
                             officers=n_officers, horizon_h=4.0)  # fmt: skip
        data["run"].update(event_log="none")
        return run_replication(parse_scenario(data), 0).kpis

    full = run(lanes + 1, officers + 1)
    for cut in (run(lanes, officers + 1), run(lanes + 1, officers)):
        for kpi in ("clearance_time_min_mean", "clearance_time_min_p95"):
            assert cut[kpi] >= full[kpi] * (1 - TOLERANCE)
