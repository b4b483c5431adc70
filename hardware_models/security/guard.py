"""The trust check of parsed messages: origin, signature, freshness, replay.

Order matters: a message is only allowed to advance the device's sequence number after
its origin and signature were checked, so a forged message cannot lock a device out by
sending a huge ``seq``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from hardware_models.security.envelope import Envelope

__all__ = ["GuardPolicy", "MessageGuard"]


@dataclass(frozen=True)
class GuardPolicy:
    """How strictly device messages are checked.

    Attributes:
        key: The device's HMAC key; None accepts unsigned messages (a lab broker).
        max_age_s: A message older than this on arrival is stale.
        max_future_s: A message dated further ahead than this is rejected (clock skew).
        time_origin_s: Subtracted from the message ``ts`` to get the runtime's time base
            (the Unix time the runtime started; 0 when devices already speak it).
        check_replay: Whether sequence numbers must strictly increase.
    """

    key: bytes | None = None
    max_age_s: float = 30.0
    max_future_s: float = 5.0
    time_origin_s: float = 0.0
    check_replay: bool = True


class MessageGuard:
    """Checks one device's messages; keeps the last accepted sequence number."""

    def __init__(self, device_id: str, policy: GuardPolicy | None = None) -> None:
        """Guard the messages of ``device_id`` under ``policy``."""
        self.device_id = device_id
        self.policy = policy or GuardPolicy()
        self.last_seq = -1
        # Told of every accepted sequence number (the live service keeps them durably,
        # so that a message replayed after a restart is refused too).
        self.on_accept: Callable[[int], None] | None = None
        # Set while the last accepted sequence number is unknown (the store that keeps
        # it cannot be read): every message is refused with this reason, fail closed.
        self.refuse = ""

    def check(self, env: Envelope, now: float) -> str:
        """Return ``""`` if ``env`` may be trusted at ``now``, else the rejection reason.

        Reasons: ``foreign_device``, the :attr:`refuse` reason while set, ``unsigned``, ``bad_signature``, ``stale``,
        ``future``, ``replayed``. Accepting advances the device's sequence number.
        """
        p = self.policy
        if env.device != self.device_id:
            return "foreign_device"
        if self.refuse:
            return self.refuse
        if p.key is not None:
            if not env.mac:
                return "unsigned"
            good = hmac.new(p.key, env.signed_bytes, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(good, env.mac):
                return "bad_signature"
        ts = env.ts - p.time_origin_s
        if now - ts > p.max_age_s:
            return "stale"
        if ts - now > p.max_future_s:
            return "future"
        if p.check_replay and env.seq <= self.last_seq:
            return "replayed"
        self.last_seq = max(self.last_seq, env.seq)
        if self.on_accept is not None and p.check_replay:
            self.on_accept(self.last_seq)
        return ""

    def local_time(self, env: Envelope) -> float:
        """Return the message time on the runtime's clock (seconds)."""
        return env.ts - self.policy.time_origin_s
