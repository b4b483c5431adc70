"""A sensor whose device speaks the v1 envelope (MQTT, HTTP push): parse, check, buffer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from core.gate import DeviceKind
from hardware_models.real.buffered import BufferedSensor, Clock
from hardware_models.real.values import decode_value
from hardware_models.security import GuardPolicy, MessageGuard, parse_envelope

__all__ = ["EnvelopeSensor", "key_from_config"]


def key_from_config(text: str | bytes | None) -> bytes | None:
    """Return an HMAC key from configuration (``hex:…`` or plain text); None if unset."""
    if text is None or isinstance(text, bytes):
        return text
    if text.startswith("hex:"):
        return bytes.fromhex(text.removeprefix("hex:"))
    return text.encode()


class EnvelopeSensor(BufferedSensor):
    """Checks each message (envelope, HMAC, sequence, time window, value) before buffering.

    A rejected message is counted by reason and dropped: the gate then waits for a good
    reading or decides on its timeout, failing closed.
    """

    kind: ClassVar[DeviceKind]

    def __init__(
        self,
        device_id: str,
        *,
        clock: Clock | None = None,
        notify: Callable[[], None] | None = None,
        hmac_key: str | bytes | None = None,
        max_age_s: float = 30.0,
        max_future_s: float = 5.0,
        time_origin_s: float = 0.0,
        check_replay: bool = True,
        on_reject: Callable[[str, str], None] | None = None,
        **ignored: Any,
    ) -> None:
        """Create the sensor.

        Args:
            device_id: ``<zone>/<gate>/<device>``.
            clock: The runtime's clock (seconds); Unix time by default.
            notify: Called when something was buffered (wakes the runtime's loop).
            hmac_key: The device's HMAC key (``hex:…`` or text); unsigned accepted if None.
            max_age_s: Older messages are rejected as stale.
            max_future_s: Messages dated further ahead are rejected.
            time_origin_s: Unix time of the runtime's zero (device ``ts`` minus this).
            check_replay: Reject sequence numbers that do not increase (off only in
                hardware-in-the-loop runs, where the core's own replay check must see
                exactly what it sees in the twin).
            on_reject: Told ``(device_id, reason)`` of every rejected message.
            **ignored: Accepted for a uniform constructor (e.g. ``rng``).
        """
        super().__init__(device_id, clock=clock, notify=notify, on_reject=on_reject)
        policy = GuardPolicy(
            key_from_config(hmac_key), max_age_s, max_future_s, time_origin_s, check_replay
        )
        self.guard = MessageGuard(device_id, policy)

    def _on_message(self, raw: bytes) -> str:
        """Parse, check and buffer one message; return ``""`` or why it was rejected.

        Runs on the I/O thread and never raises.
        """
        env = parse_envelope(raw)
        if isinstance(env, str):
            return self._reject(env.partition(":")[0])
        problem = self.guard.check(env, self.clock())
        if problem:
            return self._reject(problem)
        value = None
        if env.status == "ok":
            value = decode_value(self.kind, env.value)
            if value is None:
                return self._reject("malformed")
        self.counters.accept()
        self._on_status(env.status)
        at = self.guard.local_time(env)
        self._deliver(env.status, value, at, env.conf, env.seq, env.case_id)
        return ""

    def _reject(self, reason: str) -> str:
        self.counters.reject(reason)
        return reason

    def _on_status(self, status: str) -> None:
        """Hook for drivers that track a request cycle (the scanner)."""
