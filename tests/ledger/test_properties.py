"""Hypothesis properties of the ledger's invariants, on memory and on SQLite."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.ledger import (
    BondedList,
    Direction,
    DualReview,
    EntryStatus,
    GatePassage,
    GatePassBinding,
    Ledger,
    LedgerError,
    ListLine,
    Movement,
    MovementKind,
    WriteOffMode,
    WriteOffState,
)
from ftz_stores import MemoryStore
from ftz_stores.sqlite import SqliteStore
from tests.ledger.helpers import ACC, GATE, LOG, LOG_LINES, D
from tests.ledger.helpers import LINES as ALL_LINES

A, L = ACC.account_id, LOG.account_id
LINES = [(A, 1), (A, 10), (L, 1)]
PCE_LINES = [line for line in ALL_LINES if line.unit == "PCE"]


@contextmanager
def fresh(backend: str) -> Iterator[Ledger]:
    if backend == "memory":
        store: object = MemoryStore()
        tmp = None
    else:
        tmp = tempfile.TemporaryDirectory()
        store = SqliteStore(Path(tmp.name) / "p.sqlite")
    led = Ledger(store)  # type: ignore[arg-type]
    led.open_account(ACC, PCE_LINES, now=0.0)
    led.open_account(LOG, LOG_LINES, now=0.0)
    try:
        yield led
    finally:
        store.close()  # type: ignore[attr-defined]
        if tmp is not None:
            tmp.cleanup()


qty = st.integers(1, 50).map(Decimal) | st.decimals("0.001", "50", places=3)
KINDS = list(MovementKind)


@st.composite
def movement(draw: st.DrawFn, key: str) -> Movement:
    acc, item = draw(st.sampled_from(LINES))
    kind = draw(st.sampled_from(KINDS))
    to_acc, to_item = draw(st.sampled_from(LINES))
    review = DualReview(GATE.ref, "o1", "o2") if draw(st.booleans()) else None
    return Movement(key, acc, item, kind, draw(qty), "PCE", GATE, "DOC", to_acc, to_item, review)


movements = st.lists(st.integers(0, 10_000), min_size=1, max_size=30, unique=True).flatmap(
    lambda ids: st.tuples(*(movement(f"k{i}") for i in ids))
)
BACKENDS = ["memory", "sqlite"]
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check_books(led: Ledger) -> None:
    for acc, item in LINES:
        b = led.balance(acc, item)
        entries = led.entries(acc, item)
        assert b.balance >= 0 and b.available >= 0
        assert b.balance == sum((e.delta for e in entries), Decimal(0))
        assert b.balance == (
            b.in_qty
            - b.out_qty
            - b.consumed_qty
            + b.produced_qty
            + b.transfer_in_qty
            - b.transfer_out_qty
            + b.adjusted_qty
        )


@pytest.mark.parametrize("backend", BACKENDS)
@FAST
@given(ms=movements)
def test_balances_never_go_negative_and_equal_the_sum_of_entries(backend: str, ms) -> None:
    with fresh(backend) as led:
        for m in ms:
            # A refused movement must have written nothing, which check_books verifies.
            with contextlib.suppress(LedgerError):
                led.post(m, now=1.0)
        check_books(led)


@pytest.mark.parametrize("backend", BACKENDS)
@FAST
@given(
    flows=st.lists(
        st.tuples(
            st.sampled_from([MovementKind.IN, MovementKind.OUT, MovementKind.CONSUMPTION]), qty
        ),
        min_size=1,
        max_size=25,
    ),
    data=st.data(),
)
def test_duplicated_or_reordered_submissions_give_the_same_balances(
    backend: str, flows, data
) -> None:
    opening = sum((q for k, q in flows if k is not MovementKind.IN), Decimal(0)) + 1
    ms = [Movement(f"m{i}", A, 1, k, q, "PCE", GATE) for i, (k, q) in enumerate(flows)]
    seed = Movement("opening", A, 1, MovementKind.IN, opening, "PCE", GATE)
    replay = data.draw(st.permutations(ms + data.draw(st.lists(st.sampled_from(ms)))))
    with fresh("memory") as ref, fresh(backend) as led:
        ref.post_batch([seed, *ms], now=1.0)
        led.post(seed, now=1.0)
        for m in replay:
            led.post(m, now=2.0)
        assert led.balance(A, 1) == ref.balance(A, 1)
        assert len(led.entries(A, 1)) == len(ms) + 1


@pytest.mark.parametrize("backend", BACKENDS)
@FAST
@given(
    splits=st.lists(st.integers(1, 5), min_size=1, max_size=6),
    data=st.data(),
)
def test_each_gate_passage_posts_exactly_once_whatever_the_retries(
    backend: str, splits, data
) -> None:
    total = Decimal(sum(splits))
    passes = [f"GP{i}" for i in range(len(splits))]
    events = data.draw(st.permutations(passes + data.draw(st.lists(st.sampled_from(passes)))))
    release_at = data.draw(st.integers(0, len(events)))
    with fresh(backend) as led:
        bl = BondedList(
            "L1",
            A,
            Direction.IMPORT,
            WriteOffMode.D,
            (ListLine(1, total, "PCE"),),
            GATE,
            declaration_id="DEC1",
        )
        led.declare_list(bl, now=1.0)
        led.pre_write_off("L1", now=1.0)
        for p, q in zip(passes, splits, strict=True):
            led.bind_gate_pass(GatePassBinding(p, "L1", ((1, D(q)),)), now=1.0)
        for i, p in enumerate(events):
            if i == release_at:
                led.release_declaration("DEC1", now=2.0)
            led.record_gate_passage(GatePassage(p, "gate"), now=2.0)
        led.release_declaration("DEC1", now=3.0)
        st_ = led.list_status("L1")
        assert st_ is not None and st_.state is WriteOffState.WRITTEN_OFF
        assert st_.passed == (total,)
        assert led.balance(A, 1).balance == total
        posted = [e for e in led.entries(A, 1) if e.status is EntryStatus.POSTED]
        assert len(posted) == 1
