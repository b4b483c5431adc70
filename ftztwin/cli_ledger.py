"""``ftztwin ledger-pass``: gate passes (核放单) as the customs system sends them.

``register`` files a pass from a YAML or JSON file into a ledger store (SQLite or
PostgreSQL), approved unless the file says ``approved: false``; ``approve`` approves a
declared pass; ``show`` prints a pass's central state and consumed legs; ``pending``
lists the reservations still pending (what a restarted gate must settle). A pass file::

    pass_id: HF2201000001
    plate: 沪A12345
    items:
      - {list_id: QD2201000001, item_no: 1, quantity: "10"}
    last_truck: false        # the final truck of its lists (一票多车)
    route: []                # or [yangshan_port, waigaoqiao_logistics]: two gates
    approved: true

Registered by :mod:`ftztwin.cli` through ``_EXTENSIONS``. Bad input names the file, the
field path and the value, and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ftz_spec.errors import UserError

__all__ = ["register"]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    list_id: str = Field(min_length=1)
    item_no: int = Field(ge=1)
    quantity: str | int

    @field_validator("quantity")
    @classmethod
    def _exact(cls, v: str | int) -> str | int:
        try:
            q = Decimal(str(v))
        except InvalidOperation:
            raise ValueError(f"expected an exact number, got {v!r}") from None
        if not q.is_finite() or q <= 0:
            raise ValueError(f"must be an exact number > 0, got {v!r}")
        return v


class _PassFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pass_id: str = Field(min_length=1)
    plate: str = Field(min_length=1)
    items: list[_Item] = Field(min_length=1)
    last_truck: bool = False
    route: list[str] = Field(default_factory=list, max_length=2)
    approved: bool = True


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``ledger-pass`` and its sub-commands; return its handler."""
    p = sub.add_parser("ledger-pass", help="register, approve and inspect gate passes (核放单)")
    ops = p.add_subparsers(dest="op", required=True)
    reg = ops.add_parser("register", help="register a pass from a YAML or JSON file")
    reg.add_argument("file", type=Path)
    app = ops.add_parser("approve", help="approve a declared pass")
    app.add_argument("pass_id")
    show = ops.add_parser("show", help="print a pass's state and consumed legs as JSON")
    show.add_argument("pass_id")
    ops.add_parser("pending", help="print the pending reservations as JSON lines")
    for cmd in ops.choices.values():
        cmd.add_argument("--store", required=True, help="sqlite:<path> or postgresql://…")
    return {"ledger-pass": cmd_ledger_pass}


def _ledger(url: str) -> Any:
    from core.ledger import Ledger
    from ftz_stores import open_store

    if url == "memory:":
        raise UserError("--store: memory: would be gone when the command ends; use sqlite:…")
    import sqlite3

    errors: tuple[type[Exception], ...] = (OSError, sqlite3.Error)
    if url.startswith("postgres"):
        import psycopg

        errors = (*errors, psycopg.Error)
    try:
        return Ledger(open_store(url))  # type: ignore[arg-type]
    except ValueError as exc:
        raise UserError(f"--store: {exc}") from None
    except errors as exc:  # a database that cannot be opened is the user's to fix
        raise UserError(f"--store {url!r}: cannot open the ledger: {exc}") from None


def _filing(path: Path) -> tuple[Any, bool]:
    from core.ledger import GatePassFiling, PassItem

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not YAML or JSON: {exc}") from None
    try:
        f = _PassFile.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(x) for x in e['loc']) or '(file)'}: {e['msg']} "
            f"(got {e.get('input')!r})"
            for e in exc.errors()
        ]
        raise UserError("\n".join(lines)) from None
    items = tuple(PassItem(i.list_id, i.item_no, Decimal(str(i.quantity))) for i in f.items)
    return GatePassFiling(f.pass_id, f.plate, items, f.last_truck, tuple(f.route)), f.approved


def _plain(obj: Any) -> Any:
    return json.loads(json.dumps(asdict(obj), default=str, ensure_ascii=False))


def cmd_ledger_pass(args: argparse.Namespace) -> int:
    """``ftztwin ledger-pass register|approve|show|pending --store URL``."""
    from core.ledger import LedgerError

    led = _ledger(args.store)
    try:
        if args.op == "register":
            filing, approved = _filing(args.file)
            r = led.passes.register_pass(filing, time.time(), approved=approved)
            state = "approved" if approved else "declared"
            print(f"{filing.pass_id}: {r.status.value}, {state}")
        elif args.op == "approve":
            r = led.passes.approve_pass(args.pass_id, time.time())
            print(f"{args.pass_id}: {r.status.value}, approved")
        elif args.op == "show":
            st = led.passes.pass_status(args.pass_id)
            if st is None:
                raise UserError(f"gate pass {args.pass_id!r}: not registered in {args.store}")
            uses = [_plain(u) for u in led.passes.pass_uses(args.pass_id)]
            out = {**_plain(st), "state": st.state.name, "uses": uses}
            print(json.dumps(out, ensure_ascii=False, sort_keys=True))
        else:
            for r in led.passes.pending_reservations():
                print(json.dumps(_plain(r), ensure_ascii=False, sort_keys=True))
    except LedgerError as exc:
        where = f"{args.file}: " if args.op == "register" else ""
        raise UserError(f"{where}{exc}") from None
    finally:
        led.store.close()
    return 0
