"""Device ports: small typed Protocols, one per kind, with an explicit lifecycle.

The lifecycle follows ros2_control's hardware components::

    unconfigured --configure--> inactive --activate--> active --deactivate--> inactive
         any --finalize--> finalized;  active --(fault)--> faulted --activate--> active

Sensors are read with the caller's time (``read(now)`` returns whatever arrived since the
last read); actuators take commands with the caller's time; the H986 scanner is a
request → busy → result cycle. None raises on a device fault: a fault is returned as
:class:`core.gate.DeviceFault`. What a reading's value holds per kind is listed in
:mod:`core.gate.readings`. How the truth gets in front of a device is not part of the
port: a real device sees the truck, a simulated one is shown it (``present``).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from core.gate import DeviceFault, DeviceKind, Reading

__all__ = [
    "PORT_OF_KIND",
    "ActuatorPort",
    "BarrierPort",
    "ContainerOcrPort",
    "DeviceLifecycle",
    "DevicePort",
    "DisplayBoardPort",
    "EPlateReaderPort",
    "ESealReaderPort",
    "GpsTrackPort",
    "H986ScannerPort",
    "IcCardReaderPort",
    "LifecycleState",
    "PlateCameraPort",
    "RadiationPortalPort",
    "SensorPort",
    "WeighbridgePort",
]


class LifecycleState(StrEnum):
    """Lifecycle state of a device."""

    UNCONFIGURED = "unconfigured"
    INACTIVE = "inactive"
    ACTIVE = "active"
    FAULTED = "faulted"
    FINALIZED = "finalized"


_ALLOWED = {
    ("configure", LifecycleState.UNCONFIGURED): LifecycleState.INACTIVE,
    ("activate", LifecycleState.INACTIVE): LifecycleState.ACTIVE,
    ("activate", LifecycleState.FAULTED): LifecycleState.ACTIVE,
    ("deactivate", LifecycleState.ACTIVE): LifecycleState.INACTIVE,
    ("deactivate", LifecycleState.FAULTED): LifecycleState.INACTIVE,
}


class DeviceLifecycle:
    """Mixin that implements the lifecycle transitions for a device.

    A transition that is not allowed from the current state leaves the state unchanged
    and returns False, so an adapter can report it without an exception escaping.
    Finalized is final: nothing leaves it.
    """

    state: LifecycleState = LifecycleState.UNCONFIGURED

    def _transition(self, action: str) -> bool:
        if action == "finalize":
            self.state = LifecycleState.FINALIZED
            return True
        nxt = _ALLOWED.get((action, self.state))
        if nxt is None:
            return False
        self.state = nxt
        return True

    def configure(self) -> bool:
        """Move from unconfigured to inactive; return whether the transition happened."""
        return self._transition("configure")

    def activate(self) -> bool:
        """Move from inactive or faulted to active; return whether it happened."""
        return self._transition("activate")

    def deactivate(self) -> bool:
        """Move from active or faulted to inactive; return whether it happened."""
        return self._transition("deactivate")

    def finalize(self) -> bool:
        """Release the device for good; always possible."""
        return self._transition("finalize")

    def mark_faulted(self) -> None:
        """Record that the device has faulted while active."""
        if self.state is LifecycleState.ACTIVE:
            self.state = LifecycleState.FAULTED


@runtime_checkable
class DevicePort(Protocol):
    """What every device offers: an id, a kind and the lifecycle."""

    device_id: str
    kind: DeviceKind
    state: LifecycleState

    def configure(self) -> bool: ...  # noqa: D102 - documented on DeviceLifecycle
    def activate(self) -> bool: ...  # noqa: D102
    def deactivate(self) -> bool: ...  # noqa: D102
    def finalize(self) -> bool: ...  # noqa: D102


@runtime_checkable
class SensorPort(DevicePort, Protocol):
    """A device that delivers readings: cameras, readers, weighbridges, scanners."""

    def read(self, now: float) -> Sequence[Reading | DeviceFault]:
        """Return the readings and faults that arrived up to ``now`` (seconds)."""
        ...


@runtime_checkable
class ActuatorPort(DevicePort, Protocol):
    """A device that carries out commands: barriers, display boards."""

    def write(self, command: object, now: float) -> DeviceFault | None:
        """Carry out ``command`` at ``now``; return a fault instead of raising."""
        ...


@runtime_checkable
class PlateCameraPort(SensorPort, Protocol):
    """Plate OCR camera (车牌识别): readings carry the plate text."""


@runtime_checkable
class EPlateReaderPort(SensorPort, Protocol):
    """Electronic plate reader (电子车牌): readings carry a :class:`core.gate.EPlateRead`."""


@runtime_checkable
class IcCardReaderPort(SensorPort, Protocol):
    """RFID IC card reader (IC卡): readings carry the card number."""


@runtime_checkable
class ContainerOcrPort(SensorPort, Protocol):
    """Container-number recogniser (箱号识别): one reading per container, ``""`` for none."""


@runtime_checkable
class WeighbridgePort(SensorPort, Protocol):
    """Electronic weighbridge (电子地磅): readings carry the gross weight in kg."""


@runtime_checkable
class ESealReaderPort(SensorPort, Protocol):
    """E-seal reader (电子关锁): one :class:`core.gate.SealRead` per seal."""


@runtime_checkable
class GpsTrackPort(SensorPort, Protocol):
    """GPS track source: readings carry the :class:`core.gate.Track` of the transfer."""


@runtime_checkable
class RadiationPortalPort(SensorPort, Protocol):
    """Radiation portal (辐射探测门): readings carry the level as a multiple of background."""


@runtime_checkable
class H986ScannerPort(SensorPort, Protocol):
    """H986 X-ray scanner: request → busy → result (``"clear"`` / ``"suspect"``)."""

    def request(self, subject: Any, now: float) -> float:
        """Start a scan of ``subject`` at ``now``; return when the result is expected.

        A refused request (busy, failed) leaves a fault to be read instead.
        """
        ...

    def is_busy(self, now: float) -> bool:
        """Return whether a scan is in progress at ``now``."""
        ...


@runtime_checkable
class BarrierPort(ActuatorPort, Protocol):
    """Lane barrier (电子道闸): takes :class:`core.gate.OpenBarrier`."""


@runtime_checkable
class DisplayBoardPort(ActuatorPort, Protocol):
    """Lane display board (LED 显示屏): takes :class:`core.gate.ShowOnDisplay`."""


PORT_OF_KIND: dict[DeviceKind, type] = {
    DeviceKind.PLATE_CAMERA: PlateCameraPort,
    DeviceKind.E_PLATE_READER: EPlateReaderPort,
    DeviceKind.IC_CARD_READER: IcCardReaderPort,
    DeviceKind.CONTAINER_OCR: ContainerOcrPort,
    DeviceKind.WEIGHBRIDGE: WeighbridgePort,
    DeviceKind.E_SEAL_READER: ESealReaderPort,
    DeviceKind.GPS_TRACK: GpsTrackPort,
    DeviceKind.RADIATION_PORTAL: RadiationPortalPort,
    DeviceKind.H986_SCANNER: H986ScannerPort,
    DeviceKind.BARRIER: BarrierPort,
    DeviceKind.DISPLAY_BOARD: DisplayBoardPort,
}
