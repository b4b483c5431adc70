"""Parameters of simulated devices, set in the scenario (``uncertainties.devices``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from hardware_models.errors import DeviceParamsError

__all__ = ["Distribution", "Fixed", "SimActuatorParams", "SimSensorParams"]


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


def _check_share(owner: object, name: str) -> None:
    value = getattr(owner, name)
    if not 0.0 <= value <= 1.0:
        raise DeviceParamsError(f"{name}: must be in [0, 1] (got {value!r})")


def _check_failures(mttf_h: float | None, mttr_min: float) -> None:
    if mttf_h is not None and mttf_h <= 0:
        raise DeviceParamsError(f"mttf_h: must be > 0 or None (got {mttf_h!r})")
    if mttr_min <= 0:
        raise DeviceParamsError(f"mttr_min: must be > 0 (got {mttr_min!r})")


@dataclass(frozen=True)
class SimSensorParams:
    """Behaviour of a simulated sensor (the same fields for every kind).

    Attributes:
        latency_s: Time from stimulus to reading, in seconds (for the H986 scanner: the
            scan time, about 150 s by the published figure).
        misread_rate: Probability that a reading is wrong: one glyph of a plate or
            container number, a corrupted tag or seal id, a weighbridge weighing a truck
            not fully on the platform, a radiation false alarm, a wrong scan verdict.
        miss_rate: Probability that no reading comes at all (a ``no_read`` fault).
        noise_sd: Measurement noise, standard deviation in the kind's unit: kg for the
            weighbridge, metres per GPS fix, background multiples for radiation.
        mttf_h: Mean time to failure in hours (exponential); None for a device that never fails.
        mttr_min: Mean time to repair in minutes (exponential).
        stuck_share: Share of failures in which the device is stuck (keeps answering
            with the last value it read) rather than silent.
    """

    latency_s: Distribution = Fixed(0.5)
    misread_rate: float = 0.0
    miss_rate: float = 0.0
    noise_sd: float = 0.0
    mttf_h: float | None = None
    mttr_min: float = 30.0
    stuck_share: float = 0.0

    def __post_init__(self) -> None:
        """Check ranges.

        Raises:
            DeviceParamsError: A field is out of range; the message names it.
        """
        for name in ("misread_rate", "miss_rate", "stuck_share"):
            _check_share(self, name)
        if self.noise_sd < 0:
            raise DeviceParamsError(f"noise_sd: must be >= 0 (got {self.noise_sd!r})")
        _check_failures(self.mttf_h, self.mttr_min)


@dataclass(frozen=True)
class SimActuatorParams:
    """Behaviour of a simulated actuator (barrier, display board).

    Attributes:
        act_time_s: Seconds from command to done (barrier fully open, text shown).
        stuck_rate: Probability that a command fails (barrier stuck, display frozen).
        mttf_h: Mean time to failure in hours; None for a device that never fails.
        mttr_min: Mean time to repair in minutes.
    """

    act_time_s: float = 2.0
    stuck_rate: float = 0.0
    mttf_h: float | None = None
    mttr_min: float = 30.0

    def __post_init__(self) -> None:
        """Check ranges.

        Raises:
            DeviceParamsError: A field is out of range; the message names it.
        """
        _check_share(self, "stuck_rate")
        _check_failures(self.mttf_h, self.mttr_min)
