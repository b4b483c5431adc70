"""One registry from driver names to implementations.

A device is chosen in configuration by one line, ``driver: sim.weighbridge`` or
``driver: serial.toledo_weighbridge``. Entries name their class by import path so that
listing or validating drivers never imports a protocol library that is not installed.
A real driver joins by one entry here and one line in the contract tests' driver table.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from core.gate import DeviceKind
from hardware_models.errors import UnknownDriverError

__all__ = ["DriverSpec", "create_device", "driver_spec", "drivers_of_kind", "known_drivers"]


@dataclass(frozen=True)
class DriverSpec:
    """A driver: the device kind it serves and where its class lives."""

    name: str
    kind: DeviceKind
    target: str  # "package.module:ClassName"
    simulated: bool


def _sim(kind: DeviceKind, module: str, cls: str) -> DriverSpec:
    return DriverSpec(f"sim.{kind.value}", kind, f"hardware_models.sim.{module}:{cls}", True)


def _real(name: str, kind: DeviceKind, target: str) -> DriverSpec:
    return DriverSpec(name, kind, f"hardware_models.{target}", False)


K = DeviceKind
_DRIVERS: dict[str, DriverSpec] = {
    spec.name: spec
    for spec in (
        _sim(K.PLATE_CAMERA, "plate_camera", "SimPlateCamera"),
        _sim(K.E_PLATE_READER, "readers", "SimEPlateReader"),
        _sim(K.IC_CARD_READER, "readers", "SimIcCardReader"),
        _sim(K.CONTAINER_OCR, "container_ocr", "SimContainerOcr"),
        _sim(K.WEIGHBRIDGE, "weighbridge", "SimWeighbridge"),
        _sim(K.E_SEAL_READER, "readers", "SimESealReader"),
        _sim(K.GPS_TRACK, "gps_track", "SimGpsTrack"),
        _sim(K.RADIATION_PORTAL, "radiation_portal", "SimRadiationPortal"),
        _sim(K.H986_SCANNER, "h986_scanner", "SimH986Scanner"),
        _sim(K.BARRIER, "barrier", "SimBarrier"),
        _sim(K.DISPLAY_BOARD, "display_board", "SimDisplayBoard"),
        _real("mqtt.plate_camera", K.PLATE_CAMERA, "mqtt.sensor:MqttPlateCamera"),
        _real("mqtt.eplate_reader", K.E_PLATE_READER, "mqtt.sensor:MqttEPlateReader"),
        _real("mqtt.ic_card_reader", K.IC_CARD_READER, "mqtt.sensor:MqttIcCardReader"),
        _real("mqtt.container_ocr", K.CONTAINER_OCR, "mqtt.sensor:MqttContainerOcr"),
        _real("mqtt.eseal_reader", K.E_SEAL_READER, "mqtt.sensor:MqttESealReader"),
        _real("mqtt.h986_scanner", K.H986_SCANNER, "mqtt.sensor:MqttH986Scanner"),
        _real("mqtt.weighbridge", K.WEIGHBRIDGE, "mqtt.sensor:MqttWeighbridge"),
        _real("mqtt.gps_track", K.GPS_TRACK, "mqtt.sensor:MqttGpsTrack"),
        _real("mqtt.radiation_portal", K.RADIATION_PORTAL, "mqtt.sensor:MqttRadiationPortal"),
        _real("modbus.barrier", K.BARRIER, "modbus.barrier:ModbusBarrier"),
        _real(
            "serial.toledo_weighbridge",
            K.WEIGHBRIDGE,
            "serial.weighbridge:SerialToledoWeighbridge",
        ),
        _real("http.plate_camera", K.PLATE_CAMERA, "http.camera:HttpPlateCamera"),
    )
}


def known_drivers() -> tuple[str, ...]:
    """Return the names of every registered driver, sorted."""
    return tuple(sorted(_DRIVERS))


def drivers_of_kind(kind: DeviceKind) -> tuple[str, ...]:
    """Return the names of the drivers serving ``kind``, sorted."""
    return tuple(sorted(name for name, spec in _DRIVERS.items() if spec.kind is kind))


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
        **config: Driver-specific configuration (``rng`` and ``params`` for simulated
            devices; address and timeouts for real ones).

    Raises:
        UnknownDriverError: ``name`` is not registered.
    """
    spec = driver_spec(name)
    module_name, _, attr = spec.target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    return cls(device_id, **config)
