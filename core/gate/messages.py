"""Events into and commands out of the gate controller.

Events are named in the past tense (something happened at the gate); commands are
imperative (something the adapters must do). The controller only ever returns commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.gate.passes import GatePass, GatePassItem, GatePassState
from core.gate.readings import DeviceFault, Reading

__all__ = [
    "AdvanceGatePass",
    "Command",
    "DiscardReading",
    "DivertToInspection",
    "DivertToManualPost",
    "Event",
    "FaultReported",
    "GateDecision",
    "Hold",
    "OpenBarrier",
    "Outcome",
    "PassReserved",
    "PostGatePassage",
    "ReadingReceived",
    "RecordDecision",
    "RejectTruck",
    "RequestScan",
    "ReservationRefused",
    "ReservePass",
    "ScanCompleted",
    "ScanResult",
    "ShowOnDisplay",
    "Tick",
    "TruckArrived",
    "VoidReservation",
    "event_for",
]


class Outcome(StrEnum):
    """Outcome of an automatic gate check."""

    PASS = "pass"  # 放行
    MANUAL_POST = "manual_post"  # 转岗: sent to an officer's post
    INSPECTION = "inspection"  # 查验: goods to be examined
    REJECT = "reject"  # 退回


class ScanResult(StrEnum):
    """An H986 image as judged (by the image analyst or the automatic judgement)."""

    CLEAR = "clear"
    SUSPECT = "suspect"


# -- events -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TruckArrived:
    """A truck stopped in a lane and presented a gate pass (核放单)."""

    lane: str
    case_id: str
    gate_pass: GatePass | None


@dataclass(frozen=True, slots=True)
class ReadingReceived:
    """A sensor delivered a reading for the truck in a lane."""

    lane: str
    reading: Reading


@dataclass(frozen=True, slots=True)
class FaultReported:
    """A device reported a fault (or timed out) while a truck was in a lane."""

    lane: str
    fault: DeviceFault


@dataclass(frozen=True, slots=True)
class ScanCompleted:
    """The H986 scanner finished the scan it was asked for (after :class:`RequestScan`)."""

    lane: str
    case_id: str
    result: ScanResult


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passed; passages that waited too long for readings are decided (fail closed)."""


@dataclass(frozen=True, slots=True)
class PassReserved:
    """The ledger holds the pass for this passage, durably (pending): the barrier may open.

    The answer to :class:`ReservePass`; ``passage_id`` is the one it named.
    """

    lane: str
    case_id: str
    passage_id: str


@dataclass(frozen=True, slots=True)
class ReservationRefused:
    """The ledger refused the pass for this passage (or could not be reached).

    Attributes:
        lane: The lane.
        case_id: The passage.
        passage_id: The reservation's id, as :class:`ReservePass` named it.
        reason: The ledger's refusal code (``pass_already_used``, ``unknown_pass`` …)
            or ``store_unavailable``; the decision's reason is ``pass_refused:<reason>``.
    """

    lane: str
    case_id: str
    passage_id: str
    reason: str


Event = (
    TruckArrived
    | ReadingReceived
    | FaultReported
    | ScanCompleted
    | Tick
    | PassReserved
    | ReservationRefused
)


def event_for(lane: str, result: Reading | DeviceFault) -> ReadingReceived | FaultReported:
    """Wrap what a sensor's ``read(now)`` returned for the truck in ``lane`` as an event."""
    if isinstance(result, DeviceFault):
        return FaultReported(lane, result)
    return ReadingReceived(lane, result)


# -- decisions and commands ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GateDecision:
    """What the gate decided for one passage and why.

    Attributes:
        case_id: The passage decided on.
        lane: The lane the truck stood in.
        outcome: Pass, manual post, inspection or reject.
        reasons: Every reason that led to the outcome, e.g. ``plate_mismatch``.
        time_s: When the decision was taken.
        pass_id: The gate pass presented, ``""`` if none.
        weight_kg: The weighbridge weight, if weighed (recorded as the system does).
        weight_error_kg: Weighbridge weight minus the declared total, if both known.
        risk_lane: The risk lane the pass carried.
        readings: The readings the decision used, as ``(device id, sequence number)``
            in the order they were received: what an auditor needs to find each one in
            the devices' own logs.
    """

    case_id: str
    lane: str
    outcome: Outcome
    reasons: tuple[str, ...]
    time_s: float
    pass_id: str = ""
    weight_kg: float | None = None
    weight_error_kg: float | None = None
    risk_lane: str = ""
    readings: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class OpenBarrier:
    """Lift the barrier of a lane for the truck in it."""

    lane: str
    case_id: str


