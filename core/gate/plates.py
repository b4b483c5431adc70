"""Comparison of licence plates read by OCR with the plate on a gate pass."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["PlateMatch", "compare_plates", "normalise_plate"]

# Glyph pairs that plate OCR confuses. A match only through such a pair is a weak
# match: it may be a misread, but it may equally be a plate altered to pass as another.
_CONFUSABLE = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "B": "8", "I": "1", "L": "1", "S": "5", "Z": "2"}
)


_STRIP = str.maketrans("", "", " .-·")


class PlateMatch(StrEnum):
    """How well a read plate matches the expected one."""

    EXACT = "exact"
    WEAK = "weak"
    MISMATCH = "mismatch"


def normalise_plate(plate: str) -> str:
    """Return the plate upper-cased without spaces, dots or dashes."""
    return plate.upper().translate(_STRIP)


def compare_plates(read: str, expected: str) -> PlateMatch:
    """Compare a plate read by a camera with the plate on the gate pass.

    Args:
        read: The plate text delivered by the OCR camera.
        expected: The plate text on the gate pass.

    Returns:
        ``EXACT`` when the normalised texts agree, ``WEAK`` when they agree only after
        folding OCR-confusable glyphs (0/O, 8/B, 1/I …), otherwise ``MISMATCH``.
    """
    a, b = normalise_plate(read), normalise_plate(expected)
    if a == b:
        return PlateMatch.EXACT
    if a.translate(_CONFUSABLE) == b.translate(_CONFUSABLE):
        return PlateMatch.WEAK
    return PlateMatch.MISMATCH
