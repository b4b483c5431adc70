"""Device readings and faults as the core sees them.

Readings are values: a driver (simulated or real) turns whatever its device said into a
:class:`Reading` or a :class:`DeviceFault`; it never raises into the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DeviceFault", "DeviceKind", "Reading"]


class DeviceKind(StrEnum):
    """Kinds of gate device named in the reform plan."""

    PLATE_CAMERA = "plate_camera"
    BARRIER = "barrier"


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of one sensor.

    Attributes:
        device_id: ``<zone>/<gate>/<device>``, e.g. ``waigaoqiao_ftz/gate_2L_01/plate_camera``.
        kind: The kind of device that produced the reading.
        value: What was read (a plate text, a weight in kg …).
        confidence: The device's own confidence in [0, 1].
        seq: The device's sequence number; strictly increasing per device.
        time_s: When the reading was taken, in seconds on the caller's clock.
    """

    device_id: str
    kind: DeviceKind
    value: str | float
    confidence: float
    seq: int
    time_s: float


@dataclass(frozen=True, slots=True)
class DeviceFault:
    """A device that could not deliver a reading or carry out a command.

    Attributes:
        device_id: ``<zone>/<gate>/<device>``.
        kind: The kind of device.
        code: A short machine-readable cause, e.g. ``timeout`` or ``no_read``.
        detail: Human-readable detail.
        time_s: When the fault was observed, in seconds on the caller's clock.
    """

    device_id: str
    kind: DeviceKind
    code: str
    detail: str
    time_s: float
