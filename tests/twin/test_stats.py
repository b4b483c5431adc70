"""Streaming statistics: bounded memory, accurate quantiles, correct intervals."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.stats import LogHistogram, mean_ci, t_quantile_975


@settings(max_examples=50)
@given(st.lists(st.floats(0.01, 1e5), min_size=1, max_size=400), st.sampled_from([0.5, 0.95]))
def test_histogram_quantile_is_within_two_percent_of_the_exact_one(values, q):
    h = LogHistogram()
    for v in values:
        h.add(v)
    exact = float(np.quantile(values, q, method="inverted_cdf"))
    lo = float(np.quantile(values, q, method="lower"))
    hi = float(np.quantile(values, q, method="higher"))
    got = h.quantile(q)
    assert min(lo, exact) * 0.98 <= got <= max(hi, exact) * 1.02
    assert math.isclose(h.mean, sum(values) / len(values), rel_tol=1e-9)


def test_histogram_memory_stays_flat_over_a_million_values():
    h = LogHistogram()
    rng = np.random.default_rng(1)
    for v in rng.exponential(60.0, 1_000_000):
        h.add(float(v))
    assert h.count == 1_000_000
    assert len(h._bins) < 2000


def test_confidence_interval_of_known_values():
    iv = mean_ci([1.0, 2.0, 3.0, 4.0])
    sd = math.sqrt(5 / 3)
    assert iv.mean == 2.5
    assert math.isclose(iv.half_width, 3.182 * sd / 2, rel_tol=1e-9)


def test_t_quantile_approaches_the_normal_one():
    assert t_quantile_975(1) > t_quantile_975(10) > t_quantile_975(1000) > 1.96
    assert abs(t_quantile_975(1000) - 1.962) < 2e-3


def test_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(3)
    covered = sum(
        iv.low <= 10.0 <= iv.high
        for iv in (mean_ci(list(rng.normal(10, 3, 8))) for _ in range(2000))
    )
    assert 0.93 * 2000 <= covered <= 0.97 * 2000
