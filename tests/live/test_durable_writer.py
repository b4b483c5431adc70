"""The durable writer under the gate: group commits, a store that fails, a pass used long ago.

The controller (reserving, as the live gate does) and :class:`ftz_live.ledger_sink.LedgerSink`
over a real SQLite file or PostgreSQL server: after 10,000 other passages a pass used at
the start still never opens (the controller's own memory of used passes is long gone);
a store that fails (disk I/O error, disk full) keeps the writer alive, retrying, and no
reservation is confirmed until it is durable; a PostgreSQL server restarted under load
loses nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.gate import (
    DeviceKind,
    GateController,
    GatePass,
    GatePolicy,
    OpenBarrier,
    PassReserved,
    Reading,
    ReadingReceived,
    ReservationRefused,
    ReservePass,
    TruckArrived,
)
from core.ledger import Ledger, Refusal
from ftz_live.lab_ledger import register_lab_passes
from ftz_live.ledger_sink import LedgerSink, Reserved
from ftz_stores.sqlite import SqliteStore
from tests.live.rig import Rig, gate_pass

GATE = "z1/g1"
LANES = 64


class Gate:
    """One reserving controller of ``LANES`` lanes driven straight, its writer in between."""

    def __init__(self, sink: LedgerSink) -> None:
        policy = GatePolicy(required=frozenset({DeviceKind.PLATE_CAMERA}), reserve_before_open=True)
        self.ctl, self.sink = GateController(GATE, policy), sink
        self.opened: list[str] = []
        self.seq = 0

    def wave(self, passes: list[GatePass], now: float) -> dict[str, str]:
        """Run up to LANES trucks at once; return case -> reason of those not opened."""
        answers: list[Reserved] = []
        done = threading.Semaphore(0)
        asked = 0
        for n, gp in enumerate(passes):
            lane, case = f"{GATE}/lane{n}", f"c{self.seq}"
            self.seq += 1
            self.ctl.handle(TruckArrived(lane, case, gp), now)
            reading = Reading(
                f"{GATE}/plate_camera-{n}", DeviceKind.PLATE_CAMERA, gp.plate, 0.97, self.seq, now
            )
            for c in self.ctl.handle(ReadingReceived(lane, reading), now):
                if isinstance(c, ReservePass):
                    asked += 1
                    self.sink.reserve(c, "", lambda a: (answers.append(a), done.release()), now)
        for _ in range(asked):
            assert done.acquire(timeout=30)
        refused = {}
        for a in answers:
            c, r = a.cmd, a.result
            if r is None or isinstance(r, Refusal):
                reason = a.reason if r is None else r.reason.value
                self.ctl.handle(ReservationRefused(c.lane, c.case_id, c.passage_id, reason), now)
                refused[c.case_id] = reason
                continue
            for cmd in self.ctl.handle(PassReserved(c.lane, c.case_id, c.passage_id), now):
                if isinstance(cmd, OpenBarrier):
                    self.opened.append(c.passage_id)
                    self.sink.post(c.passage_id, now)
        return refused


def test_a_pass_used_before_10000_other_passages_never_opens_again(tmp_path):
    passes = [gate_pass(i) for i in range(10_001)]
    led = Ledger(SqliteStore(tmp_path / "l.sqlite"))
    for i in range(0, len(passes), 2500):
        register_lab_passes(led, passes[i : i + 2500], "z1", 0.0)
    sink = LedgerSink(led, batch=512)
    gate = Gate(sink)
    try:
        assert gate.wave([passes[0]], 1.0) == {}
        for i in range(1, len(passes), LANES):
            assert gate.wave(passes[i : i + LANES], 2.0) == {}
        refused = gate.wave([passes[0], GatePass(passes[0].pass_id, "沪B99999")], 3.0)
    finally:
        sink.close()
    assert len(gate.opened) == 10_001 and len(set(gate.opened)) == 10_001
    assert sorted(refused.values()) == ["pass_already_used", "pass_already_used"]
    assert led.passes.pass_status(passes[0].pass_id).legs_passed == 1
    assert sink.posted == 10_001 and sink.transactions < 10_001  # group commits


class FailingStore:
    """A SQLite store whose next ``disk["fail"]`` writes raise, as a disk that errs or fills."""

    def __init__(self, path: Path, disk: dict) -> None:
        self.inner, self.disk = SqliteStore(path), disk

    @contextmanager
    def write(self):
        if self.disk["fail"]:
            self.disk["fail"] -= 1
            raise sqlite3.OperationalError(self.disk["error"])
        with self.inner.write() as tx:
            yield tx

    def read(self):
        return self.inner.read()

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("error", ["disk I/O error", "database or disk is full"])
def test_a_failing_store_keeps_the_writer_alive_and_confirms_nothing_before_it_is_durable(
    tmp_path, error
):
    disk = {"fail": 0, "error": error}
    path = tmp_path / "l.sqlite"
    led = Ledger(FailingStore(path, disk))  # type: ignore[arg-type]
    passes = [gate_pass(i) for i in range(3)]
    register_lab_passes(led, passes, "z1", 0.0)
    sink = LedgerSink(lambda: Ledger(FailingStore(path, disk)))  # type: ignore[arg-type]
    answers: list[Reserved] = []
    try:
        disk["fail"] = 6
        cmd = ReservePass(f"{GATE}/lane1", "c1", passes[0].pass_id, passes[0].plate, GATE, "k1")
        sink.reserve(cmd, "", answers.append, 1.0)
        deadline = time.monotonic() + 5
        while not sink.error and time.monotonic() < deadline:
            time.sleep(0.01)
        assert error in sink.error and answers == []  # not durable: nothing confirmed
        while not answers and time.monotonic() < deadline + 10:
            time.sleep(0.01)
        [a] = answers
        assert not isinstance(a.result, Refusal) and a.result is not None
        assert sink.retries >= 6 and sink.snapshot()["writer_alive"] and sink.error == ""
        assert led.passes.reservation("k1") is not None
    finally:
        sink.close()


@pytest.mark.service
def test_postgresql_restarted_under_load_loses_no_passage_and_opens_none_unreserved(
    broker, tmp_path
):
    from tests.ledger.conftest import _as_postgres, _free_port, _pg_bin

    bindir = _pg_bin()
    if bindir is None:
        pytest.fail("PostgreSQL binaries not found (make test installs Debian's postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ftz-pg-"))  # a folder the postgres user can enter
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
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock}"
    ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l", str(root / "log")]
    subprocess.run(_as_postgres([*ctl, "start"]), **run)
    rig = None
    try:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute("CREATE DATABASE ledger")
        url = f"postgresql://postgres@127.0.0.1:{port}/ledger"
        rig = Rig(tmp_path, broker, lanes=4, ledger=url)
        passes = [gate_pass(i) for i in range(600)]
        rig.file(passes)
        rig.start()
        i = 0
        for phase in range(3):
            end = time.monotonic() + 1.5
            while time.monotonic() < end:
                rig.truck(f"c{i}", passes[i], lane=i % 4 + 1)
                i += 1
                time.sleep(0.01)
            if phase < 2:
                subprocess.run(_as_postgres([*ctl, "-m", "fast", "restart"]), **run)
        rig.wait(lambda: rig.health()["ledger"]["reachable"], 30, "PostgreSQL back")
        rig.truck("last", passes[i], lane=1)
        rig.wait(lambda: rig.health()["ledger"]["posted"] > 0, 20)
        time.sleep(1.0)
        assert rig.stop() == 0
        audit = rig.audit()
        print("PostgreSQL restarted twice under load:", audit)
        assert audit["opens"] > 5 and audit["opened_unposted"] == 0
        assert audit["posted"] == audit["opens"] and audit["pending"] == 0
        assert audit["passes_used_twice"] == 0
    finally:
        if rig is not None:
            rig.close()
        subprocess.run(
            _as_postgres([*ctl, "-m", "immediate", "stop"]), check=False, capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)
