"""The twin's ledger link uses the central pass state and delivers the ledger's outbox.

Whole twin runs (8 to 12 simulated hours of the shipped scenarios), then the link inspected.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.gate import PostGatePassage
from core.ledger import (
    BondedList,
    Direction,
    ListLine,
    ManifestEntry,
    PassState,
    PostedBy,
    PosterKind,
    TransferState,
    WriteOffMode,
    WriteOffState,
)
from core.ledger.passes import PassStatus, gate_zone
from core.ledger.transfers import TransferStatus
from core.risk import CreditClass, Enterprise
from core.trace import Recorder
from tests.risk.helpers import declaration
from tests.twin.helpers import variant
from twin.ledger_link import LedgerLink
from twin.model import Twin

# One twin run serves the module; the tests after the first change its link, so they run
# in order on one worker.
pytestmark = pytest.mark.xdist_group("twin_ledger_link")


def run_twin(name: str, horizon_h: float = 8.0) -> Twin:
    # The tests audit the whole ledger after the run: keep the written-off shipments too.
    scenario = variant(name, horizon_h=horizon_h, warmup_h=1.0)
    twin = Twin(scenario, 0, Recorder([]), keep_closed_ledger=True)
    twin.run()
    return twin


@pytest.fixture(scope="module")
def reform() -> Twin:
    return run_twin("reform_2014")


def docs(link: LedgerLink, kind: str) -> list[object]:
    return link.ledger.read(lambda tx: tx.docs(kind))


@pytest.mark.parametrize("name", ["reform_2014", "baseline_2013"])
def test_a_twin_run_consumes_every_pass_once_and_confirms_transfers_where_they_arrive(
    name: str, reform: Twin
) -> None:
    # Without self-transport a transfer first waits for an escort: 12 h to see arrivals.
    twin = reform if name == "reform_2014" else run_twin(name, horizon_h=12.0)
    link = twin.world.ledger
    assert sum(link.refusals.values()) == 0 and link.rejections == 0
    passes = [p for p in docs(link, "gate_pass") if isinstance(p, PassStatus)]
    assert len(passes) > 500
    for ps in passes[::10]:  # a sample: the state machine checks every pass
        uses = link.ledger.passes.pass_uses(ps.filing.pass_id)
        assert len(uses) == ps.legs_passed <= ps.filing.legs
        if ps.filing.route:
            assert [gate_zone(u.gate_ref) for u in uses] == list(ps.filing.route[: len(uses)])
    by_list = {p.filing.list_ids[0]: p for p in passes}
    transfers = [t for t in docs(link, "transfer") if isinstance(t, TransferStatus)]
    received = [t for t in transfers if t.state is TransferState.RECEIVED]
    assert len(received) > 20  # the officer at a receiving post confirms by hand, too
    for t in received:
        ps = by_list[t.list_id]
        assert gate_zone(ps.gates[-1]) == t.route[1]  # arrival at the receiving zone's gate
        assert link.ledger.list_status(t.list_id).state is WriteOffState.WRITTEN_OFF
    assert twin.extra_kpis()["ledger_lists_written_off"] == link.written_off > 500


def test_the_twins_gates_refuse_a_reused_or_unknown_pass(reform: Twin) -> None:
    link = reform.world.ledger
    used = next(
        p
        for p in docs(link, "gate_pass")
        if isinstance(p, PassStatus) and p.state is PassState.PASSED and not p.filing.route
    )
    list_id = used.filing.list_ids[0]
    before = link.ledger.list_status(list_id).passed
    for i, (pass_id, gate) in enumerate(
        [
            (used.filing.pass_id, used.gates[0]),
            (used.filing.pass_id, "pudong_airport/gate_2L"),
            ("HF-never-issued", used.gates[0]),
        ]
    ):
        cmd = PostGatePassage(
            gate,
            pass_id,
            f"again{i}",
            f"{gate}/lane1",
            (list_id,),
            (),
            None,
            f"{gate}|{pass_id}|again{i}",
            50_000.0,
        )
        link.passage(cmd, 50_000.0)
    assert dict(link.refusals) == {"pass_already_used": 2, "unknown_pass": 1}
    assert link.ledger.list_status(list_id).passed == before
    assert reform.extra_kpis()["ledger_pass_refusals"] == 3.0


def test_the_outbox_is_delivered_to_monitoring_and_dropped_once_read(reform: Twin) -> None:
    link = reform.world.ledger
    assert link.monitoring["GatePassageRecorded"] > 500
    assert link.monitoring["ListWrittenOff"] == link.written_off
    assert link.ledger.store.events == []  # memory stays flat: delivered events are dropped
    assert len(link._plates) < 400  # only the trucks still on their way


def test_ledger_findings_reach_the_twins_risk_engine_as_risk_factors_once(reform: Twin) -> None:
    link = reform.world.ledger
    risk = reform.world.risk
    agent = next(iter(link._agents.values()))
    acc = link._book(agent, "yangshan_port")
    ent = Enterprise(agent.enterprise_id, CreditClass(agent.credit_class))
    d = declaration("RISK-PROBE", agent.enterprise_id)
    before = risk.assess(d, ent, 50_000.0).score
    bl = BondedList(
        "LATE",
        acc,
        Direction.IMPORT,
        WriteOffMode.D,
        (ListLine(1, Decimal(1), "kg"),),
        PostedBy(PosterKind.ENTERPRISE, "e"),
    )
    link.ledger.enter_on_manifest(ManifestEntry("MF-LATE", bl, 45_000.0), 44_000.0)
    link.deliver(60_000.0)  # the hourly round finds it overdue; the feed applies it once
    link.deliver(70_000.0)
    assert link.feed.applied["DeclarationOverdue"] == 1
    assert link.monitoring["DeclarationOverdue"] == 1 and link.monitoring["AccountHeld"] == 1
    assert risk.assess(d, ent, 70_001.0).score > before
    assert reform.extra_kpis()["ledger_findings_to_risk"] >= 1.0


def test_a_gate_that_reserves_before_opening_gets_its_reservation_posted_by_the_passage(
    reform: Twin,
) -> None:
    from core.ledger import GatePassFiling, PassItem, Refusal, Reservation

    link = reform.world.ledger
    agent = list(link._agents.values())[1]  # the first one's book is on hold by now
    acc = link._book(agent, "yangshan_port")
    bl = BondedList(
        "TWO-PHASE",
        acc,
        Direction.EXPORT,
        WriteOffMode.D,
        (ListLine(1, Decimal(2), "kg"),),
        PostedBy(PosterKind.ENTERPRISE, "e"),
        with_declaration=False,
    )
    f = GatePassFiling("HF-TWO", "沪A77777", (PassItem("TWO-PHASE", 1, Decimal(2)),))
    link.ledger.declare_shipment(bl, f, 80_000.0)
    gate, key = "yangshan_port/gate_2L", "yangshan_port/gate_2L|HF-TWO|c1"
    assert isinstance(link.reserve("HF-TWO", key, "沪A88888", gate, 80_001.0), Refusal)
    r = link.reserve("HF-TWO", key, "沪A77777", gate, 80_002.0)
    assert isinstance(r, Reservation)
    other = link.reserve("HF-TWO", "another-lane", "沪A77777", gate, 80_003.0)
    assert isinstance(other, Refusal) and other.reason.value == "pass_reserved_elsewhere"
    link._plates["HF-TWO"] = ("沪A77777", 1)
    cmd = PostGatePassage(
        gate, "HF-TWO", "c1", f"{gate}/lane1", ("TWO-PHASE",), (), None, key, 80_004.0
    )
    link.passage(cmd, 80_004.0)
    assert link.ledger.list_status("TWO-PHASE").state is WriteOffState.WRITTEN_OFF
    assert [u.passage_id for u in link.ledger.passes.pass_uses("HF-TWO")] == [key]
