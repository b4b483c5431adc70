"""The live gate service: MQTT in, the core decides, Modbus out, SQLite ledger, health, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from decimal import Decimal

import pytest
import yaml

from core.gate import GatePass, GatePassItem, PostGatePassage
from core.ledger import (
    Account,
    AccountKind,
    BondedList,
    Direction,
    GatePassBinding,
    Ledger,
    Line,
    ListLine,
    Movement,
    MovementKind,
    PostedBy,
    PosterKind,
    WriteOffMode,
)
from ftz_live.codec import encode_gate_pass
from ftz_live.config import LiveSiteError, parse_live_site
from ftz_live.lab_ledger import register_lab_passes
from ftz_live.ledger_sink import LedgerSink
from ftz_live.service import GateService
from ftz_stores import MemoryStore
from ftz_stores.sqlite import SqliteStore
from hardware_models.mqtt import MqttDevicePeer, arrival_topic
from tests.protocols import services

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GATE = "z1/g1"
PASS = GatePass("GP1", "沪A12345", items=(GatePassItem("L1", 1, Decimal(10)),))


def site(broker_port: int, tmp_path, barrier: dict | None = None) -> dict:
    devices = [{"id": "plate_camera", "kind": "plate_camera", "driver": "mqtt.plate_camera"}]
    devices.append(
        {
            "id": "barrier",
            "kind": "barrier",
            "driver": "modbus.barrier" if barrier else "sim.barrier",
        }
    )
    return {
        "name": "test_live",
        "site": {
            "zones": [{"id": "z1", "name": "Zone"}],
            "gates": [{"id": "g1", "zone": "z1", "line": "second", "lanes": 1, "devices": devices}],
        },
        "mqtt": {
            "host": "127.0.0.1",
            "port": broker_port,
            "prefix": f"svc{os.getpid()}{time.monotonic_ns()}",
        },
        "ledger": f"sqlite:{tmp_path / 'ledger.sqlite'}",
        "trace": str(tmp_path / "trace.csv"),
        "health": {"port": 0},
        "params": {f"{GATE}/barrier": barrier or {}},
    }


def prepare_ledger(path) -> None:
    """An account, a pre-written-off list and the gate pass bound to it."""
    led = Ledger(SqliteStore(path))
    by = PostedBy(PosterKind.ENTERPRISE, "E1")
    led.open_account(
        Account("A1", "E1", AccountKind.BONDED_LOGISTICS), [Line("A1", 1, "P", "8542", "kg")], 0.0
    )
    led.post(Movement("open", "A1", 1, MovementKind.IN, Decimal(1000), "kg", by), 0.0)
    led.declare_list(
        BondedList(
            "L1",
            "A1",
            Direction.EXPORT,
            WriteOffMode.D,
            (ListLine(1, Decimal(10), "kg"),),
            by,
            declaration_id="D1",
        ),
        0.0,
    )
    led.pre_write_off("L1", 0.0)
    led.bind_gate_pass(GatePassBinding("GP1", "L1", ((1, Decimal(10)),)), 0.0)
    led.store.close()


def file_passes(path, *passes: GatePass) -> None:
    """What customs would have filed: the passes in the gate's ledger (lab book of zone z1)."""
    led = Ledger(SqliteStore(path))
    register_lab_passes(led, passes, "z1", 0.0)
    led.store.close()


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
        return json.loads(r.read())


