"""Serial drivers: the weighbridge indicator in Mettler-Toledo continuous output."""

from hardware_models.serial.indicator import PtyIndicator, ToledoIndicator
from hardware_models.serial.toledo import (
    ToledoFrame,
    checksum,
    encode_frame,
    parse_frame,
    split_frames,
)
from hardware_models.serial.weighbridge import SerialToledoWeighbridge

__all__ = [
    "PtyIndicator",
    "SerialToledoWeighbridge",
    "ToledoFrame",
    "ToledoIndicator",
    "checksum",
    "encode_frame",
    "parse_frame",
    "split_frames",
]
