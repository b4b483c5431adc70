"""The gate controller: a sans-I/O state machine per gate.

Feed it events with the current time; it returns commands. It never touches a device,
a clock or a random generator, so the twin (simulated clock) and the live runtime (wall
clock) run exactly this code. It fails closed: any missing, stale, replayed or faulted
reading sends the truck to a manual post (转岗) and never opens the barrier.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from core.gate.messages import (
    Command,
    DivertToManualPost,
    Event,
    FaultReported,
    GateDecision,
    OpenBarrier,
    Outcome,
    ReadingReceived,
    RecordDecision,
    ShowOnDisplay,
    TruckArrived,
)
from core.gate.passes import GatePass, GatePassState
from core.gate.plates import PlateMatch, compare_plates
from core.gate.readings import DeviceKind, Reading

__all__ = ["GateController", "GatePolicy"]

_DECIDED_MEMORY = 4096  # passages remembered for idempotency; bounded so memory stays flat


@dataclass(frozen=True, slots=True)
class GatePolicy:
    """Tunable rules of one gate.

    Attributes:
        max_reading_age_s: A reading older than this when it arrives is stale.
        min_confidence: Readings below this confidence are not trusted.
    """

    max_reading_age_s: float = 30.0
    min_confidence: float = 0.8


@dataclass(slots=True)
class _Passage:
    case_id: str
    gate_pass: GatePass


class GateController:
    """Decides passages at one gate from device readings and the gate pass."""

    def __init__(self, gate_id: str, policy: GatePolicy | None = None) -> None:
        """Create a controller for the gate ``gate_id`` (``<zone>/<gate>``)."""
        self.gate_id = gate_id
        self.policy = policy or GatePolicy()
        self._pending: dict[str, _Passage] = {}
        self._last_seq: dict[str, int] = {}
        self._decided: OrderedDict[str, None] = OrderedDict()

    def handle(self, event: Event, now: float) -> list[Command]:
        """Apply one event and return the commands it calls for.

        Args:
            event: What happened at the gate.
            now: The current time in seconds on the caller's clock.

        Returns:
            The commands to carry out, in order; empty when nothing is to be done.
        """
        if isinstance(event, TruckArrived):
            return self._on_arrival(event, now)
        passage = self._pending.get(event.lane)
        if passage is None:
            return []  # a reading with no truck in the lane decides nothing
        if isinstance(event, FaultReported):
            return self._decide(event.lane, passage, now, (f"device_fault:{event.fault.code}",))
        return self._on_reading(event, passage, now)

    def _on_arrival(self, event: TruckArrived, now: float) -> list[Command]:
        if event.case_id in self._decided or event.lane in self._pending:
            return []  # the same passage announced twice is decided once
        if event.gate_pass is None:
            return self._decide(
                event.lane, _Passage(event.case_id, _NO_PASS), now, ("no_gate_pass",)
            )
        passage = _Passage(event.case_id, event.gate_pass)
        if event.gate_pass.state is not GatePassState.APPROVED:
            return self._decide(
                event.lane, passage, now, (f"pass_state:{event.gate_pass.state.name}",)
            )
        self._pending[event.lane] = passage
        return []

    def _on_reading(self, event: ReadingReceived, passage: _Passage, now: float) -> list[Command]:
        reasons = self._reading_problems(event.reading, now)
        if not reasons and event.reading.kind is DeviceKind.PLATE_CAMERA:
            match = compare_plates(str(event.reading.value), passage.gate_pass.plate)
            if match is not PlateMatch.EXACT:
                reasons = (f"plate_{match.value}",)
        return self._decide(event.lane, passage, now, reasons)

    def _reading_problems(self, reading: Reading, now: float) -> tuple[str, ...]:
        last = self._last_seq.get(reading.device_id)
        if last is not None and reading.seq <= last:
            return ("replayed_reading",)
        self._last_seq[reading.device_id] = reading.seq
        if now - reading.time_s > self.policy.max_reading_age_s:
            return ("stale_reading",)
        if reading.confidence < self.policy.min_confidence:
            return ("low_confidence",)
        return ()

    def _decide(
        self, lane: str, passage: _Passage, now: float, reasons: tuple[str, ...]
    ) -> list[Command]:
        self._pending.pop(lane, None)
        self._decided[passage.case_id] = None
        if len(self._decided) > _DECIDED_MEMORY:
            self._decided.popitem(last=False)
        if not reasons:
            decision = GateDecision(
                passage.case_id, lane, Outcome.PASS, ("all_checks_passed",), now
            )
            return [
                RecordDecision(decision),
                OpenBarrier(lane, passage.case_id),
                ShowOnDisplay(lane, "PASS 放行"),
            ]
        outcome = Outcome.REJECT if reasons == ("no_gate_pass",) else Outcome.MANUAL_POST
        decision = GateDecision(passage.case_id, lane, outcome, reasons, now)
        text = "REJECTED 退回" if outcome is Outcome.REJECT else "GO TO POST 转岗"
        return [
            RecordDecision(decision),
            DivertToManualPost(lane, passage.case_id, reasons),
            ShowOnDisplay(lane, text),
        ]


_NO_PASS = GatePass(pass_id="", plate="", state=GatePassState.DELETED)
