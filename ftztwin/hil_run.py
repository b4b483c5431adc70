"""A hardware-in-the-loop run: the twin in this process, a live gate service in another.

The service (``ftztwin serve-gate --hil``) assembles the scenario's gates through the
same gate assembly as the twin and runs the same core on the twin's simulated time,
announced by the twin at every step. Its sensors are MQTT drivers fed by the twin's
simulated devices, its weighbridges ``serial.toledo_weighbridge`` on ptys the twin writes
Toledo frames to, its barriers Modbus drivers writing to a PLC the twin serves.

:func:`compare_hil` runs the in-process twin and the HIL twin on the same seed and
compares every command list the gate controllers returned, decisions included (case,
gate, lane, outcome, reasons, commands): hardware in the loop proves identity only if
nothing differs.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.gate import Command, DeviceKind, RecordDecision
from ftz_live.broker import PrivateBroker, free_port
from ftz_live.hil import MQTT_DRIVER, HilBridge, HilError
from ftz_spec import Scenario
from ftz_spec.assembly import OFFICER, GateAssembly
from hardware_models.modbus import BarrierPlc
from hardware_models.mqtt import MqttSettings
from hardware_models.serial import PtyIndicator

__all__ = ["Comparison", "HilRun", "Recording", "compare_hil", "describe", "hil_site", "run_hil"]

_REGISTERS_PER_GATE = 64  # two per lane: room for 32 lanes per gate


def hil_site(
    scenario: Scenario,
    plc_port: int,
    broker: MqttSettings,
    health_port: int,
    trace: str | None,
    serial_ports: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Return the live site data for the service: the scenario's site on real protocols.

    Sensors become MQTT drivers; weighbridges ``serial.toledo_weighbridge`` on the ptys
    ``serial_ports`` names by device id (MQTT where none is given); barriers Modbus
    drivers addressed to the twin's PLC (registers ``64 * gate index + 2 * (lane - 1)``);
    other actuators stay simulated. Gates keep their mode and tolerances, the site its
    ``intelligent_gates`` lever, and a per-lane officer terminal is added for manual gates.
    """
    serial_ports = serial_ports or {}
    site = scenario.site.model_dump(mode="json")
    params: dict[str, dict[str, Any]] = {}
    for g_index, gate in enumerate(site["gates"]):
        ref = f"{gate['zone']}/{gate['id']}"
        devices = []
        for dev in gate["devices"]:
            kind, key = dev["kind"], f"{ref}/{dev['id']}"
            lanes = range(1, gate["lanes"] + 1)
            if kind == "barrier":
                dev = {**dev, "driver": "modbus.barrier"}
                base = _REGISTERS_PER_GATE * g_index
                per_lane = {n: {"register": base + 2 * (n - 1)} for n in lanes}
                params[key] = {"host": "127.0.0.1", "port": plc_port, "per_lane": per_lane}
            elif kind == "weighbridge" and f"{key}-1" in serial_ports:
                dev = {**dev, "driver": "serial.toledo_weighbridge"}
                per_lane = {n: {"port": serial_ports[f"{key}-{n}"]} for n in lanes}
                params[key] = {"threshold_kg": 500, "per_lane": per_lane}
            elif kind in {k.value for k in MQTT_DRIVER}:
                dev = {**dev, "driver": MQTT_DRIVER[DeviceKind(kind)]}
            devices.append(dev)
        if not any(d["id"] == OFFICER for d in devices):
            devices.append({"id": OFFICER, "kind": "plate_camera", "driver": "mqtt.plate_camera"})
        gate["devices"] = devices
    return {
        "name": f"{scenario.name}_hil",
        "site": site,
        "intelligent_gates": scenario.levers.intelligent_gates,
        "mqtt": {"host": broker.host, "port": broker.port, "prefix": "ftz"},
        "ledger": "memory:",
        "trace": trace,
        "health": {"port": health_port},
        "params": params,
    }


class Recording:
    """A gate controller's stand-in that records every command list it returns."""

    def __init__(self, inner: Any, ref: str, log: list[tuple[str, list[Command]]]) -> None:
        """Pass events to ``inner``; append ``(gate ref, commands)`` to ``log``."""
        self.inner, self.ref, self.log = inner, ref, log

    def handle(self, event: Any, now: float) -> list[Command]:
        """Pass ``event`` on and record what came back."""
        commands: list[Command] = self.inner.handle(event, now)
        if commands:
            self.log.append((self.ref, list(commands)))
        return commands

    @property
    def pending_lanes(self) -> tuple[str, ...]:
        """The inner controller's waiting lanes."""
        return tuple(self.inner.pending_lanes)


@dataclass
class HilRun:
    """What a HIL run leaves behind besides the twin's own results."""

    result: Any
    barrier_opens: int
    service_exit_code: int
    service_health: dict[str, Any] = field(default_factory=dict)
    commands: list[tuple[str, list[Command]]] = field(default_factory=list)


