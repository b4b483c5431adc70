"""Contract of every h986 scanner implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestH986ScannerContract(SensorContract):
    kind = DeviceKind.H986_SCANNER
