"""Gate logic (卡口自动核放): a sans-I/O controller from readings to commands."""

from core.gate.controller import GateController, GatePolicy
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
from core.gate.plates import PlateMatch, compare_plates, normalise_plate
from core.gate.readings import DeviceFault, DeviceKind, Reading

__all__ = [
    "Command",
    "DeviceFault",
    "DeviceKind",
    "DivertToManualPost",
    "Event",
    "FaultReported",
    "GateController",
    "GateDecision",
    "GatePass",
    "GatePassState",
    "GatePolicy",
    "OpenBarrier",
    "Outcome",
    "PlateMatch",
    "Reading",
    "ReadingReceived",
    "RecordDecision",
    "ShowOnDisplay",
    "TruckArrived",
    "compare_plates",
    "normalise_plate",
]
