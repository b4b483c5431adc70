"""The live gate service: the second composition root.

It wires the very same :class:`core.gate.GateController` that decides in the twin to
the drivers a live site file names, a clock (the wall clock, or in hardware-in-the-loop
runs the twin's simulated time), the bonded ledger (SQLite by default, PostgreSQL by
URL), a health endpoint and structured logs. One loop thread owns every controller;
drivers, arrivals and the ledger writer run on their own threads and only hand data
over through buffers and queues.
"""

from __future__ import annotations

import json
import logging
import math
import os
import queue
import threading
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

from core.gate import GateController, RecordDecision
from core.ledger import Ledger
from core.trace import Recorder, Sink
from ftz_live.codec import encode_command
from ftz_live.config import LiveSite, device_params
from ftz_live.health import HealthServer
from ftz_live.inputs import Arrival, ArrivalReceiver, ClockReceiver, HilStep
from ftz_live.ledger_sink import LedgerSink
from ftz_live.runtime import LiveGate, lane_devices
from ftz_stores import open_store
from ftz_stores.eventlog import EventLogWriter
from hardware_models.mqtt import (
    arrival_topic,
    bus_for,
    decision_topic,
    hil_ack_topic,
    hil_clock_topic,
)
from hardware_models.security import encode_envelope

__all__ = ["EpochClock", "GateService", "SimTime"]

log = logging.getLogger("ftztwin.live")
_SYNC_WAIT_S = 5.0


class EpochClock:
    """Seconds since the service started, on Unix time (devices stamp Unix time)."""

    def __init__(self) -> None:
        """Start at 0; :attr:`origin` is the Unix time of that 0."""
        self.origin = time.time()

    def __call__(self) -> float:
        """Return seconds since start."""
        return time.time() - self.origin


class SimTime:
    """The twin's simulated time, as last announced by a HIL step (origin 0)."""

    origin = 0.0

    def __init__(self) -> None:
        """Start at 0."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the last announced simulated time."""
        return self.now


