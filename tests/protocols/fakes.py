"""Fake devices that speak the real protocols, in the contract suite's modes.

A contract test asks for a device in a *mode* (perfect, miss, misread, down, stuck) and
``stimulate(device, truth, now)`` puts the truth in front of it. For a real driver the
mode is how its protocol peer behaves: these fakes publish over mosquitto, push over
HTTP or write Toledo frames on a socat pty, and wait until the driver has handled what
they sent, so ``read(now)`` right after sees it.
"""

from __future__ import annotations

import atexit
import http.client
import itertools
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from core.gate import DeviceKind, EPlateRead, SealRead, Track
from hardware_models import create_device
from hardware_models.mqtt import MqttDevicePeer
from hardware_models.serial import ToledoIndicator
from hardware_models.sim import ScanSubject
from hardware_models.sim.base import corrupt_one_glyph
from tests.protocols import services

K = DeviceKind
MULTI = (K.CONTAINER_OCR, K.E_SEAL_READER)  # one message per container / seal
REPAIR_S = 3.0  # a "down" device announces itself back this long after failing
_prefixes = itertools.count()
_alive: list[Any] = []


class FakeClock:
    """The runtime clock as the contract test sets it."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def handled(dev: Any) -> int:
    return dev.counters.accepted + dev.counters.rejected()


def wait_handled(dev: Any, count: int, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while handled(dev) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"driver handled {handled(dev)} of {count} messages")
        time.sleep(0.0005)


def _keep(dev: Any, *closers: Callable[[], None]) -> None:
    """Finalize devices of earlier tests (a contract test never does) and remember this one."""
    while len(_alive) > 2:
        old, old_closers = _alive.pop(0)
        old.finalize()
        for close in old_closers:
            close()
    _alive.append((dev, closers))


@atexit.register
def _finalize_all() -> None:
    for dev, closers in _alive:
        dev.finalize()
        for close in closers:
            close()


class Behaviour:
    """What the fake device says of a truth in its mode (deterministic from ``rng``)."""

    def __init__(self, kind: DeviceKind, mode: str, rng: np.random.Generator) -> None:
        self.kind, self.mode, self.rng = kind, mode, rng
        self.first: list[Any] | None = None

    def values(self, truth: Any) -> list[Any]:
        truths = list(truth) if self.kind in MULTI else [truth]
        if self.kind is K.H986_SCANNER:
            truths = ["suspect" if t.anomaly else "clear" for t in truths]
        if self.mode == "stuck":
            self.first = self.first or truths
            return self.first
        if self.mode == "misread":
            return [self._wrong(t) for t in truths]
        return truths

    def conf(self) -> float:
        return float(0.6 + 0.4 * self.rng.random()) if self.mode == "misread" else 0.97

    def _wrong(self, t: Any) -> Any:
        u1, u2 = self.rng.random(2)
        if isinstance(t, EPlateRead):
            return EPlateRead(corrupt_one_glyph(t.tag_id, u1, u2), t.plate)
        if isinstance(t, SealRead):
            return SealRead(corrupt_one_glyph(t.seal_id, u1, u2), t.intact)
        if t in ("clear", "suspect"):
            return "suspect" if t == "clear" else "clear"
        if isinstance(t, float):
            return t * (0.95 - 0.25 * u1)
        if isinstance(t, Track):  # a broken track: the middle third of the fixes is lost
            n = len(t.points)
            return Track(t.points[: n // 3] + t.points[2 * n // 3 :])
        return corrupt_one_glyph(t, u1, u2)


# -- MQTT -----------------------------------------------------------------------------


def make_mqtt(driver: str) -> Callable[[str, np.random.Generator, str], Any]:
    def make(device_id: str, rng: np.random.Generator, mode: str) -> Any:
        broker = services.broker()
        prefix = f"t{next(_prefixes)}"
        clock = FakeClock()
        dev = create_device(
            driver, device_id, clock=clock, mqtt=broker.settings(), prefix=prefix, scan_time_s=1.0
        )
        peer = MqttDevicePeer(device_id, broker.settings(), prefix)
        assert peer.open()
        dev.fake = (Behaviour(dev.kind, mode, rng), peer, clock)
        if dev.kind is K.H986_SCANNER:
            assert peer.answer_requests(lambda req: _answer_scan(dev, req))
        _keep(dev, peer.close)
        return dev

    return make


def _publish(dev: Any, truth_values: list[Any], ts: float) -> int:
    behaviour, peer, _ = dev.fake
    if behaviour.mode == "down":
        peer.publish("down", ts)
        peer.publish("up", ts + REPAIR_S)
        return 2
    for value in truth_values:
        if behaviour.mode == "miss":
            peer.publish("no_read", ts)
        else:
            peer.publish("ok", ts, value, behaviour.conf())
    return len(truth_values)


def stimulate_mqtt(dev: Any, truth: Any, now: float) -> float:
    behaviour, _, clock = dev.fake
    clock.t = now
    before = handled(dev)
    sent = _publish(dev, behaviour.values(truth), now)
    wait_handled(dev, before + sent)
    return now


def _answer_scan(dev: Any, request: dict[str, Any]) -> None:
    behaviour, _, _ = dev.fake
    subject = ScanSubject(request["case_id"], anomaly=request["case_id"] == "c2")
    dev.fake_sent = _publish(dev, behaviour.values(subject), request["ts"] + 0.5)


def request_mqtt(dev: Any, truth: Any, now: float) -> float:
    _, _, clock = dev.fake
    clock.t = now
    before = handled(dev)
    dev.fake_sent = 0
    ready = dev.request(truth, now)
    if ready == now:
        return now  # refused: the fault is already in the inbox
    deadline = time.monotonic() + 5
    while not dev.fake_sent and time.monotonic() < deadline:
        time.sleep(0.0005)
    wait_handled(dev, before + dev.fake_sent)
    return now + 0.5  # the fake scanner answers half a second after the request


# -- HTTP push ------------------------------------------------------------------------


def make_http(device_id: str, rng: np.random.Generator, mode: str) -> Any:
    clock = FakeClock()
    port = services.free_port()
    dev = create_device("http.plate_camera", device_id, clock=clock, port=port)
    dev.fake = (Behaviour(dev.kind, mode, rng), itertools.count(1), clock)
    _keep(dev)
    return dev


def post_event(port: int, device_id: str, body: bytes) -> tuple[int, dict[str, Any]]:
    import json

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(
            "POST", f"/v1/dev/{device_id}/reading", body, {"Content-Type": "application/json"}
        )
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def stimulate_http(dev: Any, truth: Any, now: float) -> float:
    from hardware_models.security import encode_envelope

    behaviour, seqs, clock = dev.fake
    clock.t = now
    if dev.state.value == "unconfigured":
        return now
    messages: list[tuple[str, float, Any, float | None]]
    if behaviour.mode == "down":
        messages = [("down", now, None, None), ("up", now + REPAIR_S, None, None)]
    elif behaviour.mode == "miss":
        messages = [("no_read", now, None, None)]
    else:
        messages = [("ok", now, v, behaviour.conf()) for v in behaviour.values(truth)]
    for status, ts, value, conf in messages:
        post_event(
            dev.port,
            dev.device_id,
            encode_envelope(dev.device_id, next(seqs), ts, status, value, conf),
        )
    return now


# -- serial (Toledo on a socat pty) ---------------------------------------------------


def make_toledo(device_id: str, rng: np.random.Generator, mode: str) -> Any:
    pair = services.pty_pair()
    clock = FakeClock()
    dev = create_device("serial.toledo_weighbridge", device_id, clock=clock, port=pair.a)
    indicator = ToledoIndicator(pair.b)
    dev.fake = (Behaviour(dev.kind, mode, rng), indicator, clock)
    _keep(dev, indicator.close, pair.close)
    return dev


def _frames(dev: Any, frames: list[dict[str, Any]]) -> None:
    _, indicator, _ = dev.fake
    before = handled(dev)
    for f in frames:
        indicator.send(**f)
    wait_handled(dev, before + len(frames))


def stimulate_toledo(dev: Any, truth: float, now: float) -> float:
    behaviour, _, clock = dev.fake
    clock.t = now
    if behaviour.mode == "down":
        _frames(dev, [{"gross_kg": 0.0, "power_up": True}])
        clock.t = now + REPAIR_S
        _frames(dev, [{"gross_kg": 0.0}])
        return now
    [weight] = behaviour.values(float(truth))
    loaded = {"gross_kg": weight, "out_of_range": behaviour.mode == "miss"}
    _frames(
        dev, [{"gross_kg": 0.0}, {"gross_kg": weight * 0.6, "motion": True}, loaded, loaded, loaded]
    )
    return now


# -- Modbus barrier -------------------------------------------------------------------

_registers = itertools.count(0, 2)


def make_barrier(device_id: str, rng: np.random.Generator, mode: str) -> Any:
    plc = services.plc()
    base = next(_registers) % 1000
    plc.stuck.discard(base)
    plc.down_writes.pop(base, None)
    plc.opens[base] = 0
    plc.writes[base] = 0
    if mode == "stuck":
        plc.stuck.add(base)
    elif mode == "down":
        plc.down_writes[base] = range(3, 6)  # the 3rd to 5th command find the PLC unreachable
    dev = create_device("modbus.barrier", device_id, port=plc.port, register=base)
    _keep(dev)
    return dev


def barrier_opens(dev: Any) -> int:
    return services.plc().opens[dev.register]
