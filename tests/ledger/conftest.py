"""Fixtures of the ledger suite: one store per backend, a throwaway PostgreSQL server.

The server is started once per pytest process (each xdist worker gets its own data
directory and free port), listens on 127.0.0.1 only and is stopped at session end.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.ledger import Ledger
from ftz_stores import MemoryStore
from tests.ledger.helpers import (
    ACC,
    LINES,
    LOG,
    LOG_LINES,
    YS,
    YS_LINES,
    fresh_pg_store,
    pg_schema_url,
)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    # The server refuses to run as root; as root, drop to the postgres user.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """Start a throwaway PostgreSQL server and yield a URL to its ``ledger`` database."""
    bindir = _pg_bin()
    if bindir is None:
        reason = "PostgreSQL binaries not found (make test installs Debian's postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " and CI=true: refusing to skip")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="ftz-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        _as_postgres(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"]
        ),
        **run,
    )
    port = _free_port()
    # fsync off: this server is thrown away; crash durability is tested on SQLite.
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off"
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                opts,
                "-w",
                "-l",
                str(root / "log"),
                "start",
            ]
        ),
        **run,
    )
    try:
        import psycopg

        base = f"host=127.0.0.1 port={port} user=postgres"
        for attempt in range(50):
            try:
                with psycopg.connect(base + " dbname=postgres", autocommit=True) as c:
                    c.execute("CREATE DATABASE ledger")
                break
            except psycopg.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        yield base + " dbname=ledger"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


BACKENDS = [
    "memory",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.service),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """Return a factory of fresh, empty stores of the parametrised backend."""
    made = []

    def make() -> object:
        if backend == "memory":
            s: object = MemoryStore()
        elif backend == "sqlite":
            from ftz_stores.sqlite import SqliteStore

            s = SqliteStore(tmp_path / f"ledger{len(made)}.sqlite")
        else:
            s = fresh_pg_store(request.getfixturevalue("pg_url"))
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()  # type: ignore[attr-defined]


@pytest.fixture
def reopen(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """Return a function that opens the same ledger data again, as a restart would.

    Each call is a new store object (a new connection) on one SQLite file or one
    PostgreSQL schema; the memory store has no restart, so it returns the same object.
    """
    made: list[object] = []
    memory = MemoryStore()
    url = request.getfixturevalue("pg_url") if backend == "postgres" else ""
    schema = pg_schema_url(url) if url else ""

    def open_again() -> object:
        if backend == "memory":
            return memory
        if backend == "sqlite":
            from ftz_stores.sqlite import SqliteStore

            s: object = SqliteStore(tmp_path / "restart.sqlite")
        else:
            from ftz_stores.postgres import PostgresStore

            s = PostgresStore(schema)
        made.append(s)
        return s

    yield open_again
    for s in made:
        s.close()  # type: ignore[attr-defined]


@pytest.fixture
def store(make_store):
    return make_store()


def open_books(led: Ledger) -> Ledger:
    """Open the suite's three books on ``led``."""
    led.open_account(ACC, LINES, now=0.0)
    led.open_account(LOG, LOG_LINES, now=0.0)
    led.open_account(YS, YS_LINES, now=0.0)
    return led


@pytest.fixture
def ledger(store) -> Ledger:
    """A ledger with a processing book, a logistics book in another zone and one in the same."""
    return open_books(Ledger(store))
