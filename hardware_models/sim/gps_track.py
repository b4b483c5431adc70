"""Simulated GPS track source for transfers between zones (GPS 定位, 电子围网)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from core.gate import DeviceKind, GeoPoint, Track, TrackPoint
from hardware_models.sim.base import SimSensor

__all__ = ["SimGpsTrack", "track_along"]


class SimGpsTrack(SimSensor):
    """Delivers the GPS track of a transfer when the truck reaches the gate.

    Each fix gets Gaussian noise of ``noise_sd`` metres per axis. A misread is a broken
    track: the middle third of the fixes is lost (tunnel, jammer, logger fault).
    """

    kind = DeviceKind.GPS_TRACK

    def present(self, track: Track, now: float) -> float:
        """Hand over the truck's true ``track`` at ``now``.

        Returns:
            The time (seconds) at which the track can be read.
        """
        return self._stimulate((track,), now)

    def _observe(self, truth: Track, u: Sequence[float], z: float) -> Track:
        if self.params.noise_sd == 0.0 or not truth.points:
            return truth
        # A stream of its own per stimulus, seeded from a drawn uniform, keeps the number
        # of draws per stimulus fixed however long the track is (common random numbers).
        noise = np.random.default_rng(int(u[2] * 2**53)).standard_normal((len(truth.points), 2))
        sd = self.params.noise_sd
        return Track(
            tuple(
                TrackPoint(p.time_s, p.x_m + sd * float(dx), p.y_m + sd * float(dy))
                for p, (dx, dy) in zip(truth.points, noise, strict=True)
            )
        )

    def _misread(self, truth: Track, u: Sequence[float], z: float) -> Track:
        n = len(truth.points)
        return Track(truth.points[: n // 3] + truth.points[2 * n // 3 :])


def track_along(
    waypoints: Sequence[GeoPoint],
    start_s: float,
    speed_mps: float,
    sample_s: float = 30.0,
    stops: Sequence[tuple[float, float]] = (),
) -> Track:
    """Return the true track of a truck driving ``waypoints`` at constant speed.

    Args:
        waypoints: The route driven (it may differ from the declared one: a detour).
        start_s: Departure time, seconds.
        speed_mps: Speed while moving, m/s (about 16 m/s on the Donghai Bridge).
        sample_s: Seconds between fixes.
        stops: ``(distance_m, duration_s)``: where along the route the truck stands still
            and for how long.

    Returns:
        A fix every ``sample_s`` seconds from departure to arrival.
    """
    legs = [
        (a, b, math.hypot(b.x_m - a.x_m, b.y_m - a.y_m)) for a, b in itertools.pairwise(waypoints)
    ]
    total = sum(length for _, _, length in legs)
    plan = sorted(stops)
    duration = total / speed_mps + sum(d for _, d in plan)

    def distance_at(t: float) -> float:
        moved, clock = 0.0, 0.0
        for at_m, dur in plan:
            reach = clock + (at_m - moved) / speed_mps
            if t < reach:
                return moved + (t - clock) * speed_mps
            if t < reach + dur:
                return at_m
            moved, clock = at_m, reach + dur
        return min(total, moved + (t - clock) * speed_mps)

    def position(d: float) -> tuple[float, float]:
        for a, b, length in legs:
            if d <= length or (a, b, length) == legs[-1]:
                f = 0.0 if length == 0 else min(1.0, d / length)
                return a.x_m + f * (b.x_m - a.x_m), a.y_m + f * (b.y_m - a.y_m)
            d -= length
        return waypoints[0].x_m, waypoints[0].y_m

    n = int(duration // sample_s) + 1
    times = [i * sample_s for i in range(n)] + ([duration] if duration % sample_s else [])
    return Track(tuple(TrackPoint(start_s + t, *position(distance_at(t))) for t in times))
