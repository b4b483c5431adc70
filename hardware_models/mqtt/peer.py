"""The device side of the MQTT protocol: what a camera or reader publishes.

Used by hardware-in-the-loop runs (the twin's simulated devices speak MQTT through
it), by the benchmark, and by the tests' fake devices. It signs when given a key and
numbers its messages itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.gate.readings import ReadingValue
from hardware_models.mqtt.bus import MqttBus, MqttSettings, bus_for
from hardware_models.mqtt.topics import reading_topic, request_topic
from hardware_models.real import encode_value
from hardware_models.security import encode_envelope, parse_envelope

__all__ = ["MqttDevicePeer"]


class MqttDevicePeer:
    """Publishes one device's messages; optionally answers its requests."""

    def __init__(
        self,
        device_id: str,
        settings: MqttSettings,
        prefix: str = "ftz",
        key: bytes | None = None,
        first_seq: int = 1,
        topic: str | None = None,
    ) -> None:
        """Publish as ``device_id`` through the broker of ``settings``.

        ``topic`` defaults to the device's reading topic (a lane PC publishes arrivals).
        """
        self.device_id = device_id
        self.topic = topic or reading_topic(prefix, device_id)
        self.prefix = prefix
        self.key = key
        self.seq = first_seq - 1
        self._bus: MqttBus = bus_for(settings)
        self._open = False
        self._on_request: Callable[[dict[str, Any]], None] | None = None

    def open(self) -> bool:
        """Connect (shared connection); False if the broker is unreachable."""
        self._open = self._open or self._bus.acquire()
        return self._open

    def close(self) -> None:
        """Disconnect (the shared connection closes with its last user)."""
        if self._on_request is not None:
            self._bus.unsubscribe(request_topic(self.prefix, self.device_id), self._request)
            self._on_request = None
        if self._open:
            self._open = False
            self._bus.release()

    def publish(
        self,
        status: str,
        ts: float,
        value: ReadingValue | None = None,
        conf: float | None = None,
        seq: int | None = None,
        case_id: str = "",
    ) -> bool:
        """Publish one message at device time ``ts``; ``seq`` defaults to the next number.

        ``case_id`` names the passage the reading was taken for, when the device knows it.
        """
        if seq is None:
            self.seq += 1
            seq = self.seq
        payload = encode_envelope(
            self.device_id,
            seq,
            ts,
            status,
            None if value is None else encode_value(value),
            conf,
            self.key,
            {"case_id": case_id} if case_id else None,
        )
        return self.publish_raw(payload)

    def publish_raw(self, payload: bytes) -> bool:
        """Publish bytes as they are (tests use it for replayed and malformed messages)."""
        return self._bus.publish(self.topic, payload)

    def answer_requests(self, on_request: Callable[[dict[str, Any]], None]) -> bool:
        """Call ``on_request(fields)`` for every request sent to the device."""
        self._on_request = on_request
        return self._bus.subscribe(request_topic(self.prefix, self.device_id), self._request)

    def _request(self, raw: bytes) -> None:
        env = parse_envelope(raw)
        if (
            not isinstance(env, str)
            and self._on_request is not None
            and isinstance(env.value, dict)
        ):
            self._on_request({"seq": env.seq, "ts": env.ts, **env.value})
