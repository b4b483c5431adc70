"""Where the risk engine's learned state is kept between runs and restarts.

In a ledger store (the live service: the same SQLite file or PostgreSQL database as its
ledger, table ``state_blob``, committed when :func:`save_risk_state` returns) or in a
file (between twin runs; written to a temporary file and renamed, so a crash never
leaves half a state). Either way the table's version travels with it, and loading a
state learned on another table is refused by :func:`core.risk.persist.restore`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from core.risk.persist import RiskState

__all__ = ["load_risk_state", "load_risk_state_file", "save_risk_state", "save_risk_state_file"]

DEFAULT_NAME = "risk_engine"


def save_risk_state(store: Any, state: RiskState, name: str = DEFAULT_NAME) -> None:
    """Store ``state`` under ``name`` in a ledger store (memory, SQLite, PostgreSQL)."""
    with store.write() as tx:
        tx.put_blob(name, state.table_version, state.to_json())


def load_risk_state(store: Any, name: str = DEFAULT_NAME) -> RiskState | None:
    """Return the state stored under ``name``, or None when there is none.

    Raises:
        core.risk.persist.RiskStateError: The stored text is not a risk state.
    """
    with store.read() as tx:
        found = tx.get_blob(name)
    return None if found is None else RiskState.from_json(found[1])


def save_risk_state_file(path: str | Path, state: RiskState) -> None:
    """Write ``state`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(state.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_risk_state_file(path: str | Path) -> RiskState | None:
    """Return the state saved at ``path``, or None when the file does not exist.

    Raises:
        core.risk.persist.RiskStateError: The file is not a saved risk state.
    """
    path = Path(path)
    if not path.exists():
        return None
    return RiskState.from_json(path.read_text(encoding="utf-8"))
