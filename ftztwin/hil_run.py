"""A hardware-in-the-loop run: the twin in this process, a live gate service in another.

The service (``ftztwin serve-gate --hil``) runs the same core on the twin's simulated
time, announced by the twin at every step; its sensors are MQTT drivers fed by the
twin's simulated devices, its barriers Modbus drivers writing to a PLC the twin serves.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ftz_live.broker import PrivateBroker, free_port
from ftz_live.hil import MQTT_DRIVER, HilBridge, HilError
from ftz_spec import Scenario
from hardware_models.modbus import BarrierPlc
from hardware_models.mqtt import MqttSettings

__all__ = ["HilRun", "hil_site", "run_hil"]

_REGISTERS_PER_GATE = 64  # two per lane: room for 32 lanes per gate


def hil_site(
    scenario: Scenario, plc_port: int, broker: MqttSettings, health_port: int, trace: str | None
) -> dict[str, Any]:
    """Return the live site data for the service: the scenario's site on real protocols.

    Sensors become MQTT drivers, barriers Modbus drivers addressed to the twin's PLC
    (registers ``64 * gate index + 2 * (lane - 1)``), other actuators stay simulated; a
    per-lane officer terminal is added for gates where an officer reads the plate.
    """
    site = scenario.site.model_dump(mode="json")
    params: dict[str, dict[str, Any]] = {}
    for g_index, gate in enumerate(site["gates"]):
        ref = f"{gate['zone']}/{gate['id']}"
        devices = []
        for dev in gate["devices"]:
            kind = dev["kind"]
            if kind == "barrier":
                dev = {**dev, "driver": "modbus.barrier"}
                base = _REGISTERS_PER_GATE * g_index
                per_lane = {
                    n: {"register": base + 2 * (n - 1)} for n in range(1, gate["lanes"] + 1)
                }
                params[f"{ref}/{dev['id']}"] = {
                    "host": "127.0.0.1",
                    "port": plc_port,
                    "per_lane": per_lane,
                }
            elif kind in {k.value for k in MQTT_DRIVER}:
                dev = {**dev, "driver": next(v for k, v in MQTT_DRIVER.items() if k.value == kind)}
            devices.append(dev)
        if not any(d["id"] == "officer" for d in devices):
            devices.append({"id": "officer", "kind": "plate_camera", "driver": "mqtt.plate_camera"})
        gate["devices"] = devices
    return {
        "name": f"{scenario.name}_hil",
        "site": site,
        "mqtt": {"host": broker.host, "port": broker.port, "prefix": "ftz"},
        "ledger": "memory:",
        "trace": trace,
        "health": {"port": health_port},
        "params": params,
    }


@dataclass
class HilRun:
    """What a HIL run leaves behind besides the twin's own results."""

    result: Any
    barrier_opens: int
    service_exit_code: int
    service_health: dict[str, Any] = field(default_factory=dict)


def _health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def _wait_ready(proc: subprocess.Popen[bytes], port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HilError(f"gate service exited with {proc.returncode} before it was ready")
        try:
            if _health(port).get("ready"):
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise HilError("gate service did not become ready")


def run_hil(
    scenario: Scenario,
    replication: int = 0,
    event_log: Path | None = None,
    broker: MqttSettings | None = None,
    service_trace: Path | None = None,
) -> HilRun:
    """Run one replication with every gate decided by a live service in another process.

    Without ``broker``, a private mosquitto is started on a free loopback port.
    """
    from twin.experiment import run_replication

    private = PrivateBroker.start() if broker is None else None
    settings = broker or MqttSettings("127.0.0.1", private.port if private else 1883)
    plc = BarrierPlc().start()
    health_port = free_port()
    with tempfile.TemporaryDirectory(prefix="ftz-hil-") as tmp:
        site = hil_site(
            scenario, plc.port, settings, health_port, str(service_trace) if service_trace else None
        )
        site_file = Path(tmp) / "site.yaml"
        site_file.write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False))
        cmd = [sys.executable, "-m", "ftztwin.cli", "serve-gate", "--site", str(site_file), "--hil"]
        proc = subprocess.Popen(
            cmd,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stderr=None if os.environ.get("FTZ_HIL_VERBOSE") else subprocess.DEVNULL,
        )
        bridge = None
        try:
            _wait_ready(proc, health_port)
            bridge = HilBridge(settings)
            result = run_replication(
                scenario, replication, event_log, controller_factory=bridge.controller_factory
            )
            health = _health(health_port)
        finally:
            if bridge is not None:
                bridge.close()
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            plc.stop()
            if private is not None:
                private.stop()
    return HilRun(result, sum(plc.opens.values()), code, health)
