"""Hardware in the loop, the twin's side: controllers that ask a live gate service.

``HilController.handle(event, now)`` makes the twin's simulated devices speak the real
protocols: a truck's arrival is published as the lane PC would, a reading or a fault as
the device would (same value, confidence, sequence number and time), then a step
message tells the service the simulated time and how many messages it must have seen;
the call blocks until the service answers with the commands its core decided. Barrier
commands also travel over Modbus, to the PLC the twin serves; a weighbridge wired by
RS-232 gets Mettler-Toledo frames on a pty (a *prepare* step first sets the service's
clock, since a frame carries no time). Simulated time does not advance while the twin
waits, so decisions equal those of the in-process run.
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from typing import Any

from core.gate import (
    Command,
    DeviceKind,
    FaultReported,
    ReadingReceived,
    ScanCompleted,
    Tick,
    TruckArrived,
)
from core.gate.messages import Event
from ftz_live.codec import decode_command, encode_gate_pass
from ftz_spec.assembly import GateAssembly
from hardware_models.mqtt import (
    MqttDevicePeer,
    MqttSettings,
    arrival_topic,
    bus_for,
    hil_ack_topic,
    hil_clock_topic,
)
from hardware_models.security import encode_envelope, parse_envelope

__all__ = ["HilBridge", "HilController", "HilError", "service_device_id"]

_FAULT_STATUS = {"no_read": "no_read", "timeout": "timeout", "busy": "busy", "device_down": "down"}


class HilError(RuntimeError):
    """The live service did not answer, or an event cannot be expressed in the protocols."""


def service_device_id(gate_ref: str, lane: str, device_id: str) -> str:
    """The service's device for a twin device: lane devices map to themselves.

    A gate-level twin device (the officer at a manual gate, ``<gate>/officer``) maps to
    a per-lane device of the service (``<gate>/officer-<n>``): an officer's terminal says
    which lane it reads for.
    """
    name = device_id.rsplit("/", 1)[-1]
    if "-" in name and name.rsplit("-", 1)[1].isdigit():
        return device_id
    return f"{gate_ref}/{name}-{lane.rsplit('lane', 1)[-1]}"


class HilBridge:
    """Shared MQTT connection of the twin's side; makes one controller per gate."""

    def __init__(
        self,
        settings: MqttSettings,
        prefix: str = "ftz",
        timeout_s: float = 30.0,
        serial: dict[str, Any] | None = None,
    ) -> None:
        """Connect to the broker the live service uses.

        ``serial`` maps the device id of each weighbridge on a serial line to the
        indicator (:class:`hardware_models.serial.PtyIndicator`) the twin writes to.
        """
        self.settings, self.prefix, self.timeout_s = settings, prefix, timeout_s
        self.serial = dict(serial or {})
        self._bus = bus_for(settings)
        if not self._bus.acquire():
            raise HilError(f"broker {settings.host}:{settings.port} unreachable")
        self.controllers: list[HilController] = []

    def controller_factory(self, assembly: GateAssembly) -> HilController:
        """What ``Twin(controller_factory=...)`` calls for each assembled gate."""
        ctl = HilController(self, assembly.ref)
        self.controllers.append(ctl)
        return ctl

    def close(self) -> None:
        """Disconnect every controller and the bridge."""
        for ctl in self.controllers:
            ctl.close()
        self._bus.release()


