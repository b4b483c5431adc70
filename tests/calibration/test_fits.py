"""The fits, one by one: families by AIC, intervals that cover, arrival profiles, the split."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftz_spec.loader import merge
from ftztwin.calibrate.families import MIN_OBSERVATIONS, fit_families, intervals
from ftztwin.calibrate.overlay import nest
from ftztwin.calibrate.profiles import fit_arrivals
from ftztwin.calibrate.validation import held_out

SAMPLES = {
    "lognormal": lambda rng, n: rng.lognormal(math.log(10) - 0.08, 0.4, n),
    "exponential": lambda rng, n: rng.exponential(300.0, n),
    "triangular": lambda rng, n: rng.triangular(120, 150, 210, n),
    "uniform": lambda rng, n: rng.uniform(2.0, 5.0, n),
}


@pytest.mark.parametrize("family", sorted(SAMPLES))
def test_the_family_that_made_a_large_sample_is_chosen_by_aic(family):
    x = SAMPLES[family](np.random.default_rng(7), 3000)
    chosen = next(f for f in fit_families(x) if f.representable)
    assert chosen.family == family
    assert chosen.ks[1] > 0.01  # the fitted family passes its own goodness-of-fit test


def test_a_sample_of_one_value_is_a_fixed_value():
    fits = fit_families(np.full(50, 3.0) + np.linspace(0, 1e-12, 50))
    assert [(f.family, f.params["value"]) for f in fits] == [("fixed", 3.0)]


def test_too_few_observations_are_not_fitted():
    with pytest.raises(ValueError, match=f"at least {MIN_OBSERVATIONS} are needed"):
        fit_families(np.ones(MIN_OBSERVATIONS - 1) * 2.0 + np.arange(MIN_OBSERVATIONS - 1))


def _coverage(family, params, truth, seeds, n):
    hits = dict.fromkeys(truth, 0)
    for seed in range(seeds):
        x = SAMPLES[family](np.random.default_rng(1000 + seed), n)
        fit = next(f for f in fit_families(x) if f.family == family)
        (iv,) = intervals(fit, x)
        for k, v in truth.items():
            hits[k] += iv[k][0] <= v <= iv[k][1]
    return hits


def test_log_normal_and_exponential_intervals_cover_at_their_level():
    mean = 10 * math.exp(-0.08 + 0.08)
    sd = mean * math.sqrt(math.expm1(0.16))
    ln = _coverage("lognormal", None, {"mean": mean, "sd": sd}, 60, 200)
    ex = _coverage("exponential", None, {"mean": 300.0}, 60, 200)
    # 95% intervals: 57 of 60 expected; fewer than 52 has a probability below 0.2%.
    assert min(ln.values()) >= 52 and ex["mean"] >= 52


def test_triangular_intervals_cover_its_bounds_and_mode():
    hits = _coverage("triangular", None, {"low": 120, "mode": 150, "high": 210}, 10, 300)
    assert min(hits.values()) >= 8


def _arrivals(shapes, days=14, rate=400.0, seed=3):
    """Poisson arrivals per flow with hourly shapes (mean 1) and a flat week."""
    rng = np.random.default_rng(seed)
    rows = []
    for flow, shape in shapes.items():
        for hour in range(days * 24):
            n = rng.poisson(rate / 24 * shape[hour % 24])
            rows += [(flow, hour * 3600.0 + t) for t in rng.uniform(0, 3600, n)]
    return pd.DataFrame(rows, columns=["flow", "time_s"])


PEAK = np.array([0.3] * 7 + [1.6] * 12 + [0.6] * 5)
PEAK = PEAK / PEAK.mean()


def test_arrival_rates_and_the_shared_profile_are_recovered():
    fit = fit_arrivals(
        _arrivals({"a": PEAK, "b": PEAK}), 0.0, 14 * 86400.0, (1.0,) * 24, (1.0,) * 7, 1.0
    )
    z = 3.5
    for flow in ("a", "b"):
        rate, se, _ = fit.rates[flow]
        assert abs(math.log(rate / 400.0)) < z * se
    values, se = fit.hourly
    assert np.all(np.abs(np.log(values / PEAK)) < z * se)
    assert fit.homogeneity[2] > 0.001  # one shared profile is not rejected


def test_flows_with_different_profiles_are_told_apart():
    night = np.roll(PEAK, 12)
    fit = fit_arrivals(
        _arrivals({"a": PEAK, "b": night}), 0.0, 14 * 86400.0, (1.0,) * 24, (1.0,) * 7, 1.0
    )
    assert fit.homogeneity[2] < 1e-6
    assert np.allclose(fit.per_flow["b"][0], night, rtol=0.25)


def test_a_log_shorter_than_a_week_keeps_the_scenarios_weekly_profile():
    weekly = (1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5)
    fit = fit_arrivals(_arrivals({"a": PEAK}, days=3), 0.0, 3 * 86400.0, (1.0,) * 24, weekly, 1.0)
    assert fit.weekly is None and fit.hourly is not None
    rate, se, _ = fit.rates["a"]
    assert abs(math.log(rate / (400.0 / (1.2 / np.mean(weekly))))) < 3.5 * se


@given(st.text(min_size=1, max_size=12), st.floats(0, 1), st.floats(0, 1))
def test_a_truck_held_out_at_a_share_is_held_out_at_every_larger_share(case_id, a, b):
    lo, hi = min(a, b), max(a, b)
    assert not held_out(case_id, lo) or held_out(case_id, hi)


def test_the_held_out_share_is_the_share_asked_for():
    share = np.mean([held_out(f"flow#{i}", 0.25) for i in range(20000)])
    assert abs(share - 0.25) < 0.01


def test_an_overlay_changing_a_family_removes_only_the_keys_the_files_set():
    raw = {
        "uncertainties": {
            "times": {"scan_s": {"dist": "triangular", "low": 1, "mode": 2, "high": 3}}
        }
    }
    values = {
        "uncertainties.times.scan_s": {"dist": "lognormal", "mean": 2.0, "sd": 0.5},
        "uncertainties.times.doc_review_min": {"dist": "fixed", "value": 3.0},
        "uncertainties.flows[id=a].trucks_per_day": 100.0,
    }
    data = nest(values, raw)
    assert data["uncertainties"]["times"]["scan_s"] == {
        "dist": "lognormal", "mean": 2.0, "sd": 0.5, "low": None, "mode": None, "high": None
    }  # fmt: skip
    assert data["uncertainties"]["times"]["doc_review_min"] == {"dist": "fixed", "value": 3.0}
    assert data["uncertainties"]["flows"] == [{"id": "a", "trucks_per_day": 100.0}]
    merged = merge(raw, data)
    assert merged["uncertainties"]["times"]["scan_s"] == {
        "dist": "lognormal",
        "mean": 2.0,
        "sd": 0.5,
    }
