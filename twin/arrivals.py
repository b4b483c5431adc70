"""Truck arrivals: non-homogeneous Poisson by hour of day and day of week (thinning)."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from ftz_spec import Flow, Scenario

__all__ = ["arrivals", "rate_per_s"]

_HOUR = 3600.0


def rate_per_s(scenario: Scenario, flow: Flow, t: float) -> float:
    """Arrival rate of ``flow`` at time ``t`` (trucks per second).

    The hourly and weekly profiles are normalised to mean 1, so ``trucks_per_day`` stays
    the average over a week whatever their shape.
    """
    unc = scenario.uncertainties
    hourly, weekly = unc.hourly_profile, unc.weekly_profile
    h = int(t // _HOUR)
    fh = hourly[h % 24] / (sum(hourly) / 24)
    fw = weekly[(h // 24) % 7] / (sum(weekly) / 7)
    return flow.trucks_per_day * unc.traffic_scale / 86_400.0 * fh * fw


def arrivals(
    env: simpy.Environment,
    scenario: Scenario,
    flow: Flow,
    rng: np.random.Generator,
    start: Callable[[int], None],
    until_s: float = math.inf,
) -> Generator[Any, Any, None]:
    """Call ``start(n)`` for the n-th truck of ``flow`` as it arrives, until ``until_s``."""
    unc = scenario.uncertainties
    peak = (
        flow.trucks_per_day * unc.traffic_scale / 86_400.0
        * max(unc.hourly_profile) / (sum(unc.hourly_profile) / 24)
        * max(unc.weekly_profile) / (sum(unc.weekly_profile) / 7)
    )  # fmt: skip
    if peak <= 0:
        return
    n = 0
    while True:
        gap, u = rng.exponential(1.0 / peak), rng.random()
        yield env.timeout(float(gap))
        if env.now >= until_s:
            return  # the horizon: arrivals stop, the trucks inside may still leave
        if u * peak <= rate_per_s(scenario, flow, env.now):
            n += 1
            start(n)
