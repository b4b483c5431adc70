"""KPIs as pure functions of trace records, accumulated as the run goes.

Only cases that *arrive* after the warm-up count; resource busy time is clipped to the
observation window ``[warmup, horizon]``. The accumulator keeps per-case state only while
a case is in the system, so memory stays flat however long the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.trace import Lifecycle, TraceRecord
from twin.mechanism_kpis import CaseTally
from twin.stats import LogHistogram

__all__ = ["KpiAccumulator", "compute_kpis"]

_INSPECTING = ("scan", "physical")


class _Tally:
    """Counts of one group of cases (a flow, a credit class …)."""

    __slots__ = (
        "cases",
        "caught",
        "clearance",
        "duty",
        "found",
        "inspected",
        "missed_rev",
        "passed",
        "violations",
    )

    def __init__(self) -> None:
        self.clearance = LogHistogram()
        self.cases = self.inspected = self.found = self.violations = self.caught = self.passed = 0
        self.duty = self.missed_rev = 0.0

    def add(self, minutes: float, a: Mapping[str, Any]) -> None:
        self.clearance.add(minutes)
        self.cases += 1
        inspected = a.get("lane") in _INSPECTING
        self.inspected += inspected
        self.found += bool(a.get("found"))
        self.violations += bool(a.get("violation"))
        self.caught += bool(a.get("violation")) and bool(a.get("found"))
        self.passed += a.get("outcome", "pass") == "pass"
        self.duty += float(a.get("duty_cny", 0.0))
        self.missed_rev += float(a.get("revenue_missed_cny", 0.0))


class KpiAccumulator:
    """Consumes trace records one by one; :meth:`result` gives the KPI dict."""

    def __init__(
        self,
        warmup_s: float,
        horizon_s: float,
        capacity_s: Mapping[str, float],
        groups: Mapping[str, str] | None = None,
    ) -> None:
        """Observe ``[warmup_s, horizon_s]``.

        Args:
            warmup_s: Start of the observation window (seconds).
            horizon_s: End of the run (seconds).
            capacity_s: Resource → server-seconds offered in the window (utilisation's
                denominator; for staff pools this follows their rosters).
            groups: Resource → group (e.g. staff pool → role) for group utilisation.
        """
        self.warmup_s, self.horizon_s = warmup_s, horizon_s
        self.capacity_s = dict(capacity_s)
        self.groups = dict(groups or {})
        self._arrived: dict[str, float] = {}
        self._open: dict[tuple[str, str, str], float] = {}
        self._busy_s: dict[str, float] = dict.fromkeys(capacity_s, 0.0)
        self._waits: dict[str, LogHistogram] = {}
        self._all = _Tally()
        self._by: dict[str, _Tally] = {}
        self._lanes: dict[str, int] = {}
        self._mechanisms = CaseTally()  # kinds, deferrals, the trader's filings (issue 16)

    def __call__(self, rec: TraceRecord) -> None:
        """Observe one record (so the accumulator can be used as a recorder sink)."""
        self.observe(rec)

    def observe(self, rec: TraceRecord) -> None:
        """Observe one record."""
        if rec.activity == "clearance":
            self._on_clearance(rec)
            return
        key = (rec.case_id, rec.activity, rec.resource)
        if rec.lifecycle is Lifecycle.START or rec.lifecycle is Lifecycle.WAIT_START:
            self._open[key] = rec.time_s
            return
        start = self._open.pop(key, None)
        if start is None:
            return
        if rec.lifecycle is Lifecycle.WAIT_STOP:
            if start >= self.warmup_s:
                hist = self._waits.get(rec.resource)
                if hist is None:
                    hist = self._waits[rec.resource] = LogHistogram()
                hist.add(rec.time_s - start)
        elif rec.resource in self._busy_s:
            lo, hi = max(start, self.warmup_s), min(rec.time_s, self.horizon_s)
            if hi > lo:
                self._busy_s[rec.resource] += (hi - lo) * float(rec.attrs.get("officers", 1))

    def _on_clearance(self, rec: TraceRecord) -> None:
        if rec.lifecycle is Lifecycle.START:
            if rec.time_s >= self.warmup_s:
                self._arrived[rec.case_id] = rec.time_s
                self._mechanisms.lodged(rec.attrs)  # the trader's filings, at lodging
            return
        start = self._arrived.pop(rec.case_id, None)
        if start is None:
            return
        minutes = (rec.time_s - start) / 60.0
        a = rec.attrs
        self._all.add(minutes, a)
        self._mechanisms.add(a)
        for key in (f"flow={a.get('flow', '?')}", f"credit={a.get('credit_class', '?')}"):
            tally = self._by.get(key)
            if tally is None:
                tally = self._by[key] = _Tally()
            tally.add(minutes, a)
        lane = str(a.get("lane", "auto_release"))
        self._lanes[lane] = self._lanes.get(lane, 0) + 1

    def result(self) -> dict[str, float]:
        """Return the KPIs observed so far, by name (units in the names)."""
        window_h = (self.horizon_s - self.warmup_s) / 3600.0
        t = self._all
        n = t.cases
        out: dict[str, float] = {
            "trucks_cleared": float(n),
            "throughput_per_h": n / window_h if window_h > 0 else float("nan"),
            "clearance_time_min_mean": t.clearance.mean,
            "clearance_time_min_p50": t.clearance.quantile(0.50),
            "clearance_time_min_p95": t.clearance.quantile(0.95),
            "diverted_share": (n - t.passed) / n if n else float("nan"),
            "inspection_rate": t.inspected / n if n else float("nan"),
            "hit_rate": t.found / t.inspected if t.inspected else float("nan"),
            "violations": float(t.violations),
            "violations_caught": float(t.caught),
            "violations_missed": float(t.violations - t.caught),
            "detection_rate": t.caught / t.violations if t.violations else float("nan"),
            "duties_collected_mcny_per_day": t.duty / 1e6 / (window_h / 24.0)
            if window_h > 0
            else float("nan"),
            "revenue_missed_mcny": t.missed_rev / 1e6,
        }
        for lane in sorted(self._lanes):
            out[f"lane_share[{lane}]"] = self._lanes[lane] / n if n else float("nan")
        for key in sorted(self._by):
            g = self._by[key]
            out[f"clearance_time_min_mean[{key}]"] = g.clearance.mean
            out[f"clearance_time_min_p95[{key}]"] = g.clearance.quantile(0.95)
            if key.startswith("credit="):
                out[f"inspection_rate[{key}]"] = g.inspected / g.cases if g.cases else float("nan")
                out[f"hit_rate[{key}]"] = g.found / g.inspected if g.inspected else float("nan")
        out.update(self._mechanisms.result())
        out.update(self._resource_kpis(window_h))
        return out

    def _resource_kpis(self, window_h: float) -> dict[str, float]:
        out: dict[str, float] = {}
        window_s = window_h * 3600.0
        for resource in sorted(self._waits):
            hist = self._waits[resource]
            out[f"wait_min_mean[{resource}]"] = hist.mean / 60.0
            out[f"wait_min_p95[{resource}]"] = hist.quantile(0.95) / 60.0
            out[f"queue_len_mean[{resource}]"] = (
                hist.total / window_s if window_s > 0 else float("nan")
            )
        by_group: dict[str, list[float]] = {}
        for resource in sorted(self._busy_s):
            cap = self.capacity_s[resource]
            busy = self._busy_s[resource]
            out[f"utilisation[{resource}]"] = busy / cap if cap > 0 else float("nan")
            group = self.groups.get(resource)
            if group is not None:
                acc = by_group.setdefault(group, [0.0, 0.0])
                acc[0] += busy
                acc[1] += cap
        for group in sorted(by_group):
            busy, cap = by_group[group]
            out[f"utilisation[role={group}]"] = busy / cap if cap > 0 else float("nan")
        return out


def compute_kpis(
    records: Iterable[TraceRecord],
    warmup_s: float,
    horizon_s: float,
    capacity_s: Mapping[str, float],
    groups: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """Return the KPIs of a whole record stream (the same numbers the live accumulator gives)."""
    acc = KpiAccumulator(warmup_s, horizon_s, capacity_s, groups)
    for rec in records:
        acc.observe(rec)
    return acc.result()
