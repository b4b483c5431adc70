"""The ledger workload of ``bench_ledger``, runnable against any version of the ledger.

Usage: ``python benchmarks/ledger_workload.py memory|sqlite`` prints one JSON object of
operations/s, each as [per wall second, per CPU second], best of three. It uses only
the API the ledger has had since issue 4 (movements; lists declared, pre-written-off,
bound to a gate pass, passed and released), so the same figures can be measured for
the code this issue started from: ``bench_ledger`` runs it with that commit's ``core``
and ``ftz_stores`` first on the import path, and with the current ones. When the current
ledger has the central pass state, a reserve → post cycle is measured too.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from decimal import Decimal
from itertools import count
from pathlib import Path

import core.ledger as L
from ftz_stores import MemoryStore
from ftz_stores.sqlite import SqliteStore

ACC = L.Account("L2201000001", "3122440001", L.AccountKind.BONDED_LOGISTICS, "yangshan_port")
N_LINES = 100
LINES = [L.Line(ACC.account_id, i, f"P{i}", "8542310000", "PCE") for i in range(1, N_LINES + 1)]
GATE = L.PostedBy(L.PosterKind.GATE, "yangshan_port/gate_2L_01")
_keys = count()


def _movements(n: int) -> list[object]:
    out = []
    for _ in range(n):
        k = next(_keys)
        kind = L.MovementKind.OUT if k % 4 == 3 else L.MovementKind.IN
        q = Decimal(1 + k % 7 if kind is L.MovementKind.IN else 1)
        out.append(
            L.Movement(f"m{k}", ACC.account_id, 1 + k % N_LINES, kind, q, "PCE", GATE, "LIST-1")
        )
    return out


def _ledger(store: object) -> L.Ledger:
    led = L.Ledger(store)  # type: ignore[arg-type]
    led.open_account(ACC, LINES, 0.0)
    seed = [
        L.Movement(
            f"seed{ln.item_no}",
            ACC.account_id,
            ln.item_no,
            L.MovementKind.IN,
            Decimal(10**9),
            "PCE",
            GATE,
            "OPENING",
        )
        for ln in LINES
    ]
    led.post_batch(seed, 0.0)
    return led


def _best(fn, repeats: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best ops/s of wall time and best ops per CPU second, over ``repeats`` runs of ``fn``.

    ``fn`` returns how many operations it did. On SQLite the wall rate is bound by
    fsync; the CPU rate is the code's own cost.
    """
    wall, cpu = 0.0, 0.0
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        n = fn()
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        wall = max(wall, n / dt)
        cpu = max(cpu, n / dc if dc > 0 else 0.0)
    return wall, cpu


def _shipments(led: L.Ledger, n: int, tag: str) -> int:
    """n export shipments: declare, pre-write-off, bind, pass, release — five ops each."""
    k0 = next(_keys)
    for i in range(n):
        lid, item = f"{tag}{k0}-{i}", 1 + i % N_LINES
        bl = L.BondedList(
            lid,
            ACC.account_id,
            L.Direction.EXPORT,
            L.WriteOffMode.D,
            (L.ListLine(item, Decimal(1), "PCE"),),
            GATE,
            declaration_id=f"D{lid}",
        )
        led.declare_list(bl, 1.0)
        led.pre_write_off(lid, 1.0)
        led.bind_gate_pass(L.GatePassBinding(f"GP{lid}", lid, ((item, Decimal(1)),)), 1.0)
        led.record_gate_passage(L.GatePassage(f"GP{lid}", "yangshan_port/gate_2L"), 1.0)
        led.release_declaration(f"D{lid}", 1.0)
    return 5 * n


def _reserve_post(led: L.Ledger, n: int) -> int:
    """n passages through the central pass state: register, reserve, post — three ops."""
    k0 = next(_keys)
    lid = f"R{k0}"
    bl = L.BondedList(
        lid,
        ACC.account_id,
        L.Direction.EXPORT,
        L.WriteOffMode.D,
        (L.ListLine(1, Decimal(n), "PCE"),),
        GATE,
        with_declaration=False,
    )
    led.declare_list(bl, 1.0)
    led.pre_write_off(lid, 1.0)
    for i in range(n):
        f = L.GatePassFiling(f"GP{lid}-{i}", "沪A12345", (L.PassItem(lid, 1, Decimal(1)),))
        led.passes.register_pass(f, 1.0)
        led.passes.reserve_pass(f.pass_id, f"p{lid}-{i}", "沪A12345", "yangshan_port/g", 1.0)
        led.passes.post_pass(f"p{lid}-{i}", 1.0)
    return 3 * n


def run(backend: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as d:
        store = MemoryStore() if backend == "memory" else SqliteStore(Path(d) / "w.sqlite")
        led = _ledger(store)
        each_n = 20_000 if backend == "memory" else 200
        ship_n = 2_000 if backend == "memory" else 40
        out: dict[str, object] = {"ledger": str(Path(L.__file__).resolve().parent)}

        def each() -> int:
            for m in _movements(each_n):
                led.post(m, 1.0)  # type: ignore[arg-type]
            return each_n

        out["post_each"] = _best(each)

        def batches() -> int:
            ms = _movements(20_000)
            for i in range(0, len(ms), 1000):
                led.post_batch(ms[i : i + 1000], 1.0)  # type: ignore[arg-type]
            return len(ms)

        out["post_batch_1000"] = _best(batches)
        out["gate_shipment_ops"] = _best(lambda: _shipments(led, ship_n, "S"))
        if hasattr(led, "passes"):
            out["reserve_post_ops"] = _best(lambda: _reserve_post(led, ship_n))
        store.close()  # type: ignore[attr-defined]
    return out


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1])))
