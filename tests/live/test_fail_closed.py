"""A live gate never opens on a fault, a reused pass, a missing key or a store it cannot reach.

Through the installed ``ftztwin serve-gate`` (tests/live/rig.py): a pass is consumed once
across lanes, gates and restarts; an empty or unknown pass never opens; a configured key
variable that is missing stops the service (exit 2, naming device and variable); a
message replayed after a restart (even after ``kill -9``) is refused; a locked database
sends trucks to a post and recovers; overload is answered, counted and bounded; a
barrier that does not follow raises an alarm; ``/metrics`` speaks Prometheus.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time

import pytest

from core.gate import GatePass
from hardware_models.security import encode_envelope
from tests.live.rig import FTZTWIN, ZONE, Rig, gate_pass, plate


@pytest.fixture
def rig(broker, tmp_path):
    r = Rig(tmp_path, broker, lanes=2, gates=("g1", "g2"), extra={"barrier_feedback_s": 0.5})
    yield r
    r.close()


def _decided(rig: Rig, n: int) -> dict:
    return rig.wait(
        lambda: (h := rig.health())["decisions"] and sum(h["decisions"].values()) >= n and h,
        10,
        f"{n} decisions",
    )


@pytest.mark.service
def test_a_pass_opens_once_never_again_at_another_lane_gate_after_restart_or_empty(rig):
    used, fresh = gate_pass(1), gate_pass(2)
    rig.file([used, fresh])
    rig.start()
    rig.truck("c1", used, lane=1)
    rig.wait(lambda: rig.opens("g1", 1) == 1, 10, "the first passage opens")
    attempts = 0
    rig.truck("c2", used, lane=2)  # another lane of the same gate
    rig.truck("c3", used, lane=1, gate="g2")  # another gate of the zone
    attempts += 2
    _decided(rig, 3)
    assert rig.stop() == 0
    rig.start()  # a restart forgets nothing: the ledger holds the pass's state
    for n in range(5):
        rig.truck(f"r{n}", used, lane=n % 2 + 1, gate=("g1", "g2")[n % 2])
        _decided(rig, n + 1)
    attempts += 5
    rig.truck("e1", GatePass("", plate(1)), lane=1)  # an empty pass id
    rig.truck("u1", GatePass("NEVER-FILED", plate(9)), lane=2)  # a pass the ledger never saw
    h = _decided(rig, 7)
    attempts += 2
    rig.truck("ok", fresh, lane=2, gate="g2")
    rig.wait(lambda: rig.opens("g2", 2) == 1, 10, "a fresh pass still opens")
    total = sum(rig.plc.opens.values())
    print(f"reuse attempts {attempts}, opens for them {total - 2}")
    assert total == 2  # the first passage and the fresh pass: no attempt opened
    refused = rig.health()["ledger"]["refused"]
    assert refused["pass_already_used"] == 5 and refused["unknown_pass"] == 1
    assert h["decisions"] == {"manual_post": 7}  # counted since the restart
    audit = rig.audit()
    assert audit["passes_used_twice"] == 0 and audit["opened_unposted"] == 0


@pytest.mark.service
def test_a_message_replayed_after_a_kill_9_and_restart_is_refused(rig):
    gp = gate_pass(3)
    rig.file([gp])
    rig.start()
    device = f"{ZONE}/g1/plate_camera-1"
    rig.arrive("c1", gp, lane=1)
    seq = rig.next_seq()
    captured = encode_envelope(device, seq, time.time(), "ok", gp.plate, 0.97)
    rig._peer(device).publish_raw(captured)
    rig.wait(lambda: rig.opens("g1", 1) == 1, 10, "the passage opens")
    rig.kill()  # the reading's sequence number was made durable with the reservation
    rig.start()
    rig.arrive("c2", gate_pass(4), lane=1)
    rig._peer(device).publish_raw(captured)  # the very same bytes, still fresh
    rejected = rig.wait(lambda: rig.health()["devices"][device]["messages"]["rejected"], 10)
    assert rejected == {"replayed": 1} and rig.opens("g1", 1) == 1


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_a_configured_key_variable_that_is_missing_stops_the_service_naming_device_and_variable(
    broker, tmp_path, value
):
    rig = Rig(
        tmp_path,
        broker,
        params={f"{ZONE}/g1/plate_camera": {"hmac_key_env": "FTZ_TEST_KEY_CAM_{lane}"}},
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTZ_TEST_KEY")}
    if value is not None:
        env["FTZ_TEST_KEY_CAM_1"] = value
    try:
        done = subprocess.run(
            [str(FTZTWIN), "serve-gate", "--site", str(rig.site)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        rig.close()
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{ZONE}/g1/plate_camera-1" in done.stderr and "FTZ_TEST_KEY_CAM_1" in done.stderr


def test_a_missing_lane_pc_key_stops_the_service(broker, tmp_path):
    rig = Rig(tmp_path, broker, extra={"arrivals_hmac_key_env": "FTZ_TEST_KEY_LANE_PC"})
    env = {k: v for k, v in os.environ.items() if k != "FTZ_TEST_KEY_LANE_PC"}
    try:
        done = subprocess.run(
            [str(FTZTWIN), "serve-gate", "--site", str(rig.site)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        rig.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "lane PCs" in done.stderr and "FTZ_TEST_KEY_LANE_PC" in done.stderr


@pytest.mark.service
def test_a_locked_database_sends_trucks_to_a_post_and_the_gate_recovers(rig, tmp_path):
    passes = [gate_pass(i) for i in range(10, 20)]
    rig.file(passes)
    rig.start()
    rig.truck("before", passes[0], lane=1)
    rig.wait(lambda: rig.opens("g1", 1) == 1, 10, "a passage before the lock")
    blocker = sqlite3.connect(tmp_path / "ledger.sqlite", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        rig.truck("locked1", passes[1], lane=1)
        rig.truck("locked2", passes[2], lane=2)
        h = _decided(rig, 3)
        assert h["decisions"] == {"pass": 1, "manual_post": 2}
        assert sum(rig.plc.opens.values()) == 1  # nothing opened without a reservation
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    rig.wait(lambda: rig.health()["ledger"]["reachable"], 30, "the store answers again")
    rig.truck("after", passes[3], lane=2)
    rig.wait(lambda: rig.opens("g1", 2) == 1, 20, "a passage after the lock")
    rig.wait(lambda: rig.audit()["pending"] == 0, 10, "late reservations voided")
    audit = rig.audit()
    assert audit["opened_unposted"] == 0 and audit["posted"] == 2 == audit["opens"]


@pytest.mark.service
def test_overload_gets_a_decision_or_a_counted_refusal_for_every_arrival_in_bounded_memory(
    broker, tmp_path
):
    rig = Rig(tmp_path, broker, lanes=4, extra={"max_queued_arrivals": 50})
    try:
        rig.start()
        pid = rig.proc.pid

        def rss_kb() -> int:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
            raise AssertionError("no VmRSS")

        before = rss_kb()
        n, started = 6000, time.perf_counter()
        for i in range(n):
            # Half without a pass (decided at once), half with one and no plate read (the
            # lane stays occupied, later arrivals there are held: lane_busy).
            gp = None if i % 2 else GatePass(f"X{i}", plate(i))
            rig.arrive(f"o{i}", gp, lane=i % 4 + 1)
        offered_s = time.perf_counter() - started

        def accounted() -> dict | None:
            h = rig.health()
            inp = h["inputs"][f"{ZONE}/g1/lane_pc"]
            seen = inp["accepted"] + sum(inp["rejected"].values())
            idle = h["saturation"]["arrivals"]["depth"] == 0
            decided = sum(h["decisions"].values()) + h["holds"].get("lane_busy", 0)
            waiting = sum(len(v) for v in h["pending_lanes"].values())
            return h if seen == n and idle and decided + waiting == inp["accepted"] else None

        h = rig.wait(accounted, 30, "every arrival accounted")
        inp = h["inputs"][f"{ZONE}/g1/lane_pc"]
        decided = sum(h["decisions"].values())
        held = h["holds"].get("lane_busy", 0)
        refused = h["refused_arrivals"].get("overload", 0)
        waiting = sum(len(v) for v in h["pending_lanes"].values())
        print(
            f"offered {n / offered_s:.0f} arrivals/s: decided {decided}, held {held}, "
            f"refused {refused}, waiting {waiting}, RSS +{(rss_kb() - before) / 1024:.1f} MB"
        )
        assert inp["rejected"] == {"overload": refused}
        assert decided + held + refused + waiting == n
        assert refused > 0 and held > 0  # really saturated, and said so
        assert h["saturation"]["overloaded_arrivals"] == refused
        assert rss_kb() - before < 40_000
    finally:
        rig.close()


@pytest.mark.service
def test_a_barrier_that_does_not_follow_raises_an_alarm_and_metrics_show_it(rig):
    passes = [gate_pass(30), gate_pass(31)]
    rig.file(passes)
    rig.plc.ignore.add(rig.register("g1", 1))  # takes the command, does not move
    rig.start()
    rig.truck("stuck", passes[0], lane=1)
    rig.truck("fine", passes[1], lane=2)
    barriers = rig.wait(
        lambda: (b := rig.health()["barriers"])["alarms"] and b["followed"] == 1 and b, 10
    )
    assert barriers["alarms"] == {f"{ZONE}/g1/barrier-1": 1}
    assert barriers["active_alarms"] == {f"{ZONE}/g1/barrier-1": 1}
    text = rig.metrics()
    assert 'ftz_gate_decisions_total{outcome="pass",reason="all_checks_passed"} 2.0' in text
    assert f'ftz_barrier_alarms_total{{barrier="{ZONE}/g1/barrier-1"}} 1.0' in text
    assert 'ftz_ledger_operations_total{op="posted"} 2.0' in text
    assert "ftz_ledger_commit_seconds_bucket" in text and "ftz_ready 1.0" in text
    assert 'ftz_queue_capacity{queue="arrivals"} 1000.0' in text
