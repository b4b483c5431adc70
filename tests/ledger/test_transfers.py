"""Contract suite, point 5: transfers as a journey, on memory, SQLite and PostgreSQL.

Dispatched → in transit → received (or timed out); the receiving book validated against
the goods; arrival confirmed at the receiving zone's gate.
"""

from __future__ import annotations

import pytest

from core.ledger import (
    BondedList,
    Direction,
    Ledger,
    ListKind,
    ListLine,
    Movement,
    MovementKind,
    RefusalReason,
    TransferArrived,
    TransferDeparted,
    TransferRefused,
    TransferState,
    TransferTimedOut,
    UnknownAccount,
    WriteOffMode,
    WriteOffState,
)
from tests.ledger.helpers import (
    ACC,
    GATE,
    LOG,
    WGQ_GATE,
    YANGSHAN_GATE,
    YS,
    D,
    drive_through,
    filing,
)

A, L, Y = ACC.account_id, LOG.account_id, YS.account_id
ROUTE = ("yangshan_port", "waigaoqiao_logistics")


def transfer(list_id: str = "T1", to: str = L, to_item: int = 1, **kw: object) -> BondedList:
    return BondedList(
        list_id,
        A,
        Direction.EXPORT,
        WriteOffMode.D,
        (ListLine(1, D(10), "PCE", to_item_no=to_item),),
        GATE,
        with_declaration=False,
        kind=ListKind.TRANSFER,
        to_account_id=to,
        **kw,
    )  # type: ignore[arg-type]


def dispatched(ledger: Ledger) -> None:
    ledger.post(Movement("stock", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.declare_list(transfer(), 1.0)
    ledger.pre_write_off("T1", 1.0)
    ledger.passes.register_pass(filing("GT", ("T1", 1, "10"), route=ROUTE), 1.0)


def test_a_transfer_between_zones_is_a_journey_confirmed_at_both_gates(ledger: Ledger) -> None:
    dispatched(ledger)
    assert ledger.transfer("T1").state is TransferState.DISPATCHED
    assert ledger.balance(A, 1).available == D(90)  # reserved on the sending book
    drive_through(ledger, "GT", "out", 2.0, gate=YANGSHAN_GATE)
    t = ledger.transfer("T1")
    assert t.state is TransferState.IN_TRANSIT and t.due_s == 2.0 + 12 * 3600
    assert ledger.balance(L, 1).balance == 0  # in transit: on neither book
    assert ledger.list_status("T1").state is WriteOffState.PRE_WRITTEN_OFF
    drive_through(ledger, "GT", "in", 3600.0, gate=WGQ_GATE)
    t = ledger.transfer("T1")
    assert (t.state, t.received_s, t.late) == (TransferState.RECEIVED, 3600.0, False)
    assert ledger.list_status("T1").state is WriteOffState.WRITTEN_OFF
    assert ledger.balance(A, 1).balance == D(90) and ledger.balance(L, 1).balance == D(10)
    kinds = [type(i.event) for i in ledger.outbox("m").poll(100)]
    assert TransferDeparted in kinds and TransferArrived in kinds


def test_arrival_at_a_gate_of_another_zone_is_refused(ledger: Ledger) -> None:
    dispatched(ledger)
    assert drive_through(ledger, "GT", "x", 2.0, gate=WGQ_GATE).reason is RefusalReason.WRONG_GATE
    drive_through(ledger, "GT", "out", 3.0, gate=YANGSHAN_GATE)
    r = drive_through(ledger, "GT", "y", 4.0, gate="pudong_airport/gate_1")
    assert r.reason is RefusalReason.WRONG_GATE
    assert ledger.transfer("T1").state is TransferState.IN_TRANSIT


def test_a_transfer_in_transit_too_long_times_out_once_and_may_still_arrive(
    ledger: Ledger,
) -> None:
    dispatched(ledger)
    drive_through(ledger, "GT", "out", 2.0, gate=YANGSHAN_GATE)
    due = 2.0 + 12 * 3600
    assert ledger.check_deadlines(due).events == ()
    assert ledger.check_deadlines(due + 1).events == (
        TransferTimedOut("T1", ACC.enterprise_id, A, L, due, due + 1),
    )
    assert ledger.check_deadlines(due + 2).events == ()
    drive_through(ledger, "GT", "in", due + 100, gate=WGQ_GATE)
    t = ledger.transfer("T1")
    assert t.state is TransferState.RECEIVED and t.late


@pytest.mark.parametrize(
    ("bl", "error", "named"),
    [
        (transfer(to=A), TransferRefused, "needs another book"),
        (transfer(to="NOPE"), UnknownAccount, "NOPE"),
        (transfer(to_item=7), TransferRefused, "to_item_no=7 not filed"),
        (transfer(to=A, to_item=10), TransferRefused, "needs another book"),
        (transfer(gate_required=False), TransferRefused, "goods crossing zones pass two gates"),
    ],
)
def test_the_receiving_book_is_validated_against_the_goods(
    ledger: Ledger, bl: BondedList, error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        ledger.declare_list(bl, 1.0)
    assert ledger.list_status(bl.list_id) is None


def test_a_receiving_line_for_other_goods_is_refused(ledger: Ledger) -> None:
    from core.ledger import Line

    ledger.file_lines([Line(L, 2, "W-BOARD", "8473302000", "PCE")], 0.5)
    with pytest.raises(TransferRefused, match="filed as 8473302000/PCE"):
        ledger.declare_list(transfer(to_item=2), 1.0)


def test_a_cross_zone_transfer_pass_must_name_both_zones(ledger: Ledger) -> None:
    ledger.post(Movement("stock", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.declare_list(transfer(), 1.0)
    ledger.pre_write_off("T1", 1.0)
    with pytest.raises(TransferRefused, match="needs"):
        ledger.passes.register_pass(filing("GT", ("T1", 1, "10")), 1.0)


def test_a_transfer_within_a_zone_arrives_at_its_one_gate(ledger: Ledger) -> None:
    ledger.post(Movement("stock", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.declare_list(transfer(to=Y), 1.0)
    ledger.pre_write_off("T1", 1.0)
    ledger.passes.register_pass(filing("GT", ("T1", 1, "10")), 1.0)
    drive_through(ledger, "GT", "p", 2.0, gate=YANGSHAN_GATE)
    assert ledger.transfer("T1").state is TransferState.RECEIVED
    assert ledger.balance(Y, 1).transfer_in_qty == D(10)
