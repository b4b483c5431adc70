"""Contract suite, point 4: deadlines with consequences, on memory, SQLite and PostgreSQL.

Enter first, declare later (先进区、后报关) and batch in/out with consolidated declaration
(分批进出、集中申报): each has a deadline, an overdue event (a risk factor), a hold on the
book, and a late-declaration fee (滞报金) when the declaration finally comes.
"""

from __future__ import annotations

import pytest

from core.ledger import (
    AccountHeld,
    AccountHoldLifted,
    AccountOnHold,
    BondedList,
    ConsolidatedDeclarationFiled,
    DeclarationOverdue,
    Direction,
    LateDeclarationFeeAssessed,
    Ledger,
    ListLine,
    ListWrittenOff,
    ManifestEntry,
    Movement,
    MovementKind,
    RefusalReason,
    WriteOffMode,
    WriteOffState,
)
from tests.ledger.helpers import ACC, GATE, D, blist, drive_through, filing, through_gate

A, ENT = ACC.account_id, ACC.enterprise_id
DAY = 86_400.0


def entry_list(list_id: str, value: str = "0") -> BondedList:
    return BondedList(
        list_id, A, Direction.IMPORT, WriteOffMode.D, (ListLine(1, D(10), "PCE", D(value)),), GATE
    )


def test_enter_first_declare_later_writes_off_after_the_late_declaration(ledger: Ledger) -> None:
    ledger.enter_on_manifest(ManifestEntry("MF-1", entry_list("L1"), due_s=100.0), now=1.0)
    through_gate(ledger, "L1", "10", "GP1", now=2.0)
    assert ledger.list_status("L1").state is WriteOffState.PRE_WRITTEN_OFF
    ledger.file_declaration("L1", "DEC-9", now=50.0)
    r = ledger.release_declaration("DEC-9", now=60.0)
    assert ListWrittenOff("L1", 60.0) in r.events
    assert ledger.balance(A, 1).balance == D(10)
    assert ledger.check_deadlines(now=200.0).events == ()


def test_an_overdue_entry_emits_one_event_and_holds_the_book(ledger: Ledger) -> None:
    ledger.post(Movement("s", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.enter_on_manifest(ManifestEntry("MF-1", entry_list("L1"), due_s=100.0), now=1.0)
    assert ledger.check_deadlines(now=100.0).events == ()
    assert ledger.check_deadlines(now=101.0).events == (
        DeclarationOverdue("enter_first", "L1", ENT, A, 100.0, 101.0, "MF-1"),
        AccountHeld(A, ENT, ("declaration_overdue:L1",), 101.0),
    )
    assert ledger.check_deadlines(now=102.0).events == ()
    # While the book is held no goods leave it: no outflow list, no outbound pass.
    ledger.declare_list(blist("OUT1", qty="5"), 103.0)
    with pytest.raises(AccountOnHold, match="declaration_overdue:L1"):
        ledger.pre_write_off("OUT1", 103.0)


def test_a_pass_of_outbound_goods_of_a_held_book_is_refused(ledger: Ledger) -> None:
    ledger.post(Movement("s", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.declare_list(blist("OUT1", qty="5"), 1.0)
    ledger.pre_write_off("OUT1", 1.0)
    ledger.passes.register_pass(filing("GP-OUT", ("OUT1", 1, "5")), 1.0)
    ledger.enter_on_manifest(ManifestEntry("MF-1", entry_list("L1"), due_s=100.0), now=1.0)
    ledger.check_deadlines(now=101.0)
    r = drive_through(ledger, "GP-OUT", "p1", 102.0)
    assert r.reason is RefusalReason.ACCOUNT_ON_HOLD


def test_a_late_declaration_is_charged_the_late_fee_and_lifts_the_hold(ledger: Ledger) -> None:
    ledger.enter_on_manifest(
        ManifestEntry("MF-1", entry_list("L1", value="200000"), due_s=DAY), now=1.0
    )
    ledger.check_deadlines(now=DAY + 1)
    r = ledger.file_declaration("L1", "DEC-L", now=DAY + 3 * DAY - 10)  # 3 days late
    assert r.events == (
        LateDeclarationFeeAssessed("L1", ENT, 3, D("300.00"), DAY + 3 * DAY - 10),
        AccountHoldLifted(A, ENT, DAY + 3 * DAY - 10),
    )
    assert ledger.document("late_fee", "L1") == D("300.00")


def test_a_late_fee_below_the_threshold_is_not_levied(ledger: Ledger) -> None:
    ledger.enter_on_manifest(ManifestEntry("MF-1", entry_list("L1", "1000"), due_s=DAY), 1.0)
    r = ledger.file_declaration("L1", "DEC-L", now=2 * DAY)  # 1 day: CNY 0.50
    assert not [e for e in r.events if isinstance(e, LateDeclarationFeeAssessed)]


def test_the_policy_deadline_applies_when_the_manifest_entry_names_none(ledger: Ledger) -> None:
    ledger.enter_on_manifest(ManifestEntry("MF-1", entry_list("L1")), now=0.0)
    assert ledger.check_deadlines(now=14 * DAY).events == ()
    (ev, _) = ledger.check_deadlines(now=14 * DAY + 1).events
    assert isinstance(ev, DeclarationOverdue) and ev.due_s == 14 * DAY


def test_a_batch_list_gets_a_deadline_the_end_of_its_period_plus_grace(ledger: Ledger) -> None:
    ledger.post(Movement("s", A, 1, MovementKind.IN, D(100), "PCE", GATE), 0.5)
    ledger.declare_list(blist("B1", qty="5", decl=""), now=2 * DAY)  # period [0, 30 d)
    ledger.pre_write_off("B1", 2 * DAY)
    through_gate(ledger, "B1", "5", "GPB", 3 * DAY)
    assert ledger.check_deadlines(now=40 * DAY).events == ()
    events = ledger.check_deadlines(now=115 * DAY).events  # 115 days undeclared
    assert DeclarationOverdue("batch", "B1", ENT, A, 40 * DAY, 115 * DAY, "") in events


def test_batches_of_a_period_are_covered_by_one_consolidated_declaration(ledger: Ledger) -> None:
    for i, t in enumerate((10.0, 20.0, 150.0)):
        ledger.enter_on_manifest(ManifestEntry(f"MF-{i}", entry_list(f"L{i}"), 1e9), now=t)
        through_gate(ledger, f"L{i}", "10", f"GP{i}", now=t)
    r = ledger.consolidate_period(A, 0.0, 100.0, "DEC-P1", now=120.0)
    (ev,) = r.events
    assert isinstance(ev, ConsolidatedDeclarationFiled)
    assert (ev.list_ids, ev.totals) == (("L0", "L1"), ((1, D(20)),))
    ledger.release_declaration("DEC-P1", now=130.0)
    assert ledger.balance(A, 1).balance == D(20)  # L2 is outside the period
    assert ledger.list_status("L2").declaration_id == ""
