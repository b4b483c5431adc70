"""Contract of every radiation portal implementation."""

from __future__ import annotations

from core.gate import DeviceKind
from tests.hardware.sensor_contract import SensorContract


class TestRadiationPortalContract(SensorContract):
    kind = DeviceKind.RADIATION_PORTAL
