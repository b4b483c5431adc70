"""What keeps a live gate honest across crashes: settlement, the replay guard, barrier feedback.

* :class:`Settler`: on start, every pending reservation of the served gates is settled
  from the command log (``command:<passage id>``: barrier, command number) against the
  PLC's own record of the last command it received (its SEQUENCE register): posted if
  the barrier was commanded, voided otherwise. A barrier command that faulted is settled
  the same way. While a PLC cannot be read its reservations stay pending (the pass stays
  held: fail closed) and are tried again.
* :func:`load_replay_guard`: each device's last accepted sequence number comes back from
  the store, so a message replayed after a restart is refused; new ones are kept by the
  writer (:meth:`ftz_live.ledger_sink.LedgerSink.note_seq`).
* :class:`BarrierWatch`: after each acknowledged command the barrier's status registers
  are read; a barrier that does not follow within the timeout raises an alarm.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from typing import Any

from ftz_live.ledger_sink import LedgerSink, command_key, device_key
from hardware_models.modbus.registers import seq_reached

__all__ = ["BarrierWatch", "Settler", "load_replay_guard"]

log = logging.getLogger("ftztwin.live")
_RETRY_S = 1.0


def guards(svc: Any) -> dict[str, Any]:
    """The message guards of the service's devices and receivers, by device id."""
    out = {}
    for dev in [*svc.devices.values(), *svc.receivers]:
        guard = getattr(dev, "guard", None)
        if guard is not None and guard.policy.check_replay:
            out[dev.device_id] = guard
    return out


def load_replay_guard(sink: LedgerSink, found: dict[str, Any]) -> bool:
    """Give each guard its stored last sequence number; False if the store cannot be read.

    Until it could be read every message is refused (``sequence_unknown``): fail closed.
    """
    try:
        stored = sink.read_blobs([device_key(d) for d in found])
    except sink._errors as exc:
        log.error(
            "device sequence numbers unreadable, refusing messages", extra={"error": str(exc)}
        )
        for guard in found.values():
            guard.refuse = "sequence_unknown"
        return False
    for dev, guard in found.items():
        guard.last_seq = max(guard.last_seq, int(stored.get(device_key(dev), "-1")))
        guard.on_accept = lambda s, d=dev: sink.note_seq(d, s)
        guard.refuse = ""
    return True


class Settler:
    """Settles reservations whose barrier command's fate is known only to the PLC."""

    def __init__(self, sink: LedgerSink, barriers: dict[str, Any], gates: set[str]) -> None:
        """Settle through ``sink`` using ``barriers`` (device id → driver) for ``gates``."""
        self.sink, self.barriers, self.gates = sink, barriers, gates
        self.started = False  # the start-up scan of pending reservations is done
        self.posted = self.voided = 0
        self._todo: dict[str, tuple[str, int]] = {}  # passage -> (barrier, command no)
        self._lock = threading.Lock()

    @property
    def unsettled(self) -> int:
        """Reservations waiting for their PLC."""
        return len(self._todo)

    def blocked(self) -> set[str]:
        """Barriers with a reservation waiting to be settled (before start: every one)."""
        if not self.started:
            return set(self.barriers)
        with self._lock:
            return {barrier for barrier, _ in self._todo.values()}

    def add(self, passage_id: str, barrier: str, seq: int, now: float = 0.0) -> None:
        """Settle ``passage_id`` (command ``seq`` to ``barrier`` faulted) once the PLC answers."""
        with self._lock:
            self._todo[passage_id] = (barrier, seq)

    def scan(self) -> bool:
        """Collect the pending reservations of the served gates; False if the store is down."""
        try:
            with self.sink.reader() as ledger:
                pending = ledger.passes.pending_reservations()
            pending = [r for r in pending if r.gate_ref in self.gates]
            logged = self.sink.read_blobs([command_key(r.passage_id) for r in pending])
        except self.sink._errors:
            return False
        for r in pending:
            entry = logged.get(command_key(r.passage_id))
            barrier, _, rest = (entry or "||").partition("|")
            seq = int(rest.partition("|")[0] or 0)
            self.add(r.passage_id, barrier, seq)
        if pending:
            log.warning("settling reservations left pending", extra={"reservations": len(pending)})
        self.started = True
        return True

    def settle(self, now: float) -> None:
        """Settle what can be settled now (the service's maintenance thread)."""
        if not self.started and not self.scan():
            return
        with self._lock:
            todo = list(self._todo.items())
        for passage_id, (barrier, seq) in todo:
            device = self.barriers.get(barrier)
            if not barrier or seq <= 0 or device is None or not hasattr(device, "read_commanded"):
                commanded: bool | None = False  # nothing logged or no PLC to ask: not opened
            else:
                seen = device.read_commanded()
                commanded = None if seen is None else seq_reached(seen, seq % 65_536)
            if commanded is None:
                continue  # the PLC does not answer: the pass stays held, try again
            with self._lock:
                self._todo.pop(passage_id, None)
            if commanded:
                self.posted += 1
                self.sink.post(passage_id, now)
            else:
                self.voided += 1
                self.sink.void(passage_id, "barrier_not_commanded", now)
            log.warning(
                "reservation settled",
                extra={"passage": passage_id, "posted": commanded, "barrier": barrier},
            )


