"""A whole live gate on loopback, driven by real clients, for the tests of tests/live.

The broker is mosquitto started from the files the project's script writes
(``conf/mosquitto/make_broker_files.py``: ACL, hashed passwords, secrets), the barrier PLC
a pymodbus server, each lane's weighbridge a socat pty pair with a Toledo indicator at the
far end, the gate service the installed ``ftztwin serve-gate`` started from a folder of
its own; devices are played with ``mosquitto_pub`` and ``curl``, decisions read with
``mosquitto_sub`` as the read-only ``monitor`` user.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from hardware_models.modbus import BarrierPlc
from hardware_models.serial import ToledoIndicator
from tests.protocols import services

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
EXAMPLE = ROOT / "conf" / "sites" / "example_site.yaml"
GATE = "yangshan_port/gate_2L_01"
ROUTE = [[0, 0], [30000, 0]]

# The pass of the walkthrough: 15 000 + 3 800 + 10 500 = 29 300 kg declared.
PASS = {
    "pass_id": "HF0001",
    "plate": "沪A12345",
    "state": "APPROVED",
    "e_plate_id": "EP0001",
    "ic_card_id": "IC8800123",
    "items": [["QD0001", 1, "10500"]],
    "container_numbers": ["CSQU3054383"],
    "seal_ids": ["ES001"],
    "vehicle_tare_kg": 15000.0,
    "container_tare_kg": 3800.0,
    "gross_weight_kg": 10500.0,
    "risk_lane": "release",
    "transfer": {"waypoints": ROUTE, "corridor_m": 500.0, "allowed_stops": [], "to_gate": GATE},
}


def track(offset_m: float = 0.0) -> dict[str, Any]:
    """A transfer's GPS track along the route; ``offset_m`` north of it (a detour)."""
    points = [[i * 60, i * 960, offset_m if 10 <= i <= 20 else 0] for i in range(32)]
    return {"points": [*points, [1875, 30000, 0]]}


def truck(**changes: Any) -> dict[str, Any]:
    """What the devices of lane 1 read of an honest truck for PASS, with ``changes``."""
    values: dict[str, Any] = {
        "plate_camera": "沪A12345",
        "e_plate_reader": {"tag_id": "EP0001", "plate": "沪A12345"},
        "ic_card_reader": "IC8800123",
        "container_ocr": "CSQU3054383",
        "e_seal_reader": {"seal_id": "ES001", "intact": True},
        "gps_track": track(),
        "weighbridge": 29310.0,
    }
    values.update(changes)
    return values


def env_name(user: str) -> str:
    return "FTZ_MQTT_PASSWORD_" + "".join(c if c.isalnum() else "_" for c in user).upper()


def wait_for(check, timeout_s: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} not met in {timeout_s} s"
        time.sleep(0.02)


