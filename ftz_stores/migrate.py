"""Versioned schema migrations: ``ftz_stores/migrations/NNNN_<name>.<dialect>.sql``.

Each file is applied once, in version order, inside the caller's transaction, and
recorded in ``schema_version``; a database newer than the code is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["SchemaTooNew", "migrations", "pending"]

_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_(\w+)\.(sqlite|postgres)\.sql$")


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer version of the code."""


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """Return (version, name, sql) of every migration of a dialect, in order."""
    out = []
    for p in sorted(_DIR.iterdir()):
        m = _NAME.match(p.name)
        if m and m.group(3) == dialect:
            out.append((int(m.group(1)), m.group(2), p.read_text(encoding="utf-8")))
    return out


def pending(dialect: str, current: int) -> list[tuple[int, str, str]]:
    """Return the migrations newer than ``current``.

    Raises:
        SchemaTooNew: ``current`` is above the newest migration this code knows.
    """
    known = migrations(dialect)
    newest = known[-1][0] if known else 0
    if current > newest:
        raise SchemaTooNew(f"schema_version={current} but this code knows up to {newest}")
    return [m for m in known if m[0] > current]
