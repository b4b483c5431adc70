"""Container numbers (箱号) and their ISO 6346 check digit.

A container number is a three-letter owner code, a category letter (U freight, J
detachable equipment, Z trailer), a six-digit serial number and a check digit, e.g.
``CSQU3054383``. OCR misreads mostly break the check digit, so a number whose digit does
not check is a misread (or a forgery), never a match.
"""

from __future__ import annotations

import re

from core.errors import CoreError

__all__ = [
    "ContainerNumberError",
    "check_digit",
    "is_valid_container_number",
    "normalise_container_number",
    "with_check_digit",
]

_FORMAT = re.compile(r"[A-Z]{3}[UJZ][0-9]{6}")


def _letter_values() -> dict[str, int]:
    # Letters count from 10 upwards, skipping multiples of 11 (11, 22, 33) so that no
    # letter's weight is a multiple of the modulus.
    values: dict[str, int] = {}
    n = 10
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if n % 11 == 0:
            n += 1
        values[ch] = n
        n += 1
    values.update({str(d): d for d in range(10)})
    return values


_VALUES = _letter_values()
_STRIP = str.maketrans("", "", " -/")


class ContainerNumberError(CoreError, ValueError):
    """A container number without the ISO 6346 owner/category/serial layout."""


def normalise_container_number(number: str) -> str:
    """Return the number upper-cased without spaces, dashes or slashes."""
    return number.upper().translate(_STRIP)


def check_digit(first_ten: str) -> int:
    """Return the ISO 6346 check digit of the first ten characters of a container number.

    Args:
        first_ten: Owner code, category letter and serial, e.g. ``CSQU305438``.

    Raises:
        ContainerNumberError: ``first_ten`` is not three letters, U/J/Z and six digits.
    """
    code = normalise_container_number(first_ten)
    if not _FORMAT.fullmatch(code):
        raise ContainerNumberError(f"container number {first_ten!r}: expected e.g. 'CSQU305438'")
    total = sum(_VALUES[ch] << i for i, ch in enumerate(code))
    return total % 11 % 10


def with_check_digit(first_ten: str) -> str:
    """Return the full eleven-character number for ``first_ten`` (see :func:`check_digit`)."""
    return normalise_container_number(first_ten) + str(check_digit(first_ten))


def is_valid_container_number(number: str) -> bool:
    """Return whether ``number`` has the ISO 6346 layout and a check digit that checks."""
    code = normalise_container_number(number)
    if len(code) != 11 or not code[10].isdigit() or not _FORMAT.fullmatch(code[:10]):
        return False
    return check_digit(code[:10]) == int(code[10])
