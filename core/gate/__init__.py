"""Gate logic (卡口自动核放): a sans-I/O controller from readings to commands.

Feed :class:`GateController` events (:class:`TruckArrived`, :class:`ReadingReceived`,
:class:`FaultReported`, :class:`ScanCompleted`, :class:`Tick`) with the current time; it
returns commands (:class:`OpenBarrier`, :class:`DivertToManualPost`,
:class:`DivertToInspection`, :class:`RejectTruck`, :class:`RequestScan`, :class:`Hold`,
:class:`ShowOnDisplay`, :class:`RecordDecision`, :class:`AdvanceGatePass`,
:class:`PostGatePassage`, :class:`DiscardReading`). What the gate requires and how strictly it compares is a
:class:`GatePolicy` (first line / second line presets, per-zone tolerances).
"""

from core.gate.checks import Findings, check_passage, outcome_for
from core.gate.controller import GateController
from core.gate.iso6346 import (
    ContainerNumberError,
    check_digit,
    is_valid_container_number,
    normalise_container_number,
    with_check_digit,
)
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
    PostGatePassage,
    ReadingReceived,
    RecordDecision,
    RejectTruck,
    RequestScan,
    ScanCompleted,
    ScanResult,
    ShowOnDisplay,
    Tick,
    TruckArrived,
    event_for,
)
from core.gate.passage import expected_readings
from core.gate.passes import GatePass, GatePassItem, GatePassState, PassBinding, RiskLane
from core.gate.plates import PlateMatch, compare_plates, normalise_plate
from core.gate.policy import GateLine, GateMode, GatePolicy, GatePolicyError
from core.gate.readings import (
    ACTUATOR_KINDS,
    DeviceFault,
    DeviceKind,
    EPlateRead,
    Reading,
    SealRead,
)
from core.gate.track import GeoPoint, Track, TrackLimits, TrackPoint, TransferRoute, assess_track

__all__ = [
    "ACTUATOR_KINDS",
    "AdvanceGatePass",
    "Command",
    "ContainerNumberError",
    "DeviceFault",
    "DeviceKind",
    "DiscardReading",
    "DivertToInspection",
    "DivertToManualPost",
    "EPlateRead",
    "Event",
    "FaultReported",
    "Findings",
    "GateController",
    "GateDecision",
    "GateLine",
    "GateMode",
    "GatePass",
    "GatePassItem",
    "GatePassState",
    "GatePolicy",
    "GatePolicyError",
    "GeoPoint",
    "Hold",
    "OpenBarrier",
    "Outcome",
    "PassBinding",
    "PlateMatch",
    "PostGatePassage",
    "Reading",
    "ReadingReceived",
    "RecordDecision",
    "RejectTruck",
    "RequestScan",
    "RiskLane",
    "ScanCompleted",
    "ScanResult",
    "SealRead",
    "ShowOnDisplay",
    "Tick",
    "Track",
    "TrackLimits",
    "TrackPoint",
    "TransferRoute",
    "TruckArrived",
    "assess_track",
    "check_digit",
    "check_passage",
    "compare_plates",
    "event_for",
    "expected_readings",
    "is_valid_container_number",
    "normalise_container_number",
    "normalise_plate",
    "outcome_for",
    "with_check_digit",
]
