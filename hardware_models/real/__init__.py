"""What the real drivers share: the buffered sensor base and the per-kind value codec.

Network and serial I/O run on a driver's own thread and fill a time-ordered inbox;
``read(now)`` only drains it, so the runtime's loop never blocks on a device.
"""

from hardware_models.real.buffered import BufferedSensor, Clock
from hardware_models.real.envelope_sensor import EnvelopeSensor, key_from_config
from hardware_models.real.values import decode_value, encode_value

__all__ = [
    "BufferedSensor",
    "Clock",
    "EnvelopeSensor",
    "decode_value",
    "encode_value",
    "key_from_config",
]
