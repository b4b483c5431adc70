"""Reading values as JSON, per device kind: a pure decoder (fuzzed) and its encoder.

========================  ==============================================
kind                      JSON ``value``
========================  ==============================================
plate_camera              ``"沪A12345"`` (1–32 characters)
e_plate_reader            ``{"tag_id": "EP0001", "plate": "沪A12345"}``
ic_card_reader            ``"IC8800123"``
container_ocr             ``"CSQU3054383"``; ``""`` = no container seen
weighbridge               gross weight in kg, a number ≥ 0
e_seal_reader             ``{"seal_id": "ES001", "intact": true}``
gps_track                 ``{"points": [[t_s, x_m, y_m], ...]}``
radiation_portal          multiple of background, a number ≥ 0
h986_scanner              ``"clear"`` or ``"suspect"``
========================  ==============================================
"""

from __future__ import annotations

import math
from typing import Any

from core.gate import DeviceKind, EPlateRead, SealRead, Track, TrackPoint
from core.gate.readings import ReadingValue

__all__ = ["decode_value", "encode_value"]

K = DeviceKind
_MAX_ID = 64
_MAX_POINTS = 100_000


def _text(x: Any, allow_empty: bool = False) -> str | None:
    if not isinstance(x, str) or len(x) > _MAX_ID or (not x and not allow_empty):
        return None
    return x if x.isprintable() else None


def _amount(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x) if math.isfinite(x) and x >= 0 else None


def _track(x: Any) -> Track | None:
    pts = x.get("points") if isinstance(x, dict) else None
    if not isinstance(pts, list) or len(pts) > _MAX_POINTS:
        return None
    out = []
    for p in pts:
        if not isinstance(p, list) or len(p) != 3:
            return None
        nums = [v for v in p if not isinstance(v, bool) and isinstance(v, int | float)]
        if len(nums) != 3 or not all(math.isfinite(v) for v in nums):
            return None
        out.append(TrackPoint(float(nums[0]), float(nums[1]), float(nums[2])))
    return Track(tuple(out))


def decode_value(kind: DeviceKind, raw: Any) -> ReadingValue | None:
    """Return the reading value of ``kind`` held in the JSON ``raw``, or None if invalid.

    Pure and total: any JSON value gives a value or None, never an exception.
    """
    if kind in (K.PLATE_CAMERA, K.IC_CARD_READER):
        return _text(raw)
    if kind is K.CONTAINER_OCR:
        return _text(raw, allow_empty=True)
    if kind in (K.WEIGHBRIDGE, K.RADIATION_PORTAL):
        return _amount(raw)
    if kind is K.H986_SCANNER:
        return str(raw) if raw in ("clear", "suspect") else None
    if kind is K.E_PLATE_READER and isinstance(raw, dict):
        tag, plate = _text(raw.get("tag_id")), _text(raw.get("plate"))
        return None if tag is None or plate is None else EPlateRead(tag, plate)
    if kind is K.E_SEAL_READER and isinstance(raw, dict):
        seal, intact = _text(raw.get("seal_id")), raw.get("intact")
        return None if seal is None or not isinstance(intact, bool) else SealRead(seal, intact)
    if kind is K.GPS_TRACK:
        return _track(raw)
    return None


def encode_value(value: ReadingValue) -> Any:
    """Return the JSON form of a reading value (the inverse of :func:`decode_value`)."""
    if isinstance(value, EPlateRead):
        return {"tag_id": value.tag_id, "plate": value.plate}
    if isinstance(value, SealRead):
        return {"seal_id": value.seal_id, "intact": value.intact}
    if isinstance(value, Track):
        return {"points": [[p.time_s, p.x_m, p.y_m] for p in value.points]}
    return value
