"""Carrying out what the controller decided: the one place where a decision becomes action.

The core returns commands as data; :meth:`CommandExecutor.carry_out` is the only code of
the live runtime that acts on them: it writes barrier and display commands to the
actuators, sends scan requests, records the trace, tells the service of decisions,
discarded readings and ledger postings. Anything that must happen *before* the barrier
moves (reserving the gate pass durably, issue 14) goes into :meth:`carry_out`, ahead of
the barrier write, and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from core.gate import (
    Command,
    DeviceKind,
    DiscardReading,
    OpenBarrier,
    PostGatePassage,
    RecordDecision,
    RequestScan,
    ShowOnDisplay,
)
from core.trace import Lifecycle, Recorder

__all__ = ["CommandExecutor"]

log = logging.getLogger("ftztwin.live")

DecisionSink = Callable[[RecordDecision], None]
PassageSink = Callable[[PostGatePassage], None]
DiscardSink = Callable[[DiscardReading], None]


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
    ) -> None:
        """Act for gate ``ref``: lane → kind → actuator, lane → H986 scanner, the sinks."""
        self.ref = ref
        self.actuators, self.scanners, self.recorder = actuators, scanners, recorder
        self.on_decision, self.on_passage, self.on_discard = on_decision, on_passage, on_discard
        self.actuator_faults = 0
        self.unactuated = 0  # commands for a lane without that actuator (an officer acts)

    def carry_out(self, commands: list[Command], now: float) -> None:
        """Carry out ``commands`` in the order the controller returned them."""
        for cmd in commands:
            if isinstance(cmd, OpenBarrier):
                self._actuate(DeviceKind.BARRIER, cmd, cmd.case_id, now)
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
                self.on_passage(cmd)
            elif isinstance(cmd, DiscardReading) and self.on_discard is not None:
                self.on_discard(cmd)

    def _actuate(self, kind: DeviceKind, cmd: Any, case_id: str, now: float) -> None:
        device = self.actuators.get(cmd.lane, {}).get(kind)
        if device is None:
            self.unactuated += 1
            if kind is DeviceKind.BARRIER:
                log.warning("no barrier in the lane", extra={"lane": cmd.lane, "case": case_id})
            return
        fault = device.write(cmd, now)
        if fault is None:
            return
        self.actuator_faults += 1
        self.recorder.emit(
            case_id, f"{kind.value}_fault", Lifecycle.STOP, cmd.lane, now, {"code": fault.code}
        )
        log.error(
            "actuator fault",
            extra={"device": fault.device_id, "code": fault.code, "case": case_id},
        )

    def _scan(self, cmd: RequestScan, now: float) -> None:
        scanner = self.scanners.get(cmd.lane)
        if scanner is None:
            # The passage waits for its result and times out (scan_timeout): fail closed.
            log.error("scan requested in a lane without a scanner", extra={"lane": cmd.lane})
            return
        scanner.request(cmd, now)
