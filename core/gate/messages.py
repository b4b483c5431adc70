"""Events into and commands out of the gate controller.

Events are named in the past tense (something happened at the gate); commands are
imperative (something the adapters must do). The controller only ever returns commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.gate.passes import GatePass
from core.gate.readings import DeviceFault, Reading

__all__ = [
    "Command",
    "DivertToManualPost",
    "Event",
    "FaultReported",
    "GateDecision",
    "OpenBarrier",
    "Outcome",
    "ReadingReceived",
    "RecordDecision",
    "ShowOnDisplay",
    "TruckArrived",
]


class Outcome(StrEnum):
    """Outcome of an automatic gate check."""

    PASS = "pass"
    MANUAL_POST = "manual_post"  # 转岗: sent to an officer's post
    REJECT = "reject"


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


Event = TruckArrived | ReadingReceived | FaultReported


@dataclass(frozen=True, slots=True)
class GateDecision:
    """What the gate decided for one passage and why.

    Attributes:
        case_id: The passage decided on.
        lane: The lane the truck stood in.
        outcome: Pass, manual post or reject.
        reasons: Every reason that led to the outcome, e.g. ``plate_mismatch``.
        time_s: When the decision was taken.
    """

    case_id: str
    lane: str
    outcome: Outcome
    reasons: tuple[str, ...]
    time_s: float


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
class ShowOnDisplay:
    """Show a message to the driver on the lane's display board."""

    lane: str
    text: str


@dataclass(frozen=True, slots=True)
class RecordDecision:
    """Record a decision in the trace and the audit log."""

    decision: GateDecision


Command = OpenBarrier | DivertToManualPost | ShowOnDisplay | RecordDecision
