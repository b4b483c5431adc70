"""The bonded-goods ledger (账册) as the twin drives it: books per enterprise and zone.

Each shipment is a bonded list (核注清单) on the enterprise's book in its zone, and the
truck's gate pass (核放单) is registered in the ledger's central pass state, approved,
as the customs system would send it. The list is pre-written-off when declared; a
first-line entry's three documents are checked (舱单、提货单、报关单); a transfer between
zones is a list to the enterprise's book in the other zone, on a two-gate pass, so its
arrival is confirmed at the receiving zone's gate. When the gate controller posts a
passage, the gate first reserves the pass through the same state the live gate uses
(:meth:`LedgerLink.reserve_passage`), opens the barrier only if the ledger agrees, and
the passage posts the reservation: a pass is consumed at most once, and a reuse (after a
restart of the gate's controller, at another gate, after any number of passages),
another truck's pass, an empty or unknown pass keeps the barrier down, is counted and
sends the truck to a manual post. An officer's manual release is annotated in one step. The list is written
off once the declaration is released and all goods have passed, in whichever order.

The outbox is delivered to its two consumers, at most a simulated minute after an
event: the risk engine (ledger findings become risk factors of the enterprise, each
applied once) and central monitoring (counts of every event kind). A rule the ledger refuses is counted
as a discrepancy, never a crash.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from core.gate import PostGatePassage
from core.ledger import (
    Account,
    AccountKind,
    BondedList,
    CargoDocument,
    CargoDocuments,
    Direction,
    GatePassage,
    GatePassFiling,
    Ledger,
    LedgerError,
    Line,
    LineTable,
    ListKind,
    ListLine,
    Movement,
    MovementKind,
    OutboxItem,
    PassItem,
    PassState,
    PostedBy,
    PosterKind,
    Refusal,
    Reservation,
    WriteOffMode,
)
from core.risk import RiskEngine
from core.risk.ledger_feed import LedgerRiskFeed
from ftz_stores import MemoryStore
from twin.cases import Case
from twin.enterprises import EnterpriseAgent, EnterpriseModel

__all__ = ["LedgerLink"]

_OPENING_STOCK_KG = Decimal(10**9)  # books open with ample stock: the twin models flows
_INBOUND = ("first_line_entry", "second_line_export")
_DEADLINE_ROUND_S = 3600.0  # deadlines are checked at most once per simulated hour
_DELIVERY_ROUND_S = 60.0  # the outbox is delivered at most once per simulated minute
_OPENING = PostedBy(PosterKind.SYSTEM, "opening")
_OPENABLE = (PassState.APPROVED, PassState.PASSED_FIRST_GATE)
_CLOSED_REASON = {
    PassState.DECLARED: "pass_not_approved",
    PassState.PASSED: "pass_already_used",
    PassState.VOIDED: "pass_voided",
}


class LedgerLink:
    """Posts the twin's shipments to an in-memory ledger and counts what it refuses."""

    def __init__(
        self,
        enterprises: EnterpriseModel,
        risk: RiskEngine | None = None,
        keep_closed: bool = False,
    ) -> None:
        """Keep books for ``enterprises``; feed ledger findings to ``risk`` if given.

        A written-off shipment is dropped from the store once monitoring has seen it
        (its counts stay in :attr:`monitoring`), so memory holds only open shipments;
        ``keep_closed`` keeps every document, for a test that audits the whole ledger.
        """
        self._store = MemoryStore(consumers=("risk", "monitoring"))
        self.ledger = Ledger(self._store)
        self.keep_closed = keep_closed
        self.rejections = 0
        self.written_off = 0
        self.refusals: Counter[str] = Counter()
        self.monitoring: Counter[str] = Counter()
        self.risk = risk
        self.feed = LedgerRiskFeed()
        self._agents = {a.enterprise_id: a for a in enterprises.roster}
        self._books: set[str] = set()
        self._plates: dict[str, tuple[str, int]] = {}  # pass → (plate, legs)
        self._reserved: set[str] = set()  # passages reserved, barrier commanded, not posted
        self._checked_s = 0.0
        self._delivered_s = -_DELIVERY_ROUND_S
        self._now = 0.0
        self._boxes = [
            (self.ledger.outbox("risk"), self._to_risk),
            (self.ledger.outbox("monitoring"), self._to_monitoring),
        ]

    # -- books ---------------------------------------------------------------------------
    def _book(self, agent: EnterpriseAgent, zone: str) -> str:
        """The enterprise's book in ``zone``, opened on first use (自动备案) with stock."""
        acc = f"A{agent.enterprise_id}@{zone}"
        if acc in self._books:
            return acc
        self._books.add(acc)
        processing = agent.processing
        kind = AccountKind.PROCESSING_E if processing else AccountKind.BONDED_LOGISTICS
        table = LineTable.MATERIAL if processing else LineTable.GOODS
        lines = [
            Line(acc, i, f"P{ch}", ch + "00", "kg", table)
            for i, ch in enumerate(agent.chapters, start=1)
        ]
        self.ledger.open_account(Account(acc, agent.enterprise_id, kind, zone), lines, 0.0)
        self.ledger.post_batch(
            [
                Movement(
                    f"open:{acc}:{ln.item_no}",
                    acc,
                    ln.item_no,
                    MovementKind.IN,
                    _OPENING_STOCK_KG,
                    "kg",
                    _OPENING,
                )
                for ln in lines
            ],
            0.0,
        )
        return acc

    # -- the twin's calls ------------------------------------------------------------------
    def declare(self, case: Case, gate_id: str, now: float) -> None:
        """File the shipment's list, pre-write it off and register its approved gate pass."""
        agent, flow = self._agents[case.enterprise.enterprise_id], case.flow
        item = agent.chapters.index(case.chapter) + 1
        qty = Decimal(int(case.declaration.weight_kg))
        acc = self._book(agent, flow.zone)
        transfer = flow.kind == "transfer_between_zones" and flow.to is not None
        to_acc = self._book(agent, flow.to) if transfer and flow.to else ""
        inbound = flow.kind in _INBOUND
        lst = BondedList(
            list_id=f"L{case.case_id}",
            account_id=acc,
            direction=Direction.IMPORT if inbound else Direction.EXPORT,
            mode=WriteOffMode.D,
            lines=(ListLine(item, qty, "kg", Decimal(int(case.declaration.value_cny)), item),),
            posted_by=PostedBy(PosterKind.ENTERPRISE, agent.enterprise_id),
            declaration_id=case.case_id,
            kind=ListKind.TRANSFER if transfer else None,
            to_account_id=to_acc,
        )
        docs = _documents(case, qty) if flow.kind == "first_line_entry" else None
        gp = case.truck.gate_pass
        route = (flow.zone, flow.to) if transfer and flow.to else ()
        filing = GatePassFiling(
            gp.pass_id, gp.plate, (PassItem(lst.list_id, item, qty),), route=route
        )
        self._plates[gp.pass_id] = (case.truck.plate, filing.legs)
        self._try(lambda: self.ledger.declare_shipment(lst, filing, now, docs))
        self.deliver(now)

    def passage(self, cmd: PostGatePassage, now: float) -> None:
        """Post the pass of the controller's :class:`PostGatePassage` (核注).

        The reservation the gate made before opening the barrier is posted; a passage
        with none (a gate without the pass state) reserves and posts at once.
        """
        plate, legs = self._plates.get(cmd.pass_id, ("", 1))
        key = cmd.idempotency_key
        if key in self._reserved:
            self._reserved.discard(key)
            r = self.ledger.passes.post_pass(key, now)
        else:
            r = self.ledger.passes.pass_through(cmd.pass_id, key, plate, cmd.gate_id, now)
        if isinstance(r, Refusal):
            self.refusals[r.reason.value] += 1
        elif r.leg == legs:
            self._plates.pop(cmd.pass_id, None)  # a pass filed outside declare() has none
        self.deliver(now)

    # -- two phases: the twin's gates reserve before they open the barrier ------------------
    def check_pass(self, pass_id: str) -> str:
        """Why a pass may not open the first barrier of a double gate ("" if it may).

        Read only: the pass is consumed at the gate that posts the passage.
        """
        status = self.ledger.passes.pass_status(pass_id) if pass_id else None
        why = ""
        if status is None:
            why = "empty_pass_id" if not pass_id else "unknown_pass"
        elif status.state not in _OPENABLE:
            why = _CLOSED_REASON[status.state]
        if why:
            self.refusals[why] += 1
        return why

    def reserve_passage(self, cmd: PostGatePassage, plate: str, now: float) -> str:
        """Reserve the pass of a passage before its barrier opens ("" reserved, else why not).

        ``plate`` is the plate the gate matched against the pass. :meth:`passage` posts
        the reservation; :meth:`void_passage` voids it when the barrier does not open.
        """
        key = cmd.idempotency_key
        r = self.reserve(cmd.pass_id, key, plate, cmd.gate_id, now)
        if isinstance(r, Refusal):
            return r.reason.value
        self._reserved.add(key)
        return ""

    def void_passage(self, passage_id: str, reason: str, now: float) -> None:
        """Void the reservation of a passage whose barrier did not open."""
        self._reserved.discard(passage_id)
        r = self.void(passage_id, reason, now)
        if isinstance(r, Refusal):
            self.refusals[r.reason.value] += 1

    def reserve(
        self, pass_id: str, passage_id: str, plate: str, gate_ref: str, now: float
    ) -> Reservation | Refusal:
        """Reserve a pass before the barrier opens.

        Use the passage's idempotency key as ``passage_id``: :meth:`passage` then posts
        this reservation when the controller reports the passage.
        """
        r = self.ledger.passes.reserve_pass(pass_id, passage_id, plate, gate_ref, now)
        if isinstance(r, Refusal):
            self.refusals[r.reason.value] += 1
        self.deliver(now)
        return r

    def void(self, passage_id: str, reason: str, now: float) -> Reservation | Refusal:
        """Void a reservation whose barrier did not open (manual post, fault)."""
        r = self.ledger.passes.void_pass(passage_id, reason, now)
        self.deliver(now)
        return r

    def passed_gate(self, case: Case, gate_id: str, now: float) -> None:
        """Annotate an officer's manual release at a post (one step, counts once)."""
        pass_id = case.truck.gate_pass.pass_id
        self._try(lambda: self.ledger.record_gate_passage(GatePassage(pass_id, gate_id), now))
        status = self.ledger.passes.pass_status(pass_id)
        if status is not None and status.state is PassState.PASSED:
            self._plates.pop(pass_id, None)
        self.deliver(now)

    def released(self, case: Case, now: float) -> None:
        """Record that the declaration was released."""
        self._try(lambda: self.ledger.release_declaration(case.case_id, now))
        self.deliver(now)

    def kpis(self) -> dict[str, float]:
        """The ledger's figures for the replication's KPIs (after a last delivery)."""
        self.deliver(self._delivered_s, force=True)
        m = self.monitoring
        return {
            "ledger_discrepancies": float(self.rejections),
            "ledger_lists_written_off": float(self.written_off),
            "ledger_pass_refusals": float(sum(self.refusals.values())),
            "ledger_transfers_timed_out": float(m["TransferTimedOut"]),
            "ledger_documents_mismatched": float(m["DocumentsMismatched"]),
            "ledger_findings_to_risk": float(sum(self.feed.applied.values())),
        }

    # -- plumbing --------------------------------------------------------------------------
    def _try(self, call: Callable[[], object]) -> None:
        try:
            call()
        except LedgerError:
            self.rejections += 1

    def deliver(self, now: float, force: bool = False) -> None:
        """Deliver the outbox to the risk engine and central monitoring.

        At most once per simulated minute (``force`` for now): a finding reaches its
        consumers within a minute, and a busy gate does not pay two reads per truck.
        Deadlines are checked once per simulated hour.
        """
        if now - self._checked_s >= _DEADLINE_ROUND_S:
            self._checked_s = now
            self.ledger.check_deadlines(now)
        if not force and now - self._delivered_s < _DELIVERY_ROUND_S:
            return
        self._delivered_s = self._now = now
        for box, handler in self._boxes:
            box.deliver(handler)

    def _to_risk(self, item: OutboxItem) -> None:
        if self.risk is not None:
            self.feed.apply(self.risk, item, self._now)

    def _to_monitoring(self, item: OutboxItem) -> None:
        name = type(item.event).__name__
        self.monitoring[name] += 1
        if name == "ListWrittenOff":
            self.written_off += 1
            if not self.keep_closed:
                lid = item.event.list_id  # type: ignore[attr-defined]
                # The twin's bill of lading is one per case: B<case>, list L<case>.
                self._store.retire_shipment(lid, (("bill", f"B{lid[1:]}"),))


def _documents(case: Case, qty: Decimal) -> CargoDocuments:
    """The three documents of a first-line entry, as the twin's case declares them."""
    bill, boxes = f"B{case.case_id}", case.truck.containers
    ent = case.enterprise.enterprise_id

    def doc(prefix: str) -> CargoDocument:
        return CargoDocument(f"{prefix}{case.case_id}", bill, boxes, 1, qty, ent)

    return CargoDocuments(doc("MF"), doc("DO"), doc("DEC"))
