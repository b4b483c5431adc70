"""Monitoring without the central platform: each zone watches its own screens.

Before the central monitoring platform (中央监控平台, 二(二)1) every zone keeps its own
video and fence-alarm monitors, staffed around the clock by its gate officers
(``uncertainties.monitoring_posts`` per zone). With the platform the four zones are
watched in one place and those officers return to the gates; the platform also gives
the risk engine each zone's inspection state (:mod:`twin.load`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from core.trace import Lifecycle
from ftz_spec import StaffRole
from twin.staff import StaffUnit
from twin.stints import off_duty_wait_s, stint_s

if TYPE_CHECKING:
    from twin.world import World

__all__ = ["start_zone_monitoring"]

_STINT_S = 3600.0


def start_zone_monitoring(w: World) -> None:
    """Staff every zone's own monitors when there is no central platform."""
    if w.scenario.levers.central_monitoring:
        return
    for zone in w.scenario.site.zones:
        unit = w.staff.unit(StaffRole.GATE, zone.id)
        if unit is None:
            continue
        for post in range(w.scenario.uncertainties.monitoring_posts):
            w.env.process(_watch(w, unit, f"monitoring:{zone.id}.{post}"))


def _watch(w: World, unit: StaffUnit, case_id: str) -> Generator[Any, Any, None]:
    n = 0
    while True:
        with unit.resource.request(priority=0) as req:
            yield req
            idle = off_duty_wait_s(unit.pool, w.env.now)
            if idle:
                unit.resource.release(req)
                yield w.env.timeout(idle)
                continue
            stint = stint_s(unit.pool, w.env.now, _STINT_S)
            cid = f"{case_id}#{n}"
            w.rec.emit(cid, "zone_monitoring", Lifecycle.START, unit.name, w.env.now)
            yield w.env.timeout(stint)
            w.rec.emit(cid, "zone_monitoring", Lifecycle.STOP, unit.name, w.env.now)
        n += 1
