"""Contract of every e plate reader implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestEPlateReaderContract(SensorContract):
    kind = DeviceKind.E_PLATE_READER
