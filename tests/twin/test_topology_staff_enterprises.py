"""Topology, staff rosters and the enterprise model."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import simpy
from hypothesis import given
from hypothesis import strategies as st

from ftz_spec import Enterprises, StaffPool, load_scenario
from tests.conftest import SCENARIOS
from twin.enterprises import EnterpriseModel
from twin.staff import Staff, on_duty, staff_seconds
from twin.topology import build_topology, draw_map, route, travel_time_min

matplotlib.use("Agg")


def test_transfer_from_yangshan_to_waigaoqiao_crosses_the_donghai_bridge():
    g = build_topology(load_scenario(SCENARIOS / "reform_2014.yaml"))
    path = route(g, "yangshan_port", "waigaoqiao_ftz")
    assert "luchao" in path
    expected = (32.5 / 70 + 80 / 70) * 60
    assert (
        abs(
            travel_time_min(g, "yangshan_port", "waigaoqiao_ftz")
            - min(expected, (32.5 / 70 + 45 / 70 + 35 / 60) * 60)
        )
        < 1e-6
    )


def test_topology_has_every_zone_gate_and_scanner():
    s = load_scenario(SCENARIOS / "reform_2014.yaml")
    g = build_topology(s)
    kinds = {}
    for _, d in g.nodes(data=True):
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    assert (
        kinds["zone"] == 4
        and kinds["gate"] == 8
        and kinds["h986"] == 3
        and kinds["inspection_area"] == 4
    )


def test_map_figure_draws_and_saves(tmp_path):
    g = build_topology(load_scenario(SCENARIOS / "reform_2014.yaml"))
    ax = draw_map(g, load={"yangshan_port/gate_1L_01": 0.8})
    out = tmp_path / "map.png"
    ax.figure.savefig(out)
    assert out.stat().st_size > 10_000


@given(st.integers(0, 100), st.sampled_from(["office", "day", "shifts"]), st.integers(0, 500))
def test_on_duty_never_exceeds_available_headcount(count, roster, hour):
    pool = StaffPool(id="p", role="gate", count=count, roster=roster, availability=0.9)
    assert 0 <= on_duty(pool, hour) <= count


def test_a_forty_hour_week_gives_forty_hours_per_officer():
    pool = StaffPool(id="p", role="gate", count=42, roster="shifts", availability=1.0)
    assert abs(staff_seconds(pool, 0, 7 * 86400) / 3600 - 42 * 40) < 42


def test_roster_blockers_leave_exactly_the_officers_on_duty():
    env = simpy.Environment()
    pool = StaffPool(id="p", role="gate", count=30, roster="day", availability=1.0)
    unit = Staff(env, (pool,)).units["p"]
    seen = []

    def probe():
        for _ in range(48):
            yield env.timeout(1800)
            seen.append((int(env.now // 3600), unit.resource.capacity - len(unit.resource.users)))

    env.process(probe())
    env.run(until=24 * 3600)
    assert all(free == on_duty(pool, h) for h, free in seen)


def test_a_violator_caught_twice_in_a_year_loses_a_credit_class():
    m = EnterpriseModel(Enterprises(count=20), np.random.default_rng(3), 0.0)
    agent = next(a for a in m.roster if a.credit_class == "general_credit")
    m.caught(agent, 1.0)
    m.step()
    assert agent.credit_class == "general_credit"
    m.caught(agent, 1.0)
    m.step()
    assert agent.credit_class == "dishonest" and m.class_changes == 1


def test_a_large_trader_loses_a_class_only_past_one_per_mille_of_its_declarations():
    # 20 enterprises sharing 40,000 declarations a day: each files hundreds of thousands a
    # year, so two findings are far below 1 ‰ of its volume and cost it nothing.
    m = EnterpriseModel(Enterprises(count=20), np.random.default_rng(3), 0.0, 40_000.0)
    agent = next(a for a in m.roster if a.credit_class == "general_credit")
    yearly = 40_000.0 * 365 * agent.size / sum(a.size for a in m.roster)
    assert agent.downgrade_after == max(2, math.ceil(yearly / 1000)) > 2
    for _ in range(agent.downgrade_after - 1):
        m.caught(agent, 1.0)
    m.step()
    assert agent.credit_class == "general_credit" and m.class_changes == 0
    m.caught(agent, 1.0)
    m.step()
    assert agent.credit_class == "dishonest" and m.class_changes == 1


def test_a_caught_violator_moves_to_its_least_inspected_goods():
    m = EnterpriseModel(Enterprises(count=50), np.random.default_rng(5), 0.0)
    agent = next(a for a in m.roster if len(a.chapters) == 3)
    old = agent.violation_chapter
    others = [c for c in agent.chapters if c != old]
    for c in agent.chapters:
        agent.shipped[c] = 10
    agent.inspected[others[0]] = 5
    m.caught(agent, 0.0)
    assert agent.violation_chapter == others[1]