def _health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def _wait_ready(proc: subprocess.Popen[bytes], port: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HilError(f"gate service exited with {proc.returncode} before it was ready")
        try:
            last = _health(port)
            if last.get("ready"):
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise HilError(f"gate service did not become ready: {last.get('not_ready')}")


def _serial_weighbridges(scenario: Scenario) -> list[str]:
    return [
        f"{g.ref}/{d.id}-{n}"
        for g in scenario.site.gates
        for d in g.devices
        if d.kind is DeviceKind.WEIGHBRIDGE
        for n in range(1, g.lanes + 1)
    ]


def run_hil(
    scenario: Scenario,
    replication: int = 0,
    event_log: Path | None = None,
    broker: MqttSettings | None = None,
    service_trace: Path | None = None,
    record: bool = False,
    extra_sinks: list[Any] | None = None,
    on_built: Callable[[Any, str], None] | None = None,
) -> HilRun:
    """Run one replication with every gate decided by a live service in another process.

    Without ``broker``, a private mosquitto is started on a free loopback port. With
    ``record``, every command list the service returned is kept (:attr:`HilRun.commands`).
    ``extra_sinks`` listen to the twin's records beside its KPIs; ``on_built(twin, url)``
    sees the built twin before it runs with the service's ``GET /state`` address, so a
    process of the twin can read the live state mid-run (the nowcast's calibration does).

    Raises:
        HilError: The service did not start, did not answer, or exited with an error.
    """
    from twin.experiment import run_replication

    private = PrivateBroker.start() if broker is None else None
    settings = broker or MqttSettings("127.0.0.1", private.port if private else 1883)
    plc = BarrierPlc().start()
    indicators = {dev: PtyIndicator() for dev in _serial_weighbridges(scenario)}
    health_port = free_port()
    log: list[tuple[str, list[Command]]] = []
    with tempfile.TemporaryDirectory(prefix="ftz-hil-") as tmp:
        ports = {dev: ind.port for dev, ind in indicators.items()}
        trace = str(service_trace) if service_trace else None
        site = hil_site(scenario, plc.port, settings, health_port, trace, ports)
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
            bridge = HilBridge(settings, serial=indicators)

            def factory(assembly: GateAssembly) -> Any:
                ctl = bridge.controller_factory(assembly)  # type: ignore[union-attr]
                return Recording(ctl, assembly.ref, log) if record else ctl

            state_url = f"http://127.0.0.1:{health_port}/state"
            result = run_replication(
                scenario,
                replication,
                event_log,
                extra_sinks=extra_sinks,
                controller_factory=factory,
                on_built=None if on_built is None else lambda twin: on_built(twin, state_url),
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
            for ind in indicators.values():
                ind.close()
            plc.stop()
            if private is not None:
                private.stop()
    if health.get("hil_sync_timeouts"):
        raise HilError(f"{health['hil_sync_timeouts']} HIL steps ran before their messages")
    return HilRun(result, sum(plc.opens.values()), code, health, log)


@dataclass
class Comparison:
    """The in-process twin against the HIL twin, command list by command list.

    Attributes:
        decisions: Gate decisions compared (those of the in-process run).
        command_lists: Command lists compared.
        differences: ``(index, in-process entry, HIL entry)`` of each differing list;
            an entry is ``(gate ref, commands)`` or None past the end of a run.
        run: The HIL run.
    """

    decisions: int
    command_lists: int
    differences: list[tuple[int, Any, Any]]
    run: HilRun


def compare_hil(
    scenario: Scenario,
    replication: int = 0,
    broker: MqttSettings | None = None,
    in_process: Callable[[GateAssembly], Any] | None = None,
) -> Comparison:
    """Run ``replication`` in-process and with HIL on the same seed; compare every command.

    ``in_process(assembly)`` makes the in-process controllers (the assembly's own by
    default; a test passes others to see that a difference is found).
    """
    from twin.experiment import run_replication

    make = in_process or (lambda a: a.controller())
    local: list[tuple[str, list[Command]]] = []
    run_replication(
        scenario,
        replication,
        controller_factory=lambda a: Recording(make(a), a.ref, local),
    )
    run = run_hil(scenario, replication, broker=broker, record=True)
    remote = run.commands
    pairs = enumerate(itertools.zip_longest(local, remote))
    differences = [(i, a, b) for i, (a, b) in pairs if a != b]
    decisions = sum(isinstance(c, RecordDecision) for _, cmds in local for c in cmds)
    return Comparison(decisions, max(len(local), len(remote)), differences, run)


def describe(entry: Any) -> str:
    """One line for a compared entry: its decision, or its commands."""
    if entry is None:
        return "(nothing: the run ended)"
    ref, commands = entry
    for c in commands:
        if isinstance(c, RecordDecision):
            d = c.decision
            others = [type(x).__name__ for x in commands if x is not c]
            return f"{ref} {d.lane} case {d.case_id}: {d.outcome.value} {list(d.reasons)} {others}"
    return f"{ref}: {[type(c).__name__ for c in commands]}"