class Stack:
    """Broker, PLC, ptys and the gate service of a site file; close() stops them all."""

    def __init__(
        self,
        site: Path = EXAMPLE,
        env: dict[str, str] | None = None,
        start_broker: bool = True,
        wait_ready: bool = True,
        broker_args: tuple[str, ...] = (),
        client_args: tuple[str, ...] = (),
        run_service: bool = True,
    ) -> None:
        for tool in ("mosquitto", "mosquitto_pub", "mosquitto_sub", "mosquitto_passwd", "curl"):
            services.need(tool)
        self.home = Path(tempfile.mkdtemp(prefix="ftz-stack-", dir="/tmp"))
        self.home.chmod(0o755)  # mosquitto, run as its own user, must enter it
        self.mosquitto: subprocess.Popen[bytes] | None = None
        self.service: subprocess.Popen[bytes] | None = None
        self._subs: list[subprocess.Popen[bytes]] = []
        self.decisions: list[dict[str, Any]] = []
        self.ptys: list[Any] = []
        self.indicators: list[ToledoIndicator] = []
        self.plc = BarrierPlc(registers=64).start()
        try:
            self._start(site, env, start_broker, wait_ready, broker_args, client_args, run_service)
        except BaseException:
            self.close()  # a half-started stack leaves no process behind
            raise

    def _start(self, site, env, start_broker, wait_ready, broker_args, client_args, run_service):
        (self.home / "tty").mkdir()
        self.site = site
        self.broker_args, self.client_args = broker_args, client_args
        self.env = {
            "FTZ_HOME": str(self.home / "var"),
            "FTZ_MQTT_PORT": str(services.free_port()),
            "FTZ_HEALTH_PORT": str(services.free_port()),
            "FTZ_CAMERA_PORT": str(services.free_port()),
            "FTZ_PLC_HOST": "127.0.0.1",
            "FTZ_PLC_PORT": str(self.plc.port),
            "FTZ_TTY_PREFIX": str(self.home / "tty" / "weighbridge-"),
            **(env or {}),
        }
        self.ptys = [services.pty_pair() for _ in range(2)]
        for lane0, pair in enumerate(self.ptys):
            os.symlink(pair.a, f"{self.env['FTZ_TTY_PREFIX']}{lane0}")
        self.indicators = [ToledoIndicator(pair.b) for pair in self.ptys]
        self.broker_dir = self.home / "broker"
        self.secrets = self._broker_files()
        if start_broker:
            self.start_broker()
        if run_service:
            self.start_service(wait_ready)

    # -- the peers ----------------------------------------------------------------
    def _broker_files(self) -> dict[str, str]:
        subprocess.run(
            [
                BIN / "python",
                ROOT / "conf/mosquitto/make_broker_files.py",
                self.site,
                self.broker_dir,
                *self.broker_args,
            ],
            check=True,
            capture_output=True,
            env={**os.environ, **self.env},
        )
        pairs = (self.broker_dir / "secrets.env").read_text().splitlines()
        return dict(line.split("=", 1) for line in pairs if line)

    def start_broker(self) -> None:
        exe = services.need(services.MOSQUITTO)
        self.mosquitto = subprocess.Popen(
            [exe, "-c", str(self.broker_dir / "mosquitto.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        services.wait_port(int(self.env["FTZ_MQTT_PORT"]))

    def stop_broker(self) -> None:
        if self.mosquitto is not None and self.mosquitto.poll() is None:
            self.mosquitto.terminate()
            self.mosquitto.wait(10)

    def start_service(self, wait_ready: bool = True) -> None:
        cwd = self.home / "cwd"
        cwd.mkdir(exist_ok=True)
        self.service = subprocess.Popen(
            [BIN / "ftztwin", "serve-gate", "--site", str(self.site)],
            cwd=cwd,
            env={**os.environ, **self.env, **self.secrets},
            stderr=open(self.home / f"service{time.monotonic_ns()}.log", "wb"),  # noqa: SIM115
        )
        wait_for(self._answers, 30, "health endpoint")
        if wait_ready:
            wait_for(lambda: self.health()["ready"], 30, "service ready")
        if self.mosquitto is not None and self.mosquitto.poll() is None:
            self.watch_decisions()

    def stop_service(self) -> int:
        assert self.service is not None
        self.service.send_signal(signal.SIGTERM)
        return self.service.wait(30)

    def _answers(self) -> bool:
        if self.service is not None and self.service.poll() is not None:
            raise AssertionError(f"service exited with {self.service.returncode}: {self.log()}")
        try:
            self.health()
        except OSError:
            return False
        return True

    def health(self, port: str | None = None) -> dict[str, Any]:
        url = f"http://127.0.0.1:{port or self.env['FTZ_HEALTH_PORT']}/health"
        with urllib.request.urlopen(url, timeout=2) as r:
            return json.loads(r.read())

    def log(self) -> list[dict[str, Any]]:
        lines = []
        for path in sorted(self.home.glob("service*.log")):
            lines += [json.loads(x) for x in path.read_text().splitlines() if x.startswith("{")]
        return lines

    # -- real clients ---------------------------------------------------------------
    def _user(self, user: str) -> list[str]:
        password = self.secrets[env_name(user)]
        return ["-p", self.env["FTZ_MQTT_PORT"], *self.client_args, "-u", user, "-P", password]

    def watch_decisions(self) -> None:
        """Read every decision of the gate as the monitor user (mosquitto_sub)."""
        proc = subprocess.Popen(
            [
                "mosquitto_sub",
                *self._user("monitor"),
                "-q",
                "1",
                "-t",
                f"ftz/v1/gate/{GATE}/decision",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._subs.append(proc)

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                self.decisions.append(json.loads(line)["decision"])

        threading.Thread(target=pump, daemon=True).start()
        time.sleep(0.3)  # let the subscription land

    @staticmethod
    def envelope(device: str, value: Any, **extra: Any) -> str:
        body = {"v": 1, "device": device, "seq": time.time_ns(), "ts": time.time(), "status": "ok"}
        body.update(value=value, **extra)
        return json.dumps(body, ensure_ascii=False)

    def pub(self, name: str, value: Any, lane: int = 1, **extra: Any) -> None:
        device = f"{GATE}/{name}-{lane}"
        subprocess.run(
            [
                "mosquitto_pub",
                *self._user(device),
                "-q",
                "1",
                "-t",
                f"ftz/v1/dev/{device}/reading",
                "-m",
                self.envelope(device, value, **extra),
            ],
            check=True,
            timeout=10,
        )

    def arrive(self, case_id: str, pass_id: str = "HF0001", lane: int = 1) -> None:
        device = f"{GATE}/lane_pc"
        value = {"lane": f"{GATE}/lane{lane}", "case_id": case_id, "pass_id": pass_id}
        subprocess.run(
            [
                "mosquitto_pub",
                *self._user(device),
                "-q",
                "1",
                "-t",
                f"ftz/v1/gate/{GATE}/arrival",
                "-m",
                self.envelope(device, value),
            ],
            check=True,
            timeout=10,
        )

    def camera(self, plate: str, lane: int = 1) -> dict[str, Any]:
        """The plate camera's HTTP push, with curl."""
        device = f"{GATE}/plate_camera-{lane}"
        url = f"http://127.0.0.1:{self.env['FTZ_CAMERA_PORT']}/v1/dev/{device}/reading"
        out = subprocess.run(
            ["curl", "-sS", "-X", "POST", "--data-binary", self.envelope(device, plate), url],
            check=True,
            capture_output=True,
            timeout=10,
        )
        return json.loads(out.stdout)

    def file_in_ledger(self, *gate_passes: dict[str, Any], path: Path | None = None) -> None:
        """What customs would have filed: the passes in the service's ledger (lab book)."""
        from core.ledger import Ledger
        from ftz_live.codec import decode_gate_pass
        from ftz_live.lab_ledger import register_lab_passes
        from ftz_stores.sqlite import SqliteStore

        path = path or Path(self.env["FTZ_HOME"]) / "ledger.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        ledger = Ledger(SqliteStore(path))
        try:
            gps = [decode_gate_pass(gp) for gp in gate_passes]
            register_lab_passes(ledger, [g for g in gps if g is not None], GATE.split("/")[0], 0.0)
        finally:
            ledger.store.close()

    def register(
        self, gate_pass: dict[str, Any], token: str | None = None, ledger: bool = True
    ) -> tuple[int, Any]:
        """Register ``gate_pass`` with the service (and, with ``ledger``, in its ledger)."""
        if ledger and token is None:
            self.file_in_ledger(gate_pass)
        url = f"http://127.0.0.1:{self.env['FTZ_HEALTH_PORT']}/v1/passes"
        token = self.secrets["FTZ_PASSES_TOKEN"] if token is None else token
        out = subprocess.run(
            [
                "curl",
                "-sS",
                "-w",
                "\n%{http_code}",
                "-X",
                "POST",
                "-H",
                f"Authorization: Bearer {token}",
                "--data-binary",
                json.dumps(gate_pass, ensure_ascii=False),
                url,
            ],
            check=True,
            capture_output=True,
            timeout=10,
        )
        body, _, status = out.stdout.decode().rpartition("\n")
        return int(status), json.loads(body)

    def weigh(self, kg: float, lane: int = 1) -> None:
        """The truck on the weighbridge: Toledo frames on the lane's serial line."""
        self.indicators[lane - 1].weigh(kg)

    def play(self, case_id: str, values: dict[str, Any], lane: int = 1, pass_id: str = "") -> None:
        """Register a pass for the truck (unless given), announce it, let its lane read it."""
        if not pass_id:
            pass_id = f"HF-{case_id}"
            status, body = self.register({**PASS, "pass_id": pass_id})
            assert status == 201, body
        self.arrive(case_id, pass_id, lane=lane)
        self.camera(values["plate_camera"], lane)
        for name in ("e_plate_reader", "ic_card_reader", "container_ocr", "e_seal_reader"):
            self.pub(name, values[name], lane)
        self.pub("gps_track", values["gps_track"], lane)
        self.weigh(values["weighbridge"], lane)

    def decision(self, case_id: str, timeout_s: float = 10.0) -> dict[str, Any]:
        return wait_for(
            lambda: next((d for d in self.decisions if d["case_id"] == case_id), None),
            timeout_s,
            f"decision for {case_id}",
        )

    def opens(self, register: int = 0) -> int:
        return self.plc.opens[register]

    def close(self) -> None:
        for proc in self._subs:
            proc.terminate()
        if self.service is not None and self.service.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.stop_service()
            if self.service.poll() is None:
                self.service.kill()
        self.stop_broker()
        for ind in self.indicators:
            ind.close()
        for pair in self.ptys:
            pair.close()
        self.plc.stop()
        subprocess.run(["rm", "-rf", str(self.home)], check=False)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_site(folder: Path, **changes: Any) -> Path:
    """The example site with ``changes`` merged at the top level, written to ``folder``."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    path = folder / "site.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


__all__ = ["EXAMPLE", "GATE", "PASS", "Stack", "track", "truck", "wait_for", "write_site"]
