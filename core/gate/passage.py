"""The state of one passage (过卡) while the controller waits for its readings."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.gate.checks import Findings
from core.gate.passes import GatePass, GatePassState
from core.gate.policy import GatePolicy
from core.gate.readings import DeviceKind, Reading

__all__ = ["Passage", "expected_readings"]


@dataclass(slots=True)
class Passage:
    """One truck in one lane, from arrival to decision.

    Attributes:
        case_id: The passage id.
        gate_pass: The pass presented.
        arrived_s: When the truck arrived.
        expected: Readings still awaited, by kind (a kind leaves when its count is met).
        readings: Trusted readings received so far, by kind.
        scan_requested_s: When an H986 scan was requested; None while none is pending.
        findings: The comparison with the gate pass, once every reading was in.
        used: ``(device id, seq)`` of every trusted reading, in the order received.
        reserving_s: When the ledger was asked to reserve the pass (every check passed,
            the barrier waits for the reservation); None before.
        reserved: Whether the ledger answered that the pass is reserved.
        notes: The passing decision's notes, kept while the reservation is awaited.
    """

    case_id: str
    gate_pass: GatePass
    arrived_s: float
    expected: dict[DeviceKind, int] = field(default_factory=dict)
    readings: dict[DeviceKind, list[Reading]] = field(default_factory=dict)
    scan_requested_s: float | None = None
    findings: Findings | None = None
    used: list[tuple[str, int]] = field(default_factory=list)
    reserving_s: float | None = None
    reserved: bool = False
    notes: tuple[str, ...] = ()


def expected_readings(gp: GatePass, policy: GatePolicy, gate_id: str = "") -> dict[DeviceKind, int]:
    """Return how many readings of each required kind the passage of ``gp`` needs.

    One per kind, except: one container-OCR reading per declared container (at least
    one, so that an undeclared container is seen), one e-seal reading per declared seal,
    and a GPS track only for a transfer between zones, at its gate of arrival
    (``gp.transfer.to_gate``; every gate when it names none).
    """
    expected: dict[DeviceKind, int] = {}
    for kind in policy.required:
        if kind is DeviceKind.CONTAINER_OCR:
            n = max(1, len(gp.container_numbers))
        elif kind is DeviceKind.E_SEAL_READER:
            n = len(gp.seal_ids)
        elif kind is DeviceKind.GPS_TRACK:
            route = gp.transfer
            n = 0 if route is None or route.to_gate not in ("", gate_id) else 1
        else:
            n = 1
        if n:
            expected[kind] = n
    return expected


NO_PASS = GatePass(pass_id="", plate="", state=GatePassState.DELETED)
