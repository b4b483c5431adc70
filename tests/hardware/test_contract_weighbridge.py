"""Contract of every weighbridge implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestWeighbridgeContract(SensorContract):
    kind = DeviceKind.WEIGHBRIDGE
