"""Contract of every container ocr implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestContainerOcrContract(SensorContract):
    kind = DeviceKind.CONTAINER_OCR
