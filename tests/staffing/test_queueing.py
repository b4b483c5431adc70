"""Erlang-C staffing of one hour, against the textbook formula."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftztwin.staffing import WaitRule, erlang_c, mean_wait_s, servers_needed
from ftztwin.staffing.queueing import wait_exceeds


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
