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


def run_and_kill(path: Path, after_s: float) -> list[int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ledger.crash_writer", str(path), str(BATCH)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    acked: list[int] = []
    deadline = time.monotonic() + 30
    first_ack = None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acked.append(int(line))
        first_ack = first_ack or time.monotonic()
        if time.monotonic() - first_ack >= after_s:
            break
    os.kill(proc.pid, signal.SIGKILL)  # mid-batch: the writer never pauses between batches
    rest, _ = proc.communicate(timeout=10)
    acked += [int(x) for x in rest.split()]  # printed before the kill landed
    assert proc.returncode == -signal.SIGKILL
    return acked


@pytest.mark.parametrize("after_s", [0.3, 0.9])
def test_sigkilled_writer_loses_no_acknowledged_batch_and_leaves_none_half_written(
    tmp_path: Path, after_s: float
) -> None:
    path = tmp_path / "crash.sqlite"
    acked = run_and_kill(path, after_s)
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
