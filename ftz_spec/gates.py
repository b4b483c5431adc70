"""Gate policies from a site: shared by the twin and the live runtime so both decide alike.

A gate requires readings from the sensors it actually has, among those its line's preset
asks for (一线放开: plate, e-plate, container; 二线管住: also IC card, weight, seals,
track). A manual gate (intelligent gates switched off) reads only the plate, by an officer.
"""

from __future__ import annotations

from core.gate import DeviceKind, GatePolicy
from core.gate.readings import ACTUATOR_KINDS
from ftz_spec import Gate, Scenario

__all__ = ["gate_policy", "sensor_kinds"]


def sensor_kinds(gate: Gate) -> frozenset[DeviceKind]:
    """The kinds of sensor installed at ``gate`` (actuators and the H986 excluded)."""
    return frozenset(d.kind for d in gate.devices) - ACTUATOR_KINDS - {DeviceKind.H986_SCANNER}


def gate_policy(scenario: Scenario, gate: Gate) -> GatePolicy:
    """Return the policy ``gate`` runs under in ``scenario``."""
    if not scenario.levers.intelligent_gates:
        return (
            GatePolicy.first_line(required=frozenset({DeviceKind.PLATE_CAMERA}))
            if gate.line == "first"
            else GatePolicy(required=frozenset({DeviceKind.PLATE_CAMERA}))
        )
    preset = GatePolicy.first_line() if gate.line == "first" else GatePolicy.second_line()
    required = preset.required & sensor_kinds(gate)
    return preset.with_(required=required or frozenset({DeviceKind.PLATE_CAMERA}))
