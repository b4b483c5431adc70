"""Subprocess of the crash test: commit batches to SQLite, print each acknowledged one.

Usage: ``python -m tests.ledger.crash_writer PATH BATCH_SIZE``. Runs until killed.
"""

from __future__ import annotations

import sys
from decimal import Decimal

from core.ledger import Ledger, Movement, MovementKind
from ftz_stores.sqlite import SqliteStore
from tests.ledger.helpers import ACC, GATE, LINES


def main(path: str, size: int) -> None:
    led = Ledger(SqliteStore(path))
    led.open_account(ACC, LINES, now=0.0)
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


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