class BarrierWatch:
    """Reads each commanded barrier back and alarms when it does not follow in time."""

    def __init__(self, barriers: dict[str, Any], timeout_s: float = 2.0) -> None:
        """Watch ``barriers`` (device id → driver with ``read_state``); ``timeout_s`` > 0."""
        self.barriers, self.timeout_s = barriers, timeout_s
        self.followed = 0
        self.alarms: Counter[str] = Counter()  # barrier -> commands it did not follow
        self.active: dict[str, int] = {}  # barrier -> command no of the open alarm
        self._expect: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def expect(self, barrier: str, seq: int) -> None:
        """Command ``seq`` was acknowledged by ``barrier``'s PLC: it must follow."""
        device = self.barriers.get(barrier)
        if device is None or not hasattr(device, "read_state"):
            return
        with self._lock:
            self._expect[barrier] = (seq, time.monotonic() + self.timeout_s)

    def check(self) -> None:
        """Read every barrier that owes a movement (the maintenance thread)."""
        with self._lock:
            todo = list(self._expect.items())
        for barrier, (seq, deadline) in todo:
            state = self.barriers[barrier].read_state()
            done = state is not None and seq_reached(state[1], seq % 65_536)
            if not done and time.monotonic() < deadline:
                continue
            with self._lock:
                if self._expect.get(barrier, (0, 0.0))[0] == seq:
                    del self._expect[barrier]
            if done:
                self.followed += 1
                self.active.pop(barrier, None)
                continue
            self.alarms[barrier] += 1
            self.active[barrier] = seq
            log.error(
                "barrier did not follow its command",
                extra={
                    "barrier": barrier,
                    "command": seq,
                    "timeout_s": self.timeout_s,
                    "status": state,
                },
            )

    def snapshot(self) -> dict[str, Any]:
        """For ``/health``."""
        return {
            "followed": self.followed,
            "alarms": dict(self.alarms),
            "active_alarms": dict(self.active),
            "awaiting": len(self._expect),
        }


class Maintenance:
    """A thread that settles reservations and watches barriers, off the gate loop."""

    def __init__(self, settler: Settler, watch: BarrierWatch | None, period_s: float = 0.05):
        """Run ``settler`` (every second) and ``watch`` (every ``period_s``)."""
        self.settler, self.watch, self.period_s = settler, watch, period_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="maintenance")

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5.0)

    def _run(self) -> None:
        last = 0.0
        while not self._stop.wait(self.period_s):
            try:
                if self.watch is not None:
                    self.watch.check()
                if time.monotonic() - last >= _RETRY_S or not self.settler.started:
                    last = time.monotonic()
                    self.settler.settle(time.time())
            except Exception:  # keep watching: a bad read must not end the thread
                log.exception("maintenance error")
