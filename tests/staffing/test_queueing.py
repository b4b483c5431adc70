"""Erlang-C staffing of one hour, against the textbook formula."""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ftz_spec import parse_scenario
from ftztwin.staffing import WaitRule, erlang_c, mean_wait_s, servers_needed
from ftztwin.staffing.probe import busy_key, work_key
from ftztwin.staffing.queueing import wait_exceeds
from ftztwin.staffing.requirements import offered_load, pool_loads, requirements
from tests.conftest import MINIMAL
from twin.arrivals import rate_per_s
from twin.experiment import ReplicationResult


def textbook_erlang_c(s: int, a: float) -> float:
    """C(s, a) = (a^s/s! · s/(s−a)) / (Σ_{k<s} a^k/k! + a^s/s! · s/(s−a))."""
    top = a**s / math.factorial(s) * s / (s - a)
    return top / (sum(a**k / math.factorial(k) for k in range(s)) + top)


@given(st.floats(0.05, 40.0), st.integers(1, 60))
def test_erlang_c_equals_the_textbook_formula(a, extra):
    s = math.floor(a) + extra
    assert erlang_c(s, a) == pytest.approx(textbook_erlang_c(s, a), rel=1e-9)


def test_an_unstable_queue_always_waits_forever():
    assert erlang_c(3, 3.0) == 1.0
    assert mean_wait_s(2, 2.5, 60.0) == math.inf
    assert wait_exceeds(2, 2.5, 60.0, 600.0) == 1.0


def test_mm1_mean_wait_is_rho_over_mu_minus_lambda():
    # λ = 0.5/min, E[S] = 1 min: Wq = ρ / (μ − λ) = 0.5 / 0.5 = 1 min
    assert mean_wait_s(1, 0.5, 60.0) == pytest.approx(60.0)


@given(
    st.floats(0.01, 60.0),
    st.floats(30.0, 3600.0),
    st.floats(0.5, 60.0),
    st.sampled_from([None, 0.05, 0.2]),
)
def test_the_staffing_found_is_the_fewest_that_meet_the_rule(a, service_s, minutes, tail):
    rule = WaitRule(minutes, tail)
    s = servers_needed(a, service_s, rule)
    assert s > a
    assert rule.met(s, a, service_s)
    assert s - 1 <= a or not rule.met(s - 1, a, service_s)


def test_no_load_needs_no_officer():
    assert servers_needed(0.0, 300.0, WaitRule(5.0)) == 0


def test_the_modified_offered_load_lags_a_step_in_arrivals_by_about_a_service_time():
    # 60 tasks an hour from hour 2 on, 30 min each: the pointwise-stationary load jumps to
    # 30 Erlang at once; the real (infinite-server) load climbs over the next hour.
    rates = [0.0, 0.0] + [60.0] * 6
    mol = offered_load(rates, task_s=1800.0)
    assert mol[:2] == [0.0, 0.0]
    assert 5 < mol[2] < 20  # the first busy hour is far below 30
    assert mol[2] < mol[3] < mol[4] < 30.0
    assert mol[-1] == pytest.approx(30.0, rel=0.01)


def test_the_requirement_follows_the_served_trucks_profile_scaled_by_measured_work():
    data = yaml.safe_load(MINIMAL)
    data["uncertainties"]["hourly_profile"] = [0.5] * 12 + [1.5] * 12
    data["run"].update(horizon_h=24, warmup_h=0)
    base = parse_scenario(data, "two_halves")
    hours = 24
    # measured: 0.5 Erlang per truck-hour share, noisy by hour
    rates = [
        rate_per_s(base, base.uncertainties.flows[0], h * 3600 + 1) * 3600 for h in range(hours)
    ]
    mol = offered_load(rates, 300.0)
    kpis = {busy_key("docs", h): 0.5 * m * (1.1 if h % 2 else 0.9) for h, m in enumerate(mol)}
    kpis[work_key("docs")] = 300.0
    loads = pool_loads(base, [ReplicationResult(0, kpis)], ["docs"])
    req = requirements(base, loads, {"docs": (WaitRule(5.0),)})["docs"]
    night, day = req.load[3], req.load[15]
    assert day / night == pytest.approx(3.0, rel=0.02)  # the profile's shape, not the noise
    assert sum(req.load[:24]) == pytest.approx(
        sum(kpis[busy_key("docs", h)] for h in range(24)), rel=0.02
    )
    assert req.servers[15] > req.servers[3] >= 1
    assert set(req.source) == {"fitted"}
