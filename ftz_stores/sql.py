"""The SQL half shared by the SQLite and PostgreSQL adapters.

Parameterised statements only (never string-built values); the dialects differ in the
placeholder (``?`` / ``%s``) and in how quantities travel (TEXT in SQLite, whose NUMERIC
affinity would round through binary floats; NUMERIC in PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from core.ledger.model import (
    Account,
    AccountKind,
    Entry,
    EntryStatus,
    Line,
    LineBalance,
    LineTable,
    MovementKind,
    PostedBy,
    PosterKind,
)
from core.ledger.outbox_item import OutboxItem
from core.ledger.passes import PassUse
from core.ledger.review import ReviewItem, ReviewRecord
from ftz_stores.codec import decode, encode

__all__ = ["SqlTx"]

_ENTRY_COLS = (
    "seq, key, leg, account_id, item_no, kind, status, quantity, delta, unit, poster_kind, "
    "poster_ref, source_doc, time_s, refers_to, reviewers"
)
_BAL_COLS = (
    "in_qty, out_qty, consumed_qty, produced_qty, transfer_in_qty, transfer_out_qty, "
    "adjusted_qty, reserved_qty"
)


def _entry(r: Sequence[Any]) -> Entry:
    return Entry(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        MovementKind(r[5]),
        EntryStatus(r[6]),
        Decimal(r[7]),
        Decimal(r[8]),
        r[9],
        PostedBy(PosterKind(r[10]), r[11]),
        r[12],
        r[13],
        r[14],
        tuple(r[15].split("\x1f")) if r[15] else (),
    )


class SqlTx:
    """A :class:`core.ledger.port.LedgerTx` over one DB-API cursor."""

    def __init__(
        self,
        cur: Any,
        param: str,
        num: Callable[[Decimal], object],
        cache: dict[tuple[str, object], object],
    ) -> None:
        """Wrap ``cur``; ``param`` is the placeholder, ``num`` adapts quantities.

        ``cache`` holds accounts and lines already read: they never change once filed,
        so a hit can skip the database (misses are never cached).
        """
        self._cur = cur
        self._p = param
        self._num = num
        self._cache = cache

    def _q(self, sql: str) -> str:
        return sql if self._p == "?" else sql.replace("?", self._p)

    def _one(self, sql: str, args: Sequence[object]) -> Any:
        self._cur.execute(self._q(sql), args)
        return self._cur.fetchone()

    def _all(self, sql: str, args: Sequence[object]) -> list[Any]:
        self._cur.execute(self._q(sql), args)
        return list(self._cur.fetchall())

    def get_account(self, account_id: str) -> Account | None:
        """Return the account, or None."""
        hit = self._cache.get(("a", account_id))
        if hit is not None:
            assert isinstance(hit, Account)
            return hit
        r = self._one(
            "SELECT enterprise_id, kind, zone, overdraw_allowed FROM account WHERE account_id = ?",
            (account_id,),
        )
        if r is None:
            return None
        acc = Account(account_id, r[0], AccountKind(r[1]), r[2], bool(r[3]))
        self._cache[("a", account_id)] = acc
        return acc

    def get_line(self, account_id: str, item_no: int) -> Line | None:
        """Return the line, or None."""
        hit = self._cache.get(("l", (account_id, item_no)))
        if hit is not None:
            assert isinstance(hit, Line)
            return hit
        r = self._one(
            "SELECT part_no, hs_code, unit, line_table, name FROM line "
            "WHERE account_id = ? AND item_no = ?",
            (account_id, item_no),
        )
        if r is None:
            return None
        line = Line(account_id, item_no, r[0], r[1], r[2], LineTable(r[3]), r[4])
        self._cache[("l", (account_id, item_no))] = line
        return line

    def account_lines(self, account_id: str) -> list[Line]:
        """Return the account's lines by item number."""
        rows = self._all(
            "SELECT item_no, part_no, hs_code, unit, line_table, name FROM line "
            "WHERE account_id = ? ORDER BY item_no",
            (account_id,),
        )
        return [Line(account_id, r[0], r[1], r[2], r[3], LineTable(r[4]), r[5]) for r in rows]

    def get_balance(self, account_id: str, item_no: int) -> LineBalance | None:
        """Return the line's balance, or None."""
        r = self._one(
            f"SELECT {_BAL_COLS} FROM balance WHERE account_id = ? AND item_no = ?",
            (account_id, item_no),
        )
        if r is None:
            return None
        return LineBalance(account_id, item_no, *(Decimal(v) for v in r))

    def get_entry(self, key: str) -> Entry | None:
        """Return the leg-0 entry of ``key``, or None."""
        r = self._one(f"SELECT {_ENTRY_COLS} FROM entry WHERE key = ? AND leg = 0", (key,))
        return None if r is None else _entry(r)

    def get_entry_by_seq(self, seq: int) -> Entry | None:
        """Return entry ``seq``, or None."""
        r = self._one(f"SELECT {_ENTRY_COLS} FROM entry WHERE seq = ?", (seq,))
        return None if r is None else _entry(r)

    def last_seq(self) -> int:
        """Return the highest seq, 0 when empty."""
        r = self._one("SELECT COALESCE(MAX(seq), 0) FROM entry", ())
        return int(r[0])

    def line_entries(self, account_id: str, item_no: int) -> list[Entry]:
        """Return the line's entries in seq order."""
        rows = self._all(
            f"SELECT {_ENTRY_COLS} FROM entry WHERE account_id = ? AND item_no = ? ORDER BY seq",
            (account_id, item_no),
        )
        return [_entry(r) for r in rows]

    def get_doc(self, kind: str, doc_id: str) -> object | None:
        """Return a document, or None."""
        r = self._one("SELECT body FROM document WHERE kind = ? AND doc_id = ?", (kind, doc_id))
        return None if r is None else decode(r[0])

    def docs(self, kind: str) -> list[object]:
        """Return a kind's documents in id order."""
        rows = self._all("SELECT body FROM document WHERE kind = ? ORDER BY doc_id", (kind,))
        return [decode(r[0]) for r in rows]

    def put_account(self, a: Account) -> None:
        """Insert an account."""
        self._cur.execute(
            self._q("INSERT INTO account VALUES (?, ?, ?, ?, ?)"),
            (a.account_id, a.enterprise_id, a.kind.value, a.zone, int(a.overdraw_allowed)),
        )

    def put_line(self, ln: Line) -> None:
        """Insert a line."""
        self._cur.execute(
            self._q(
                "INSERT INTO line (account_id, item_no, part_no, hs_code, unit, line_table, "
                "name) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ),
            (ln.account_id, ln.item_no, ln.part_no, ln.hs_code, ln.unit, ln.table.value, ln.name),
        )

    def put_balances(self, balances: Sequence[LineBalance]) -> None:
        """Insert or replace balances."""
        n = self._num
        sets = ", ".join(f"{c} = excluded.{c}" for c in _BAL_COLS.split(", "))
        self._cur.executemany(
            self._q(
                f"INSERT INTO balance (account_id, item_no, {_BAL_COLS}) VALUES "
                f"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, item_no) DO UPDATE "
                f"SET {sets}"
            ),
            [
                (
                    b.account_id,
                    b.item_no,
                    n(b.in_qty),
                    n(b.out_qty),
                    n(b.consumed_qty),
                    n(b.produced_qty),
                    n(b.transfer_in_qty),
                    n(b.transfer_out_qty),
                    n(b.adjusted_qty),
                    n(b.reserved_qty),
                )
                for b in balances
            ],
        )

    def append_entries(self, entries: Sequence[Entry]) -> None:
        """Append entries (the unique (key, leg) and seq keys refuse repeats)."""
        n = self._num
        self._cur.executemany(
            self._q(
                f"INSERT INTO entry ({_ENTRY_COLS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            [
                (
                    e.seq,
                    e.key,
                    e.leg,
                    e.account_id,
                    e.item_no,
                    e.kind.value,
                    e.status.value,
                    n(e.quantity),
                    n(e.delta),
                    e.unit,
                    e.posted_by.kind.value,
                    e.posted_by.ref,
                    e.source_doc,
                    e.time_s,
                    e.refers_to,
                    "\x1f".join(e.reviewers),
                )
                for e in entries
            ],
        )

    def put_doc(self, kind: str, doc_id: str, doc: object) -> None:
        """Insert or replace a document."""
        self._cur.execute(
            self._q(
                "INSERT INTO document (kind, doc_id, body) VALUES (?, ?, ?) "
                "ON CONFLICT (kind, doc_id) DO UPDATE SET body = excluded.body"
            ),
            (kind, doc_id, encode(doc)),
        )

    def delete_doc(self, kind: str, doc_id: str) -> None:
        """Delete a document if present."""
        self._cur.execute(
            self._q("DELETE FROM document WHERE kind = ? AND doc_id = ?"), (kind, doc_id)
        )

    def append_events(self, events: Sequence[object], time_s: float) -> None:
        """Append events to the outbox table."""
        self._cur.executemany(
            self._q("INSERT INTO ledger_event (time_s, kind, body) VALUES (?, ?, ?)"),
            [(time_s, type(e).__name__, encode(e)) for e in events],
        )

    def outbox_after(self, seq: int, limit: int) -> list[OutboxItem]:
        """Return up to ``limit`` outbox events after ``seq``."""
        rows = self._all(
            "SELECT seq, time_s, body FROM ledger_event WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit),
        )
        return [OutboxItem(int(r[0]), float(r[1]), decode(r[2])) for r in rows]

    def outbox_cursor(self, consumer: str) -> int:
        """Return the consumer's last acknowledged seq, 0 if none."""
        r = self._one("SELECT seq FROM outbox_cursor WHERE consumer = ?", (consumer,))
        return 0 if r is None else int(r[0])

    def set_outbox_cursor(self, consumer: str, seq: int) -> None:
        """Move the consumer's cursor."""
        self._cur.execute(
            self._q(
                "INSERT INTO outbox_cursor (consumer, seq) VALUES (?, ?) "
                "ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq"
            ),
            (consumer, seq),
        )

    def append_audit(self, records: Sequence[ReviewRecord]) -> None:
        """Append audit records (the table refuses changes and deletions)."""
        self._cur.executemany(
            self._q(
                "INSERT INTO review_audit (doc_ref, item, action, maker, reviewers, time_s, "
                "detail) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ),
            [
                (
                    r.doc_ref,
                    r.item.value,
                    r.action,
                    r.maker,
                    "\x1f".join(r.reviewers),
                    r.time_s,
                    r.detail,
                )
                for r in records
            ],
        )

    def audit_trail(self, doc_ref: str) -> list[ReviewRecord]:
        """Return one document's audit trail, oldest first."""
        rows = self._all(
            "SELECT doc_ref, item, action, maker, reviewers, time_s, detail FROM review_audit "
            "WHERE doc_ref = ? ORDER BY seq",
            (doc_ref,),
        )
        return [
            ReviewRecord(
                r[0],
                ReviewItem(r[1]),
                r[2],
                r[3],
                tuple(r[4].split("\x1f")) if r[4] else (),
                float(r[5]),
                r[6],
            )
            for r in rows
        ]

    def append_pass_use(self, use: PassUse) -> None:
        """Record a consumed pass leg (the unique keys refuse a second use)."""
        self._cur.execute(
            self._q("INSERT INTO pass_use VALUES (?, ?, ?, ?, ?, ?)"),
            (use.pass_id, use.leg, use.passage_id, use.gate_ref, use.plate, use.time_s),
        )

    def pass_uses(self, pass_id: str) -> list[PassUse]:
        """Return a pass's consumed legs by leg."""
        rows = self._all(
            "SELECT pass_id, leg, passage_id, gate_ref, plate, time_s FROM pass_use "
            "WHERE pass_id = ? ORDER BY leg",
            (pass_id,),
        )
        return [PassUse(r[0], int(r[1]), r[2], r[3], r[4], float(r[5])) for r in rows]

    def put_blob(self, name: str, version: str, body: str) -> None:
        """Store a named text with its version (replacing the previous one)."""
        self._cur.execute(
            self._q(
                "INSERT INTO state_blob (name, version, body) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET version = excluded.version, body = excluded.body"
            ),
            (name, version, body),
        )

    def get_blob(self, name: str) -> tuple[str, str] | None:
        """Return (version, body) of a named text, or None."""
        r = self._one("SELECT version, body FROM state_blob WHERE name = ?", (name,))
        return None if r is None else (str(r[0]), str(r[1]))
