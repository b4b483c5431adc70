"""Capacity-aware selection: low-priority selections yield when inspection is saturated.

Lane plans match *expected* examination capacity; on the day a zone's inspectors are
short or a queue has built up, filling the plan anyway only lengthens the queue. The
plan's dumbbell (哑铃型监管, 二(三)2 四) asks to pass inspection pressure forward and
backward — to the scanner and to post-clearance audit. The caller (the twin, or the
central monitoring platform in a live system) passes the zone's state in as data; the
engine never looks at a clock or a queue itself.

Only selections that exist to fill a lane may yield: top-up, and random control above
the statutory minimum share. Targeted controls (analyst orders), criteria hits and the
random minimum are never moved. A deferred physical selection goes to the scanner when
the zone has one working and not saturated and the suspected kind is one an image can
show; otherwise, like a deferred scan, to post-clearance audit (后续稽查), where
documents and accounts can still find valuation and classification errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.risk.errors import PolicyError
from core.risk.kinds import FOUND_BY_DOCUMENTS, ViolationKind
from core.risk.model import Lane

__all__ = ["CapacityPolicy", "ZoneLoad", "deferred_lane"]


@dataclass(frozen=True, slots=True)
class ZoneLoad:
    """The inspection state of one zone now, as the caller observes it.

    Attributes:
        queue_length: Declarations waiting for physical inspection (查验).
        officers_on_duty: Inspection officers on duty in the zone.
        scan_queue_length: Declarations waiting for a scanner.
        scanners_up: Scanners (H986) in service.
    """

    queue_length: int
    officers_on_duty: int
    scan_queue_length: int = 0
    scanners_up: int = 0

    @property
    def pressure(self) -> float:
        """Waiting declarations per officer on duty (inf with a queue and nobody on duty)."""
        if self.officers_on_duty > 0:
            return self.queue_length / self.officers_on_duty
        return math.inf if self.queue_length else 0.0

    @property
    def scan_pressure(self) -> float:
        """Waiting declarations per working scanner (inf when none works)."""
        if self.scanners_up > 0:
            return self.scan_queue_length / self.scanners_up
        return math.inf


@dataclass(frozen=True, slots=True)
class CapacityPolicy:
    """When low-priority selections yield to the inspection state.

    Attributes:
        enabled: Whether selection looks at the load at all (off: selection is a
            function of the declarations only, whatever the queues).
        queue_per_officer: Physical-inspection queue per officer on duty at and above
            which low-priority physical selections are deferred.
        scan_queue_per_scanner: Scan queue per working scanner at and above which
            low-priority scan selections are deferred (and no physical one is sent
            to the scanner).
    """

    enabled: bool = False
    queue_per_officer: float = 1.0
    scan_queue_per_scanner: float = 6.0

    def __post_init__(self) -> None:
        """Validate the thresholds.

        Raises:
            PolicyError: A threshold that is negative or not a number.
        """
        for name in ("queue_per_officer", "scan_queue_per_scanner"):
            x = getattr(self, name)
            if not x >= 0:
                raise PolicyError(f"capacity.{name}: {x!r} must be ≥ 0")


def deferred_lane(
    policy: CapacityPolicy, load: ZoneLoad, lane: Lane, kind: ViolationKind | None
) -> Lane | None:
    """Return where a low-priority selection to ``lane`` goes under ``load``, or None to stay.

    Args:
        policy: The capacity policy (assumed enabled).
        load: The zone's state now.
        lane: The lane the selection would take (scan or physical).
        kind: The suspected violation kind, if the table's factors name one.
    """
    scan_ok = load.scan_pressure < policy.scan_queue_per_scanner
    saturated = load.pressure >= policy.queue_per_officer
    if lane is Lane.PHYSICAL and saturated:
        if scan_ok and kind not in FOUND_BY_DOCUMENTS:
            return Lane.SCAN
        return Lane.POST_AUDIT
    if lane is Lane.SCAN:
        # Without a working scanner a scan selection is opened instead (查验), so it
        # yields to the physical queue; with one, to the scan queue.
        busy = saturated if load.scanners_up == 0 else not scan_ok
        return Lane.POST_AUDIT if busy else None
    return None
