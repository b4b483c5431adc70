"""Auditable random draws (随机布控): a stable hash of the seed and the declaration id.

A draw never depends on a shared stream's position, so reordering, skipping or replaying
declarations never changes any declaration's draw, and an auditor holding the seed can
recompute every draw from the id alone.
"""

from __future__ import annotations

import hashlib

__all__ = ["Drawer", "stable_uniform"]

_SCALE = 2.0**-53


def stable_uniform(seed: int, declaration_id: str, purpose: str = "random") -> float:
    """Return a uniform number in [0, 1) fixed by ``seed``, ``declaration_id`` and ``purpose``.

    Args:
        seed: Non-negative integer seed of the run or the live system.
        declaration_id: The declaration drawn for.
        purpose: Separates independent draws for the same declaration, e.g. ``random``
            or ``control:<control_id>``.

    Returns:
        The draw, a multiple of 2⁻⁵³ in [0, 1).

    Raises:
        ValueError: ``seed`` is negative or needs more than 512 bits.
    """
    return Drawer(seed).draw(declaration_id, purpose)


class Drawer:
    """Draws for one seed; copying a keyed BLAKE2b state is cheaper than keying anew."""

    __slots__ = ("_base",)

    def __init__(self, seed: int) -> None:
        """Key the hash with ``seed``.

        Raises:
            ValueError: ``seed`` is negative or needs more than 512 bits.
        """
        if seed < 0 or seed.bit_length() > 512:
            raise ValueError(f"seed {seed}: must be a non-negative integer below 2**512")
        key = seed.to_bytes(max(1, (seed.bit_length() + 7) // 8), "little")
        self._base = hashlib.blake2b(key=key, digest_size=8)

    def draw(self, declaration_id: str, purpose: str = "random") -> float:
        """Return the draw for ``declaration_id`` and ``purpose``; see :func:`stable_uniform`."""
        h = self._base.copy()
        h.update(purpose.encode())
        h.update(b"\x1f")
        h.update(declaration_id.encode())
        return (int.from_bytes(h.digest(), "little") >> 11) * _SCALE
