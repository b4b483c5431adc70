"""Shared test data and helpers of the ledger suite (imported, never collected)."""

from __future__ import annotations

import os
from decimal import Decimal

from core.ledger import (
    Account,
    AccountKind,
    BondedList,
    Direction,
    GatePassage,
    GatePassBinding,
    Ledger,
    Line,
    ListLine,
    Movement,
    MovementKind,
    PostedBy,
    PosterKind,
    WriteOffMode,
)

GATE = PostedBy(PosterKind.GATE, "yangshan_port/gate_2L_01")
ERP = PostedBy(PosterKind.ENTERPRISE, "ENT1/erp")
OFFICER = PostedBy(PosterKind.OFFICER, "officer-7")
ACC = Account("E2201000001", "3122440001", AccountKind.PROCESSING_E, "yangshan_port")
LOG = Account("L2201000002", "3122440002", AccountKind.BONDED_LOGISTICS, "waigaoqiao_logistics")
LINES = [
    Line(ACC.account_id, 1, "MAT-CHIP", "8542310000", "PCE"),
    Line(ACC.account_id, 2, "MAT-RESIN", "3907300000", "KGM"),
    Line(ACC.account_id, 10, "FG-BOARD", "8473302000", "PCE"),
]
LOG_LINES = [Line(LOG.account_id, 1, "W-CHIP", "8542310000", "PCE")]


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
    """Bind a gate pass for ``qty`` of line 1 and let it pass."""
    ledger.bind_gate_pass(GatePassBinding(pass_id, list_id, ((1, D(qty)),)), now)
    ledger.record_gate_passage(GatePassage(pass_id, "yangshan_port/gate_2L"), now)


_pg_counter = iter(range(10**6))


def fresh_pg_store(conninfo: str) -> object:
    """Return a PostgresStore in a brand-new schema of the session's database."""
    import psycopg

    from ftz_stores.postgres import PostgresStore

    schema = f"t{os.getpid()}_{next(_pg_counter)}"  # built from pid and counter only
    with psycopg.connect(conninfo, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    return PostgresStore(f"{conninfo} options='-c search_path={schema}'")
