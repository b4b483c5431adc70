"""The gate's input journal: every event the live controller was fed, with its ``now``.

The live service publishes each event on ``<prefix>/v1/gate/<zone>/<gate>/event`` just
before its controller handles it; shadow mode (:mod:`ftz_live.shadow`) feeds the same
events, at the same times, to a controller of its own built by the same gate assembly
and compares the decisions. The journal carries what the service *accepted* from every
transport (MQTT, serial, HTTP, simulated), so a shadow sees the serial weighbridge too.

Pure functions; decoding never raises (bad input gives None).
"""

from __future__ import annotations

import json
import math
from typing import Any

from core.gate import (
    DeviceFault,
    DeviceKind,
    FaultReported,
    PassReserved,
    Reading,
    ReadingReceived,
    ReservationRefused,
    ScanCompleted,
    ScanResult,
    Tick,
    TruckArrived,
)
from core.gate.messages import Event
from ftz_live.codec import decode_gate_pass, encode_gate_pass
from hardware_models.real import decode_value, encode_value

__all__ = ["JOURNAL_VERSION", "decode_entry", "encode_entry"]

JOURNAL_VERSION = 1
_Bad = (KeyError, TypeError, ValueError, AttributeError)


def _event(event: Event) -> dict[str, Any]:
    if isinstance(event, TruckArrived):
        gp = None if event.gate_pass is None else encode_gate_pass(event.gate_pass)
        return {"type": "arrival", "lane": event.lane, "case_id": event.case_id, "gate_pass": gp}
    if isinstance(event, ReadingReceived):
        r = event.reading
        return {
            "type": "reading",
            "lane": event.lane,
            "device": r.device_id,
            "kind": r.kind.value,
            "value": encode_value(r.value),
            "conf": r.confidence,
            "seq": r.seq,
            "time_s": r.time_s,
            "case_id": r.case_id,
        }
    if isinstance(event, FaultReported):
        f = event.fault
        return {
            "type": "fault",
            "lane": event.lane,
            "device": f.device_id,
            "kind": f.kind.value,
            "code": f.code,
            "detail": f.detail,
            "time_s": f.time_s,
        }
    if isinstance(event, ScanCompleted):
        return {
            "type": "scan",
            "lane": event.lane,
            "case_id": event.case_id,
            "result": event.result,
        }
    if isinstance(event, PassReserved):
        return {
            "type": "reserved",
            "lane": event.lane,
            "case_id": event.case_id,
            "passage_id": event.passage_id,
        }
    if isinstance(event, ReservationRefused):
        return {
            "type": "refused",
            "lane": event.lane,
            "case_id": event.case_id,
            "passage_id": event.passage_id,
            "reason": event.reason,
        }
    return {"type": "tick"}


def encode_entry(gate_ref: str, seq: int, now: float, event: Event) -> bytes:
    """Return the journal message of ``event`` fed to ``gate_ref`` at ``now``.

    ``seq`` numbers the gate's entries from 1 (``"n"``); a gap tells a reader it missed one.
    """
    body = {"v": JOURNAL_VERSION, "gate": gate_ref, "n": seq, "now": now, **_event(event)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _finite(x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        raise ValueError(f"not a finite number: {x!r}")
    return float(x)


def _decode(d: dict[str, Any]) -> Event | None:
    kind = d["type"]
    if kind == "tick":
        return Tick()
    lane = str(d["lane"])
    if kind == "arrival":
        raw = d["gate_pass"]
        gp = None if raw is None else decode_gate_pass(raw)
        return None if raw is not None and gp is None else TruckArrived(lane, str(d["case_id"]), gp)
    if kind == "scan":
        return ScanCompleted(lane, str(d["case_id"]), ScanResult(d["result"]))
    if kind == "reserved":
        return PassReserved(lane, str(d["case_id"]), str(d["passage_id"]))
    if kind == "refused":
        return ReservationRefused(lane, str(d["case_id"]), str(d["passage_id"]), str(d["reason"]))
    device_kind = DeviceKind(d["kind"])
    if kind == "fault":
        fault = DeviceFault(
            str(d["device"]), device_kind, str(d["code"]), str(d["detail"]), _finite(d["time_s"])
        )
        return FaultReported(lane, fault)
    if kind != "reading":
        return None
    value = decode_value(device_kind, d["value"])
    if value is None:
        return None
    reading = Reading(
        str(d["device"]),
        device_kind,
        value,
        _finite(d["conf"]),
        int(d["seq"]),
        _finite(d["time_s"]),
        str(d.get("case_id", "")),
    )
    return ReadingReceived(lane, reading)


def decode_entry(raw: bytes) -> tuple[str, int, float, Event] | None:
    """Return ``(gate, seq, now, event)`` of a journal message, or None if it is not one."""
    try:
        d = json.loads(raw.decode("utf-8"))
        if not isinstance(d, dict) or d.get("v") != JOURNAL_VERSION:
            return None
        event = _decode(d)
        if event is None:
            return None
        return str(d["gate"]), int(d["n"]), _finite(d["now"]), event
    except (UnicodeDecodeError, RecursionError, *_Bad):
        return None
