"""Device ports and their implementations: simulated models now, real drivers later.

Every implementation of a port passes the same contract tests, and a scenario or site
file picks one by its driver name (``driver: sim.plate_camera``) through
:mod:`hardware_models.registry`. Nothing here connects or starts on import.
"""

from hardware_models.errors import DeviceParamsError, HardwareError, UnknownDriverError
from hardware_models.ports import (
    PORT_OF_KIND,
    ActuatorPort,
    BarrierPort,
    ContainerOcrPort,
    DeviceLifecycle,
    DevicePort,
    DisplayBoardPort,
    EPlateReaderPort,
    ESealReaderPort,
    GpsTrackPort,
    H986ScannerPort,
    IcCardReaderPort,
    LifecycleState,
    PlateCameraPort,
    RadiationPortalPort,
    SensorPort,
    WeighbridgePort,
)
from hardware_models.registry import (
    DriverSpec,
    create_device,
    driver_spec,
    drivers_of_kind,
    known_drivers,
)

__all__ = [
    "PORT_OF_KIND",
    "ActuatorPort",
    "BarrierPort",
    "ContainerOcrPort",
    "DeviceLifecycle",
    "DeviceParamsError",
    "DevicePort",
    "DisplayBoardPort",
    "DriverSpec",
    "EPlateReaderPort",
    "ESealReaderPort",
    "GpsTrackPort",
    "H986ScannerPort",
    "HardwareError",
    "IcCardReaderPort",
    "LifecycleState",
    "PlateCameraPort",
    "RadiationPortalPort",
    "SensorPort",
    "UnknownDriverError",
    "WeighbridgePort",
    "create_device",
    "driver_spec",
    "drivers_of_kind",
    "known_drivers",
]
