"""One registry from driver names to implementations.

A device is chosen in configuration by one line, ``driver: sim.plate_camera`` or (later)
``driver: mqtt.plate_camera``. Entries name their class by import path so that listing
or validating drivers never imports a protocol library that is not installed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from core.gate import DeviceKind
from hardware_models.errors import UnknownDriverError

__all__ = ["DriverSpec", "create_device", "driver_spec", "known_drivers"]


@dataclass(frozen=True)
class DriverSpec:
    """A driver: the device kind it serves and where its class lives."""

    name: str
    kind: DeviceKind
    target: str  # "package.module:ClassName"
    simulated: bool


_DRIVERS: dict[str, DriverSpec] = {
    spec.name: spec
    for spec in (
        DriverSpec(
            "sim.plate_camera",
            DeviceKind.PLATE_CAMERA,
            "hardware_models.sim.plate_camera:SimPlateCamera",
            True,
        ),
        DriverSpec(
            "sim.barrier", DeviceKind.BARRIER, "hardware_models.sim.barrier:SimBarrier", True
        ),
    )
}


def known_drivers() -> tuple[str, ...]:
    """Return the names of every registered driver, sorted."""
    return tuple(sorted(_DRIVERS))


def driver_spec(name: str) -> DriverSpec:
    """Return the spec of driver ``name``.

    Raises:
        UnknownDriverError: ``name`` is not registered; the message lists the known ones.
    """
    try:
        return _DRIVERS[name]
    except KeyError:
        raise UnknownDriverError(
            f"unknown driver {name!r}; known drivers: {', '.join(known_drivers())}"
        ) from None


def create_device(name: str, device_id: str, **config: Any) -> Any:
    """Import and build the device class registered as ``name``.

    Args:
        name: The driver name, e.g. ``sim.plate_camera``.
        device_id: ``<zone>/<gate>/<device>``.
        **config: Driver-specific configuration (random stream, parameters, address).

    Raises:
        UnknownDriverError: ``name`` is not registered.
    """
    spec = driver_spec(name)
    module_name, _, attr = spec.target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    return cls(device_id, **config)
