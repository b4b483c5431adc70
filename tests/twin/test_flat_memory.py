"""The twin keeps only open state: memory stays level over a long run and between runs.

The memory figures come from a child process (:mod:`benchmarks.probe`): the test
session's own objects and other tests must not enter them.
"""

from __future__ import annotations

import gc

import pytest

from benchmarks.probe import probe, scenario
from core.ledger import PassState, Refusal, WriteOffState
from core.ledger.lists import ListStatus
from core.trace import Recorder
from twin.enterprises import EnterpriseAgent, EnterpriseModel
from twin.experiment import run_replication
from twin.model import Twin
from twin.world import World


def test_dropping_written_off_shipments_changes_no_result() -> None:
    sc = scenario(8.0)
    seen: list[Twin] = []

    def keep_all(t: Twin) -> None:
        t.world.ledger.keep_closed = True

    kept = run_replication(sc, 0, on_built=keep_all).kpis
    lean = run_replication(sc, 0, on_built=seen.append).kpis
    assert lean == kept
    store = seen[0].world.ledger.ledger.store
    assert store.retired > 500  # type: ignore[attr-defined]
    lists = seen[0].world.ledger.ledger.read(lambda tx: tx.docs("list"))
    assert lists and all(
        isinstance(st, ListStatus) and st.state is not WriteOffState.WRITTEN_OFF for st in lists
    )  # only open shipments are left


def test_a_dropped_shipments_pass_is_still_refused_as_used() -> None:
    twin = Twin(scenario(4.0), 0, Recorder([]))
    twin.run()
    link = twin.world.ledger
    store = link.ledger.store
    pass_id = next(reversed(store._used_passes))  # type: ignore[attr-defined]
    status = link.ledger.passes.pass_status(pass_id)
    assert status is not None and status.state is PassState.PASSED
    r = link.reserve(pass_id, "again", "沪A00000", status.gates[-1], twin.end_s)
    assert isinstance(r, Refusal) and r.reason.value == "pass_already_used"


def test_a_replication_leaves_nothing_of_itself_in_the_process() -> None:
    # Other tests in this process may hold their own twins (fixtures, caches): what is
    # asserted is that none of *this* replication's objects outlive it.
    kinds = (EnterpriseAgent, EnterpriseModel, Twin, World)
    gc.collect()
    before = {id(o) for o in gc.get_objects() if isinstance(o, kinds)}
    sc = scenario(1.0)
    run_replication(sc, 0)
    gc.collect()
    left = [o for o in gc.get_objects() if isinstance(o, kinds) and id(o) not in before]
    assert left == []


@pytest.mark.slow
def test_memory_after_a_week_is_within_ten_percent_of_a_day() -> None:
    # The cost per truck of the same two runs is a CPU-time ratio: it is checked alone,
    # after the parallel suite (tests/benchmarks/test_gross_regression.py).
    day, week = probe(24.0)["replications"][0], probe(168.0)["replications"][0]
    assert week["rss_mb"] <= 1.10 * day["rss_mb"], (day, week)


@pytest.mark.slow
def test_ten_replications_in_one_process_do_not_grow() -> None:
    rss = [r["rss_mb"] for r in probe(2.0, 10)["replications"]]
    assert rss[-1] <= 1.02 * rss[2], rss  # the first ones warm caches and lazy imports
