"""The base of the real sensors: a time-ordered inbox filled by an I/O thread.

The I/O side (:meth:`BufferedSensor._post`) stamps each result with the time it
happened on the runtime's clock; :meth:`BufferedSensor.read` hands out what is due at
``now``, oldest first, and applies lifecycle changes the device announced (a device
that says it is down is faulted when the runtime reaches that moment, and active again
when it says it is back). ``read`` never blocks on I/O and never raises.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from core.gate import DeviceFault, DeviceKind, Reading
from core.gate.readings import ReadingValue
from hardware_models.ports import DeviceLifecycle, LifecycleState
from hardware_models.security import Counters

__all__ = ["BufferedSensor", "Clock"]

Clock = Callable[[], float]
_RECOVERED = "recovered"  # an inbox marker: the device announced it is back in service
_MAX_INBOX = 10_000  # a runtime that stops reading must not grow memory without bound


class BufferedSensor(DeviceLifecycle):
    """A sensor whose readings arrive on an I/O thread; subclasses open and close the I/O."""

    kind: ClassVar[DeviceKind]

    def __init__(
        self,
        device_id: str,
        *,
        clock: Clock | None = None,
        notify: Callable[[], None] | None = None,
        on_reject: Callable[[str, str], None] | None = None,
        **_ignored: Any,
    ) -> None:
        """Create the sensor ``device_id``.

        ``clock`` gives the runtime's time (Unix time by default); ``notify`` is called
        (on the I/O thread) whenever something was buffered, to wake the runtime's loop;
        ``on_reject(device_id, reason)`` is told of every message rejected (the service
        logs it). Unknown keyword arguments (e.g. ``rng``, which only simulated devices
        use) are accepted and ignored so that every driver is built the same way.
        """
        self.device_id = device_id
        self.clock: Clock = clock or time.time
        self.notify = notify
        self.counters = Counters(
            None if on_reject is None else lambda reason: on_reject(device_id, reason)
        )
        self.posted = 0  # results put in the inbox so far (tests wait on it)
        self._seq = 0
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._inbox: list[tuple[float, int, Reading | DeviceFault | str]] = []
        self._order = itertools.count()
        self._told_not_active = False  # one not_active fault per read, however many messages

    # -- the lifecycle opens and closes the I/O ------------------------------------
    def configure(self) -> bool:
        """Open the connection (subscribe, open the port); False if it cannot be opened."""
        if self.state is not LifecycleState.UNCONFIGURED or not self._open():
            return False
        return self._transition("configure")

    def finalize(self) -> bool:
        """Close the connection for good."""
        if self.state is not LifecycleState.UNCONFIGURED:
            self._close()
        return self._transition("finalize")

    def _open(self) -> bool:
        return True

    def _close(self) -> None:
        return None

    # -- the runtime side ----------------------------------------------------------
    def read(self, now: float) -> Sequence[Reading | DeviceFault]:
        """Return the readings and faults due at ``now`` (seconds), oldest first."""
        with self._lock:
            due = []
            while self._inbox and self._inbox[0][0] <= now:
                due.append(heapq.heappop(self._inbox)[2])
            self._told_not_active = False
        out: list[Reading | DeviceFault] = []
        for item in due:
            if item == _RECOVERED:
                if self.state is LifecycleState.FAULTED:
                    self.activate()
            elif isinstance(item, DeviceFault) and item.code == "device_down":
                self.mark_faulted()
                out.append(item)
            elif not isinstance(item, str):
                out.append(item)
        return out

    def wait_posted(self, count: int, timeout_s: float = 2.0) -> bool:
        """Block until ``count`` results were posted in total (tests, HIL); False on timeout."""
        with self._arrived:
            return self._arrived.wait_for(lambda: self.posted >= count, timeout_s)

    # -- the I/O side --------------------------------------------------------------
    def _post(self, at: float, item: Reading | DeviceFault | str) -> None:
        with self._arrived:
            if len(self._inbox) >= _MAX_INBOX:
                self.counters.reject("inbox_full")
                return
            heapq.heappush(self._inbox, (at, next(self._order), item))
            self.posted += 1
            self._arrived.notify_all()
        if self.notify is not None:
            self.notify()

    def _fault(self, code: str, detail: str, at: float) -> DeviceFault:
        return DeviceFault(self.device_id, self.kind, code, detail, at)

    def _deliver(
        self,
        status: str,
        value: ReadingValue | None,
        at: float,
        confidence: float = 1.0,
        seq: int | None = None,
        case_id: str = "",
    ) -> None:
        """Turn what the device said into an inbox entry, honouring the lifecycle.

        ``status`` is ``ok`` (a reading), ``no_read``, ``timeout``, ``busy``, ``down`` or ``up``. A
        reading that arrives while the driver is not active is a ``not_active`` fault.
        """
        if status == "up":
            self._post(at, _RECOVERED)
        elif status == "down":
            self._post(at, self._fault("device_down", "device reports down", at))
        elif self.state not in (LifecycleState.ACTIVE, LifecycleState.FAULTED):
            if not self._told_not_active:
                self._told_not_active = True
                self._post(at, self._fault("not_active", self.state.value, at))
        elif status in ("no_read", "busy", "timeout"):
            self._post(at, self._fault(status, "reported by the device", at))
        elif value is not None:
            if seq is None:
                self._seq += 1
                seq = self._seq
            reading = Reading(self.device_id, self.kind, value, confidence, seq, at, case_id)
            self._post(at, reading)
