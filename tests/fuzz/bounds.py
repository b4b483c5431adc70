"""Running one hostile input under a CPU-time and memory bound, and tallying the outcome.

Each input runs in the test process with a CPU-time alarm (``ITIMER_PROF``: CPU time,
so a loaded shared machine does not trip it) that interrupts a hang, and the process's
peak resident memory is checked after it. What a campaign found is kept per family in a
:class:`Tally`; with ``FTZ_FUZZ_REPORT=<file>`` set, every tally is appended to that file
as one JSON line (the figures of the issue's closing note).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["CPU_BOUND_S", "MEM_BOUND_MB", "Tally", "bounded"]

CPU_BOUND_S = 5.0  # per input: a scenario file of the largest allowed size takes ~1 s
MEM_BOUND_MB = 512  # growth of the process's peak RSS any one input may cause


class TimeBound(BaseException):
    """Raised by the CPU-time alarm inside the input's handling (not an Exception)."""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass
class Tally:
    """What a fuzz campaign of one parser family found."""

    family: str
    tried: int = 0
    tracebacks: int = 0
    past_time_bound: int = 0
    past_memory_bound: int = 0
    nonsense_accepted: int = 0
    accepted: int = 0
    worst_cpu_s: float = 0.0
    examples: list[str] = field(default_factory=list)

    def failed(self, kind: str, what: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {what[:1000]}")

    @property
    def clean(self) -> bool:
        return not (
            self.tracebacks
            or self.past_time_bound
            or self.past_memory_bound
            or self.nonsense_accepted
        )

    def report(self) -> None:
        path = os.environ.get("FTZ_FUZZ_REPORT")
        if path:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(asdict(self)) + "\n")


def bounded(
    tally: Tally,
    label: str,
    fn: Callable[[], Any],
    sane: Callable[[Any], str],
    cpu_s: float = CPU_BOUND_S,
) -> None:
    """Run ``fn`` once under the bounds and tally it.

    ``fn`` returns a value when the input was accepted and raises the family's user
    error when it was refused (it catches that itself and returns ``None``). Any other
    exception is a traceback. ``sane(value)`` returns ``""`` for a sane accepted value,
    else what is nonsense about it.
    """
    tally.tried += 1
    alarm = threading.current_thread() is threading.main_thread()
    old = None
    if alarm:

        def _fire(_sig: int, _frame: object) -> None:
            raise TimeBound

        old = signal.signal(signal.SIGPROF, _fire)
        signal.setitimer(signal.ITIMER_PROF, cpu_s)
    peak0, t0 = _peak_mb(), time.process_time()
    try:
        value = fn()
    except TimeBound:
        tally.failed("past_time_bound", label)
        return
    except Exception:
        tally.failed("tracebacks", f"{label[:150]!r}\n{traceback.format_exc()[-700:]}")
        return
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, old)
    cpu = time.process_time() - t0
    tally.worst_cpu_s = max(tally.worst_cpu_s, cpu)
    if cpu > cpu_s:  # the alarm could not interrupt native code; the bound still holds
        tally.failed("past_time_bound", label)
    if _peak_mb() - peak0 > MEM_BOUND_MB:
        tally.failed("past_memory_bound", label)
    if value is not None:
        tally.accepted += 1
        problem = sane(value)
        if problem:
            tally.failed("nonsense_accepted", f"{label}: {problem}")
