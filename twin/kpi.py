"""KPIs as pure functions of trace records, accumulated as the run goes.

Only cases that *arrive* after the warm-up count; resource busy time is clipped to the
observation window ``[warmup, horizon]``. The accumulator keeps per-case state only while
a case is in the system, so memory stays flat however long the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from core.trace import Lifecycle, TraceRecord
from twin.stats import LogHistogram

__all__ = ["KpiAccumulator", "compute_kpis"]


@dataclass
class _WaitStats:
    hist: LogHistogram = field(default_factory=LogHistogram)


class KpiAccumulator:
    """Consumes trace records one by one; :meth:`result` gives the KPI dict."""

    def __init__(self, warmup_s: float, horizon_s: float, capacities: Mapping[str, int]) -> None:
        """Observe ``[warmup_s, horizon_s]``; ``capacities`` maps resource → servers."""
        self.warmup_s = warmup_s
        self.horizon_s = horizon_s
        self.capacities = dict(capacities)
        self._arrived: dict[str, float] = {}
        self._open: dict[tuple[str, str, str], float] = {}
        self._busy_s: dict[str, float] = dict.fromkeys(capacities, 0.0)
        self._clearance = LogHistogram()
        self._waits: dict[str, LogHistogram] = {}
        self._outcomes: dict[str, int] = {}
        self._violations = 0
        self._caught = 0

    def __call__(self, rec: TraceRecord) -> None:
        """Observe one record (so the accumulator can be used as a recorder sink)."""
        self.observe(rec)

    def observe(self, rec: TraceRecord) -> None:
        """Observe one record."""
        if rec.activity == "clearance":
            self._on_clearance(rec)
            return
        counted = rec.case_id in self._arrived
        key = (rec.case_id, rec.activity, rec.resource)
        if rec.lifecycle in (Lifecycle.START, Lifecycle.WAIT_START):
            self._open[key] = rec.time_s
            return
        start = self._open.pop(key, None)
        if start is None:
            return
        if rec.lifecycle is Lifecycle.WAIT_STOP:
            if counted:
                hist = self._waits.setdefault(rec.resource, LogHistogram())
                hist.add(rec.time_s - start)
        elif rec.resource in self._busy_s:
            lo, hi = max(start, self.warmup_s), min(rec.time_s, self.horizon_s)
            if hi > lo:
                self._busy_s[rec.resource] += hi - lo

    def _on_clearance(self, rec: TraceRecord) -> None:
        if rec.lifecycle is Lifecycle.START:
            if rec.time_s >= self.warmup_s:
                self._arrived[rec.case_id] = rec.time_s
            return
        start = self._arrived.pop(rec.case_id, None)
        if start is None:
            return
        self._clearance.add((rec.time_s - start) / 60.0)
        outcome = str(rec.attrs.get("outcome", "unknown"))
        self._outcomes[outcome] = self._outcomes.get(outcome, 0) + 1
        if rec.attrs.get("violation"):
            self._violations += 1
            if outcome != "pass":
                self._caught += 1

    def result(self) -> dict[str, float]:
        """Return the KPIs observed so far, by name (units in the names)."""
        n = self._clearance.count
        window = self.horizon_s - self.warmup_s
        out: dict[str, float] = {
            "trucks_cleared": float(n),
            "throughput_per_h": n / (window / 3600.0) if window > 0 else float("nan"),
            "clearance_time_min_mean": self._clearance.mean,
            "clearance_time_min_p50": self._clearance.quantile(0.50),
            "clearance_time_min_p95": self._clearance.quantile(0.95),
            "diverted_share": (n - self._outcomes.get("pass", 0)) / n if n else float("nan"),
            "violations": float(self._violations),
            "violations_caught": float(self._caught),
            "violations_missed": float(self._violations - self._caught),
        }
        for resource in sorted(self._waits):
            hist = self._waits[resource]
            out[f"wait_min_mean[{resource}]"] = hist.mean / 60.0
            out[f"wait_min_p95[{resource}]"] = hist.quantile(0.95) / 60.0
        for resource in sorted(self._busy_s):
            cap = self.capacities[resource]
            out[f"utilisation[{resource}]"] = (
                self._busy_s[resource] / (cap * window) if cap and window > 0 else float("nan")
            )
        return out


def compute_kpis(
    records: Iterable[TraceRecord], warmup_s: float, horizon_s: float, capacities: Mapping[str, int]
) -> dict[str, float]:
    """Return the KPIs of a whole record stream (the same numbers the live accumulator gives)."""
    acc = KpiAccumulator(warmup_s, horizon_s, capacities)
    for rec in records:
        acc.observe(rec)
    return acc.result()
