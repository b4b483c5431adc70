"""Simulated device models: latency, misreads, misses, noise, failures, from named streams.

Each model takes its random generator (``rng=``, one named stream per device) and its
parameters (``params=``) at construction, offers a stimulus the twin calls with the
ground truth (``present(truth, now) -> ready_time``; the scanner's ``request``) and the
port method the live runtime calls (``read(now)`` / ``write(command, now)``).
"""

from hardware_models.sim.actuator import SimActuator
from hardware_models.sim.barrier import SimBarrier, SimBarrierParams
from hardware_models.sim.base import SimSensor
from hardware_models.sim.container_ocr import SimContainerOcr
from hardware_models.sim.display_board import SimDisplayBoard
from hardware_models.sim.failures import FailureMode, FailureProcess
from hardware_models.sim.gps_track import SimGpsTrack, track_along
from hardware_models.sim.h986_scanner import ScanSubject, SimH986Scanner
from hardware_models.sim.params import Distribution, Fixed, SimActuatorParams, SimSensorParams
from hardware_models.sim.plate_camera import SimPlateCamera
from hardware_models.sim.published import PUBLISHED_SENSOR_PARAMS
from hardware_models.sim.radiation_portal import SimRadiationPortal
from hardware_models.sim.readers import SimEPlateReader, SimESealReader, SimIcCardReader
from hardware_models.sim.weighbridge import SimWeighbridge

__all__ = [
    "PUBLISHED_SENSOR_PARAMS",
    "Distribution",
    "FailureMode",
    "FailureProcess",
    "Fixed",
    "ScanSubject",
    "SimActuator",
    "SimActuatorParams",
    "SimBarrier",
    "SimBarrierParams",
    "SimContainerOcr",
    "SimDisplayBoard",
    "SimEPlateReader",
    "SimESealReader",
    "SimGpsTrack",
    "SimH986Scanner",
    "SimIcCardReader",
    "SimPlateCamera",
    "SimRadiationPortal",
    "SimSensor",
    "SimSensorParams",
    "SimWeighbridge",
    "track_along",
]
