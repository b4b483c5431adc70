import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.risk import Drawer, RiskEngine, stable_uniform
from tests.risk.helpers import binomial_tolerance, population, table

ids = st.text(min_size=1, max_size=40)
seeds = st.integers(min_value=0, max_value=2**64)


@given(seed=seeds, declaration_id=ids)
def test_same_seed_and_declaration_id_always_give_the_same_draw(seed, declaration_id):
    a = stable_uniform(seed, declaration_id)
    b = Drawer(seed).draw(declaration_id)
    assert a == b
    assert 0.0 <= a < 1.0


@given(seed=seeds, declaration_id=ids)
def test_draws_for_different_purposes_are_separate(seed, declaration_id):
    d = Drawer(seed)
    assert d.draw(declaration_id, "random") != d.draw(declaration_id, "control:BK-1")


def test_draw_is_a_fixed_function_of_seed_and_id_across_versions():
    # Pinned so that a change of hash, encoding or scaling (which would void audits) fails.
    assert stable_uniform(7, "D1") == pytest.approx(stable_uniform(7, "D1"))
    assert stable_uniform(7, "D1") != stable_uniform(8, "D1")
    assert stable_uniform(0, "ABC") == pytest.approx(0.9830674891335883, abs=0)


def test_negative_seed_is_rejected():
    with pytest.raises(ValueError, match="seed -1"):
        Drawer(-1)


def test_draws_are_uniform_within_binomial_tolerance():
    d = Drawer(2014)
    u = np.array([d.draw(f"D{i}") for i in range(40_000)])
    for q in (0.01, 0.05, 0.2, 0.5, 0.9):
        assert abs((u < q).mean() - q) < binomial_tolerance(q, u.size)


@settings(max_examples=20, deadline=None)
@given(perm_seed=st.integers(0, 2**32 - 1))
def test_reordering_declarations_never_changes_a_random_control_draw(perm_seed):
    cases = list(population(60, seed=1))
    order = np.random.default_rng(perm_seed).permutation(len(cases))
    first = {
        d.declaration_id: d
        for d in (
            RiskEngine(table(), seed=5).assess(c.declaration, c.enterprise, 0.0) for c in cases
        )
    }
    engine = RiskEngine(table(), seed=5)
    for i in order:
        c = cases[i]
        d = engine.assess(c.declaration, c.enterprise, 0.0)
        assert d.random_draw == first[d.declaration_id].random_draw
        assert d.in_random_stratum == first[d.declaration_id].in_random_stratum
