"""Which passage a reading belongs to: a reading counts only for the truck it was taken of.

A lane holds one truck at a time, but devices report on their own: a camera fires as the
truck rolls in, before the lane PC announces it; a seal reader answers after the
controller already decided on a timeout. Handing such readings to whoever stands in the
lane next mixes trucks: the next truck is then judged on the first one's seal and
weight. Two rules keep readings with their truck:

* a reading that names its passage (``Reading.case_id``) belongs to that passage: it is
  held until the passage arrives, and discarded as ``late_reading`` once it is decided;
* otherwise the reading's own time decides. Taken at or before the lane's last decision
  (and before the waiting truck arrived), it is the decided truck's: discarded as
  ``late_reading``. Taken later, it is the waiting truck's or, while the lane is empty,
  held for the next arrival, which takes it only within its early window.

Nothing here reads a clock: the times compared are the readings' and the decisions'.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from core.gate.readings import Reading

__all__ = ["Attribution", "Verdict"]


class Verdict(StrEnum):
    """What to do with a reading delivered for a lane."""

    FEED = "feed"  # it belongs to the passage waiting in the lane
    HOLD = "hold"  # it belongs to a passage not announced yet
    LATE = "late_reading"  # it belongs to a passage already decided


@dataclass(slots=True)
class _Lane:
    decided_s: float = -math.inf
    held: deque[Reading] = field(default_factory=deque)


class Attribution:
    """Per lane: when the last passage was decided, and the readings held for the next."""

    def __init__(self, capacity: int = 32) -> None:
        """Hold at most ``capacity`` readings per lane (memory stays flat)."""
        self.capacity = capacity
        self._lanes: dict[str, _Lane] = {}

    def _lane(self, lane: str) -> _Lane:
        book = self._lanes.get(lane)
        if book is None:
            book = self._lanes[lane] = _Lane()
        return book

    def judge(
        self,
        lane: str,
        reading: Reading,
        waiting: tuple[str, float] | None,
        decided: object,
    ) -> Verdict:
        """Say which passage ``reading`` belongs to.

        Args:
            lane: The lane it was delivered for.
            reading: The reading.
            waiting: ``(case id, arrival time)`` of the passage waiting in the lane, or
                None when the lane is empty.
            decided: The case ids decided so far (anything supporting ``in``).
        """
        if reading.case_id:
            if reading.case_id in decided:  # type: ignore[operator]
                return Verdict.LATE
            return Verdict.FEED if waiting and waiting[0] == reading.case_id else Verdict.HOLD
        last = self._lane(lane).decided_s
        if waiting is None:
            return Verdict.LATE if reading.time_s <= last else Verdict.HOLD
        if reading.time_s <= last and reading.time_s < waiting[1]:
            return Verdict.LATE
        return Verdict.FEED

    def hold(self, lane: str, reading: Reading) -> Reading | None:
        """Keep ``reading`` for the lane's next arrival; return the oldest one pushed out."""
        held = self._lane(lane).held
        held.append(reading)
        return held.popleft() if len(held) > self.capacity else None

    def release(self, lane: str, case_id: str) -> list[Reading]:
        """Return, oldest first, the held readings the arriving ``case_id`` may take.

        Readings that name another passage stay held for it.
        """
        book = self._lane(lane)
        mine = [r for r in book.held if r.case_id in ("", case_id)]
        book.held = deque(r for r in book.held if r.case_id not in ("", case_id))
        return mine

    def decided(self, lane: str, now: float) -> None:
        """Note that the lane's passage was decided at ``now``."""
        self._lane(lane).decided_s = now
