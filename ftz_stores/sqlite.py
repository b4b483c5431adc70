"""SQLite ledger store: the embedded, durable default.

WAL journal with ``synchronous=FULL`` (a commit is on disk before it returns — the
price of "acknowledged means kept"), ``BEGIN IMMEDIATE`` for every write so writers
serialise up front instead of failing on lock upgrade, parameterised SQL only, and
versioned migrations applied on open.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from ftz_stores.migrate import pending
from ftz_stores.sql import SqlTx

__all__ = ["SqliteStore"]


class SqliteStore:
    """A :class:`core.ledger.port.LedgerStore` in one SQLite file."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = 10_000) -> None:
        """Open (creating and migrating if needed) the database at ``path``.

        Raises:
            sqlite3.DatabaseError: The file is not a usable database.
            ftz_stores.migrate.SchemaTooNew: The file was migrated by newer code.
        """
        self.path = str(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._cache: dict[tuple[str, object], object] = {}
        self._migrate()

    def _migrate(self) -> None:
        db = self._db
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
        db.execute("BEGIN IMMEDIATE")
        try:
            (current,) = db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version"
            ).fetchone()
            todo = pending("sqlite", current)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        for version, name, sql in todo:
            # executescript would commit an open transaction first, so BEGIN goes inside
            # the script; the version row joins the same transaction.
            db.executescript("BEGIN IMMEDIATE;\n" + sql)
            try:
                if db.execute(
                    "SELECT 1 FROM schema_version WHERE version = ?", (version,)
                ).fetchone():
                    raise sqlite3.IntegrityError(f"migration {version} applied concurrently")
                db.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)", (version, name, time.time())
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def schema_version(self) -> int:
        """Return the applied schema version."""
        (v,) = self._db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        return int(v)

    @contextmanager
    def _tx(self, begin: str) -> Iterator[SqlTx]:
        cur = self._db.cursor()
        cur.execute(begin)
        try:
            yield SqlTx(cur, "?", str, self._cache)
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")
        finally:
            cur.close()

    def write(self) -> AbstractContextManager[SqlTx]:
        """Begin a write transaction (``BEGIN IMMEDIATE``); commits on a clean exit."""
        return self._tx("BEGIN IMMEDIATE")

    def read(self) -> AbstractContextManager[SqlTx]:
        """Begin a read transaction on a consistent WAL snapshot."""
        return self._tx("BEGIN")

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite)."""
        self._db.close()
