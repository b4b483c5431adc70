"""Ledger benchmarks: movements/s in memory and on SQLite, balance-read latency.

Targets from issue 4: ≥ 50,000 movements/s in memory; ≥ 5,000 movements/s durable on
SQLite with batched commits (the one-commit-per-movement rate is reported beside it, as
a ratio, because it is bound by fsync and the disk); a line's balance read in < 1 ms.
"""

from __future__ import annotations

import tempfile
import time
from decimal import Decimal
from itertools import count
from pathlib import Path

from benchmarks.harness import Result, best_rate, percentile
from core.ledger import Account, AccountKind, Ledger, Line, Movement, MovementKind, PostedBy
from core.ledger import PosterKind as PK
from ftz_stores import MemoryStore
from ftz_stores.sqlite import SqliteStore

ACC = Account("E2201000001", "3122440001", AccountKind.PROCESSING_E, "yangshan_port")
N_LINES = 100
LINES = [Line(ACC.account_id, i, f"P{i}", "8542310000", "PCE") for i in range(1, N_LINES + 1)]
GATE = PostedBy(PK.GATE, "yangshan_port/gate_2L_01")
_keys = count()


def _movements(n: int) -> list[Movement]:
    # Three inflows to one outflow; the opening stock covers every outflow.
    out = []
    for _ in range(n):
        k = next(_keys)
        kind = MovementKind.OUT if k % 4 == 3 else MovementKind.IN
        out.append(
            Movement(
                f"m{k}",
                ACC.account_id,
                1 + k % N_LINES,
                kind,
                Decimal(1 + k % 7 if kind is MovementKind.IN else 1),
                "PCE",
                GATE,
                "LIST-1",
            )
        )
    return out


def _ledger(store: object) -> Ledger:
    led = Ledger(store)  # type: ignore[arg-type]
    led.open_account(ACC, LINES, now=0.0)
    seed = [
        Movement(
            f"seed{i}",
            ACC.account_id,
            ln.item_no,
            MovementKind.IN,
            Decimal(10**9),
            "PCE",
            GATE,
            "OPENING",
        )
        for i, ln in enumerate(LINES)
    ]
    led.post_batch(seed, 0.0)
    return led


def _post_each(led: Ledger, n: int) -> int:
    ms = _movements(n)
    for m in ms:
        led.post(m, 1.0)
    return n


def _post_batches(led: Ledger, n: int, size: int) -> int:
    ms = _movements(n)
    for i in range(0, n, size):
        led.post_batch(ms[i : i + size], 1.0)
    return n


def _read_latency_ms(led: Ledger, n: int = 3000) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        led.balance(ACC.account_id, 1 + i % N_LINES)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run() -> list[Result]:
    mem = _ledger(MemoryStore())
    mem_each = best_rate(lambda: _post_each(mem, 20_000), repeats=3)
    mem_batch = best_rate(lambda: _post_batches(mem, 20_000, 1000), repeats=3)
    with tempfile.TemporaryDirectory() as d:
        sq = _ledger(SqliteStore(Path(d) / "bench.sqlite"))
        sq_batch = best_rate(lambda: _post_batches(sq, 20_000, 1000), repeats=3)
        sq_each = best_rate(lambda: _post_each(sq, 300), repeats=2)
        sq_read = _read_latency_ms(sq)
        sq.store.close()
    mem_read = _read_latency_ms(mem)
    entries = mem.store.last_seq()  # type: ignore[attr-defined]
    return [
        Result(
            "ledger.memory_post_movements_per_s",
            mem_each,
            "1/s",
            50_000,
            note="Ledger.post, one call per movement, 100 lines",
            extra={"batched_1000_per_s": mem_batch, "entries_in_store": entries},
        ),
        Result(
            "ledger.memory_batch_movements_per_s",
            mem_batch,
            "1/s",
            50_000,
            note="Ledger.post_batch of 1000",
        ),
        Result(
            "ledger.sqlite_batched_movements_per_s",
            sq_batch,
            "1/s",
            5_000,
            note="post_batch of 1000 per commit, WAL, synchronous=FULL",
            extra={
                "one_commit_per_movement_per_s": sq_each,
                "batched_over_single_ratio": sq_batch / sq_each,
            },
        ),
        Result(
            "ledger.sqlite_one_commit_per_movement_per_s",
            sq_each,
            "1/s",
            note=f"fsync-bound; batched is {sq_batch / sq_each:.0f}x faster",
        ),
        Result(
            "ledger.sqlite_balance_read_p99_ms",
            percentile(sq_read, 99),
            "ms",
            1.0,
            higher_is_better=False,
            note=f"p50 {percentile(sq_read, 50):.4f} ms",
            extra={"p50_ms": percentile(sq_read, 50)},
        ),
        Result(
            "ledger.memory_balance_read_p99_ms",
            percentile(mem_read, 99),
            "ms",
            1.0,
            higher_is_better=False,
            note=f"p50 {percentile(mem_read, 50):.4f} ms",
            extra={"p50_ms": percentile(mem_read, 50)},
        ),
    ]
