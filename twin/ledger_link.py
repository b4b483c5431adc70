"""The bonded-goods ledger (账册) as the twin drives it: one book per enterprise.

Each shipment is a bonded list (核注清单) bound to the truck's gate pass (核放单). The
list is pre-written-off when declared, the gate passage is recorded when the truck
passes (账册自动核注), and the list is written off once the declaration is released and
all goods have passed — the ledger's own rule, in whichever order the two happen.
A rule the ledger refuses (e.g. more out than in stock) is counted as a discrepancy,
never a crash.
"""

from __future__ import annotations

from decimal import Decimal

from core.gate import PostGatePassage
from core.ledger import (
    Account,
    AccountKind,
    BondedList,
    Direction,
    GatePassage,
    GatePassBinding,
    Ledger,
    LedgerError,
    Line,
    ListLine,
    Movement,
    MovementKind,
    PostedBy,
    PosterKind,
    WriteOffMode,
)
from ftz_stores import MemoryStore
from twin.cases import Case
from twin.enterprises import EnterpriseModel

__all__ = ["LedgerLink"]

_OPENING_STOCK_KG = Decimal(
    10**9
)  # books open with ample stock: the twin models flows, not stock-outs
_INBOUND = ("first_line_entry", "second_line_export")


class LedgerLink:
    """Posts the twin's shipments to an in-memory ledger and counts what it refuses."""

    def __init__(self, enterprises: EnterpriseModel) -> None:
        """Open one account per enterprise with a line per HS chapter it trades."""
        self.ledger = Ledger(MemoryStore())
        self.rejections = 0
        self.written_off = 0
        self._items: dict[tuple[str, str], int] = {}
        system = PostedBy(PosterKind.SYSTEM, "opening")
        for agent in enterprises.roster:
            acc = f"A{agent.enterprise_id}"
            kind = AccountKind.PROCESSING_E if agent.processing else AccountKind.BONDED_LOGISTICS
            lines = []
            for i, chapter in enumerate(agent.chapters, start=1):
                self._items[(agent.enterprise_id, chapter)] = i
                lines.append(Line(acc, i, f"P{chapter}", chapter + "00", "kg"))
            self.ledger.open_account(Account(acc, agent.enterprise_id, kind), lines, 0.0)
            for i in range(1, len(lines) + 1):
                opening = Movement(
                    f"open:{acc}:{i}", acc, i, MovementKind.IN, _OPENING_STOCK_KG, "kg", system
                )
                self.ledger.post(opening, 0.0)

    def declare(self, case: Case, gate_id: str, now: float) -> None:
        """File the shipment's bonded list, pre-write it off and bind it to the gate pass."""
        eid = case.enterprise.enterprise_id
        item = self._items[(eid, case.chapter)]
        qty = Decimal(int(case.declaration.weight_kg))
        direction = Direction.IMPORT if case.flow.kind in _INBOUND else Direction.EXPORT
        lst = BondedList(
            list_id=f"L{case.case_id}",
            account_id=f"A{eid}",
            direction=direction,
            mode=WriteOffMode.D,
            lines=(ListLine(item, qty, "kg"),),
            posted_by=PostedBy(PosterKind.ENTERPRISE, eid),
            declaration_id=case.case_id,
        )
        self._try(lambda: self.ledger.declare_list(lst, now))
        self._try(lambda: self.ledger.pre_write_off(lst.list_id, now))
        binding = GatePassBinding(case.truck.gate_pass.pass_id, lst.list_id, ((item, qty),))
        self._try(lambda: self.ledger.bind_gate_pass(binding, now))

    def passed_gate(self, case: Case, gate_id: str, now: float) -> None:
        """Record the gate passage (posts once per pass, however often it is reported)."""
        self._try(
            lambda: self.ledger.record_gate_passage(
                GatePassage(case.truck.gate_pass.pass_id, gate_id), now
            )
        )

    def passage(self, cmd: PostGatePassage, now: float) -> None:
        """Annotate the ledger from the gate controller's :class:`PostGatePassage` (账册自动核注)."""
        self._try(
            lambda: self.ledger.record_gate_passage(GatePassage(cmd.pass_id, cmd.gate_id), now)
        )

    def released(self, case: Case, now: float) -> None:
        """Record that the declaration was released."""
        self._try(lambda: self.ledger.release_declaration(case.case_id, now))

    def _try(self, call: object) -> None:
        try:
            result = call()  # type: ignore[operator]
        except LedgerError:
            self.rejections += 1
            return
        self.written_off += sum(type(e).__name__ == "ListWrittenOff" for e in result.events)
