"""Purity of core.ledger, the codec, migrations, and what the databases themselves refuse."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest

from core.ledger import Ledger, ListStatus
from ftz_stores.codec import decode, encode
from ftz_stores.migrate import SchemaTooNew, migrations, pending
from ftz_stores.sqlite import SqliteStore

FORBIDDEN = {
    "simpy",
    "mesa",
    "streamlit",
    "yaml",
    "sqlite3",
    "psycopg",
    "socket",
    "random",
    "time",
    "datetime",
    "twin",
    "hardware_models",
    "ftz_stores",
    "os",
    "io",
}


@pytest.mark.parametrize("path", sorted(Path("core/ledger").glob("*.py")), ids=str)
def test_core_ledger_imports_no_io_clock_or_randomness(path: Path) -> None:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    assert not names & FORBIDDEN


def test_documents_round_trip_through_the_codec_exactly(ledger: Ledger) -> None:
    from tests.ledger.helpers import blist

    ledger.declare_list(blist(), now=1.0)
    st = ledger.list_status("L1")
    assert isinstance(st, ListStatus)
    back = decode(encode(st))
    assert back == st and type(back.state) is type(st.state)


def test_codec_refuses_types_not_exported_by_the_ledger() -> None:
    class Foreign:
        pass

    with pytest.raises(TypeError):
        encode(Foreign())


def test_sqlite_schema_is_versioned_and_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    s = SqliteStore(path)
    newest = migrations("sqlite")[-1][0]
    assert s.schema_version() == newest
    s.close()
    s = SqliteStore(path)
    assert s.schema_version() == newest
    s.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("SELECT count(*) FROM schema_version").fetchone() == (newest,)


def test_a_database_newer_than_the_code_is_refused() -> None:
    assert pending("sqlite", 0)
    with pytest.raises(SchemaTooNew):
        pending("sqlite", 999)


def _one_entry_ledger(store: object) -> Ledger:
    from tests.ledger.helpers import ACC, LINES, mv

    led = Ledger(store)  # type: ignore[arg-type]
    led.open_account(ACC, LINES, now=0.0)
    led.post(mv("k"), now=1.0)
    return led


def test_sqlite_refuses_to_change_or_delete_an_entry(tmp_path: Path) -> None:
    _one_entry_ledger(SqliteStore(tmp_path / "l.sqlite")).store.close()
    db = sqlite3.connect(tmp_path / "l.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("UPDATE entry SET quantity = '99'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM entry")


@pytest.mark.service
def test_postgres_refuses_to_change_or_delete_an_entry(pg_url: str) -> None:
    import psycopg

    from tests.ledger.helpers import fresh_pg_store

    store = fresh_pg_store(pg_url)
    _one_entry_ledger(store)
    cur = store._db.cursor()  # type: ignore[attr-defined]
    for sql in ("UPDATE entry SET quantity = 99", "DELETE FROM entry"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            cur.execute(sql)
    store.close()  # type: ignore[attr-defined]


def test_sqlite_refuses_a_second_use_of_a_pass_leg_and_any_change_to_a_use(
    tmp_path: Path,
) -> None:
    SqliteStore(tmp_path / "l.sqlite").close()
    db = sqlite3.connect(tmp_path / "l.sqlite")
    db.execute("INSERT INTO pass_use VALUES ('GP1', 1, 'lane1#1', 'g', '沪A1', 0)")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO pass_use VALUES ('GP1', 1, 'lane2#1', 'g', '沪A1', 1)")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO pass_use VALUES ('GP2', 1, 'lane1#1', 'g', '沪A1', 1)")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("UPDATE pass_use SET leg = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM pass_use")


def test_a_version_1_database_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    from ftz_stores.migrate import migrations as all_migrations

    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at REAL NOT NULL)"
    )
    _, name, sql = all_migrations("sqlite")[0]
    db.executescript(sql)
    db.execute("INSERT INTO schema_version VALUES (1, ?, 0)", (name,))
    db.execute("INSERT INTO account VALUES ('A1', 'E1', 'bonded_logistics', 'z', 0)")
    db.execute("INSERT INTO line VALUES ('A1', 1, 'P', '8542', 'kg')")
    db.commit()
    db.close()
    led = Ledger(SqliteStore(path))
    (line,) = led.read(lambda tx: tx.account_lines("A1"))
    assert (line.hs_code, line.table.value, line.name) == ("8542", "goods", "")
    assert led.store.schema_version() == all_migrations("sqlite")[-1][0]  # type: ignore[attr-defined]
    led.store.close()  # type: ignore[attr-defined]
