"""Pure rules without a store: cross-check, purity of core.ledger, codec, migrations."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest

from core.ledger import (
    CargoDocument,
    DocumentsMismatched,
    FieldMismatch,
    Ledger,
    ListStatus,
    cross_check,
)
from ftz_stores.codec import decode, encode
from ftz_stores.migrate import SchemaTooNew, migrations, pending
from ftz_stores.sqlite import SqliteStore
from tests.ledger.helpers import D

MANIFEST = CargoDocument("MF1", "COSU123", ("TGHU1234567", "MSKU7654321"), 40, D("1200.5"), "C1")


def test_three_documents_that_agree_give_no_event() -> None:
    dlv = CargoDocument("DO1", "COSU123", ("MSKU7654321", "TGHU1234567"), 40, D("1200.50"), "C1")
    assert cross_check(MANIFEST, dlv, dlv, now=1.0) == ()


def test_three_document_mismatch_names_every_differing_field() -> None:
    dlv = CargoDocument("DO1", "COSU123", ("TGHU1234567",), 40, D("1200.5"), "C1")
    dec = CargoDocument("D1", "COSU123", ("TGHU1234567", "MSKU7654321"), 38, D("1200.5"), "C1")
    assert cross_check(MANIFEST, dlv, dec, now=2.0) == (
        DocumentsMismatched(
            "COSU123",
            (
                FieldMismatch(
                    "container_nos",
                    "MSKU7654321,TGHU1234567",
                    "TGHU1234567",
                    "MSKU7654321,TGHU1234567",
                ),
                FieldMismatch("packages", "40", "40", "38"),
            ),
            2.0,
        ),
    )


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
