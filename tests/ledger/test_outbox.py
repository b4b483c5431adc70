"""Point 9: the outbox is delivered, at least once and idempotently, on all backends."""

from __future__ import annotations

import pytest

from core.ledger import (
    BomLine,
    ConsumptionDrifted,
    DeclarationOverdue,
    FiledConsumption,
    Ledger,
    ListPreWrittenOff,
    Movement,
    MovementKind,
    OutboxItem,
    WorkOrder,
)
from core.risk import CreditClass, Enterprise, RiskEngine
from core.risk.ledger_feed import LedgerRiskFeed
from ftz_stores import MemoryStore
from tests.ledger.conftest import open_books
from tests.ledger.helpers import ACC, ERP, GATE, REVIEW, D, blist
from tests.risk.helpers import declaration, table

A, ENT = ACC.account_id, ACC.enterprise_id


def emit_lists(ledger: Ledger, n: int) -> None:
    ledger.post(Movement("s", A, 1, MovementKind.IN, D(1000), "PCE", GATE), 0.5)
    for i in range(n):
        ledger.declare_list(blist(f"L{i}", qty="1", decl=f"D{i}"), 1.0 + i)
        ledger.pre_write_off(f"L{i}", 1.0 + i)


def test_events_are_delivered_in_order_once_acknowledged_and_kept_across_restarts(
    reopen,
) -> None:
    led = open_books(Ledger(reopen()))
    emit_lists(led, 3)
    box = led.outbox("monitoring")
    seen: list[OutboxItem] = []
    assert box.deliver(seen.append) == 3
    assert [i.event for i in seen] == [ListPreWrittenOff(f"L{i}", 1.0 + i) for i in range(3)]
    assert [i.seq for i in seen] == sorted({i.seq for i in seen})
    assert box.deliver(seen.append) == 0  # acknowledged: not again
    emit_lists_more = blist("L9", qty="1", decl="D9")
    led.declare_list(emit_lists_more, 9.0)
    led.pre_write_off("L9", 9.0)
    again = Ledger(reopen()).outbox("monitoring")  # a restarted consumer
    assert again.cursor() == seen[-1].seq
    assert [i.event for i in again.poll()] == [ListPreWrittenOff("L9", 9.0)]


def test_a_consumer_that_fails_midway_gets_the_rest_again_and_nothing_twice(reopen) -> None:
    led = open_books(Ledger(reopen()))
    emit_lists(led, 4)
    box = led.outbox("risk")
    handled: list[int] = []

    def flaky(item: OutboxItem) -> None:
        if len(handled) == 2:
            raise RuntimeError("consumer crashed")
        handled.append(item.seq)

    with pytest.raises(RuntimeError):
        box.deliver(flaky)
    first = list(handled)
    box.deliver(lambda item: handled.append(item.seq))
    assert len(handled) == 4 and handled[:2] == first and len(set(handled)) == 4


def test_consumers_read_independently(ledger: Ledger) -> None:
    emit_lists(ledger, 2)
    a, b = ledger.outbox("risk"), ledger.outbox("monitoring")
    assert a.deliver(lambda i: None) == 2
    assert len(b.poll()) == 2 and a.poll() == []


def test_drift_and_overdue_become_risk_factors_of_the_enterprise_once_each(
    ledger: Ledger,
) -> None:
    from core.ledger import BondedList, Direction, ListLine, ManifestEntry, WriteOffMode

    ledger.post_batch(
        [
            Movement("m1", A, 1, MovementKind.IN, D(1000), "PCE", GATE),
            Movement("m2", A, 2, MovementKind.IN, D(1000), "KGM", GATE),
        ],
        0.5,
    )
    ledger.file_consumption(FiledConsumption(A, 10, (BomLine(1, D(2)),)), REVIEW, 0.5)
    ledger.write_off_work_order(WorkOrder("WO", A, 10, D(10), ((1, D(30)),), ERP), 1.0)
    bl = BondedList("LE", A, Direction.IMPORT, WriteOffMode.D, (ListLine(1, D(1), "PCE"),), GATE)
    ledger.enter_on_manifest(ManifestEntry("MF", bl, 10.0), 1.0)
    ledger.check_deadlines(11.0)
    engine = RiskEngine(table(), seed=1)
    d = declaration(enterprise_id=ENT)
    ent = Enterprise(ENT, CreditClass.GENERAL_CREDIT)
    before = engine.assess(d, ent, 20.0).score
    feed = LedgerRiskFeed()
    items = ledger.outbox("risk").poll(1000)
    for it in items + items:  # delivered twice (at least once): applied once
        feed.apply(engine, it, 20.0)
    assert dict(feed.applied) == {"ConsumptionDrifted": 1, "DeclarationOverdue": 1}
    assert feed.duplicates == len(items)
    kinds = {type(i.event) for i in items}
    assert {ConsumptionDrifted, DeclarationOverdue} <= kinds
    assert engine.assess(d, ent, 21.0).score > before


def test_the_memory_outbox_drops_what_every_consumer_has_acknowledged() -> None:
    led = open_books(Ledger(MemoryStore(consumers=("risk", "monitoring"))))
    emit_lists(led, 50)
    led.outbox("risk").deliver(lambda i: None)
    assert len(led.store.events) == 50  # monitoring has not read them yet
    led.outbox("monitoring").deliver(lambda i: None)
    assert len(led.store.events) == 0
    emit_lists_again = blist("X", qty="1", decl="DX")
    led.declare_list(emit_lists_again, 99.0)
    led.pre_write_off("X", 99.0)
    assert [i.event for i in led.outbox("risk").poll()] == [ListPreWrittenOff("X", 99.0)]
