"""Thread-safe counters of accepted and rejected messages, by reason (for health)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

__all__ = ["Counters"]


class Counters:
    """Accepted messages and rejections by reason; safe to bump from network threads."""

    def __init__(self, on_reject: Callable[[str], None] | None = None) -> None:
        """Start every count at zero; ``on_reject(reason)`` hears of each rejection."""
        self._lock = threading.Lock()
        self._accepted = 0
        self._rejected: Counter[str] = Counter()
        self._on_reject = on_reject

    def accept(self) -> None:
        """Count one accepted message."""
        with self._lock:
            self._accepted += 1

    def reject(self, reason: str) -> None:
        """Count one rejected message under ``reason`` (e.g. ``replayed``, ``malformed``)."""
        with self._lock:
            self._rejected[reason] += 1
        if self._on_reject is not None:
            self._on_reject(reason)

    @property
    def accepted(self) -> int:
        """Messages accepted so far."""
        with self._lock:
            return self._accepted

    def rejected(self, reason: str | None = None) -> int:
        """Rejections so far, of ``reason`` or in total."""
        with self._lock:
            return self._rejected[reason] if reason else sum(self._rejected.values())

    def snapshot(self) -> dict[str, object]:
        """Return ``{"accepted": n, "rejected": {reason: n}}`` for the health endpoint."""
        with self._lock:
            return {"accepted": self._accepted, "rejected": dict(sorted(self._rejected.items()))}
