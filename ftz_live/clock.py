"""The wall clock as an adapter: seconds since the runtime started."""

from __future__ import annotations

import time

__all__ = ["WallClock"]


class WallClock:
    """Monotonic seconds since creation; the only place the live side reads time."""

    def __init__(self) -> None:
        """Start the clock at 0."""
        self._t0 = time.monotonic()

    def __call__(self) -> float:
        """Return seconds since the clock started."""
        return time.monotonic() - self._t0
