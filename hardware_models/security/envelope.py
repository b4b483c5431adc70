"""The v1 device message envelope: a pure parser and encoder, and its HMAC.

A message is one JSON object (UTF-8)::

    {"v": 1, "device": "z1/g1/plate_camera-1", "seq": 17, "ts": 1718000000.25,
     "status": "ok", "value": "沪A12345", "conf": 0.97, "mac": "<64 hex>"}

An optional ``"case_id"`` names the passage the reading was taken for, when the device
was told (a lane PC that triggers its devices per passage).

The HMAC-SHA256 is taken over the *canonical* form: the object without ``mac``, keys
sorted, no spaces, UTF-8 (``json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``). Parsing never raises: bad bytes give a rejection reason.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ENVELOPE_VERSION",
    "MAX_MESSAGE_BYTES",
    "STATUSES",
    "Envelope",
    "canonical",
    "encode_envelope",
    "parse_envelope",
    "sign",
]

ENVELOPE_VERSION = 1
MAX_MESSAGE_BYTES = 16_384  # a plate or a seal read is ~200 bytes; anything huge is hostile
# ok: a reading (``value`` required); no_read: the device looked and read nothing;
# timeout: it gave up waiting for a result; down / up: the device reports itself failed /
# back in service; busy: a request was refused.
STATUSES = frozenset({"ok", "no_read", "timeout", "down", "up", "busy"})
_MAX_SEQ = 2**63 - 1
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed, not yet trusted, device message.

    Attributes:
        device: The device id the message claims to come from.
        seq: Its sequence number.
        ts: When the device says it took the reading, seconds (device time base).
        status: One of :data:`STATUSES`.
        value: The raw JSON value (decoded per kind by the driver), None if absent.
        conf: The device's confidence in [0, 1] (1.0 if absent).
        mac: The hex HMAC, ``""`` if unsigned.
        signed_bytes: The canonical bytes the HMAC covers.
        case_id: The passage the reading was taken for; ``""`` if the device did not say.
    """

    device: str
    seq: int
    ts: float
    status: str
    value: Any
    conf: float
    mac: str
    signed_bytes: bytes
    case_id: str = ""


def canonical(fields: dict[str, Any]) -> bytes:
    """Return the canonical bytes of ``fields`` without ``mac`` (what the HMAC covers)."""
    body = {k: v for k, v in fields.items() if k != "mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(fields: dict[str, Any], key: bytes) -> str:
    """Return the hex HMAC-SHA256 of the canonical form of ``fields`` under ``key``."""
    return hmac.new(key, canonical(fields), hashlib.sha256).hexdigest()


def encode_envelope(
    device: str,
    seq: int,
    ts: float,
    status: str = "ok",
    value: Any = None,
    conf: float | None = None,
    key: bytes | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """Build a v1 message (signed when ``key`` is given); the device side of the parser."""
    fields: dict[str, Any] = {"v": ENVELOPE_VERSION, "device": device, "seq": seq, "ts": ts}
    fields["status"] = status
    if value is not None:
        fields["value"] = value
    if conf is not None:
        fields["conf"] = conf
    fields.update(extra or {})
    if key is not None:
        fields["mac"] = sign(fields, key)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def parse_envelope(raw: bytes) -> Envelope | str:
    """Parse one message; return the envelope or the reason it is malformed.

    Never raises: undecodable bytes, bad JSON, missing or mistyped fields, an unknown
    version or status all come back as a short reason string (``malformed:<what>``).
    """
    if len(raw) > MAX_MESSAGE_BYTES:
        return "malformed:too_large"
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "malformed:json"
    if not isinstance(obj, dict):
        return "malformed:not_object"
    if obj.get("v") != ENVELOPE_VERSION or isinstance(obj.get("v"), bool):
        return "malformed:version"
    device, seq, ts = obj.get("device"), obj.get("seq"), obj.get("ts")
    status, conf, mac = obj.get("status", "ok"), obj.get("conf", 1.0), obj.get("mac", "")
    if not isinstance(device, str) or not device or len(device) > 200:
        return "malformed:device"
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= _MAX_SEQ:
        return "malformed:seq"
    if not _number(ts):
        return "malformed:ts"
    if status not in STATUSES:
        return "malformed:status"
    if not _number(conf) or not 0.0 <= conf <= 1.0:
        return "malformed:conf"
    if not isinstance(mac, str) or (mac and (len(mac) != 64 or not set(mac) <= _HEX)):
        return "malformed:mac"
    if status == "ok" and "value" not in obj:
        return "malformed:value"
    case_id = obj.get("case_id", "")
    if not isinstance(case_id, str) or len(case_id) > 64 or not case_id.isprintable():
        return "malformed:case_id"
    try:
        signed = canonical(obj)
    except (ValueError, RecursionError):  # lone surrogates cannot be encoded to UTF-8
        return "malformed:json"
    value = obj.get("value")
    return Envelope(device, seq, float(ts), status, value, float(conf), mac, signed, case_id)
