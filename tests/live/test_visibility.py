"""Every decision visible: log lines, the decision topic, the trace, readiness with reasons."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
import yaml

from tests.live.stack import EXAMPLE, GATE, PASS, Stack, truck, wait_for

pytestmark = pytest.mark.service
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture(scope="module")
def stack():
    with Stack() as s:
        yield s


def test_one_json_log_line_per_decision_names_gate_lane_case_pass_outcome_reasons_and_readings(
    stack,
):
    stack.play("V1", truck(plate_camera="沪A1234S"))
    d = stack.decision("V1")
    [line] = [x for x in stack.log() if x["msg"] == "decision" and x["case"] == "V1"]
    assert ISO_UTC.match(line["ts"])
    assert line["gate"] == GATE and line["lane"] == f"{GATE}/lane1"
    assert line["gate_pass"] == "HF-V1" and line["outcome"] == d["outcome"] == "manual_post"
    assert line["reasons"] == d["reasons"] == ["plate_weak"]
    used = {(r["device"], r["seq"]) for r in line["readings"]}
    assert used == {tuple(r) for r in d["readings"]} and len(used) == 7
    assert all(isinstance(r["seq"], int) and r["device"].startswith(GATE) for r in line["readings"])


def test_a_rejected_message_is_a_log_line_with_the_device_and_the_reason(stack):
    device = f"{GATE}/e_plate_reader-1"
    subprocess.run(
        [
            "mosquitto_pub",
            *stack._user(device),
            "-t",
            f"ftz/v1/dev/{device}/reading",
            "-m",
            "{oops",
        ],
        check=True,
    )
    stale = stack.envelope(device, {"tag_id": "EP0001", "plate": "沪A12345"}, ts=time.time() - 600)
    subprocess.run(
        ["mosquitto_pub", *stack._user(device), "-t", f"ftz/v1/dev/{device}/reading", "-m", stale],
        check=True,
    )

    def rejected():
        lines = [x for x in stack.log() if x["msg"] == "message rejected"]
        return lines if len(lines) >= 2 else None

    lines = wait_for(rejected, 5, "two rejection lines")
    assert {(x["device"], x["reason"]) for x in lines} >= {(device, "malformed"), (device, "stale")}
    counts = stack.health()["devices"][device]["messages"]["rejected"]
    assert counts["malformed"] >= 1 and counts["stale"] >= 1


def test_the_monitor_user_reads_decisions_but_cannot_publish_one(stack):
    forged = json.dumps(
        {"v": 1, "gate": GATE, "decision": {"case_id": "FORGED", "outcome": "pass"}}
    )
    subprocess.run(
        [
            "mosquitto_pub",
            *stack._user("monitor"),
            "-q",
            "1",
            "-t",
            f"ftz/v1/gate/{GATE}/decision",
            "-m",
            forged,
        ],
        check=True,
    )
    stack.play("V2", truck())
    assert stack.decision("V2")["outcome"] == "pass"  # the monitor's subscription works
    assert not [d for d in stack.decisions if d["case_id"] == "FORGED"]


def test_the_trace_is_flushed_record_by_record_and_appended_across_restarts(stack):
    trace = stack.home / "var" / "trace.csv"
    stack.play("V3", truck())
    stack.decision("V3")
    rows = wait_for(lambda: [r for r in trace.read_text().splitlines() if r.startswith("V3,")], 5)
    assert [r.split(",")[2] for r in rows] == ["START", "STOP"]  # while the service runs
    assert ISO_UTC.match(rows[-1].rsplit(",", 1)[1])
    before = trace.read_text().splitlines()
    assert stack.stop_service() == 0
    stack.start_service()
    stack.play("V4", truck())
    stack.decision("V4")
    after = wait_for(lambda: [r for r in trace.read_text().splitlines()][len(before) :], 5)
    assert trace.read_text().splitlines()[: len(before)] == before  # appended, not truncated
    assert [r.split(",")[0] for r in after] == ["V4", "V4"]
    assert sum(r.startswith("case_id,") for r in trace.read_text().splitlines()) == 1


def test_with_the_broker_down_at_start_the_service_is_not_ready_says_why_and_keeps_reconnecting():
    with Stack(start_broker=False, wait_ready=False) as s:
        h = s.health()
        assert h["ready"] is False and h["mqtt_connected"] is False
        assert any(r.startswith("broker unreachable at 127.0.0.1:") for r in h["not_ready"])
        time.sleep(1.5)
        assert s.health()["ready"] is False  # still down, still saying so
        s.start_broker()
        wait_for(lambda: s.health()["ready"], 30, "ready after the broker came up")
        s.watch_decisions()
        s.register(PASS)
        s.play("R1", truck(), pass_id="HF0001")
        assert s.decision("R1")["outcome"] == "pass" and s.opens() == 1


def test_with_the_ledger_unreachable_the_service_is_not_ready_and_no_barrier_opens_until_it_answers(
    tmp_path,
):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    blocker = tmp_path / "ledger.sqlite"
    blocker.mkdir()  # a folder where the database file should be: SQLite cannot open it
    data["ledger"] = f"sqlite:{blocker}"
    site = tmp_path / "site.yaml"
    site.write_text(yaml.safe_dump(data, allow_unicode=True))
    with Stack(site, wait_ready=False) as s:
        h = wait_for(lambda: s.health(), 10)
        assert h["ready"] is False and h["ledger"]["reachable"] is False
        assert any(r.startswith("ledger unreachable: OperationalError") for r in h["not_ready"])
        s.register(PASS, ledger=False)
        s.play("L1", truck(), pass_id="HF0001")
        # Without the store the devices' last sequence numbers are unknown: every message is
        # refused and counted (a replay could not be told apart), nothing opens.
        # (the lane PC's arrival and the six envelope devices; the serial weighbridge has none)
        wait_for(lambda: s.health()["rejected_messages"].get("sequence_unknown") == 7, 5)
        assert s.opens() == 0 and not s.decisions
        blocker.rmdir()  # the mount is back
        wait_for(lambda: s.health()["ready"], 30, "ready after the ledger came back")
        s.file_in_ledger(PASS, path=blocker)
        s.play("L2", truck(), pass_id="HF0001")
        assert s.decision("L2")["outcome"] == "pass" and s.opens() == 1
        ledger = wait_for(lambda: (x := s.health()["ledger"])["posted"] == 1 and x, 10)
        assert ledger["error"] == "" and ledger["reserved"] == 1 and ledger["voided"] == 0
