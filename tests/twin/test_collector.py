"""The run's speed-ups change no result: the paused collector and the inserting queue."""

from __future__ import annotations

import gc
import threading
import weakref
from contextlib import contextmanager

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.probe import scenario
from twin import collector
from twin.experiment import run_replication
from twin.staff import PriorityResource


def test_pausing_the_collector_changes_no_result(monkeypatch) -> None:
    sc = scenario(6.0)
    paused = run_replication(sc, 3).kpis

    @contextmanager
    def running_collector():
        yield

    monkeypatch.setattr(collector, "paused", running_collector)
    assert gc.isenabled()
    assert run_replication(sc, 3).kpis == paused


def test_the_collector_is_running_again_after_a_run() -> None:
    assert gc.isenabled()
    run_replication(scenario(1.0), 0)
    assert gc.isenabled()


def test_a_run_leaves_a_paused_collector_paused() -> None:
    gc.disable()
    try:
        run_replication(scenario(1.0), 0)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_runs_restore_the_collector_when_the_last_one_ends() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector.paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector.paused():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first run ended; this one still runs
        seen.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == [False, True]


def test_the_sweeper_collects_once_objects_pile_up() -> None:
    env = simpy.Environment()
    env.process(collector.sweeper(env, check_s=1.0, objects=1))

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    with collector.paused():
        cycle = Cycle()
        gone = weakref.ref(cycle)
        del cycle  # unreachable now, but only a pass of the collector frees it
        assert gone() is not None
        env.run(until=1.5)
        assert gone() is None  # the sweeper's pass ran


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-2, 2), st.integers(0, 3), st.floats(0.5, 5.0)),
        min_size=1,
        max_size=40,
    )
)
def test_the_inserting_queue_serves_in_simpys_order(requests) -> None:
    # Same requests (priority, arrival, hold) against SimPy's sorting queue and ours.
    def order(cls: type[simpy.PriorityResource]) -> list[int]:
        env = simpy.Environment()
        res = cls(env, capacity=2)
        served: list[int] = []

        def user(i: int, prio: int, at: int, hold: float):
            yield env.timeout(at)
            with res.request(priority=prio) as req:
                yield req
                served.append(i)
                yield env.timeout(hold)

        for i, (prio, at, hold) in enumerate(requests):
            env.process(user(i, prio, at, hold))
        env.run()
        return served

    assert order(PriorityResource) == order(simpy.PriorityResource)
