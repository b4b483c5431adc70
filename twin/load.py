"""The inspection state of each zone now, as central monitoring (中央监控平台) sees it.

Inspections count themselves in and out of their zone's queues; :meth:`InspectionLoad.of`
hands the risk engine a :class:`core.risk.ZoneLoad` — plain data, so the core stays pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.risk import ZoneLoad
from ftz_spec import StaffRole
from twin.staff import on_duty

if TYPE_CHECKING:
    from twin.world import World

__all__ = ["InspectionLoad"]

_HOUR = 3600.0


class InspectionLoad:
    """Queue lengths per zone for physical inspection and for the scanner."""

    def __init__(self) -> None:
        """Start with empty queues."""
        self.physical: dict[str, int] = {}
        self.scan: dict[str, int] = {}

    def enter(self, queue: dict[str, int], zone: str) -> None:
        """Count one declaration joining ``queue`` (``physical`` or ``scan``) in ``zone``."""
        queue[zone] = queue.get(zone, 0) + 1

    def leave(self, queue: dict[str, int], zone: str) -> None:
        """Count one declaration leaving ``queue`` in ``zone``."""
        queue[zone] = queue.get(zone, 0) - 1

    def of(self, w: World, zone: str) -> ZoneLoad:
        """Return the zone's state now: queues, inspection officers on duty, scanners up."""
        unit = w.staff.unit(StaffRole.INSPECTION, zone)
        officers = on_duty(unit.pool, int(w.env.now // _HOUR)) if unit is not None else 0
        scanners = w.scenario.levers.h986.get(zone, 0)
        if f"{zone}/h986" in w.down:
            scanners = 0
        return ZoneLoad(self.physical.get(zone, 0), officers, self.scan.get(zone, 0), scanners)
