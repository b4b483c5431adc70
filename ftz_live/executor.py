"""Carrying out what the controller decided: the one place where a decision becomes action.

The core returns commands as data; :meth:`CommandExecutor.carry_out` is the only code of
the live runtime that acts on them: it writes barrier and display commands to the
actuators, sends scan requests, records the trace, tells the service of decisions,
discarded readings and ledger postings.

Intent before act: a live gate's controller asks for the pass to be reserved
(:class:`core.gate.ReservePass`) before it opens; the executor hands that to the
durable writer (``on_reserve``) and the barrier command goes out only after the
controller heard back :class:`core.gate.PassReserved`, carrying the command number the
writer logged with the reservation. A command the PLC acknowledged is posted
(``on_confirmed``); one that faulted is left for settlement against the PLC's own record
of the last command it received (``on_unconfirmed``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from core.gate import (
    Command,
    DeviceKind,
    DiscardReading,
    Hold,
    OpenBarrier,
    PostGatePassage,
    RecordDecision,
    RequestScan,
    ReservePass,
    ShowOnDisplay,
    VoidReservation,
)
from core.trace import Lifecycle, Recorder

__all__ = ["CommandExecutor"]

log = logging.getLogger("ftztwin.live")

DecisionSink = Callable[[RecordDecision], None]
PassageSink = Callable[[PostGatePassage], None]
DiscardSink = Callable[[DiscardReading], None]
ReserveSink = Callable[[ReservePass, str], None]  # (command, barrier device id)
Settle = Callable[[str, str, int, float], None]  # (passage id, barrier id, command no, now)
VoidSink = Callable[[VoidReservation, float], None]


class CommandExecutor:
    """Carries out one gate's commands on its actuators and sinks."""

    def __init__(
        self,
        ref: str,
        actuators: dict[str, dict[DeviceKind, Any]],
        scanners: dict[str, Any],
        recorder: Recorder,
        on_decision: DecisionSink | None = None,
        on_passage: PassageSink | None = None,
        on_discard: DiscardSink | None = None,
        on_reserve: ReserveSink | None = None,
        on_confirmed: Settle | None = None,
        on_unconfirmed: Settle | None = None,
        on_void: VoidSink | None = None,
        on_hold: Callable[[Hold], None] | None = None,
    ) -> None:
        """Act for gate ``ref``: lane → kind → actuator, lane → H986 scanner, the sinks."""
        self.ref = ref
        self.actuators, self.scanners, self.recorder = actuators, scanners, recorder
        self.on_decision, self.on_passage, self.on_discard = on_decision, on_passage, on_discard
        self.on_reserve, self.on_void, self.on_hold = on_reserve, on_void, on_hold
        self.on_confirmed, self.on_unconfirmed = on_confirmed, on_unconfirmed
        self.actuator_faults = 0
        self.unactuated = 0  # commands for a lane without that actuator (an officer acts)
        # (lane, case) -> (passage id, command number): reservations durable, not acted on
        self.reservations: dict[tuple[str, str], tuple[str, int]] = {}
        self.opened_unreserved = 0  # barrier commands refused: no reservation (must stay 0)

    def barrier_id(self, lane: str) -> str:
        """The device id of the lane's barrier, ``""`` if it has none."""
        device = self.actuators.get(lane, {}).get(DeviceKind.BARRIER)
        return "" if device is None else str(device.device_id)

    def carry_out(self, commands: list[Command], now: float) -> None:
        """Carry out ``commands`` in the order the controller returned them."""
        reserved: set[str] = set()
        for cmd in commands:
            if isinstance(cmd, OpenBarrier):
                reserved |= self._open(cmd, now)
            elif isinstance(cmd, ReservePass):
                if self.on_reserve is not None:
                    self.on_reserve(cmd, self.barrier_id(cmd.lane))
            elif isinstance(cmd, VoidReservation):
                if self.on_void is not None:
                    self.on_void(cmd, now)
            elif isinstance(cmd, Hold):
                if self.on_hold is not None:
                    self.on_hold(cmd)
            elif isinstance(cmd, ShowOnDisplay):
                self._actuate(DeviceKind.DISPLAY_BOARD, cmd, "", now)
            elif isinstance(cmd, RequestScan):
                self._scan(cmd, now)
            elif isinstance(cmd, RecordDecision):
                d = cmd.decision
                attrs = {"outcome": d.outcome.value, "reasons": ";".join(d.reasons)}
                self.recorder.emit(
                    d.case_id, "gate_check", Lifecycle.STOP, f"{self.ref}/lanes", now, attrs
                )
                if self.on_decision is not None:
                    self.on_decision(cmd)
            elif isinstance(cmd, PostGatePassage) and self.on_passage is not None:
                if cmd.case_id not in reserved:  # a reserved passage is posted on confirmation
                    self.on_passage(cmd)
            elif isinstance(cmd, DiscardReading) and self.on_discard is not None:
                self.on_discard(cmd)

    def _open(self, cmd: OpenBarrier, now: float) -> set[str]:
        """Command the barrier; with a reservation, under its logged command number."""
        key = (cmd.lane, cmd.case_id)
        held = self.reservations.pop(key, None)
        if held is None:
            if self.on_reserve is not None:
                # A reserving gate never opens without a durable reservation.
                self.opened_unreserved += 1
                log.error("barrier command without a reservation refused", extra={"case": key})
                return set()
            self._actuate(DeviceKind.BARRIER, cmd, cmd.case_id, now)
            return set()
        passage_id, seq = held
        ok = self._actuate(DeviceKind.BARRIER, cmd, cmd.case_id, now, seq)
        settle = self.on_confirmed if ok else self.on_unconfirmed
        if settle is not None:
            settle(passage_id, self.barrier_id(cmd.lane), seq, now)
        return {cmd.case_id}

    def _actuate(self, kind: DeviceKind, cmd: Any, case_id: str, now: float, seq: int = 0) -> bool:
        device = self.actuators.get(cmd.lane, {}).get(kind)
        if device is None:
            self.unactuated += 1
            if kind is DeviceKind.BARRIER:
                log.warning("no barrier in the lane", extra={"lane": cmd.lane, "case": case_id})
            return False
        if seq and getattr(device, "numbered", False):
            fault = device.write(cmd, now, seq=seq)
        else:
            fault = device.write(cmd, now)
        if fault is None:
            return True
        self.actuator_faults += 1
        self.recorder.emit(
            case_id, f"{kind.value}_fault", Lifecycle.STOP, cmd.lane, now, {"code": fault.code}
        )
        log.error(
            "actuator fault",
            extra={"device": fault.device_id, "code": fault.code, "case": case_id},
        )
        return False

    def _scan(self, cmd: RequestScan, now: float) -> None:
        scanner = self.scanners.get(cmd.lane)
        if scanner is None:
            # The passage waits for its result and times out (scan_timeout): fail closed.
            log.error("scan requested in a lane without a scanner", extra={"lane": cmd.lane})
            return
        scanner.request(cmd, now)
