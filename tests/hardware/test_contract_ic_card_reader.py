"""Contract of every ic card reader implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestIcCardReaderContract(SensorContract):
    kind = DeviceKind.IC_CARD_READER
