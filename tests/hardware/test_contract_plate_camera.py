"""Contract of every plate camera implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestPlateCameraContract(SensorContract):
    kind = DeviceKind.PLATE_CAMERA
