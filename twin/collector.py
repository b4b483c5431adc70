"""The cyclic garbage collector during a run: paused, with a full pass when objects pile up.

Python's collector runs its young generation every 700 container allocations, and its
work grows with the allocations, not with the garbage: a replication allocates millions
of tuples, dicts, events and records, almost all freed by reference counting, and the
collector scanned each of them once more for nothing (4-13 % of a run's CPU time,
measured on reform_2014). Cycles are rare in a run: a full pass after each simulated day
of a week of reform_2014 found 16 objects, then none. So during a run the automatic
collector is off, and a SimPy process looks once a simulated hour at the net count of
objects the collector tracks (``gc.get_count()[0]`` keeps counting with the collector
off: allocations less deallocations since the last pass); past ``SWEEP_OBJECTS`` it runs
one full pass. Memory stays level however long the run, and a steady run pays for next
to no passes (each costs about 0.1 s).

The collector is process-wide, and replications may overlap in threads (the app, a
HIL run beside the live service): the first run to start pauses it, the last to end
restores what was there before.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any

import simpy

__all__ = ["CHECK_S", "SWEEP_OBJECTS", "paused", "sweeper"]

CHECK_S = 3600.0  # simulated seconds between looks at the count
SWEEP_OBJECTS = 250_000  # net new tracked objects that call for a full pass (~25 MB)

_lock = threading.Lock()
_runs = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """Pause automatic collection while the block runs (nested and threaded uses count)."""
    global _runs, _was_enabled
    with _lock:
        if _runs == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0 and _was_enabled:
                gc.enable()


def sweeper(
    env: simpy.Environment, check_s: float = CHECK_S, objects: int = SWEEP_OBJECTS
) -> Generator[Any, Any, None]:
    """A SimPy process: a full collection once ``objects`` net new objects are tracked.

    It touches nothing of the model, so the run's results are the same with or without it.
    """
    while True:
        yield env.timeout(check_s)
        if gc.get_count()[0] >= objects:
            gc.collect()
