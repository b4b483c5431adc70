"""Simulated device models: latency, misreads, misses, failures, from named random streams."""

from hardware_models.sim.barrier import SimBarrier, SimBarrierParams
from hardware_models.sim.failures import FailureProcess
from hardware_models.sim.params import Distribution, SimSensorParams
from hardware_models.sim.plate_camera import SimPlateCamera

__all__ = [
    "Distribution",
    "FailureProcess",
    "SimBarrier",
    "SimBarrierParams",
    "SimPlateCamera",
    "SimSensorParams",
]
