"""Statistics: scipy quantiles, intervals within bounds, censoring, pairing by index."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from twin.histogram import CensoredHistogram, LogHistogram
from twin.stats import holm, mean_ci, paired_difference, proportion_ci, t_quantile


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


def _exact_km_quantile(done, censored, q):
    """Kaplan–Meier quantile computed on the exact values (the reference)."""
    events = sorted(
        [(t, 1) for t in done] + [(t, 0) for t in censored], key=lambda e: (e[0], -e[1])
    )
    at_risk, surv = len(events), 1.0
    i = 0
    while i < len(events):
        t = events[i][0]
        d = c = 0
        while i < len(events) and events[i][0] == t:
            d += events[i][1]
            c += 1 - events[i][1]
            i += 1
        if d:
            surv *= 1 - d / at_risk
            if 1 - surv >= q - 1e-12:
                return t
        at_risk -= d + c
    return math.nan


@settings(max_examples=60)
@given(
    st.lists(st.floats(0.1, 1e4), min_size=1, max_size=200),
    st.lists(st.floats(0.1, 1e4), max_size=100),
    st.sampled_from([0.5, 0.95]),
)
def test_kaplan_meier_percentile_matches_the_exact_estimate_within_the_bin_width(done, censored, q):
    h = CensoredHistogram()
    for v in done:
        h.done.add(v)
    for v in censored:
        h.censored.add(v)
    exact = _exact_km_quantile(done, censored, q)
    got = h.quantile(q)
    if math.isnan(exact):
        # censoring hides the quantile: the binned estimate may not invent one
        assert math.isnan(got) or got >= max(done) / 1.02
    else:
        assert exact / 1.02 <= got <= exact * 1.02


def test_trucks_that_never_finish_raise_the_percentile_instead_of_vanishing():
    finished_fast = [1.0] * 90
    h = CensoredHistogram()
    for v in finished_fast:
        h.done.add(v)
    assert h.quantile(0.95) <= 1.02
    for _ in range(10):  # ten stuck for 600 min when the run stopped
        h.censored.add(600.0)
    assert math.isnan(h.quantile(0.95))  # more than 5 % unfinished: the p95 is not known
    assert h.mean >= (90 * 1.0 + 10 * 600.0) / 100 - 1e-9
    assert h.censored_share == 0.1


def test_t_quantiles_come_from_scipy():
    assert t_quantile(4) == float(sps.t.ppf(0.975, 4))
    assert t_quantile(1) > t_quantile(10) > t_quantile(1000) > 1.96
    assert math.isnan(t_quantile(0))


def test_confidence_interval_of_known_values():
    iv = mean_ci([1.0, 2.0, 3.0, 4.0])
    sd = math.sqrt(5 / 3)
    assert iv.mean == 2.5
    assert math.isclose(iv.half_width, sps.t.ppf(0.975, 3) * sd / 2, rel_tol=1e-12)
    assert iv.n == 4 and iv.missing == 0


def test_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(3)
    covered = sum(
        iv.low <= 10.0 <= iv.high
        for iv in (mean_ci(list(rng.normal(10, 3, 8))) for _ in range(2000))
    )
    assert 0.93 * 2000 <= covered <= 0.97 * 2000


@settings(max_examples=80)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6))
def test_a_utilisation_interval_never_leaves_zero_to_one(values):
    iv = mean_ci(values, (0.0, 1.0))
    assert 0.0 <= iv.low <= iv.mean <= iv.high <= 1.0


@settings(max_examples=80)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 50)), min_size=1, max_size=6))
def test_a_proportion_interval_is_wilson_bounded_and_never_narrower_than_wilson(pairs):
    pairs = [(min(k, n), n) for k, n in pairs]
    rates = [k / n for k, n in pairs]
    trials = [n for _, n in pairs]
    iv = proportion_ci(rates, trials)
    k, n = sum(k for k, _ in pairs), sum(trials)
    wilson = sps.binomtest(k, n).proportion_ci(method="wilson")
    assert 0.0 <= iv.low <= wilson.low + 1e-12 and wilson.high - 1e-12 <= iv.high <= 1.0
    assert iv.low <= iv.mean <= iv.high


def test_a_rare_event_seen_zero_times_still_gets_an_interval_above_zero():
    iv = proportion_ci([0.0, 0.0, 0.0], [200, 200, 200])
    assert iv.mean == 0.0 and iv.low == 0.0 and iv.high > 0.005  # t alone would give 0…0


def test_replications_where_a_kpi_does_not_apply_are_counted_not_dropped():
    iv = mean_ci([2.0, math.nan, 4.0])
    assert iv.n == 2 and iv.missing == 1 and iv.total == 3


def test_paired_differences_pair_by_replication_index_not_list_position():
    a = {0: 10.0, 1: 20.0, 2: 30.0}
    b = {2: 31.0, 0: 11.0, 1: 21.0, 5: 99.0}  # another order and an extra replication
    d = paired_difference(a, b)
    assert d.interval.mean == 1.0 and d.interval.half_width == 0.0
    assert d.unpaired == 1 and d.interval.n == 3


def test_holm_adjusts_step_down_and_keeps_order():
    p = holm({"a": 0.01, "b": 0.04, "c": 0.03, "d": math.nan})
    assert p["a"] == 0.03 and p["c"] == 0.06 and p["b"] == 0.06
    assert math.isnan(p["d"])
