"""Contract of every barrier implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.actuator_contract import ActuatorContract


class TestBarrierContract(ActuatorContract):
    kind = DeviceKind.BARRIER