def wait_for(check, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


@pytest.mark.service
def test_served_gate_opens_the_modbus_barrier_on_a_matching_mqtt_plate_and_posts_to_sqlite(
    broker, plc, tmp_path
):
    file_passes(tmp_path / "ledger.sqlite", PASS)
    live = parse_live_site(
        site(broker.port, tmp_path, {"host": "127.0.0.1", "port": plc.port, "register": 900})
    )
    svc = GateService(live)
    svc.start()
    loop = threading.Thread(target=svc.run)
    loop.start()
    lane_pc = camera = None
    try:
        prefix = live.mqtt.prefix
        lane_pc = MqttDevicePeer(
            f"{GATE}/lane_pc", broker.settings(), prefix, topic=arrival_topic(prefix, GATE)
        )
        camera = MqttDevicePeer(f"{GATE}/plate_camera-1", broker.settings(), prefix)
        assert lane_pc.open() and camera.open()
        opens = plc.opens[900]
        lane_pc.publish(
            "ok",
            time.time(),
            {"lane": f"{GATE}/lane1", "case_id": "c1", "gate_pass": encode_gate_pass(PASS)},
        )
        wait_for(lambda: svc.gates[GATE].controller.pending_lanes)
        camera.publish("ok", time.time(), "沪A12345", 0.97)
        wait_for(lambda: plc.opens[900] == opens + 1)
        wait_for(lambda: svc.ledger_sink.posted == 1)
        h = health(svc.health.port)
        assert h["ready"] and h["decisions"] == {"pass": 1} and h["uptime_s"] > 0
        assert h["devices"][f"{GATE}/plate_camera-1"]["messages"]["accepted"] == 1
        assert h["inputs"][f"{GATE}/lane_pc"]["accepted"] == 1
        ledger = {k: h["ledger"][k] for k in ("reserved", "posted", "voided", "refused")}
        assert ledger == {"reserved": 1, "posted": 1, "voided": 0, "refused": {}}
        assert h["ledger"]["reachable"] and h["ledger"]["error"] == ""
        assert h["barriers"]["alarms"] == {} and h["opened_unreserved"] == 0
    finally:
        svc.stop()
        loop.join(5)
        svc.shutdown()
        for peer in (lane_pc, camera):
            if peer is not None:
                peer.close()
    trace = (tmp_path / "trace.csv").read_text().splitlines()
    assert trace[0] == "case_id,activity,lifecycle,resource,time_s,attrs,wall_time"
    assert [r.split(",")[:3] for r in trace[1:]] == [
        ["c1", "gate_check", "START"],
        ["c1", "gate_check", "STOP"],
    ]
    assert {d.state.value for d in svc.devices.values()} == {"finalized"}


@pytest.mark.service
def test_serve_gate_exits_0_on_sigterm_and_logs_json_lines(broker, tmp_path):
    data = site(broker.port, tmp_path)
    data["health"]["port"] = services.free_port()
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    proc = subprocess.Popen(
        [sys.executable, "-m", "ftztwin.cli", "serve-gate", "--site", str(tmp_path / "site.yaml")],
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        wait_for(lambda: _ready(data["health"]["port"]), 30)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    logs = [json.loads(line) for line in err.decode().splitlines() if line.strip()]
    assert [entry["msg"] for entry in logs][-1] == "gate service stopped"
    assert all({"ts", "level", "logger", "msg"} <= set(entry) for entry in logs)


def _ready(port: int) -> bool:
    try:
        return bool(health(port).get("ready"))
    except OSError:
        return False


def test_a_bad_live_site_names_the_field_and_the_value(tmp_path):
    data = site(1883, tmp_path)
    data["site"]["gates"][0]["devices"][0]["driver"] = "mqtt.teleporter"
    with pytest.raises(LiveSiteError, match=r"site\.gates\.0\.devices\.0.*mqtt\.teleporter"):
        parse_live_site(data)


def test_ledger_sink_commits_in_batches_and_refuses_an_unknown_pass_alone(tmp_path):
    prepare_ledger(tmp_path / "l.sqlite")
    sink = LedgerSink(Ledger(SqliteStore(tmp_path / "l.sqlite")), batch=64)
    known = PostGatePassage(
        GATE, "GP1", "c1", f"{GATE}/lane1", ("L1",), PASS.items, None, "k1", 1.0
    )
    unknown = PostGatePassage(GATE, "NOPE", "c2", f"{GATE}/lane1", (), (), None, "k2", 1.0)
    sink(unknown)
    sink(known)
    sink(known)  # the same passage again posts once (idempotent)
    sink.close()
    assert sink.committed == 2 and dict(sink.refused) == {"UnknownDocument": 1}
    assert sink.ledger.list_status("L1").passed == (Decimal(10),)


def test_ledger_sink_reports_each_passage_only_after_its_commit():
    seen = []
    sink = LedgerSink(Ledger(MemoryStore()), on_committed=seen.append)
    sink(PostGatePassage(GATE, "X", "c", "l", (), (), None, "k", 1.0))
    sink.close()
    assert seen == [] and sink.refused["UnknownDocument"] == 1


@pytest.mark.service
def test_sim_devices_named_in_a_live_site_read_every_announced_truck(broker, tmp_path):
    data = site(broker.port, tmp_path)
    data["site"]["gates"][0]["devices"] = [
        {"id": "plate_camera", "kind": "plate_camera", "driver": "sim.plate_camera"},
        {"id": "weighbridge", "kind": "weighbridge", "driver": "sim.weighbridge"},
        {"id": "barrier", "kind": "barrier", "driver": "sim.barrier"},
    ]
    data["params"] = {f"{GATE}/weighbridge": {"noise_sd": 15.0, "latency_s": 0.2}}
    weighed = GatePass("GP2", "沪A12345", vehicle_tare_kg=15_000.0, gross_weight_kg=9_000.0)
    file_passes(tmp_path / "ledger.sqlite", PASS, weighed)
    live = parse_live_site(data)
    svc = GateService(live)
    svc.start()
    loop = threading.Thread(target=svc.run)
    loop.start()
    prefix = live.mqtt.prefix
    lane_pc = MqttDevicePeer(
        f"{GATE}/lane_pc", broker.settings(), prefix, topic=arrival_topic(prefix, GATE)
    )
    try:
        assert lane_pc.open()
        for n, gp in enumerate((PASS, weighed)):
            value = {"lane": f"{GATE}/lane1", "case_id": f"s{n}", "gate_pass": encode_gate_pass(gp)}
            lane_pc.publish("ok", time.time(), value)
            wait_for(lambda n=n: svc.visibility.outcomes.total() == n + 1)
        h = health(svc.health.port)
        assert h["ready"] and h["decisions"] == {"manual_post": 1, "pass": 1}
        assert svc.gates[GATE].actuators[f"{GATE}/lane1"]["barrier"].opened == 1
        assert h["unused_devices"] == {}
    finally:
        lane_pc.close()
        svc.stop()
        loop.join(5)
        svc.shutdown()
