"""Named random streams derived from one seed (one stream per source of randomness).

Each stream is seeded from ``SeedSequence(seed, spawn_key=(replication, hash(name)))``,
so a stream's numbers depend only on the seed, the replication and its name — never on
which other streams exist or how much they were used. That gives common random numbers
across lever settings: the same replication sees the same trucks under every policy.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["Streams", "stream_key"]


def stream_key(name: str) -> int:
    """Return a stable 64-bit key for a stream name (independent of PYTHONHASHSEED)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


class Streams:
    """Factory of named, independent generators for one replication."""

    def __init__(self, seed: int, replication: int) -> None:
        """Create the streams of replication ``replication`` of a run seeded ``seed``."""
        self.seed = seed
        self.replication = replication
        self._cache: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        """Return the generator named ``name`` (the same object on every call)."""
        gen = self._cache.get(name)
        if gen is None:
            ss = np.random.SeedSequence(self.seed, spawn_key=(self.replication, stream_key(name)))
            gen = np.random.Generator(np.random.PCG64(ss))
            self._cache[name] = gen
        return gen
