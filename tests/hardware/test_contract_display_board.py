"""Contract of every display board implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.actuator_contract import ActuatorContract


class TestDisplayBoardContract(ActuatorContract):
    kind = DeviceKind.DISPLAY_BOARD
