"""PostgreSQL ledger store through psycopg 3, behind the same port as SQLite.

Every write transaction first takes one transaction-scoped advisory lock, so writers
run one at a time (strictly serialisable, like TigerBeetle's single writer) while
readers keep reading their REPEATABLE READ snapshots. Quantities travel as NUMERIC.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal

import psycopg

from ftz_stores.migrate import pending
from ftz_stores.sql import SqlTx

__all__ = ["PostgresStore"]

_WRITER_LOCK = 0x4654_5A4C  # "FTZL": the one advisory lock all ledger writers share


def _num(d: Decimal) -> Decimal:
    return d


class PostgresStore:
    """A :class:`core.ledger.port.LedgerStore` in a PostgreSQL database."""

    def __init__(self, conninfo: str) -> None:
        """Connect with a libpq conninfo string or URL and apply pending migrations.

        Raises:
            psycopg.OperationalError: The server cannot be reached.
            ftz_stores.migrate.SchemaTooNew: The database was migrated by newer code.
        """
        self._db = psycopg.connect(conninfo, autocommit=True)
        self._cache: dict[tuple[str, object], object] = {}
        self._migrate()

    def _migrate(self) -> None:
        with self._db.transaction(), self._db.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER_LOCK,))
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
            )
            cur.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version")
            row = cur.fetchone()
            assert row is not None
            for version, name, sql in pending("postgres", int(row[0])):
                cur.execute(sql.encode())  # a trusted file; several statements at once
                cur.execute(
                    "INSERT INTO schema_version VALUES (%s, %s, %s)", (version, name, time.time())
                )

    def schema_version(self) -> int:
        """Return the applied schema version."""
        with self._db.cursor() as cur:
            cur.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version")
            row = cur.fetchone()
        assert row is not None
        return int(row[0])

    @contextmanager
    def _tx(self, write: bool) -> Iterator[SqlTx]:
        with self._db.transaction(), self._db.cursor() as cur:
            if write:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER_LOCK,))
            else:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield SqlTx(cur, "%s", _num, self._cache)

    def write(self) -> AbstractContextManager[SqlTx]:
        """Begin a serialised write transaction; commits on a clean exit."""
        return self._tx(True)

    def read(self) -> AbstractContextManager[SqlTx]:
        """Begin a read-only REPEATABLE READ transaction."""
        return self._tx(False)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
