"""Device readings and faults as the core sees them.

Readings are values: a driver (simulated or real) turns whatever its device said into a
:class:`Reading` or a :class:`DeviceFault`; it never raises into the core. What
``Reading.value`` holds depends on the kind of device:

========================  =====================================================
kind                      value
========================  =====================================================
plate_camera              plate text read by OCR (车牌识别), ``str``
e_plate_reader            :class:`EPlateRead` (电子车牌: tag id and stored plate)
ic_card_reader            card number of the RFID IC card (IC卡), ``str``
container_ocr             one container number (箱号), ``str``; ``""`` = none seen
weighbridge               gross weight of truck and load (地磅), kg, ``float``
e_seal_reader             :class:`SealRead` (电子关锁: seal id, intact)
gps_track                 :class:`core.gate.track.Track` of the transfer (GPS)
radiation_portal          radiation level as a multiple of background, ``float``
h986_scanner              ``"clear"`` or ``"suspect"`` (H986 image judged)
========================  =====================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.gate.track import Track

__all__ = ["ACTUATOR_KINDS", "DeviceFault", "DeviceKind", "EPlateRead", "Reading", "SealRead"]


class DeviceKind(StrEnum):
    """Kinds of gate device named in the reform plan."""

    PLATE_CAMERA = "plate_camera"  # 车牌识别 (video, OCR)
    E_PLATE_READER = "e_plate_reader"  # 电子车牌读写器 (RFID)
    IC_CARD_READER = "ic_card_reader"  # RFID 智能IC卡读卡器
    CONTAINER_OCR = "container_ocr"  # 集装箱箱号识别
    WEIGHBRIDGE = "weighbridge"  # 电子地磅
    E_SEAL_READER = "e_seal_reader"  # 电子关锁读写器
    GPS_TRACK = "gps_track"  # GPS 定位 / 轨迹
    BARRIER = "barrier"  # 电子道闸
    DISPLAY_BOARD = "display_board"  # LED 显示屏
    H986_SCANNER = "h986_scanner"  # H986 集装箱/车辆检查系统
    RADIATION_PORTAL = "radiation_portal"  # 辐射探测门


ACTUATOR_KINDS = frozenset({DeviceKind.BARRIER, DeviceKind.DISPLAY_BOARD})


@dataclass(frozen=True, slots=True)
class EPlateRead:
    """What an electronic plate (电子车牌) tag answers.

    Attributes:
        tag_id: The tag's unique id, as registered on the gate pass.
        plate: The licence plate written into the tag at issue.
    """

    tag_id: str
    plate: str


@dataclass(frozen=True, slots=True)
class SealRead:
    """What an electronic seal (电子关锁) answers.

    Attributes:
        seal_id: The seal's id, as in the sealing record on the gate pass.
        intact: False when the seal reports it was opened or cut since sealing.
    """

    seal_id: str
    intact: bool


ReadingValue = str | float | EPlateRead | SealRead | Track


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of one sensor.

    Attributes:
        device_id: ``<zone>/<gate>/<device>``, e.g. ``waigaoqiao_ftz/gate_2L_01/plate_camera``.
        kind: The kind of device that produced the reading.
        value: What was read; the type depends on ``kind`` (see the module docstring).
        confidence: The device's own confidence in [0, 1].
        seq: The device's sequence number; strictly increasing per device.
        time_s: When the reading was taken, in seconds on the caller's clock.
        case_id: The passage the reading was taken for, when the device was told (a lane
            PC that triggers its devices per passage); ``""`` when it was not, and the
            reading's time decides which passage it belongs to.
    """

    device_id: str
    kind: DeviceKind
    value: ReadingValue
    confidence: float
    seq: int
    time_s: float
    case_id: str = ""


@dataclass(frozen=True, slots=True)
class DeviceFault:
    """A device that could not deliver a reading or carry out a command.

    Attributes:
        device_id: ``<zone>/<gate>/<device>``.
        kind: The kind of device.
        code: A short machine-readable cause, e.g. ``timeout``, ``no_read``, ``device_down``.
        detail: Human-readable detail.
        time_s: When the fault was observed, in seconds on the caller's clock.
    """

    device_id: str
    kind: DeviceKind
    code: str
    detail: str
    time_s: float