class GateService:
    """Runs the gates of a live site until stopped."""

    def __init__(self, live: LiveSite, hil: bool = False) -> None:
        """Build every device, controller and sink (nothing connects before :meth:`start`)."""
        self.live, self.hil = live, hil
        self.clock: EpochClock | SimTime = SimTime() if hil else EpochClock()
        self.settings = live.mqtt.settings()
        self.prefix = live.mqtt.prefix
        self.outcomes: Counter[str] = Counter()
        self.sync_timeouts = 0
        self._wake, self._stop = threading.Event(), threading.Event()
        self._arrivals: queue.Queue[Arrival] = queue.Queue()
        self._steps: queue.Queue[HilStep] = queue.Queue()
        self._bus = bus_for(self.settings)
        self._trace = EventLogWriter(live.trace) if live.trace else None
        sinks: list[Sink] = [self._trace] if self._trace is not None else []
        self.recorder = Recorder(sinks)
        self.ledger_sink = LedgerSink(Ledger(_open_store(live.ledger)))  # type: ignore[arg-type]
        self.gates: dict[str, LiveGate] = {}
        self.receivers: list[ArrivalReceiver | ClockReceiver] = []
        key = _env_key(live.arrivals_hmac_key_env)
        for gate in live.served_gates():
            sensors, actuators = lane_devices(gate, params=partial(self._params, gate.ref))
            self.gates[gate.ref] = LiveGate(
                gate.ref,
                GateController(gate.ref),
                sensors,
                actuators,
                self.recorder,
                self.clock,
                on_passage=self.ledger_sink,
                on_decision=partial(self._publish_decision, gate.ref),
            )
            common = self._guard_config() | {"hmac_key": key, "notify": self._wake.set}
            self.receivers.append(ArrivalReceiver(gate.ref, self._arrivals, self.clock, **common))
            if hil:
                self.receivers.append(ClockReceiver(gate.ref, self._steps, self.clock, **common))
        self.devices = {d.device_id: d for g in self.gates.values() for d in g.devices()}
        self.health: HealthServer | None = None
        self.started_s = time.monotonic()
        self.ready = False

    # -- wiring -----------------------------------------------------------------------
    def _guard_config(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {"time_origin_s": self.clock.origin}
        if self.hil:
            # The twin is the trusted device simulator and the core judges staleness and
            # replay itself; the transport must hand it exactly what the twin's devices said.
            cfg.update(max_age_s=math.inf, max_future_s=math.inf, check_replay=False)
        return cfg

    def _params(self, gate_ref: str, device_id: str, lane: int) -> dict[str, Any]:
        common = self._guard_config() | {
            "clock": self.clock,
            "notify": self._wake.set,
            "mqtt": self.settings,
            "prefix": self.prefix,
        }
        return common | device_params(self.live, gate_ref, device_id, lane)

    def _topics(self) -> list[tuple[str, Any]]:
        out = []
        for r in self.receivers:
            topic = arrival_topic if isinstance(r, ArrivalReceiver) else hil_clock_topic
            out.append((topic(self.prefix, r.gate_ref), r.on_raw))
        return out

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        """Connect, configure and activate every device, start the health endpoint."""
        if not self._bus.acquire():
            log.error(
                "broker unreachable", extra={"host": self.settings.host, "port": self.settings.port}
            )
        for topic, handler in self._topics():
            self._bus.subscribe(topic, handler)
        for dev_id, dev in self.devices.items():
            if not (dev.configure() and dev.activate()):
                log.error("device not active", extra={"device": dev_id, "state": dev.state.value})
        h = self.live.health
        self.health = HealthServer(self.snapshot, h.host, h.port).start()
        self.ready = True
        log.info(
            "gate service ready",
            extra={"gates": list(self.gates), "health_port": self.health.port, "hil": self.hil},
        )

    def stop(self) -> None:
        """Ask the loop to end (safe from a signal handler)."""
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        """Run the loop until :meth:`stop`."""
        last_tick = self.clock()
        while not self._stop.is_set():
            if self.hil:
                try:
                    step = self._steps.get(timeout=0.1)
                except queue.Empty:
                    continue
                self._hil_step(step)
                continue
            self._wake.wait(0.05)
            self._wake.clear()
            self._take_arrivals()
            now = self.clock()
            for gate in self.gates.values():
                gate.step(now)
            if now - last_tick >= self.live.tick_s:
                last_tick = now
                for gate in self.gates.values():
                    gate.tick(now)

    def shutdown(self) -> None:
        """Finalize devices, commit the ledger, close the trace, stop serving health."""
        for topic, handler in self._topics():
            self._bus.unsubscribe(topic, handler)
        for gate in self.gates.values():
            gate.shutdown()
        self.ledger_sink.close()
        if self._trace is not None:
            self._trace.close()
        if self.health is not None:
            self.health.stop()
        self._bus.release()
        log.info(
            "gate service stopped",
            extra={
                "decisions": dict(self.outcomes),
                "ledger_committed": self.ledger_sink.committed,
            },
        )

    # -- the loop's work --------------------------------------------------------------
    def _take_arrivals(self, now: float | None = None) -> list[Any]:
        commands: list[Any] = []
        while True:
            try:
                a = self._arrivals.get_nowait()
            except queue.Empty:
                return commands
            t = self.clock() if now is None else now
            commands += self.gates[a.gate_ref].truck_arrived(a.lane, a.case_id, a.gate_pass, t)

    def _hil_step(self, s: HilStep) -> None:
        deadline = time.monotonic() + _SYNC_WAIT_S
        for dev_id, sent in s.after.items():
            dev = self.devices.get(dev_id) or next(
                (r for r in self.receivers if r.device_id == dev_id), None
            )
            while dev is not None and _handled(dev) < sent and time.monotonic() < deadline:
                time.sleep(0.0002)
            if dev is None or _handled(dev) < sent:
                self.sync_timeouts += 1
                log.warning("hil step before its messages arrived", extra={"device": dev_id})
        assert isinstance(self.clock, SimTime)
        self.clock.now = s.now
        gate = self.gates[s.gate_ref]
        commands = self._take_arrivals(s.now) + gate.step(s.now)
        if s.tick:
            commands += gate.tick(s.now)
        body = {"step": s.step, "commands": [encode_command(c) for c in commands]}
        payload = encode_envelope(f"{s.gate_ref}/core", s.step, s.now, "ok", body)
        self._bus.publish(hil_ack_topic(self.prefix, s.gate_ref), payload)

    def _publish_decision(self, gate_ref: str, cmd: RecordDecision) -> None:
        self.outcomes[cmd.decision.outcome.value] += 1
        body = {"v": 1, "gate": gate_ref, **encode_command(cmd)}
        self._bus.publish(
            decision_topic(self.prefix, gate_ref), json.dumps(body, ensure_ascii=False).encode()
        )

    def snapshot(self) -> dict[str, Any]:
        """The health endpoint's answer: devices, counters, ledger, uptime."""
        return {
            "service": self.live.name,
            "ready": self.ready,
            "mode": "hil" if self.hil else "live",
            "uptime_s": round(time.monotonic() - self.started_s, 3),
            "mqtt_connected": self._bus.connected,
            "decisions": dict(self.outcomes),
            "ledger": {
                "committed": self.ledger_sink.committed,
                "pending": self.ledger_sink.pending,
                "refused": dict(self.ledger_sink.refused),
            },
            "inputs": {r.device_id: r.counters.snapshot() for r in self.receivers},
            "devices": {
                dev_id: {
                    "kind": dev.kind.value,
                    "state": dev.state.value,
                    **({"messages": dev.counters.snapshot()} if hasattr(dev, "counters") else {}),
                }
                for dev_id, dev in self.devices.items()
            },
            "pending_lanes": {
                ref: list(g.controller.pending_lanes) for ref, g in self.gates.items()
            },
        }


def _handled(dev: Any) -> int:
    return int(dev.counters.accepted + dev.counters.rejected())


def _env_key(name: str | None) -> str | None:
    return os.environ.get(name) if name else None


def _open_store(url: str) -> object:
    if url.startswith("sqlite:"):
        Path(url.removeprefix("sqlite:")).parent.mkdir(parents=True, exist_ok=True)
    return open_store(url)
