"""The gate controller: a sans-I/O state machine per gate.

Feed it events with the current time; it returns commands. It never touches a device,
a clock or a random generator, so the twin (simulated clock) and the live runtime (wall
clock) run exactly this code. It fails closed: any missing, stale, replayed, foreign or
faulted reading sends the truck to a manual post (转岗) and never opens the barrier. It
is idempotent per passage: an event repeated or replayed after the decision decides
nothing again, so the ledger posting goes out once. A reading counts only for the
passage it was taken for (:mod:`core.gate.attribution`): one that comes after its
passage was decided is discarded and counted, never handed to the next truck.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from core.gate.attribution import Attribution, Verdict
from core.gate.checks import check_passage, outcome_for
from core.gate.messages import (
    AdvanceGatePass,
    Command,
    DiscardReading,
    DivertToInspection,
    DivertToManualPost,
    Event,
    FaultReported,
    GateDecision,
    Hold,
    OpenBarrier,
    Outcome,
    PassReserved,
    PostGatePassage,
    ReadingReceived,
    RecordDecision,
    RejectTruck,
    RequestScan,
    ReservationRefused,
    ReservePass,
    ScanResult,
    ShowOnDisplay,
    Tick,
    TruckArrived,
    VoidReservation,
)
from core.gate.passage import NO_PASS, Passage, expected_readings
from core.gate.passes import GatePassState, RiskLane
from core.gate.policy import GateMode, GatePolicy
from core.gate.readings import DeviceKind, Reading
from core.gate.track import Track

__all__ = ["GateController", "GatePolicy"]

# Passages and passes remembered for idempotency (a retry, a late reading, a pass shown
# twice comes within minutes): 1,024 is hours of a busy gate, and the ledger refuses a
# used pass whenever this has forgotten it. Bounded, and full within a day, so memory
# is level from the first day on.
_MEMORY = 1024
_DUPLICATE = "duplicate"  # the very same reading delivered twice: ignored, not a replay

_ACCEPTED_STATE = {
    GateMode.SINGLE: GatePassState.APPROVED,
    GateMode.FIRST_OF_TWO: GatePassState.APPROVED,
    GateMode.SECOND_OF_TWO: GatePassState.PASSED_FIRST_GATE,
}
_NEXT_STATE = {
    GateMode.SINGLE: GatePassState.PASSED,
    GateMode.FIRST_OF_TWO: GatePassState.PASSED_FIRST_GATE,
    GateMode.SECOND_OF_TWO: GatePassState.PASSED_SECOND_GATE,
}
_LANE_REASON = {
    RiskLane.DOCUMENT_REVIEW: "risk_lane:document_review",
    RiskLane.SCAN: "risk_lane:scan",
    RiskLane.PHYSICAL_INSPECTION: "risk_lane:physical_inspection",
}
_DISPLAY = {
    Outcome.PASS: "PASS 放行",
    Outcome.MANUAL_POST: "GO TO POST 转岗",
    Outcome.INSPECTION: "GO TO INSPECTION 查验",
    Outcome.REJECT: "REJECTED 退回",
}


def _remember(memory: OrderedDict[str, None], key: str) -> None:
    memory[key] = None
    if len(memory) > _MEMORY:
        memory.popitem(last=False)


def _finite(value: object) -> bool:
    """Whether a reading's value has no NaN or infinity (weights, levels, GPS fixes)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Track):
        return all(math.isfinite(p.time_s + p.x_m + p.y_m) for p in value.points)
    return True


