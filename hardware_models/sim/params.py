"""Parameters of simulated sensors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = ["Distribution", "Fixed", "SimSensorParams"]


class Distribution(Protocol):
    """Anything that draws a non-negative number from a generator (scenario ``Dist``)."""

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        ...


@dataclass(frozen=True)
class Fixed:
    """A constant 'distribution', handy as a default and in tests."""

    value: float

    def sample(self, rng: np.random.Generator) -> float:
        """Return the constant."""
        return self.value


@dataclass(frozen=True)
class SimSensorParams:
    """Behaviour of a simulated sensor.

    Attributes:
        latency_s: Time from stimulus to reading, in seconds.
        misread_rate: Probability that a reading is wrong (e.g. one plate glyph).
        miss_rate: Probability that no reading comes at all (a ``no_read`` fault).
        mttf_h: Mean time to failure in hours (exponential); None for a device that never fails.
        mttr_min: Mean time to repair in minutes (exponential).
    """

    latency_s: Distribution = Fixed(0.5)
    misread_rate: float = 0.0
    miss_rate: float = 0.0
    mttf_h: float | None = None
    mttr_min: float = 30.0