@dataclass(frozen=True, slots=True)
class DivertToManualPost:
    """Send the truck in a lane to an officer's manual post (转岗) with the reasons."""

    lane: str
    case_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DivertToInspection:
    """Send the truck to the inspection area (查验场地): goods are to be examined."""

    lane: str
    case_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RejectTruck:
    """Turn the truck back (退回): it may not pass this gate at all."""

    lane: str
    case_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RequestScan:
    """Ask the H986 scanner to scan the truck; its result comes back as ScanCompleted."""

    lane: str
    case_id: str
    pass_id: str


@dataclass(frozen=True, slots=True)
class Hold:
    """Keep the truck in the lane, barrier down, until the named result arrives."""

    lane: str
    case_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ShowOnDisplay:
    """Show a message to the driver on the lane's display board."""

    lane: str
    text: str


@dataclass(frozen=True, slots=True)
class RecordDecision:
    """Record a decision in the trace and the audit log."""

    decision: GateDecision


@dataclass(frozen=True, slots=True)
class DiscardReading:
    """Count and log a reading that belongs to no waiting passage; it decides nothing.

    Attributes:
        lane: The lane it was delivered for.
        device_id: The device that sent it.
        seq: Its sequence number.
        reason: ``late_reading`` (taken for a passage already decided: never handed to
            the next truck), ``duplicate`` (the same reading delivered twice),
            ``held_overflow`` (too many readings before an arrival) or ``stale_reading``
            (held before an arrival, but older than the arrival's early window).
    """

    lane: str
    device_id: str
    seq: int
    reason: str


@dataclass(frozen=True, slots=True)
class AdvanceGatePass:
    """Set the gate pass to its new state (passed, or passed first/second gate)."""

    pass_id: str
    state: GatePassState


@dataclass(frozen=True, slots=True)
class PostGatePassage:
    """Post the passage to the bonded ledger (账册自动核注): the goods actually passed.

    Emitted exactly once per passage, when the truck has passed the last gate. The
    ledger counts the quantities towards the lists (idempotently by ``idempotency_key``)
    and writes a list off once its declaration is released and all its goods passed.

    Attributes:
        gate_id: The gate, ``<zone>/<gate>``.
        pass_id: The gate pass.
        case_id: The passage.
        lane: The lane.
        list_ids: The bonded lists (核注清单) the goods belong to.
        lines: The list lines and quantities that passed.
        weight_kg: The weighbridge weight, if weighed.
        idempotency_key: ``<gate_id>|<pass_id>|<case_id>``: the same passage posts once.
        time_s: When the truck passed.
    """

    gate_id: str
    pass_id: str
    case_id: str
    lane: str
    list_ids: tuple[str, ...]
    lines: tuple[GatePassItem, ...]
    weight_kg: float | None
    idempotency_key: str
    time_s: float


@dataclass(frozen=True, slots=True)
class ReservePass:
    """Reserve the gate pass in the ledger, durably, before any barrier command (intent).

    Emitted instead of opening when every check passed and the gate's policy reserves
    before it opens (the live gate); the passage waits (:class:`Hold`
    ``awaiting_reservation``) for :class:`PassReserved` or :class:`ReservationRefused`,
    and is sent to a post if neither comes within ``max_reservation_s``.

    Attributes:
        lane: The lane.
        case_id: The passage.
        pass_id: The pass presented.
        plate: The plate read at the gate (the pass's own where no camera reads).
        gate_id: The gate, ``<zone>/<gate>``.
        passage_id: ``<gate_id>|<pass_id>|<case_id>``: the reservation's id, the same
            as the later :class:`PostGatePassage`'s ``idempotency_key``.
    """

    lane: str
    case_id: str
    pass_id: str
    plate: str
    gate_id: str
    passage_id: str


@dataclass(frozen=True, slots=True)
class VoidReservation:
    """Void a reservation that will not be acted on (it came after the passage was decided).

    Attributes:
        passage_id: The reservation.
        reason: Why (``reservation_timeout``).
    """

    passage_id: str
    reason: str


Command = (
    OpenBarrier
    | DivertToManualPost
    | DivertToInspection
    | RejectTruck
    | RequestScan
    | Hold
    | ShowOnDisplay
    | RecordDecision
    | AdvanceGatePass
    | PostGatePassage
    | DiscardReading
    | ReservePass
    | VoidReservation
)
