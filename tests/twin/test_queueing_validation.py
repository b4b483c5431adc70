"""Reduced to one M/M/c gate, the twin reproduces the Erlang-C mean wait."""

from __future__ import annotations

import math

import pytest

from ftz_spec import parse_scenario
from twin.experiment import run_experiment
from twin.stats import mean_ci
from twin.twin_fixtures import scenario_data


def erlang_c_wait_s(lam_per_s: float, mean_service_s: float, c: int) -> float:
    a = lam_per_s * mean_service_s
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait * mean_service_s / (c - rho * c)


@pytest.mark.slow
def test_one_gate_reduced_to_m_m_c_matches_erlang_c_within_the_confidence_interval():
    data = scenario_data(
        intelligent=True,
        trucks_per_h=100.0,
        lanes=2,
        mismatch=0.0,
        service={"auto_check_s": {"dist": "exponential", "mean": 60.0}},
        horizon_h=120.0,
    )
    data["run"].update(warmup_h=5.0, replications=20, event_log="none")
    scenario = parse_scenario(data)
    results = run_experiment(scenario)
    waits = [r.kpis["wait_min_mean[z1/g1/lanes]"] * 60.0 for r in results]
    iv = mean_ci(waits)
    expected = erlang_c_wait_s(100 / 3600, 60.0, 2)
    assert iv.low <= expected <= iv.high, (expected, iv)
    assert iv.half_width < 0.2 * expected  # the interval is tight enough to mean something


def test_more_traffic_lengthens_the_gate_queue():
    def wait(rate: float) -> float:
        data = scenario_data(
            trucks_per_h=rate,
            mismatch=0.0,
            service={"auto_check_s": {"dist": "exponential", "mean": 60.0}},
        )
        rs = run_experiment(parse_scenario(data))
        return mean_ci([r.kpis["wait_min_mean[z1/g1/lanes]"] for r in rs]).mean

    assert wait(60.0) < wait(90.0) < wait(110.0)
