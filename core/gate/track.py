"""GPS tracks of inter-zone transfers (分送集报、自行运输) and their assessment.

Goods moved by the enterprise itself between two zones travel under an electronic fence
(电子围网): the truck's GPS track must stay in the declared corridor and must not stop
where no stop is declared. Positions are planar metres (x east, y north) in a local grid
of the Shanghai area; the GPS source projects WGS-84 fixes before they reach the core, so
the core needs no geodesy.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

__all__ = ["GeoPoint", "Track", "TrackLimits", "TrackPoint", "TransferRoute", "assess_track"]


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A position in the local grid, metres."""

    x_m: float
    y_m: float


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One GPS fix: when and where."""

    time_s: float
    x_m: float
    y_m: float


@dataclass(frozen=True, slots=True)
class Track:
    """The fixes of one transfer, in time order."""

    points: tuple[TrackPoint, ...]


@dataclass(frozen=True, slots=True)
class TransferRoute:
    """The declared route of a transfer.

    Attributes:
        waypoints: The route as a polyline, from the gate of departure to this gate.
        corridor_m: Largest distance from the route a fix may have.
        allowed_stops: Places where a stop is explained (a checkpoint, a declared
            warehouse); the two ends of the route always are.
        to_gate: The gate of arrival (``<zone>/<gate>``), which checks the track; ``""``
            lets every gate the pass is presented at check it. The gate of departure
            only sees the truck leave: its track does not exist yet.
    """

    waypoints: tuple[GeoPoint, ...]
    corridor_m: float = 500.0
    allowed_stops: tuple[GeoPoint, ...] = ()
    to_gate: str = ""


@dataclass(frozen=True, slots=True)
class TrackLimits:
    """How strict the trajectory check is (part of the gate policy).

    Attributes:
        max_stop_s: Longest unexplained stop allowed, seconds.
        stop_radius_m: Fixes within this radius of each other count as standing still.
        max_gap_s: Longest time between two fixes before the track counts as broken.
    """

    max_stop_s: float = 600.0
    stop_radius_m: float = 50.0
    max_gap_s: float = 300.0


@functools.lru_cache(maxsize=256)
def _segments(
    waypoints: tuple[GeoPoint, ...],
) -> tuple[tuple[float, float, float, float, float], ...]:
    """Return (ax, ay, dx, dy, 1/|d|²) per leg; a route is declared once, checked often."""
    pts = waypoints if len(waypoints) > 1 else waypoints * 2
    segs = []
    for a, b in itertools.pairwise(pts):
        dx, dy = b.x_m - a.x_m, b.y_m - a.y_m
        seg2 = dx * dx + dy * dy
        segs.append((a.x_m, a.y_m, dx, dy, 0.0 if seg2 == 0.0 else 1.0 / seg2))
    return tuple(segs)


def _leaves_corridor(track: Track, route: TransferRoute) -> bool:
    # Squared distances and an early exit per fix: this loop is most of a passage's cost.
    segs = _segments(route.waypoints)
    corridor2 = route.corridor_m * route.corridor_m
    for p in track.points:
        x, y = p.x_m, p.y_m
        for ax, ay, dx, dy, inv in segs:
            t = ((x - ax) * dx + (y - ay) * dy) * inv
            t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
            ex, ey = x - ax - t * dx, y - ay - t * dy
            if ex * ex + ey * ey <= corridor2:
                break
        else:
            return True
    return False


def _explained(p: TrackPoint, route: TransferRoute) -> bool:
    # Standing at the gate of departure or arrival (queueing, loading) needs no excuse.
    ends = (route.waypoints[0], route.waypoints[-1])
    return any(
        math.hypot(p.x_m - s.x_m, p.y_m - s.y_m) <= route.corridor_m
        for s in (*route.allowed_stops, *ends)
    )


def _has_unexplained_stop(track: Track, route: TransferRoute, limits: TrackLimits) -> bool:
    pts = track.points
    radius2 = limits.stop_radius_m * limits.stop_radius_m
    start = pts[0]
    last = start
    for p in (*pts[1:], None):
        if p is not None and (p.x_m - start.x_m) ** 2 + (p.y_m - start.y_m) ** 2 <= radius2:
            last = p
            continue
        if last.time_s - start.time_s > limits.max_stop_s and not _explained(start, route):
            return True
        if p is not None:
            start = last = p
    return False


def assess_track(track: Track, route: TransferRoute, limits: TrackLimits) -> tuple[str, ...]:
    """Judge a transfer's GPS track against its declared route.

    Args:
        track: The fixes delivered by the GPS source.
        route: The route declared for the transfer.
        limits: Stop and gap limits of the gate policy.

    Returns:
        Reasons, empty when the track is clean: ``gps_no_fixes``, ``gps_gap`` (the track
        is broken), ``gps_deviation`` (a fix outside the corridor), ``gps_unexplained_stop``.
    """
    pts = track.points
    if not pts or not route.waypoints:
        return ("gps_no_fixes",)
    reasons: list[str] = []
    times = [p.time_s for p in pts]
    if any(b - a > limits.max_gap_s for a, b in itertools.pairwise(times)):
        reasons.append("gps_gap")
    if _leaves_corridor(track, route):
        reasons.append("gps_deviation")
    if _has_unexplained_stop(track, route, limits):
        reasons.append("gps_unexplained_stop")
    return tuple(reasons)
