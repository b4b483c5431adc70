"""Output series of one replication: for the warm-up analysis and the report's plots.

:class:`SeriesRecorder` is a recorder sink like the KPI accumulator, but it watches the
whole run from time zero (the warm-up is what it is for):

- clearance time of every truck and each resource's wait, in the order they *began*
  (arrival order: the order the warm-up cuts in), as means of consecutive batches of
  five (the batching of MSER-5), each with the time its last observation began; a truck
  that never finishes is left out (its time is censored); memory stays bounded;
- the number waiting at each resource over time, averaged over bins of an hour (or
  longer for long runs);
- the clearance-time distribution of the counted trucks (from the KPI accumulator).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from core.trace import Lifecycle, TraceRecord
from twin.histogram import CensoredHistogram

__all__ = ["BATCH", "BatchSeries", "InOrder", "ReplicationDetail", "Series", "SeriesRecorder"]

BATCH = 5  # MSER-5
_MAX_BATCHES = 16_384  # a week of the four zones (~35,000 trucks) stays at batches of five
_MAX_BINS = 400
_MAX_PENDING = 50_000


@dataclass(frozen=True)
class Series:
    """Batch means of one output series, in the order the observations began.

    Attributes:
        means: Mean of each batch.
        ends_s: When the last observation of each batch began (seconds): a warm-up that
            long leaves the batch out.
        batch: Observations per batch (5, or a multiple after compaction).
    """

    means: tuple[float, ...]
    ends_s: tuple[float, ...]
    batch: int


class BatchSeries:
    """Means of consecutive batches of observations, in bounded memory."""

    def __init__(self, batch: int = BATCH, max_batches: int = _MAX_BATCHES) -> None:
        """Batch ``batch`` observations; double the batch when ``max_batches`` is reached."""
        self.batch = batch
        self._max = max_batches
        self._means = array("d")
        self._ends = array("d")
        self._sum = 0.0
        self._n = 0

    def add(self, value: float, t: float) -> None:
        """Add the next observation, which began at ``t``."""
        self._sum += value
        self._n += 1
        if self._n >= self.batch:
            self._means.append(self._sum / self._n)
            self._ends.append(t)
            self._sum, self._n = 0.0, 0
            if len(self._means) >= self._max:
                self._compact()

    def _compact(self) -> None:
        m, e = self._means, self._ends
        self._means = array("d", ((m[i] + m[i + 1]) / 2 for i in range(0, len(m) - 1, 2)))
        self._ends = array("d", (e[i + 1] for i in range(0, len(e) - 1, 2)))
        self.batch *= 2

    def frozen(self) -> Series:
        """The complete batches as an immutable :class:`Series`."""
        return Series(tuple(self._means), tuple(self._ends), self.batch)


class InOrder:
    """Observations that end out of order, fed to a :class:`BatchSeries` in start order.

    Each observation takes a ticket when it begins; values are released in ticket order
    as soon as every earlier one has ended. An observation still open when more than
    ``max_pending`` wait behind it is skipped (censored), so a case that never ends
    cannot make memory grow.
    """

    def __init__(self, max_pending: int = _MAX_PENDING) -> None:
        """Hold at most about ``max_pending`` observations back."""
        self.out = BatchSeries()
        self._max = max_pending
        self._next = 0  # ticket to release next
        self._issued = 0
        self._begun: dict[int, float] = {}  # ticket → start time, while open
        self._done: dict[int, tuple[float, float]] = {}  # ticket → (value, start)

    def begin(self, t: float) -> int:
        """A new observation begins at ``t``; return its ticket."""
        ticket = self._issued
        self._issued += 1
        self._begun[ticket] = t
        return ticket

    def end(self, ticket: int, value: float) -> None:
        """Observation ``ticket`` ended with ``value``."""
        start = self._begun.pop(ticket, None)
        if start is None:
            return
        self._done[ticket] = (value, start)
        self._release()

    def _release(self) -> None:
        while self._next < self._issued:
            item = self._done.pop(self._next, None)
            if item is not None:
                self.out.add(*item)
            elif len(self._done) > self._max:
                self._begun.pop(self._next, None)  # still open after all this: censored
            else:
                return
            self._next += 1

    def frozen(self) -> Series:
        """The released observations as a :class:`Series` (open ones left out)."""
        for ticket in sorted(self._done):  # what waits only for still-open ones
            self.out.add(*self._done.pop(ticket))
        return self.out.frozen()


class _Level:
    __slots__ = ("area", "last_s", "n")

    def __init__(self, bins: int) -> None:
        self.n = 0
        self.last_s = 0.0
        self.area = [0.0] * bins


@dataclass(frozen=True)
class ReplicationDetail:
    """What the report draws from one replication besides its KPIs.

    Attributes:
        series: KPI id (``clearance_time_min_mean``, ``wait_min_mean[<resource>]``) →
            its batch means over the whole run.
        queue_bin_h: Width of the queue-level bins (hours).
        queues: Resource → mean number waiting in each bin from time zero.
        clearance_bins: ``(low_min, high_min, finished, censored)`` of the counted trucks.
    """

    series: dict[str, Series]
    queue_bin_h: float
    queues: dict[str, tuple[float, ...]]
    clearance_bins: tuple[tuple[float, float, int, int], ...]


class SeriesRecorder:
    """A recorder sink collecting :class:`ReplicationDetail` (see the module doc)."""

    def __init__(self, end_h: float) -> None:
        """Prepare bins up to ``end_h``, the latest the run can stop."""
        self.bin_s = 3600.0 * max(1.0, math.ceil(end_h / _MAX_BINS))
        self._bins = max(1, math.ceil(end_h * 3600.0 / self.bin_s))
        self._clearance = InOrder()
        self._waits: dict[str, InOrder] = {}
        self._levels: dict[str, _Level] = {}
        self._cases: dict[str, tuple[int, float]] = {}  # open case → (ticket, start)
        self._waiting: dict[tuple[str, str, str], tuple[int, float]] = {}

    def __call__(self, rec: TraceRecord) -> None:
        """Observe one record."""
        lc = rec.lifecycle
        if rec.activity == "clearance":
            if lc is Lifecycle.START:
                self._cases[rec.case_id] = (self._clearance.begin(rec.time_s), rec.time_s)
            else:
                opened = self._cases.pop(rec.case_id, None)
                if opened is not None:
                    self._clearance.end(opened[0], (rec.time_s - opened[1]) / 60.0)
            return
        if lc is not Lifecycle.WAIT_START and lc is not Lifecycle.WAIT_STOP:
            return
        key = (rec.case_id, rec.activity, rec.resource)
        series = self._waits.get(rec.resource)
        if series is None:
            series = self._waits[rec.resource] = InOrder()
        if lc is Lifecycle.WAIT_START:
            self._waiting[key] = (series.begin(rec.time_s), rec.time_s)
            self._level(rec.resource, rec.time_s, +1)
            return
        opened = self._waiting.pop(key, None)
        if opened is None:
            return
        self._level(rec.resource, rec.time_s, -1)
        series.end(opened[0], (rec.time_s - opened[1]) / 60.0)

    def _level(self, resource: str, t: float, step: int) -> None:
        lv = self._levels.get(resource)
        if lv is None:
            lv = self._levels[resource] = _Level(self._bins)
        self._accrue(lv, t)
        lv.n += step

    def _accrue(self, lv: _Level, t: float) -> None:
        """Add ``n × time`` from the last change to ``t`` into the bins it spans."""
        lo = lv.last_s
        while lv.n and lo < t:
            b = min(int(lo // self.bin_s), self._bins - 1)
            hi = min(t, (b + 1) * self.bin_s) if b < self._bins - 1 else t
            lv.area[b] += lv.n * (hi - lo)
            lo = hi
        lv.last_s = t

    def detail(self, end_s: float, clearance: CensoredHistogram) -> ReplicationDetail:
        """The detail at ``end_s`` with the counted trucks' clearance ``clearance``."""
        for lv in self._levels.values():
            self._accrue(lv, end_s)
        used = max(1, min(self._bins, math.ceil(end_s / self.bin_s)))
        queues = {
            r: tuple(a / self.bin_s for a in lv.area[:used])
            for r, lv in sorted(self._levels.items())
        }
        series = {"clearance_time_min_mean": self._clearance.frozen()}
        for r in sorted(self._waits):
            series[f"wait_min_mean[{r}]"] = self._waits[r].frozen()
        keys = sorted(
            {k for k, _ in clearance.done.items()} | {k for k, _ in clearance.censored.items()}
        )
        bins = tuple(
            (*clearance.done.edges(k), clearance.done.get(k), clearance.censored.get(k))
            for k in keys
        )
        return ReplicationDetail(series, self.bin_s / 3600.0, queues, bins)
