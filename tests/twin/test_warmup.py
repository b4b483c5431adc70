"""MSER-5 finds the end of a transient, refuses to judge a trend, and its series stay bounded."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.series import BatchSeries, InOrder, Series
from twin.warmup import estimate_warmup, mser


def _series(values, dt_s=60.0, batch=5):
    b = BatchSeries(batch)
    for i, v in enumerate(values):
        b.add(float(v), i * dt_s)
    return b.frozen()


def test_mser5_cuts_a_decaying_start_where_it_has_died_out():
    rng = np.random.default_rng(7)
    n = 5000
    t = np.arange(n)
    values = 10 + 40 * np.exp(-t / 300) + rng.normal(0, 2, n)
    est = estimate_warmup("x", [_series(values)])
    assert est.determined
    cut = est.warmup_h * 60  # observations are a minute apart
    assert 600 <= cut <= 2000  # the transient is below one noise sd after ~1,100


def test_a_stationary_series_needs_next_to_no_warmup():
    rng = np.random.default_rng(8)
    runs = [_series(rng.exponential(10.0, 4000)) for _ in range(3)]
    est = estimate_warmup("x", runs)
    assert est.determined and est.warmup_h < 0.15 * 4000 / 60
    assert est.verdict(est.warmup_h + 1) == "agrees"
    assert est.verdict(max(0.0, est.warmup_h - 1)) in ("contradicts", "agrees")


def test_a_series_that_keeps_growing_is_undetermined_not_given_a_warmup():
    rng = np.random.default_rng(9)
    values = np.linspace(0, 100, 4000) + rng.normal(0, 3, 4000)
    est = estimate_warmup("x", [_series(values)])
    assert not est.determined
    assert est.verdict(1e9) == "undetermined"


def test_too_short_a_series_is_not_judged():
    est = estimate_warmup("x", [_series(np.ones(200))])
    assert est.verdict(0.0) == "too few data"


@settings(max_examples=40)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=300))
def test_mser_truncation_is_the_argmin_of_its_statistic_over_tails_that_vary(z):
    d, determined = mser(z)
    x = np.asarray(z, dtype=float)
    stat = [np.var(x[k:]) * (len(x) - k) / (len(x) - k) ** 2 for k in range(len(x) - 1)]
    varying = [k for k in range(len(x) - 1) if np.ptp(x[k:]) > 0]
    candidates = varying or list(range(len(x) - 1))
    assert d in candidates
    best = min(stat[k] for k in candidates)
    assert stat[d] <= best + 1e-9 * max(1.0, float(np.max(np.abs(x))) ** 2)
    assert determined == (d <= len(z) // 2)


def test_a_sparse_stationary_series_ending_in_zeros_is_judged_not_undetermined():
    # A pool that rarely makes anyone wait: waits are zero but for rare spikes, and the
    # run ends in a quiet spell. The zero tail is not a place to cut.
    rng = np.random.default_rng(11)
    values = np.zeros(6000)
    values[::40] = rng.uniform(5.0, 15.0, 150)  # someone waits now and then, all run long
    values[-50:] = 0.0
    est = estimate_warmup("x", [_series(values)])
    assert est.determined and est.warmup_h < 0.5 * 6000 / 60


def test_observations_ending_out_of_order_are_batched_in_the_order_they_began():
    order = InOrder()
    tickets = [order.begin(float(t)) for t in range(10)]
    for t in reversed(tickets):  # the last to begin ends first
        order.end(t, float(t))
    s = order.frozen()
    assert s.means == (2.0, 7.0) and s.ends_s == (4.0, 9.0)


def test_an_observation_that_never_ends_does_not_hold_memory_for_ever():
    order = InOrder(max_pending=50)
    stuck = order.begin(0.0)
    for t in range(1, 1000):
        order.end(order.begin(float(t)), 1.0)
    assert stuck not in order._begun
    assert len(order._done) <= 51
    assert len(order.frozen().means) >= (1000 - 60) // 5


def test_a_long_series_is_compacted_by_doubling_the_batch():
    b = BatchSeries(5, max_batches=64)
    for i in range(5 * 1000):
        b.add(float(i % 7), float(i))
    s: Series = b.frozen()
    assert len(s.means) < 64 and s.batch in (80, 160)
    assert abs(np.mean(s.means) - 3.0) < 0.1
