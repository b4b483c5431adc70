"""Named random streams depend only on seed, replication and name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twin.rng import Streams

names = st.text(min_size=1, max_size=12)


@given(st.integers(0, 2**32), st.integers(0, 50), names, names)
def test_a_stream_does_not_depend_on_which_other_streams_were_used(seed, rep, a, b):
    s1 = Streams(seed, rep)
    s1.get(b).random(5)
    x = s1.get(a).random(3) if a != b else Streams(seed, rep).get(a).random(3)
    y = Streams(seed, rep).get(a).random(3)
    assert (x == y).all()


def test_replications_and_names_give_different_streams():
    draws = {
        (rep, name): tuple(Streams(1, rep).get(name).random(2))
        for rep in range(3)
        for name in ("arrivals/g1", "arrivals/g2", "device/x")
    }
    assert len(set(draws.values())) == len(draws)
