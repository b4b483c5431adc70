"""A small live gate for the durability tests: the installed ``ftztwin serve-gate`` as a process.

One gate (or two) of one zone, plate cameras on MQTT and barriers on a Modbus PLC (one
register pair per lane), the ledger SQLite (or a PostgreSQL URL), passes filed in the
ledger beforehand (lab book). Trucks are played with paho through
:class:`hardware_models.mqtt.MqttDevicePeer`, their passes carried in the arrival.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from core.gate import GatePass
from core.ledger import Ledger, ReservationStatus
from ftz_live.codec import encode_gate_pass
from ftz_live.lab_ledger import register_lab_passes
from ftz_live.ledger_sink import command_key
from ftz_stores import open_store
from hardware_models.modbus import BarrierPlc
from hardware_models.mqtt import MqttDevicePeer, arrival_topic
from tests.protocols import services

ROOT = Path(__file__).resolve().parents[2]
FTZTWIN = ROOT / ".venv" / "bin" / "ftztwin"
ZONE = "z1"


def plate(i: int) -> str:
    return f"沪A{i:05d}"


def gate_pass(i: int) -> GatePass:
    return GatePass(f"P{i:06d}", plate(i))


class Rig:
    """The broker, PLC and ``serve-gate`` process of a small site; ``close()`` stops them."""

    def __init__(
        self,
        tmp: Path,
        broker: Any,
        lanes: int = 4,
        gates: tuple[str, ...] = ("g1",),
        ledger: str = "",
        extra: dict[str, Any] | None = None,
        params: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.tmp, self.broker, self.lanes, self.gate_ids = tmp, broker, lanes, gates
        self.plc = BarrierPlc(registers=256, hold_s=0.5).start()
        self.commands: list[tuple[int, int]] = []  # (register, seq) of every OPEN received
        self.plc.listeners.append(lambda reg, seq: self.commands.append((reg, seq)))
        self.ledger = ledger or f"sqlite:{tmp / 'ledger.sqlite'}"
        self.prefix = f"rig{os.getpid()}{time.monotonic_ns()}"
        self.port = services.free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.logs: list[Path] = []
        self.site = tmp / "site.yaml"
        self.env: dict[str, str] = {}
        devices = [
            {"id": "plate_camera", "kind": "plate_camera", "driver": "mqtt.plate_camera"},
            {"id": "barrier", "kind": "barrier", "driver": "modbus.barrier"},
        ]
        site = {
            "name": "rig",
            "site": {
                "zones": [{"id": ZONE, "name": "Zone"}],
                "gates": [
                    {"id": g, "zone": ZONE, "line": "second", "lanes": lanes, "devices": devices}
                    for g in gates
                ],
            },
            "mqtt": {"host": "127.0.0.1", "port": broker.port, "prefix": self.prefix},
            "ledger": self.ledger,
            "trace": None,
            "passes": str(tmp / "passes.jsonl"),
            "health": {"port": self.port},
            "params": {
                f"{ZONE}/{g}/barrier": {
                    "host": "127.0.0.1",
                    "port": self.plc.port,
                    "per_lane": {n: {"register": self.register(g, n)} for n in range(1, lanes + 1)},
                }
                for g in gates
            }
            | (params or {}),
            **(extra or {}),
        }
        self.site.write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False))
        self.peers: dict[str, MqttDevicePeer] = {}
        self._seq = time.time_ns()

    def register(self, gate: str, lane: int) -> int:
        return (self.gate_ids.index(gate) * self.lanes + lane - 1) * 2

    def file(self, passes: list[GatePass]) -> None:
        """File ``passes`` in the rig's ledger (what customs would have done)."""
        led = Ledger(open_store(self.ledger))  # type: ignore[arg-type]
        try:
            for i in range(0, len(passes), 2000):
                register_lab_passes(led, passes[i : i + 2000], ZONE, 0.0)
        finally:
            led.store.close()

    # -- the service ----------------------------------------------------------------------
    def start(self, wait_ready: bool = True, env: dict[str, str] | None = None) -> None:
        log = self.tmp / f"service{len(self.logs)}.log"
        self.logs.append(log)
        self.proc = subprocess.Popen(
            [str(FTZTWIN), "serve-gate", "--site", str(self.site)],
            cwd=self.tmp,
            env={**os.environ, **self.env, **(env or {})},
            stderr=open(log, "wb"),  # noqa: SIM115 - closed with the process
        )
        if wait_ready:
            self.wait(lambda: self._ready(), 60, "service ready")

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"service exited {self.proc.returncode}: {self.log_text()}")
        try:
            return bool(self.health()["ready"])
        except OSError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            return self.proc.wait(60)
        return self.proc.returncode

    def health(self) -> dict[str, Any]:
        url = f"http://127.0.0.1:{self.port}/health"
        with urllib.request.urlopen(url, timeout=3) as r:
            return json.loads(r.read())

    def metrics(self) -> str:
        url = f"http://127.0.0.1:{self.port}/metrics"
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.read().decode()

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in self.logs if p.exists())

    @staticmethod
    def wait(check, timeout_s: float = 10.0, what: str = "condition"):
        deadline = time.monotonic() + timeout_s
        while True:
            value = check()
            if value:
                return value
            assert time.monotonic() < deadline, f"{what} not met in {timeout_s} s"
            time.sleep(0.02)

    # -- real clients -----------------------------------------------------------------------
    def _peer(self, device: str, topic: str | None = None) -> MqttDevicePeer:
        peer = self.peers.get(device)
        if peer is None:
            peer = MqttDevicePeer(
                device, self.broker.settings(), self.prefix, topic=topic, first_seq=self._seq
            )
            assert peer.open()
            self.peers[device] = peer
        return peer

    def arrive(self, case_id: str, gp: GatePass | None, lane: int = 1, gate: str = "g1") -> None:
        ref = f"{ZONE}/{gate}"
        peer = self._peer(f"{ref}/lane_pc", arrival_topic(self.prefix, ref))
        value = {
            "lane": f"{ref}/lane{lane}",
            "case_id": case_id,
            "gate_pass": None if gp is None else encode_gate_pass(gp),
        }
        peer.publish("ok", time.time(), value, seq=self.next_seq())

    def read_plate(self, text: str, lane: int = 1, gate: str = "g1") -> None:
        peer = self._peer(f"{ZONE}/{gate}/plate_camera-{lane}")
        peer.publish("ok", time.time(), text, 0.97, seq=self.next_seq())

    def truck(self, case_id: str, gp: GatePass, lane: int = 1, gate: str = "g1") -> None:
        self.arrive(case_id, gp, lane, gate)
        self.read_plate(gp.plate, lane, gate)

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def opens(self, gate: str = "g1", lane: int = 1) -> int:
        return self.plc.opens[self.register(gate, lane)]

    # -- what the ledger holds ------------------------------------------------------------------
    def audit(self) -> dict[str, Any]:
        """Every OPEN the PLC received against the ledger's reservations and command log."""
        led = Ledger(open_store(self.ledger))  # type: ignore[arg-type]
        try:
            with led.store.read() as tx:
                reservations = [r for r in tx.docs("reservation")]
                logged = {
                    r.passage_id: found[1]
                    for r in reservations
                    if (found := tx.get_blob(command_key(r.passage_id))) is not None
                }
        finally:
            led.store.close()
        by_command: dict[tuple[int, int], list[Any]] = {}
        for r in reservations:
            entry = logged.get(r.passage_id)
            if entry is None:
                continue
            barrier, seq, _lane = entry.split("|")
            gate, number = barrier.rsplit("/", 1)[0], int(barrier.rsplit("-", 1)[1])
            reg = self.register(gate.rsplit("/", 1)[1], number)
            by_command.setdefault((reg, int(seq) % 65_536), []).append(r)
        opened = list(self.commands)
        posted = [r for r in reservations if r.status is ReservationStatus.POSTED]
        pending = [r for r in reservations if r.status is ReservationStatus.PENDING]
        unposted = [
            c
            for c in opened
            if not any(r.status is ReservationStatus.POSTED for r in by_command.get(c, []))
        ]
        doubled = [c for c in opened if len(by_command.get(c, [])) > 1]
        uses: dict[str, int] = {}
        for r in posted:
            uses[r.pass_id] = uses.get(r.pass_id, 0) + 1
        return {
            "opens": len(opened),
            "distinct_opens": len(set(opened)),
            "posted": len(posted),
            "pending": len(pending),
            "opened_unposted": len(unposted),
            "doubled": len(doubled),
            "passes_used_twice": sum(1 for n in uses.values() if n > 1),
        }

    def close(self) -> None:
        for peer in self.peers.values():
            with contextlib.suppress(Exception):
                peer.close()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.plc.stop()
