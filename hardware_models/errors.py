"""Exception root of the device layer.

Only configuration mistakes raise (an unknown driver name, a bad parameter). Faults of a
device while it runs are values (:class:`core.gate.DeviceFault`), never exceptions.
"""


class HardwareError(Exception):
    """Root of the errors raised by :mod:`hardware_models` on bad configuration."""


class UnknownDriverError(HardwareError):
    """A driver name that the registry does not know."""


class DeviceParamsError(HardwareError, ValueError):
    """A device parameter out of range; the message names the field and the value."""
