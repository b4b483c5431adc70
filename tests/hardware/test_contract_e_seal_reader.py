"""Contract of every e seal reader implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestESealReaderContract(SensorContract):
    kind = DeviceKind.E_SEAL_READER
