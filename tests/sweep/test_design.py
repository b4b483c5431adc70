"""Designs: a grid has every combination once; a Latin hypercube hits every stratum once."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from ftztwin.sweep.design import Factor, full_grid, latin_hypercube, lhs_unit


@settings(deadline=None)  # the machine is shared: timing is not the property
@given(st.integers(1, 40), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_latin_hypercube_hits_each_stratum_of_each_factor_exactly_once(n, k, seed):
    unit = lhs_unit(n, k, seed)
    assert unit.shape == (n, k)
    for j in range(k):
        strata = sorted(int(u * n) for u in unit[:, j])
        assert strata == list(range(n))


@settings(deadline=None)  # the machine is shared: timing is not the property
@given(st.integers(2, 30), st.integers(0, 10_000), st.floats(-100, 100), st.floats(0.1, 100))
def test_latin_hypercube_of_a_range_puts_one_value_in_each_equal_slice(n, seed, low, width):
    f = Factor("x", low=low, high=low + width)
    values = [p["x"] for p in latin_hypercube([f], n, seed)]
    slices = sorted(min(int((v - low) / width * n), n - 1) for v in values)
    assert slices == list(range(n))


@settings(deadline=None)  # the machine is shared: timing is not the property
@given(st.integers(1, 30), st.integers(1, 5), st.integers(0, 100))
def test_latin_hypercube_over_levels_uses_each_level_n_over_k_times(n, k, seed):
    f = Factor("x", levels=tuple(range(k)))
    counts = Counter(p["x"] for p in latin_hypercube([f], n, seed))
    assert all(abs(counts.get(level, 0) - n / k) < 1 for level in range(k))


@settings(deadline=None)  # the machine is shared: timing is not the property
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4))
def test_grid_size_is_the_product_of_the_numbers_of_levels(sizes):
    factors = [Factor(f"f{i}", levels=tuple(range(s))) for i, s in enumerate(sizes)]
    points = full_grid(factors)
    assert len(points) == math.prod(sizes)
    assert len({tuple(p.values()) for p in points}) == len(points)  # every combination once


def test_a_range_in_a_grid_is_evenly_spaced_including_both_ends():
    f = Factor("x", low=0.8, high=1.2, steps=3)
    assert [p["x"] for p in full_grid([f])] == [0.8, 1.0, 1.2]


def test_integer_ranges_give_whole_numbers():
    f = Factor("n", low=6, high=30, integer=True)
    assert all(isinstance(p["n"], int) and 6 <= p["n"] <= 30 for p in latin_hypercube([f], 9, 1))


def test_latin_hypercube_is_reproducible_for_a_seed_and_differs_for_another():
    f = [Factor("a"), Factor("b")]
    assert latin_hypercube(f, 10, 3) == latin_hypercube(f, 10, 3)
    assert latin_hypercube(f, 10, 3) != latin_hypercube(f, 10, 4)


def test_adding_a_factor_keeps_the_values_of_the_factors_before_it():
    a = latin_hypercube([Factor("a")], 8, 5)
    ab = latin_hypercube([Factor("a"), Factor("b")], 8, 5)
    assert [p["a"] for p in a] == [p["a"] for p in ab]
