"""Device ports and their implementations: simulated models now, real drivers later.

Every implementation of a port passes the same contract tests, and a scenario or site
file picks one by its driver name (``driver: sim.plate_camera``) through
:mod:`hardware_models.registry`. Nothing here connects or starts on import.
"""

from hardware_models.errors import HardwareError, UnknownDriverError
from hardware_models.ports import ActuatorPort, DeviceLifecycle, LifecycleState, SensorPort
from hardware_models.registry import DriverSpec, create_device, driver_spec, known_drivers

__all__ = [
    "ActuatorPort",
    "DeviceLifecycle",
    "DriverSpec",
    "HardwareError",
    "LifecycleState",
    "SensorPort",
    "UnknownDriverError",
    "create_device",
    "driver_spec",
    "known_drivers",
]
