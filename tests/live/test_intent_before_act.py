"""Nothing lost, no one in: the installed ``serve-gate`` killed with SIGKILL under load.

Trucks stream through four lanes while the service is killed (``kill -9``) and restarted
again and again. Afterwards every OPEN the Modbus PLC received has exactly one posted
passage in the SQLite ledger (found through the command log: barrier, command number),
no command number is used twice, no pass is consumed twice, and nothing is left
pending: reservations a crash left behind were settled against the PLC's own record.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

import pytest

from tests.live.rig import Rig, gate_pass

LANES = 4


def _campaign(tmp_path, broker, kills: int, seed: int) -> dict:
    rng = random.Random(seed)
    rig = Rig(tmp_path, broker, lanes=LANES)
    passes = [gate_pass(i) for i in range(kills * 200 + 400)]
    rig.file(passes)
    sent = [0]
    stop = threading.Event()

    def load() -> None:
        # Open loop: a truck per lane every few milliseconds, whatever the service does.
        i = 0
        while not stop.is_set() and i < len(passes):
            lane = i % LANES + 1
            rig.truck(f"c{i}", passes[i], lane)
            sent[0] = i = i + 1
            time.sleep(0.004)

    try:
        rig.start()
        loader = threading.Thread(target=load, daemon=True)
        loader.start()
        for _ in range(kills):
            time.sleep(rng.uniform(0.2, 0.8))
            rig.kill()
            rig.start()
        time.sleep(0.5)
        stop.set()
        loader.join(30)
        time.sleep(1.0)  # the last passages settle
        h = rig.health()
        assert rig.stop() == 0
        audit = rig.audit()
    finally:
        rig.close()
    return {"kills": kills, "trucks_offered": sent[0], "health": h, **audit}


def _keep(out: dict) -> None:
    """Leave the campaign's figures in test-artifacts/ (the closing note quotes them)."""
    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    figures = {k: v for k, v in out.items() if k != "health"}
    (folder / f"kill9_{out['kills']}.json").write_text(json.dumps(figures, indent=1))


def _assert_nothing_lost(out: dict) -> None:
    assert out["opens"] > 50, out  # the campaign really ran trucks through
    assert out["distinct_opens"] == out["opens"], out  # no command number sent twice
    assert out["opened_unposted"] == 0, out
    assert out["doubled"] == 0, out
    assert out["posted"] == out["opens"], out  # no posted passage without its OPEN
    assert out["pending"] == 0, out
    assert out["passes_used_twice"] == 0, out
    assert out["health"]["opened_unreserved"] == 0, out


@pytest.mark.service
def test_every_barrier_command_has_exactly_one_ledger_passage_over_20_kill_9(broker, tmp_path):
    out = _campaign(tmp_path, broker, kills=20, seed=14)
    _keep(out)
    _assert_nothing_lost(out)


@pytest.mark.slow
@pytest.mark.service
def test_every_barrier_command_has_exactly_one_ledger_passage_over_60_kill_9(broker, tmp_path):
    out = _campaign(tmp_path, broker, kills=60, seed=1414)
    _keep(out)
    _assert_nothing_lost(out)
