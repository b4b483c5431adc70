"""Subprocess of the crash tests: commit to SQLite, print each acknowledged step.

Usage: ``python -m tests.ledger.crash_writer PATH BATCH_SIZE [movements|passes]``. Runs
until killed. ``movements`` commits batches of movements and prints each batch number;
``passes`` reserves and posts gate passes one by one and prints ``R <passage>`` after
each reservation returned and ``P <passage>`` after each post returned.
"""

from __future__ import annotations

import sys
from decimal import Decimal

from core.ledger import (
    BondedList,
    Direction,
    GatePassFiling,
    Ledger,
    ListLine,
    Movement,
    MovementKind,
    PassItem,
    Reservation,
    WriteOffMode,
    pass_filing,
)
from ftz_stores.sqlite import SqliteStore
from tests.ledger.helpers import ACC, GATE, LINES

GATE_REF = "yangshan_port/gate_2L"


def movements(led: Ledger, size: int) -> None:
    i = 0
    while True:
        batch = [
            Movement(
                f"b{i}-{j}",
                ACC.account_id,
                1 + (j % 2) * 9,
                MovementKind.IN,
                Decimal(j + 1),
                "PCE",
                GATE,
                f"BATCH-{i}",
            )
            for j in range(size)
        ]
        led.post_batch(batch, now=float(i))
        print(i, flush=True)  # acknowledged: the commit has returned
        i += 1


def passes(led: Ledger, n: int) -> None:
    """Each pass is tried by two passages in turn: the second try is a reuse (refused)."""
    led.declare_list(
        BondedList(
            "L1",
            ACC.account_id,
            Direction.IMPORT,
            WriteOffMode.D,
            (ListLine(1, Decimal(10**6), "PCE"),),
            GATE,
            with_declaration=False,
        ),
        0.0,
    )
    led.pre_write_off("L1", 0.0)
    filings = [
        GatePassFiling(f"GP{k}", "沪A12345", (PassItem("L1", 1, Decimal(1)),)) for k in range(n)
    ]
    led.transact(0.0, lambda b: [pass_filing.register_pass(b, f, True) for f in filings])
    for k in range(2 * n):
        pass_id, passage = f"GP{k // 2}", f"lane{k % 2}#{k}"
        r = led.passes.reserve_pass(pass_id, passage, "沪A12345", GATE_REF, float(k))
        if isinstance(r, Reservation):
            print("R", passage, flush=True)
            led.passes.post_pass(passage, float(k))
            print("P", passage, flush=True)
        else:
            print("X", passage, r.reason.value, flush=True)
    print("done", flush=True)
    while True:  # wait to be killed
        pass


def main(path: str, size: int, mode: str) -> None:
    led = Ledger(SqliteStore(path))
    led.open_account(ACC, LINES, now=0.0)
    (movements if mode == "movements" else passes)(led, size)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "movements")
