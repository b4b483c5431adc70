"""Device parameters from the published figures, as defaults a scenario may start from.

Figures: container-number recognition ≥ 95%; e-plate reads ≥ 99.99%; an H986 scan about
2.5 min; about 10 s per truck at an automated gate when all data match (the device
latencies below fit inside it). Figures not published (weighbridge noise, GPS noise,
failure rates) are assumptions and say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from core.gate import DeviceKind
from hardware_models.sim.params import Fixed, SimSensorParams

__all__ = ["PUBLISHED_SENSOR_PARAMS"]

K = DeviceKind

PUBLISHED_SENSOR_PARAMS: Mapping[DeviceKind, SimSensorParams] = MappingProxyType(
    {
        K.PLATE_CAMERA: SimSensorParams(latency_s=Fixed(0.5), misread_rate=0.02, miss_rate=0.01),
        K.E_PLATE_READER: SimSensorParams(latency_s=Fixed(0.2), miss_rate=0.0001),  # ≥ 99.99%
        K.IC_CARD_READER: SimSensorParams(latency_s=Fixed(0.3), miss_rate=0.0001),
        K.CONTAINER_OCR: SimSensorParams(latency_s=Fixed(1.0), misread_rate=0.03, miss_rate=0.02),
        # Assumption: ±20 kg noise on a 30 t truck, a platform class III scale.
        K.WEIGHBRIDGE: SimSensorParams(latency_s=Fixed(3.0), noise_sd=20.0),
        K.E_SEAL_READER: SimSensorParams(latency_s=Fixed(0.5), miss_rate=0.0005),
        K.GPS_TRACK: SimSensorParams(latency_s=Fixed(0.5), noise_sd=10.0),  # assumption
        K.RADIATION_PORTAL: SimSensorParams(latency_s=Fixed(2.0), noise_sd=0.05),  # assumption
        K.H986_SCANNER: SimSensorParams(latency_s=Fixed(150.0)),  # about 2.5 min per scan
    }
)
