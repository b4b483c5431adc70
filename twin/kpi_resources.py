"""The resource side of the KPIs: waits, busy time, queue lengths and stalls.

Fed every WAIT/START/STOP record by :class:`twin.kpi.KpiAccumulator`. A wait still open
when the run stops is counted with its time so far (right-censored), so a resource that
never serves keeps its queue in the KPIs instead of vanishing from them. A *stall* is a
stretch of time in which a resource had work waiting and took no one into service: the
longest is reported per resource, so a pool with too few officers on duty is named.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from twin.histogram import CensoredHistogram, LogHistogram

__all__ = ["ResourceTally"]


class _Queue:
    __slots__ = ("longest_s", "since_s", "waiting")

    def __init__(self) -> None:
        self.waiting = 0
        self.since_s = 0.0  # start of the current stretch with no one taken in
        self.longest_s = 0.0


class ResourceTally:
    """Waits and busy time per resource over the observation window ``[warmup, horizon]``."""

    def __init__(
        self,
        warmup_s: float,
        horizon_s: float,
        capacity_s: Mapping[str, float],
        groups: Mapping[str, str],
        stall_warning_s: float = math.inf,
    ) -> None:
        """See :class:`twin.kpi.KpiAccumulator` for the arguments."""
        self.warmup_s, self.horizon_s = warmup_s, horizon_s
        self.capacity_s = dict(capacity_s)
        self.groups = dict(groups)
        self.stall_warning_s = stall_warning_s
        self.busy_s: dict[str, float] = dict.fromkeys(capacity_s, 0.0)
        self.waits: dict[str, LogHistogram] = {}
        self.queues: dict[str, _Queue] = {}

    def wait_started(self, resource: str, t: float) -> None:
        """Someone starts waiting for ``resource`` at ``t``."""
        q = self.queues.get(resource)
        if q is None:
            q = self.queues[resource] = _Queue()
        if q.waiting == 0:
            q.since_s = t
        q.waiting += 1

    def wait_stopped(self, resource: str, started: float, t: float) -> None:
        """A wait that began at ``started`` ends at ``t``: someone was taken into service."""
        q = self.queues[resource]
        q.longest_s = max(q.longest_s, t - q.since_s)
        q.waiting -= 1
        q.since_s = t
        if started >= self.warmup_s:
            hist = self.waits.get(resource)
            if hist is None:
                hist = self.waits[resource] = LogHistogram()
            hist.add(t - started)

    def served(self, resource: str, start: float, stop: float, servers: float) -> None:
        """``servers`` of ``resource`` were busy from ``start`` to ``stop``."""
        if resource in self.busy_s:
            lo, hi = max(start, self.warmup_s), min(stop, self.horizon_s)
            if hi > lo:
                self.busy_s[resource] += (hi - lo) * servers

    def result(
        self,
        end_s: float,
        open_waits: Iterable[tuple[str, float]],
        open_service: Iterable[tuple[str, float, float]],
    ) -> dict[str, float]:
        """KPIs by resource at ``end_s``.

        Args:
            end_s: When the run stopped.
            open_waits: ``(resource, started)`` of waits still open.
            open_service: ``(resource, started, servers)`` of service still going on.
        """
        censored: dict[str, LogHistogram] = {}
        for resource, started in open_waits:
            if started >= self.warmup_s:
                censored.setdefault(resource, LogHistogram()).add(end_s - started)
        busy = dict(self.busy_s)
        for resource, started, servers in open_service:
            if resource in busy:
                lo, hi = max(started, self.warmup_s), min(end_s, self.horizon_s)
                busy[resource] += max(0.0, hi - lo) * servers
        out: dict[str, float] = {}
        window_s = self.horizon_s - self.warmup_s
        for resource in sorted(set(self.waits) | set(censored)):
            hist = CensoredHistogram(self.waits.get(resource), censored.get(resource))
            out[f"wait_min_mean[{resource}]"] = hist.mean / 60.0
            out[f"wait_min_p95[{resource}]"] = hist.quantile(0.95) / 60.0
            total = hist.done.total + hist.censored.total
            out[f"queue_len_mean[{resource}]"] = total / window_s if window_s > 0 else math.nan
        stalled = 0
        for resource in sorted(self.queues):
            q = self.queues[resource]
            longest = max(q.longest_s, end_s - q.since_s if q.waiting else 0.0)
            if longest > 0:
                out[f"longest_stall_h[{resource}]"] = longest / 3600.0
            stalled += longest >= self.stall_warning_s
        out["stalled_resources"] = float(stalled)
        out.update(self._utilisation(busy))
        return out

    def _utilisation(self, busy: Mapping[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        by_group: dict[str, list[float]] = {}
        for resource in sorted(busy):
            cap = self.capacity_s[resource]
            out[f"utilisation[{resource}]"] = busy[resource] / cap if cap > 0 else math.nan
            group = self.groups.get(resource)
            if group is not None:
                acc = by_group.setdefault(group, [0.0, 0.0])
                acc[0] += busy[resource]
                acc[1] += cap
        for group in sorted(by_group):
            b, cap = by_group[group]
            out[f"utilisation[role={group}]"] = b / cap if cap > 0 else math.nan
        return out
