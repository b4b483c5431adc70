"""A writer killed with SIGKILL mid-batch loses nothing acknowledged, half-writes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from core.ledger import Ledger, StockReport
from ftz_stores.sqlite import SqliteStore
from tests.ledger.helpers import ACC

BATCH = 50
ROOT = Path(__file__).resolve().parents[2]


def run_and_kill(
    path: Path, after_s: float, mode: str = "movements", size: int = BATCH
) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ledger.crash_writer", str(path), str(size), mode],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    acked: list[str] = []
    deadline = time.monotonic() + 30
    first_ack = None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acked.append(line.strip())
        first_ack = first_ack or time.monotonic()
        if time.monotonic() - first_ack >= after_s:
            break
    os.kill(proc.pid, signal.SIGKILL)  # mid-batch: the writer never pauses between batches
    rest, _ = proc.communicate(timeout=10)
    acked += [x.strip() for x in rest.splitlines() if x.strip()]  # printed before the kill
    assert proc.returncode == -signal.SIGKILL
    return acked


@pytest.mark.parametrize("after_s", [0.3, 0.9])
def test_sigkilled_writer_loses_no_acknowledged_batch_and_leaves_none_half_written(
    tmp_path: Path, after_s: float
) -> None:
    path = tmp_path / "crash.sqlite"
    acked = [int(x) for x in run_and_kill(path, after_s)]
    assert len(acked) >= 3, "the writer acknowledged too few batches to test anything"
    store = SqliteStore(path)  # reopen: recovers from the WAL
    led = Ledger(store)
    a = ACC.account_id
    entries = led.entries(a, 1) + led.entries(a, 10)
    per_batch = Counter(e.source_doc for e in entries)
    assert all(n == BATCH for n in per_batch.values()), "a batch is partially present"
    present = {int(doc.removeprefix("BATCH-")) for doc in per_batch}
    assert set(acked) <= present
    assert present <= set(range(max(acked) + 2))  # at most the one batch in flight
    balance = led.balance(a, 1).balance + led.balance(a, 10).balance
    assert balance == len(present) * sum(Decimal(j + 1) for j in range(BATCH))
    report = StockReport(a, ((1, led.balance(a, 1).balance), (10, led.balance(a, 10).balance)))
    assert led.reconcile(report, now=1e9).events == ()  # stored balances match entries
    store.close()


@pytest.mark.parametrize("after_s", [0.4, 1.1])
def test_a_sigkilled_gate_loses_no_acknowledged_reservation_and_consumes_no_pass_twice(
    tmp_path: Path, after_s: float
) -> None:
    from core.ledger import PassState, ReservationStatus

    path = tmp_path / "passes.sqlite"
    passes = 5000  # more than the gate gets through before the kill
    lines = run_and_kill(path, after_s, mode="passes", size=passes)
    assert "done" not in lines, "killed too late to land mid-stream"
    reserved = {x.split()[1] for x in lines if x.startswith("R ")}
    posted = {x.split()[1] for x in lines if x.startswith("P ")}
    assert len(posted) >= 2, "the gate acknowledged too few passages to test anything"
    store = SqliteStore(path)
    led = Ledger(store)
    uses = {u.passage_id: u for k in range(passes) for u in led.passes.pass_uses(f"GP{k}")}
    assert posted <= set(uses)  # every acknowledged post is durable
    for passage in reserved - posted:  # reserved, killed before the post returned
        r = led.passes.reservation(passage)
        assert r is not None and r.status in (ReservationStatus.PENDING, ReservationStatus.POSTED)
    refused = [x for x in lines if x.startswith("X ")]
    assert refused and all(x.endswith("pass_already_used") for x in refused)  # the reuses
    assert all(len(led.passes.pass_uses(f"GP{k}")) <= 1 for k in range(passes))
    pending = led.passes.pending_reservations()
    assert len(pending) <= 1  # at most the one in flight
    for r in pending:  # settle on restart: no barrier command logged, so void it
        led.passes.void_pass(r.passage_id, "restart_no_command", 1e9)
    for k in range(passes):
        st = led.passes.pass_status(f"GP{k}")
        assert (st.state is PassState.PASSED) == bool(led.passes.pass_uses(f"GP{k}"))
    assert led.list_status("L1").passed == (len(uses),)
    store.close()
