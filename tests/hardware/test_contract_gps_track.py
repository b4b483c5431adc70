"""Contract of every gps track implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestGpsTrackContract(SensorContract):
    kind = DeviceKind.GPS_TRACK
