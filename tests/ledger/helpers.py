"""Shared test data and helpers of the ledger suite (imported, never collected)."""

from __future__ import annotations

import os
from decimal import Decimal

from core.ledger import (
    Account,
    AccountKind,
    BondedList,
    Direction,
    DualReview,
    GatePassage,
    GatePassBinding,
    GatePassFiling,
    Ledger,
    Line,
    LineTable,
    ListLine,
    Movement,
    MovementKind,
    PassItem,
    PostedBy,
    PosterKind,
    WriteOffMode,
)

GATE = PostedBy(PosterKind.GATE, "yangshan_port/gate_2L_01")
ERP = PostedBy(PosterKind.ENTERPRISE, "ENT1/erp")
OFFICER = PostedBy(PosterKind.OFFICER, "officer-7")
# Dual review: officer-7 makes the entry, officer-8 and officer-9 review it.
REVIEW = DualReview("officer-7", "officer-8", "officer-9")
ACC = Account("E2201000001", "3122440001", AccountKind.PROCESSING_E, "yangshan_port")
LOG = Account("L2201000002", "3122440002", AccountKind.BONDED_LOGISTICS, "waigaoqiao_logistics")
# A second book of the first enterprise, in the same zone as ACC (same-zone transfers).
YS = Account("L2201000003", "3122440001", AccountKind.BONDED_LOGISTICS, "yangshan_port")
M, F, G = LineTable.MATERIAL, LineTable.FINISHED, LineTable.GOODS
LINES = [
    Line(ACC.account_id, 1, "MAT-CHIP", "8542310000", "PCE", M, "集成电路"),
    Line(ACC.account_id, 2, "MAT-RESIN", "3907300000", "KGM", M, "环氧树脂"),
    Line(ACC.account_id, 10, "FG-BOARD", "8473302000", "PCE", F, "主板"),
]
LOG_LINES = [Line(LOG.account_id, 1, "W-CHIP", "8542310000", "PCE", G)]
YS_LINES = [Line(YS.account_id, 1, "Y-CHIP", "8542310000", "PCE", G)]
YANGSHAN_GATE = "yangshan_port/gate_2L"
WGQ_GATE = "waigaoqiao_logistics/gate_1"


def D(x: str | int) -> Decimal:
    return Decimal(x)


def mv(
    key: str,
    kind: MovementKind = MovementKind.IN,
    qty: str = "10",
    item: int = 1,
    unit: str = "PCE",
    **kw: object,
) -> Movement:
    """A movement on the processing account's line ``item``."""
    return Movement(key, ACC.account_id, item, kind, D(qty), unit, GATE, "LIST-1", **kw)  # type: ignore[arg-type]


def blist(
    list_id: str = "L1",
    direction: Direction = Direction.EXPORT,
    mode: WriteOffMode = WriteOffMode.D,
    qty: str = "10",
    decl: str = "DEC1",
    account: str = ACC.account_id,
    **kw: object,
) -> BondedList:
    """A one-line bonded list on line 1."""
    return BondedList(
        list_id,
        account,
        direction,
        mode,
        (ListLine(1, D(qty), "PCE"),),
        GATE,
        declaration_id=decl,
        **kw,
    )  # type: ignore[arg-type]


def through_gate(ledger: Ledger, list_id: str, qty: str, pass_id: str, now: float) -> None:
    """Bind a gate pass for ``qty`` of line 1 and let it pass (older one-step API)."""
    ledger.bind_gate_pass(GatePassBinding(pass_id, list_id, ((1, D(qty)),)), now)
    ledger.record_gate_passage(GatePassage(pass_id, YANGSHAN_GATE), now)


def filing(
    pass_id: str,
    *items: tuple[str, int, str],
    plate: str = "沪A12345",
    last_truck: bool = False,
    route: tuple[str, ...] = (),
) -> GatePassFiling:
    """A gate pass carrying (list_id, item_no, qty) items."""
    return GatePassFiling(
        pass_id, plate, tuple(PassItem(lid, i, D(q)) for lid, i, q in items), last_truck, route
    )


def drive_through(
    ledger: Ledger,
    pass_id: str,
    passage_id: str,
    now: float,
    plate: str = "沪A12345",
    gate: str = YANGSHAN_GATE,
) -> object:
    """Reserve and post a pass at a gate (two phases); return the post's answer."""
    r = ledger.passes.reserve_pass(pass_id, passage_id, plate, gate, now)
    from core.ledger import Refusal

    if isinstance(r, Refusal):
        return r
    return ledger.passes.post_pass(passage_id, now)


_pg_counter = iter(range(10**6))


def fresh_pg_store(conninfo: str) -> object:
    """Return a PostgresStore in a brand-new schema of the session's database."""
    import psycopg

    from ftz_stores.postgres import PostgresStore

    schema = f"t{os.getpid()}_{next(_pg_counter)}"  # built from pid and counter only
    with psycopg.connect(conninfo, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    return PostgresStore(f"{conninfo} options='-c search_path={schema}'")


def pg_schema_url(conninfo: str) -> str:
    """Return a conninfo to a brand-new schema (for several connections to one ledger)."""
    import psycopg

    schema = f"t{os.getpid()}_{next(_pg_counter)}"
    with psycopg.connect(conninfo, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    return f"{conninfo} options='-c search_path={schema}'"
