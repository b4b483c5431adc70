"""Device ports: small typed Protocols with an explicit lifecycle.

The lifecycle follows ros2_control's hardware components::

    unconfigured --configure--> inactive --activate--> active --deactivate--> inactive
         any --finalize--> finalized;  active --(fault)--> faulted --activate--> active

Sensors are read with the caller's time (``read(now)`` returns whatever arrived since the
last read); actuators take commands with the caller's time. Neither raises on a device
fault: a fault is returned as :class:`core.gate.DeviceFault`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol, runtime_checkable

from core.gate import DeviceFault, DeviceKind, Reading

__all__ = ["ActuatorPort", "DeviceLifecycle", "LifecycleState", "SensorPort"]


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
class SensorPort(Protocol):
    """A device that delivers readings: cameras, readers, weighbridges, scanners."""

    device_id: str
    kind: DeviceKind
    state: LifecycleState

    def configure(self) -> bool: ...  # noqa: D102 - documented on DeviceLifecycle
    def activate(self) -> bool: ...  # noqa: D102
    def deactivate(self) -> bool: ...  # noqa: D102
    def finalize(self) -> bool: ...  # noqa: D102

    def read(self, now: float) -> Sequence[Reading | DeviceFault]:
        """Return the readings and faults that arrived up to ``now`` (seconds)."""
        ...


@runtime_checkable
class ActuatorPort(Protocol):
    """A device that carries out commands: barriers, display boards."""

    device_id: str
    kind: DeviceKind
    state: LifecycleState

    def configure(self) -> bool: ...  # noqa: D102 - documented on DeviceLifecycle
    def activate(self) -> bool: ...  # noqa: D102
    def deactivate(self) -> bool: ...  # noqa: D102
    def finalize(self) -> bool: ...  # noqa: D102

    def write(self, command: object, now: float) -> DeviceFault | None:
        """Carry out ``command`` at ``now``; return a fault instead of raising."""
        ...