class HilController:
    """Stands in for a gate's controller in the twin; the live service decides."""

    def __init__(self, bridge: HilBridge, gate_ref: str) -> None:
        """Publish and listen on ``gate_ref``'s topics."""
        self.bridge, self.gate_ref = bridge, gate_ref
        self._acks: queue.Queue[Any] = queue.Queue()
        self._bus = bus_for(bridge.settings)
        self._ack_topic = hil_ack_topic(bridge.prefix, gate_ref)
        if not self._bus.subscribe(self._ack_topic, self._on_ack):
            raise HilError(f"cannot subscribe to {self._ack_topic}")
        self._peers: dict[str, MqttDevicePeer] = {}
        self.sent: Counter[str] = Counter()  # device id -> messages published for it
        self._step = 0
        self._lock = threading.Lock()
        self.pending_lanes: tuple[str, ...] = ()

    def close(self) -> None:
        """Stop listening and release the peers."""
        self._bus.unsubscribe(self._ack_topic, self._on_ack)
        for peer in self._peers.values():
            peer.close()

    def _peer(self, device_id: str) -> MqttDevicePeer:
        peer = self._peers.get(device_id)
        if peer is None:
            prefix = self.bridge.prefix
            topic = arrival_topic(prefix, self.gate_ref) if device_id.endswith("/lane_pc") else None
            peer = MqttDevicePeer(device_id, self.bridge.settings, prefix, topic=topic)
            peer.open()
            self._peers[device_id] = peer
        return peer

    def handle(self, event: Event, now: float) -> list[Command]:
        """Send ``event`` to the live service at simulated time ``now``; return its commands.

        Raises:
            HilError: The service did not answer within the timeout, or the event has no
                protocol form (a scan result for a lane without a scanner device).
        """
        with self._lock:
            tick = isinstance(event, Tick)
            if not tick:
                self._publish(event, now)
            return self._round_trip(now, tick=tick)

    def _round_trip(self, now: float, tick: bool = False, prepare: bool = False) -> list[Command]:
        self._step += 1
        body = {"step": self._step, "tick": tick, "after": dict(self.sent), "prepare": prepare}
        payload = encode_envelope(f"{self.gate_ref}/twin", self._step, now, "ok", body)
        self._bus.publish(hil_clock_topic(self.bridge.prefix, self.gate_ref), payload)
        return self._wait(self._step)

    def _serial(self, device_id: str, at: float, value: Any = None, code: str = "") -> None:
        """Write what a weighbridge on a serial line says: a weighing or a fault."""
        indicator = self.bridge.serial[device_id]
        self._round_trip(at, prepare=True)  # the frames are stamped with the service's clock
        if code == "device_down":
            frames = [{"gross_kg": 0.0}, {"gross_kg": 0.0, "power_up": True}]
        elif code == "no_read":
            frames = [{"gross_kg": 0.0}, {"gross_kg": 0.0, "out_of_range": True}]
        elif code:
            raise HilError(f"fault code {code!r} has no Toledo form")
        else:
            self.sent[device_id] += indicator.weigh(float(value))
            return
        for frame in frames:
            indicator.send(**frame)
        self.sent[device_id] += len(frames)

    def _publish(self, event: Event, now: float) -> None:
        if isinstance(event, TruckArrived):
            gp = None if event.gate_pass is None else encode_gate_pass(event.gate_pass)
            value = {"lane": event.lane, "case_id": event.case_id, "gate_pass": gp}
            self._send(f"{self.gate_ref}/lane_pc", "ok", now, value)
        elif isinstance(event, ReadingReceived):
            r = event.reading
            dev = service_device_id(self.gate_ref, event.lane, r.device_id)
            if dev in self.bridge.serial:
                self._serial(dev, r.time_s, r.value)
            else:
                self._send(dev, "ok", r.time_s, r.value, r.confidence, r.seq, r.case_id)
        elif isinstance(event, FaultReported):
            f = event.fault
            dev = service_device_id(self.gate_ref, event.lane, f.device_id)
            if dev in self.bridge.serial:
                self._serial(dev, f.time_s, code=f.code)
                return
            status = _FAULT_STATUS.get(f.code)
            if status is None:
                raise HilError(f"fault code {f.code!r} has no protocol form")
            self._send(dev, status, f.time_s)
        elif isinstance(event, ScanCompleted):
            dev = f"{self.gate_ref}/h986_scanner-{event.lane.rsplit('lane', 1)[-1]}"
            self._send(dev, "ok", now, event.result.value, 1.0)

    def _send(
        self,
        device_id: str,
        status: str,
        ts: float,
        value: Any = None,
        conf: float | None = None,
        seq: int | None = None,
        case_id: str = "",
    ) -> None:
        if not self._peer(device_id).publish(status, ts, value, conf, seq, case_id):
            raise HilError(f"cannot publish for {device_id}")
        self.sent[device_id] += 1

    def _on_ack(self, raw: bytes) -> None:
        env = parse_envelope(raw)
        if not isinstance(env, str) and isinstance(env.value, dict):
            self._acks.put(env.value)

    def _wait(self, step: int) -> list[Command]:
        while True:
            try:
                ack = self._acks.get(timeout=self.bridge.timeout_s)
            except queue.Empty:
                raise HilError(f"{self.gate_ref}: no answer to step {step}") from None
            if ack.get("step") != step:
                continue  # an answer to a step that already timed out
            commands = [decode_command(c) for c in ack.get("commands", [])]
            if any(c is None for c in commands):
                raise HilError(f"{self.gate_ref}: undecodable command in step {step}")
            return [c for c in commands if c is not None]


MQTT_DRIVER = {
    DeviceKind.PLATE_CAMERA: "mqtt.plate_camera",
    DeviceKind.E_PLATE_READER: "mqtt.eplate_reader",
    DeviceKind.IC_CARD_READER: "mqtt.ic_card_reader",
    DeviceKind.CONTAINER_OCR: "mqtt.container_ocr",
    DeviceKind.WEIGHBRIDGE: "mqtt.weighbridge",
    DeviceKind.E_SEAL_READER: "mqtt.eseal_reader",
    DeviceKind.GPS_TRACK: "mqtt.gps_track",
    DeviceKind.RADIATION_PORTAL: "mqtt.radiation_portal",
    DeviceKind.H986_SCANNER: "mqtt.h986_scanner",
}
