"""The seam: a real running service's GET /state and retained topic forecast successfully."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from core.gate import GatePass
from ftz_live.codec import encode_gate_pass
from ftz_live.config import parse_live_site
from ftz_live.service import GateService
from ftz_live.snapshot import state_topic
from ftz_spec.snapshot import parse_snapshot_bytes
from ftztwin.cli import main
from hardware_models.mqtt import MqttDevicePeer, arrival_topic

ROOT = Path(__file__).resolve().parents[2]
GATE = "yangshan_port/gate_2L_01"  # a gate of the reform scenario: the snapshot reads as its state


def site(port: int, tmp_path: Path) -> dict:
    devices = [
        {"id": "plate_camera", "kind": "plate_camera", "driver": "mqtt.plate_camera"},
        {"id": "barrier", "kind": "barrier", "driver": "sim.barrier"},
    ]
    return {
        "name": "yangshan_lab",
        "site": {
            "zones": [{"id": "yangshan_port", "name": "Yangshan"}],
            "gates": [{"id": "gate_2L_01", "zone": "yangshan_port", "line": "second", "lanes": 2,
                       "devices": devices}],
        },
        "mqtt": {"host": "127.0.0.1", "port": port, "prefix": f"now{os.getpid()}{time.monotonic_ns()}"},
        "ledger": f"sqlite:{tmp_path / 'ledger.sqlite'}",
        "health": {"port": 0},
    }  # fmt: skip


def wait_for(check, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def retained(settings, topic: str) -> bytes:
    got: list[bytes] = []
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.on_message = lambda c, u, m: got.append(m.payload)
    client.connect(settings.host, settings.port)
    client.subscribe(topic, qos=1)
    client.loop_start()
    try:
        wait_for(lambda: got)
    finally:
        client.loop_stop()
        client.disconnect()
    return got[0]


@pytest.mark.service
def test_a_snapshot_curled_from_a_running_service_shows_the_truck_and_forecasts(
    broker, tmp_path, capsys
):
    live = parse_live_site(site(broker.port, tmp_path))
    svc = GateService(live)
    svc.start()
    loop = threading.Thread(target=svc.run)
    loop.start()
    lane_pc = None
    try:
        lane_pc = MqttDevicePeer(f"{GATE}/lane_pc", broker.settings(), live.mqtt.prefix,
                                 topic=arrival_topic(live.mqtt.prefix, GATE))  # fmt: skip
        assert lane_pc.open()
        gp = encode_gate_pass(GatePass("GP7", "沪A77777"))
        lane_pc.publish(
            "ok", time.time(), {"lane": f"{GATE}/lane1", "case_id": "c7", "gate_pass": gp}
        )
        wait_for(lambda: svc.gates[GATE].controller.pending_lanes)
        url = f"http://127.0.0.1:{svc.health.port}/state"
        curl = shutil.which("curl")
        if curl is None:
            assert os.environ.get("CI") != "true", "curl is needed under CI"
            pytest.skip("curl not installed")
        body = subprocess.run(
            [curl, "-sf", url], capture_output=True, check=True, timeout=10
        ).stdout
        snap = parse_snapshot_bytes(body, url)
        truck = snap.gates[GATE].lanes[f"{GATE}/lane1"]
        assert truck is not None and truck.case_id == "c7" and truck.pass_id == "GP7"
        assert truck.state == "reading" and truck.awaiting == {"plate_camera": 1}
        assert snap.gates[GATE].lanes[f"{GATE}/lane2"] is None
        assert snap.gates[GATE].arrivals_last_hour == 1 and snap.source == "live"
        assert {d.kind for d in snap.devices.values()} == {"plate_camera", "barrier"}
        # The retained topic holds the same kind of document for a late subscriber.
        kept = parse_snapshot_bytes(
            retained(broker.settings(), state_topic(live.mqtt.prefix)), "mqtt"
        )
        assert set(kept.gates) == {GATE}
        code = main(["forecast", str(ROOT / "scenarios/reform_2014.yaml"), "--from", url,
                     "--horizon-h", "1", "--replications", "2", "--pipeline-h", "0.5",
                     "--out", str(tmp_path / "out")])  # fmt: skip
        out = capsys.readouterr().out
        assert code == 0, capsys.readouterr().err
        assert "placed 1 trucks" in out and GATE in out
    finally:
        svc.stop()
        loop.join(5)
        svc.shutdown()
        if lane_pc is not None:
            lane_pc.close()
