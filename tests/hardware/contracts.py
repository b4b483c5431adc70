"""The driver table of the contract suites: how to build and stimulate each implementation.

A contract test knows nothing of how a driver works inside. It asks this table for a
device in a *mode* — ``perfect``, ``miss``, ``misread``, ``down``, ``stuck`` — and for a
way to put ground truth in front of it. For a simulated model the mode is a parameter
set; for a real driver (later) the mode configures the fake protocol peer it talks to
and ``stimulate`` makes that peer answer. A real driver joins every test of its kind by
one entry in ``SENSOR_CASES`` / ``ACTUATOR_CASES``; its fake peers (mosquitto, HTTP,
a socat pty, a pymodbus PLC) are in :mod:`tests.protocols.fakes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.gate import (
    DeviceKind,
    EPlateRead,
    GeoPoint,
    OpenBarrier,
    SealRead,
    ShowOnDisplay,
    Track,
)
from hardware_models import create_device
from hardware_models.sim import (
    Fixed,
    ScanSubject,
    SimActuatorParams,
    SimSensorParams,
    track_along,
)
from tests.protocols import fakes

K = DeviceKind
MODES = ("perfect", "miss", "misread", "down", "stuck")


@dataclass(frozen=True)
class SensorCase:
    """One sensor implementation as the contract suite drives it."""

    driver: str
    kind: DeviceKind
    make: Callable[[str, np.random.Generator, str], Any]
    stimulate: Callable[[Any, Any, float], float]  # (device, truth, now) -> ready time
    truth: Any
    other_truth: Any
    expected: Callable[[Any], list[Any]]  # what a perfect device reads of the truth


@dataclass(frozen=True)
class ActuatorCase:
    """One actuator implementation as the contract suite drives it."""

    driver: str
    kind: DeviceKind
    make: Callable[[str, np.random.Generator, str], Any]
    command: Any
    effect: Callable[[Any], Any]  # observable effect after the command was carried out


def _sim_sensor_params(mode: str) -> SimSensorParams:
    return {
        "perfect": SimSensorParams(latency_s=Fixed(0.5)),
        "miss": SimSensorParams(latency_s=Fixed(0.5), miss_rate=1.0),
        "misread": SimSensorParams(latency_s=Fixed(0.5), misread_rate=1.0),
        # Fails within a minute or so and is repaired within seconds, to see both in a short test.
        "down": SimSensorParams(latency_s=Fixed(0.5), mttf_h=0.01, mttr_min=0.05),
        "stuck": SimSensorParams(latency_s=Fixed(0.5), mttf_h=1e-4, mttr_min=1e3, stuck_share=1.0),
    }[mode]


def _sim_actuator_params(mode: str) -> SimActuatorParams:
    return {
        "perfect": SimActuatorParams(),
        "stuck": SimActuatorParams(stuck_rate=1.0),
        "down": SimActuatorParams(mttf_h=0.01, mttr_min=0.05),
    }[mode]


def _sim_sensor(driver: str) -> Callable[[str, np.random.Generator, str], Any]:
    return lambda device_id, rng, mode: create_device(
        driver, device_id, rng=rng, params=_sim_sensor_params(mode)
    )


def _sim_actuator(driver: str) -> Callable[[str, np.random.Generator, str], Any]:
    return lambda device_id, rng, mode: create_device(
        driver, device_id, rng=rng, params=_sim_actuator_params(mode)
    )


def _present(device: Any, truth: Any, now: float) -> float:
    return float(device.present(truth, now))


def _request(device: Any, truth: Any, now: float) -> float:
    return float(device.request(truth, now))


ROUTE = (GeoPoint(0.0, 0.0), GeoPoint(20_000.0, 0.0), GeoPoint(32_000.0, 5_000.0))
TRACK: Track = track_along(ROUTE, 0.0, 16.0, 60.0)
OTHER_TRACK: Track = track_along(ROUTE[:2], 100.0, 12.0, 60.0)


def _same(truth: Any) -> list[Any]:
    return [truth]


SENSOR_CASES: dict[str, SensorCase] = {
    c.driver: c
    for c in (
        SensorCase(
            "sim.plate_camera",
            K.PLATE_CAMERA,
            _sim_sensor("sim.plate_camera"),
            _present,
            "沪A10B85",
            "苏E77777",
            _same,
        ),
        SensorCase(
            "sim.e_plate_reader",
            K.E_PLATE_READER,
            _sim_sensor("sim.e_plate_reader"),
            _present,
            EPlateRead("EP0001", "沪A10B85"),
            EPlateRead("EP0002", "苏E77777"),
            _same,
        ),
        SensorCase(
            "sim.ic_card_reader",
            K.IC_CARD_READER,
            _sim_sensor("sim.ic_card_reader"),
            _present,
            "IC8800123",
            "IC8800999",
            _same,
        ),
        SensorCase(
            "sim.container_ocr",
            K.CONTAINER_OCR,
            _sim_sensor("sim.container_ocr"),
            _present,
            ("CSQU3054383", "MSKU9070323"),
            ("TGHU1234567",),
            list,
        ),
        SensorCase(
            "sim.weighbridge",
            K.WEIGHBRIDGE,
            _sim_sensor("sim.weighbridge"),
            _present,
            31_250.0,
            18_400.0,
            _same,
        ),
        SensorCase(
            "sim.e_seal_reader",
            K.E_SEAL_READER,
            _sim_sensor("sim.e_seal_reader"),
            _present,
            (SealRead("ES001", True), SealRead("ES002", True)),
            (SealRead("ES777", True),),
            list,
        ),
        SensorCase(
            "sim.gps_track",
            K.GPS_TRACK,
            _sim_sensor("sim.gps_track"),
            _present,
            TRACK,
            OTHER_TRACK,
            _same,
        ),
        SensorCase(
            "sim.radiation_portal",
            K.RADIATION_PORTAL,
            _sim_sensor("sim.radiation_portal"),
            _present,
            1.0,
            1.2,
            _same,
        ),
        SensorCase(
            "sim.h986_scanner",
            K.H986_SCANNER,
            _sim_sensor("sim.h986_scanner"),
            _request,
            ScanSubject("c1", anomaly=False),
            ScanSubject("c2", anomaly=True),
            lambda s: ["suspect" if s.anomaly else "clear"],
        ),
    )
}

PLATE, OTHER_PLATE = "沪A10B85", "苏E77777"
REAL_SENSOR_CASES = (
    SensorCase(
        "mqtt.plate_camera",
        K.PLATE_CAMERA,
        fakes.make_mqtt("mqtt.plate_camera"),
        fakes.stimulate_mqtt,
        PLATE,
        OTHER_PLATE,
        _same,
    ),
    SensorCase(
        "http.plate_camera",
        K.PLATE_CAMERA,
        fakes.make_http,
        fakes.stimulate_http,
        PLATE,
        OTHER_PLATE,
        _same,
    ),
    SensorCase(
        "mqtt.eplate_reader",
        K.E_PLATE_READER,
        fakes.make_mqtt("mqtt.eplate_reader"),
        fakes.stimulate_mqtt,
        EPlateRead("EP0001", PLATE),
        EPlateRead("EP0002", OTHER_PLATE),
        _same,
    ),
    SensorCase(
        "mqtt.ic_card_reader",
        K.IC_CARD_READER,
        fakes.make_mqtt("mqtt.ic_card_reader"),
        fakes.stimulate_mqtt,
        "IC8800123",
        "IC8800999",
        _same,
    ),
    SensorCase(
        "mqtt.container_ocr",
        K.CONTAINER_OCR,
        fakes.make_mqtt("mqtt.container_ocr"),
        fakes.stimulate_mqtt,
        ("CSQU3054383", "MSKU9070323"),
        ("TGHU1234567",),
        list,
    ),
    SensorCase(
        "mqtt.eseal_reader",
        K.E_SEAL_READER,
        fakes.make_mqtt("mqtt.eseal_reader"),
        fakes.stimulate_mqtt,
        (SealRead("ES001", True), SealRead("ES002", True)),
        (SealRead("ES777", True),),
        list,
    ),
    SensorCase(
        "mqtt.h986_scanner",
        K.H986_SCANNER,
        fakes.make_mqtt("mqtt.h986_scanner"),
        fakes.request_mqtt,
        ScanSubject("c1", anomaly=False),
        ScanSubject("c2", anomaly=True),
        lambda s: ["suspect" if s.anomaly else "clear"],
    ),
    SensorCase(
        "mqtt.weighbridge",
        K.WEIGHBRIDGE,
        fakes.make_mqtt("mqtt.weighbridge"),
        fakes.stimulate_mqtt,
        31_250.0,
        18_400.0,
        _same,
    ),
    SensorCase(
        "mqtt.gps_track",
        K.GPS_TRACK,
        fakes.make_mqtt("mqtt.gps_track"),
        fakes.stimulate_mqtt,
        TRACK,
        OTHER_TRACK,
        _same,
    ),
    SensorCase(
        "mqtt.radiation_portal",
        K.RADIATION_PORTAL,
        fakes.make_mqtt("mqtt.radiation_portal"),
        fakes.stimulate_mqtt,
        1.0,
        1.2,
        _same,
    ),
    SensorCase(
        "serial.toledo_weighbridge",
        K.WEIGHBRIDGE,
        fakes.make_toledo,
        fakes.stimulate_toledo,
        31_250.0,
        18_400.0,
        _same,
    ),
)
SENSOR_CASES.update({c.driver: c for c in REAL_SENSOR_CASES})

ACTUATOR_CASES: dict[str, ActuatorCase] = {
    c.driver: c
    for c in (
        ActuatorCase(
            "sim.barrier",
            K.BARRIER,
            _sim_actuator("sim.barrier"),
            OpenBarrier("z/g/lane1", "c1"),
            lambda d: d.opened,
        ),
        ActuatorCase(
            "sim.display_board",
            K.DISPLAY_BOARD,
            _sim_actuator("sim.display_board"),
            ShowOnDisplay("z/g/lane1", "PASS 放行"),
            lambda d: (d.shown, d.text),
        ),
        ActuatorCase(
            "modbus.barrier",
            K.BARRIER,
            fakes.make_barrier,
            OpenBarrier("z/g/lane1", "c1"),
            fakes.barrier_opens,
        ),
    )
}


def sensor_cases(kind: DeviceKind) -> list[SensorCase]:
    """Every sensor implementation of ``kind``."""
    return [c for c in SENSOR_CASES.values() if c.kind is kind]


def actuator_cases(kind: DeviceKind) -> list[ActuatorCase]:
    """Every actuator implementation of ``kind``."""
    return [c for c in ACTUATOR_CASES.values() if c.kind is kind]
