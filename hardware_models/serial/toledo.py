"""Mettler-Toledo *standard continuous output* frames: a pure parser and encoder.

A frame is 17 bytes, or 18 with the checksum enabled::

    STX  SWA  SWB  SWC  W W W W W W  T T T T T T  CR  [CHK]

SWA bits 0–2: decimal point (0 → ×100, 1 → ×10, 2 → ×1, 3 → 0.1 … 7 → 0.00001);
bits 3–4: display increment (1, 2, 5); bit 5 always 1.
SWB bit 0: net (1) or gross (0); bit 1: negative; bit 2: out of range; bit 3: motion;
bit 4: kg (1) or lb (0); bit 5 always 1; bit 6: power-up, zero not captured yet.
SWC bit 3: print request; bit 4: expanded ×10; bit 5 always 1.
The six weight digits are the displayed weight (net when in net mode), the six tare
digits the tare, both without decimal point or sign. CHK is the two's complement of
the 7-bit sum of every byte from STX to CR.

:func:`split_frames` cuts a byte stream into candidate frames and resynchronises on
garbage; :func:`parse_frame` checks one frame. Neither ever raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware_models.sim.weighbridge import DISPLAY_INCREMENT_KG, display_weight

__all__ = ["ToledoFrame", "checksum", "encode_frame", "parse_frame", "split_frames"]

STX, CR = 0x02, 0x0D
_BODY = 17  # STX .. CR
_LB_TO_KG = 0.45359237
_DECIMALS = {0: 100.0, 1: 10.0, 2: 1.0, 3: 0.1, 4: 0.01, 5: 0.001, 6: 1e-4, 7: 1e-5}


@dataclass(frozen=True, slots=True)
class ToledoFrame:
    """One indicator frame, weights in kg.

    Attributes:
        gross_kg: Gross weight (net + tare when the indicator shows net).
        tare_kg: Tare weight.
        motion: The scale is in motion (weight not stable).
        out_of_range: Over capacity or under zero.
        power_up: Just powered up, zero not captured: not ready to weigh.
        net_mode: The indicator displays net weight.
    """

    gross_kg: float
    tare_kg: float
    motion: bool
    out_of_range: bool
    power_up: bool
    net_mode: bool


def checksum(body: bytes) -> int:
    """Return the checksum byte of ``body`` (STX through CR)."""
    return (-sum(body)) & 0x7F


def _digits(field: bytes) -> int | None:
    text = field.decode("ascii", "replace").strip(" ")
    return int(text) if text.isdigit() and text.isascii() else (0 if not text else None)


def parse_frame(frame: bytes, with_checksum: bool = True) -> ToledoFrame | str:
    """Parse one frame; return it or why it was rejected (``bad_length``, ``bad_checksum`` …)."""
    size = _BODY + (1 if with_checksum else 0)
    if len(frame) != size:
        return "bad_length"
    if frame[0] != STX or frame[16] != CR:
        return "bad_framing"
    if with_checksum and frame[17] != checksum(frame[:_BODY]):
        return "bad_checksum"
    swa, swb, swc = frame[1], frame[2], frame[3]
    if not (swa & swb & swc & 0x20) or swa & 0x40 or (swa >> 3) & 0x03 == 0:
        return "bad_status"
    weight, tare = _digits(frame[4:10]), _digits(frame[10:16])
    if weight is None or tare is None:
        return "bad_digits"
    scale = _DECIMALS[swa & 0x07] * (1.0 if swb & 0x10 else _LB_TO_KG)
    shown = weight * scale * (-1.0 if swb & 0x02 else 1.0)
    tare_kg = tare * scale
    net = bool(swb & 0x01)
    return ToledoFrame(
        gross_kg=shown + tare_kg if net else shown,
        tare_kg=tare_kg,
        motion=bool(swb & 0x08),
        out_of_range=bool(swb & 0x04),
        power_up=bool(swb & 0x40),
        net_mode=net,
    )


def encode_frame(
    gross_kg: float,
    tare_kg: float = 0.0,
    *,
    motion: bool = False,
    out_of_range: bool = False,
    power_up: bool = False,
    with_checksum: bool = True,
) -> bytes:
    """Return the frame an indicator in kg, gross mode, 10 kg display increment would send.

    The weight is rounded to the display increment by :func:`display_weight`, the same
    rounding the twin's weighbridge model applies.
    """
    swa = 0x20 | (1 << 3) | 1  # increment ×1, decimal code 1: displayed value × 10 kg
    swb = 0x20 | 0x10 | (0x02 if gross_kg < 0 else 0) | (0x04 if out_of_range else 0)
    swb |= (0x08 if motion else 0) | (0x40 if power_up else 0)
    swc = 0x20
    w = min(999_999, round(display_weight(abs(gross_kg)) / DISPLAY_INCREMENT_KG))
    t = min(999_999, round(display_weight(abs(tare_kg)) / DISPLAY_INCREMENT_KG))
    body = bytes([STX, swa, swb, swc]) + f"{w:06d}{t:06d}".encode() + bytes([CR])
    return body + bytes([checksum(body)]) if with_checksum else body


def split_frames(buffer: bytes, with_checksum: bool = True) -> tuple[list[bytes], bytes, int]:
    """Cut complete frames out of ``buffer``.

    Returns:
        The candidate frames, the bytes to keep for the next call, and how many bytes
        were skipped as garbage while looking for the next STX.
    """
    size = _BODY + (1 if with_checksum else 0)
    frames: list[bytes] = []
    skipped = 0
    i = 0
    while True:
        start = buffer.find(STX, i)
        if start < 0:
            skipped += len(buffer) - i
            return frames, b"", skipped
        skipped += start - i
        if len(buffer) - start < size:
            return frames, buffer[start:], skipped
        candidate = buffer[start : start + size]
        if candidate[16] == CR:
            frames.append(candidate)
            i = start + size
        else:  # a stray STX inside garbage: skip it and look again
            skipped += 1
            i = start + 1
