"""Probability distributions as scenario data (``{dist: lognormal, mean: 10, sd: 3}``)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, model_validator

__all__ = ["Dist", "Exponential", "Fixed", "LogNormal", "Triangular", "Uniform"]


# A duration past this in any unit (s, min, h) is a typo, not a plan: 10⁷ s is four months.
MAX_DURATION = 1e7


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @model_validator(mode="after")
    def _bounded(self) -> _Dist:
        for name, value in self:
            if isinstance(value, float) and value > MAX_DURATION:
                raise ValueError(f"{name} above the limit of {MAX_DURATION:g}, got {value:g}")
        return self


class Fixed(_Dist):
    """Always the same value."""

    dist: Literal["fixed"] = "fixed"
    value: NonNegativeFloat

    @property
    def mean(self) -> float:
        """The mean."""
        return self.value

    def sample(self, rng: np.random.Generator) -> float:
        """Return the value."""
        return self.value


class Exponential(_Dist):
    """Exponential with the given mean."""

    dist: Literal["exponential"] = "exponential"
    mean: PositiveFloat

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        return float(rng.exponential(self.mean))


class LogNormal(_Dist):
    """Log-normal given by the mean and standard deviation of the value itself."""

    dist: Literal["lognormal"] = "lognormal"
    mean: PositiveFloat
    sd: NonNegativeFloat

    @model_validator(mode="after")
    def _spread(self) -> LogNormal:
        # sd / mean past 100 gives a sigma whose draws overflow to inf (never-ending tasks).
        if self.sd > 100.0 * self.mean:
            raise ValueError(
                f"sd may be at most 100 x mean, got sd={self.sd:g}, mean={self.mean:g}"
            )
        return self

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        s2 = math.log1p((self.sd / self.mean) ** 2)
        return float(rng.lognormal(math.log(self.mean) - s2 / 2, math.sqrt(s2)))


class Triangular(_Dist):
    """Triangular between ``low`` and ``high`` with mode ``mode``."""

    dist: Literal["triangular"] = "triangular"
    low: NonNegativeFloat
    mode: NonNegativeFloat
    high: NonNegativeFloat

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                f"need low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    @property
    def mean(self) -> float:
        """The mean."""
        return (self.low + self.mode + self.high) / 3

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        return float(rng.triangular(self.low, self.mode, self.high))


class Uniform(_Dist):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"] = "uniform"
    low: NonNegativeFloat
    high: NonNegativeFloat

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"need low <= high, got {self.low} > {self.high}")
        return self

    @property
    def mean(self) -> float:
        """The mean."""
        return (self.low + self.high) / 2

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        return float(rng.uniform(self.low, self.high))


Dist = Annotated[
    Fixed | Exponential | LogNormal | Triangular | Uniform, Field(discriminator="dist")
]