class GateController:
    """Decides passages at one gate from device readings and the gate pass."""

    def __init__(self, gate_id: str, policy: GatePolicy | None = None) -> None:
        """Create a controller for the gate ``gate_id`` (``<zone>/<gate>``)."""
        self.gate_id = gate_id
        self.policy = policy or GatePolicy()
        self._prefix = gate_id + "/"
        self._pending: dict[str, Passage] = {}
        self._last: dict[str, Reading] = {}
        self._decided: OrderedDict[str, None] = OrderedDict()
        self._used_passes: OrderedDict[str, None] = OrderedDict()
        self._attribution = Attribution()
        self.discarded: dict[str, int] = {}  # reason -> readings discarded (health, KPIs)
        self.held_arrivals: dict[str, int] = {}  # reason -> arrivals held (lane_busy)

    def handle(self, event: Event, now: float) -> list[Command]:
        """Apply one event and return the commands it calls for.

        Args:
            event: What happened at the gate.
            now: The current time in seconds on the caller's clock.

        Returns:
            The commands to carry out, in order; empty when nothing is to be done.
        """
        if isinstance(event, ReadingReceived):
            return self._on_reading(event, now)
        if isinstance(event, TruckArrived):
            return self._on_arrival(event, now)
        if isinstance(event, Tick):
            return self._on_tick(now)
        if isinstance(event, PassReserved | ReservationRefused):
            return self._on_reservation(event, now)
        passage = self._pending.get(event.lane)
        if passage is None or passage.reserving_s is not None:
            # Nothing in the lane, or its passage is decided but for the ledger's answer:
            # a late fault or scan result decides nothing.
            return []
        if isinstance(event, FaultReported):
            return self._decide(event.lane, passage, now, (f"device_fault:{event.fault.code}",))
        return self._on_scan(event.lane, passage, event.case_id, event.result, now)

    @property
    def pending_lanes(self) -> tuple[str, ...]:
        """Lanes with a truck whose passage is not decided yet."""
        return tuple(self._pending)

    @property
    def pending(self) -> dict[str, Passage]:
        """Lane → its undecided passage (a copy: the nowcast's snapshot reads it)."""
        return dict(self._pending)

    def _on_arrival(self, event: TruckArrived, now: float) -> list[Command]:
        waiting = self._pending.get(event.lane)
        if event.case_id in self._decided or (
            waiting is not None and waiting.case_id == event.case_id
        ):
            return []  # the same passage announced twice is decided once
        if waiting is not None:
            # Another truck still occupies the lane: it is told to wait, never ignored;
            # the lane PC announces it again once the lane is free.
            self.held_arrivals["lane_busy"] = self.held_arrivals.get("lane_busy", 0) + 1
            return [Hold(event.lane, event.case_id, "lane_busy")]
        gp = event.gate_pass
        if gp is None:
            return self._decide(
                event.lane, Passage(event.case_id, NO_PASS, now), now, ("no_gate_pass",)
            )
        passage = Passage(event.case_id, gp, now)
        if not gp.pass_id:
            return self._decide(event.lane, passage, now, ("empty_pass_id",))
        if gp.pass_id in self._used_passes:
            return self._decide(event.lane, passage, now, ("pass_already_used",))
        if gp.state is not _ACCEPTED_STATE[self.policy.mode]:
            return self._decide(event.lane, passage, now, (f"pass_state:{gp.state.name}",))
        passage.expected = expected_readings(gp, self.policy, self.gate_id)
        self._pending[event.lane] = passage
        commands = [] if passage.expected else self._complete(event.lane, passage, now)
        return commands + self._take_held(event.lane, passage, now)

    def _take_held(self, lane: str, passage: Passage, now: float) -> list[Command]:
        """Give the arriving passage the readings taken for it before it was announced."""
        commands: list[Command] = []
        window_start = passage.arrived_s - self.policy.early_reading_s
        for reading in self._attribution.release(lane, passage.case_id):
            if not reading.case_id and reading.time_s < window_start:
                commands.append(self._discard(lane, reading, "stale_reading"))
            else:
                commands += self._on_reading(ReadingReceived(lane, reading), now)
        return commands

    def _discard(self, lane: str, reading: Reading, reason: str) -> DiscardReading:
        self.discarded[reason] = self.discarded.get(reason, 0) + 1
        return DiscardReading(lane, reading.device_id, reading.seq, reason)

    def _on_reading(self, event: ReadingReceived, now: float) -> list[Command]:
        lane, reading = event.lane, event.reading
        passage = self._pending.get(lane)
        waiting = None if passage is None else (passage.case_id, passage.arrived_s)
        verdict = self._attribution.judge(lane, reading, waiting, self._decided)
        if verdict is Verdict.HOLD:
            pushed_out = self._attribution.hold(lane, reading)
            return [] if pushed_out is None else [self._discard(lane, pushed_out, "held_overflow")]
        if verdict is Verdict.LATE or passage is None or passage.reserving_s is not None:
            return [self._discard(lane, reading, Verdict.LATE.value)]
        problem = self._integrity(reading, passage, now)
        if problem == _DUPLICATE:
            return [self._discard(lane, reading, _DUPLICATE)]
        if problem:
            return self._decide(lane, passage, now, (problem,))
        passage.used.append((reading.device_id, reading.seq))
        if reading.kind is DeviceKind.H986_SCANNER:
            result = ScanResult.CLEAR if reading.value == "clear" else ScanResult.SUSPECT
            return self._on_scan(lane, passage, passage.case_id, result, now)
        passage.readings.setdefault(reading.kind, []).append(reading)
        left = passage.expected.get(reading.kind)
        if left is not None:
            if left > 1:
                passage.expected[reading.kind] = left - 1
            else:
                del passage.expected[reading.kind]
        if passage.expected or passage.scan_requested_s is not None:
            return []
        return self._complete(lane, passage, now)

    def _integrity(self, reading: Reading, passage: Passage, now: float) -> str:
        """Return why a reading cannot be trusted, ``_DUPLICATE`` or ``""``."""
        if not reading.device_id.startswith(self._prefix):
            return "foreign_device"
        # Defence in depth: a driver that lets these through must not decide a passage,
        # and such a reading must not advance the device's sequence number either.
        if not _finite(reading.value) or not math.isfinite(reading.time_s):
            return "non_finite_value"
        if not 0.0 <= reading.confidence <= 1.0:
            return "bad_confidence"
        if reading.time_s - now > self.policy.max_future_s:
            return "future_reading"
        last = self._last.get(reading.device_id)
        if last is not None and reading.seq <= last.seq:
            if reading == last and reading in passage.readings.get(reading.kind, ()):
                return _DUPLICATE
            return "replayed_reading"
        self._last[reading.device_id] = reading
        if (
            now - reading.time_s > self.policy.max_reading_age_s
            or reading.time_s < passage.arrived_s - self.policy.early_reading_s
        ):
            return "stale_reading"
        if reading.confidence < self.policy.min_confidence:
            return "low_confidence"
        return ""

    def _complete(self, lane: str, passage: Passage, now: float) -> list[Command]:
        """Every awaited reading is in: compare, then act on the risk lane."""
        gp = passage.gate_pass
        passage.findings = check_passage(gp, passage.readings, self.policy)
        reasons = passage.findings.reasons
        risk = gp.risk_lane
        if risk is RiskLane.SCAN and not reasons:
            passage.scan_requested_s = now
            return [
                RequestScan(lane, passage.case_id, gp.pass_id),
                Hold(lane, passage.case_id, "awaiting_scan"),
                ShowOnDisplay(lane, "WAIT FOR SCAN 等待扫描"),
            ]
        if risk is not RiskLane.RELEASE:
            reasons = (*reasons, _LANE_REASON[risk])
        return self._decide(lane, passage, now, reasons)

    def _on_scan(
        self, lane: str, passage: Passage, case_id: str, result: ScanResult, now: float
    ) -> list[Command]:
        if passage.scan_requested_s is None or case_id != passage.case_id:
            return []  # no scan was asked for this truck: a stray result decides nothing
        if result is ScanResult.CLEAR:
            return self._decide(lane, passage, now, (), ("scan_clear",))
        return self._decide(lane, passage, now, ("scan_suspect",))

    def _on_reservation(
        self, event: PassReserved | ReservationRefused, now: float
    ) -> list[Command]:
        """The ledger's answer to :class:`ReservePass`: open, or send to a post."""
        passage = self._pending.get(event.lane)
        if passage is None or passage.case_id != event.case_id or passage.reserving_s is None:
            # Decided meanwhile (the ledger answered too late): a reservation held for a
            # truck that was sent to a post is released at once.
            if isinstance(event, PassReserved):
                return [VoidReservation(event.passage_id, "reservation_late")]
            return []
        if isinstance(event, ReservationRefused):
            return self._decide(event.lane, passage, now, (f"pass_refused:{event.reason}",))
        passage.reserved = True
        return self._decide(event.lane, passage, now, (), passage.notes)

    def _on_tick(self, now: float) -> list[Command]:
        commands: list[Command] = []
        for lane, passage in list(self._pending.items()):
            if passage.reserving_s is not None:
                if now - passage.reserving_s > self.policy.max_reservation_s:
                    commands += self._decide(lane, passage, now, ("ledger_timeout",))
            elif passage.scan_requested_s is not None:
                if now - passage.scan_requested_s > self.policy.max_scan_s:
                    commands += self._decide(lane, passage, now, ("scan_timeout",))
            elif now - passage.arrived_s > self.policy.max_passage_s:
                missing = sorted(f"missing_reading:{k.value}" for k in passage.expected)
                commands += self._decide(lane, passage, now, tuple(missing))
        return commands

    def _decide(
        self,
        lane: str,
        passage: Passage,
        now: float,
        reasons: tuple[str, ...],
        notes: tuple[str, ...] = (),
    ) -> list[Command]:
        outcome = outcome_for(reasons)
        if outcome is Outcome.PASS and self.policy.reserve_before_open and not passage.reserved:
            return self._reserve(lane, passage, now, notes)
        self._pending.pop(lane, None)
        _remember(self._decided, passage.case_id)
        self._attribution.decided(lane, now)
        gp, cid, findings = passage.gate_pass, passage.case_id, passage.findings
        decision = GateDecision(
            cid,
            lane,
            outcome,
            reasons or ("all_checks_passed", *notes),
            now,
            gp.pass_id,
            None if findings is None else findings.weight_kg,
            None if findings is None else findings.weight_error_kg,
            gp.risk_lane.value,
            tuple(passage.used),
        )
        commands: list[Command] = [RecordDecision(decision)]
        if outcome is Outcome.PASS:
            commands.append(OpenBarrier(lane, cid))
        elif outcome is Outcome.MANUAL_POST:
            commands.append(DivertToManualPost(lane, cid, reasons))
        elif outcome is Outcome.INSPECTION:
            commands.append(DivertToInspection(lane, cid, reasons))
        else:
            commands.append(RejectTruck(lane, cid, reasons))
        commands.append(ShowOnDisplay(lane, _DISPLAY[outcome]))
        if outcome is Outcome.PASS:
            commands += self._passed(lane, passage, decision)
        return commands

    def _reserve(
        self, lane: str, passage: Passage, now: float, notes: tuple[str, ...]
    ) -> list[Command]:
        """Every check passed: ask the ledger to hold the pass before anything opens."""
        passage.reserving_s, passage.notes = now, notes
        gp = passage.gate_pass
        plates = [r.value for r in passage.readings.get(DeviceKind.PLATE_CAMERA, ())]
        plate = next((p for p in plates if isinstance(p, str)), gp.plate)
        passage_id = f"{self.gate_id}|{gp.pass_id}|{passage.case_id}"
        return [
            ReservePass(lane, passage.case_id, gp.pass_id, plate, self.gate_id, passage_id),
            Hold(lane, passage.case_id, "awaiting_reservation"),
        ]

    def _passed(self, lane: str, passage: Passage, decision: GateDecision) -> list[Command]:
        """Advance the pass and, at the last gate, post the passage to the ledger once."""
        gp, mode = passage.gate_pass, self.policy.mode
        if gp.pass_id:
            _remember(self._used_passes, gp.pass_id)
        commands: list[Command] = [AdvanceGatePass(gp.pass_id, _NEXT_STATE[mode])]
        if mode is not GateMode.FIRST_OF_TWO:
            commands.append(
                PostGatePassage(
                    self.gate_id,
                    gp.pass_id,
                    passage.case_id,
                    lane,
                    gp.list_ids,
                    gp.items,
                    decision.weight_kg,
                    f"{self.gate_id}|{gp.pass_id}|{passage.case_id}",
                    decision.time_s,
                )
            )
        return commands
