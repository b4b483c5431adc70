"""KPIs as pure functions of trace records, accumulated as the run goes.

Only cases that *arrive* after the warm-up count; resource busy time is clipped to the
observation window ``[warmup, horizon]``. Every counted truck is accounted for: it is
either cleared or, when the run stops, *unfinished* — counted by flow and by the
resource it waits at, and in the clearance-time KPIs as a right-censored observation
(the mean counts it with its time so far, percentiles are Kaplan–Meier). The
accumulator keeps per-case state only while a case is in the system, so memory stays
flat however long the run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from core.trace import Lifecycle, TraceRecord
from twin.histogram import CensoredHistogram
from twin.kpi_resources import ResourceTally
from twin.mechanism_kpis import CaseTally

__all__ = ["KpiAccumulator", "compute_kpis"]

_INSPECTIONS = ("h986_scan", "physical_inspection")
# Work done for a case that does not hold the truck up (it goes on in its own process).
_BACKGROUND = ("risk_feedback", "desk_audit")


def _parsed(a: Mapping[str, Any]) -> tuple[bool, bool, bool, float, float]:
    """(found, violation, passed, duty, revenue missed) of a clearance's STOP attributes."""
    return (
        bool(a.get("found")),
        bool(a.get("violation")),
        a.get("outcome", "pass") == "pass",
        float(a.get("duty_cny", 0.0)),
        float(a.get("revenue_missed_cny", 0.0)),
    )


class _Tally:
    """Counts of one group of cases (all, a flow, a credit class)."""

    __slots__ = (
        "cases",
        "caught",
        "clearance",
        "duty",
        "hits",
        "inspected",
        "missed_rev",
        "passed",
        "violations",
    )  # fmt: skip

    def __init__(self) -> None:
        self.clearance = CensoredHistogram()
        self.cases = self.inspected = self.hits = self.violations = self.caught = self.passed = 0
        self.duty = self.missed_rev = 0.0

    def add(
        self, minutes: float, p: tuple[bool, bool, bool, float, float], inspected: bool
    ) -> None:
        """Count one cleared case from its :func:`_parsed` attributes (read once per case)."""
        found, violation, passed, duty, missed = p
        self.clearance.done.add(minutes)
        self.cases += 1
        self.inspected += inspected
        self.hits += inspected and found
        self.violations += violation
        self.caught += violation and found
        self.passed += passed
        self.duty += duty
        self.missed_rev += missed

    def clearance_kpis(self, suffix: str = "") -> dict[str, float]:
        c = self.clearance
        return {
            f"clearance_time_min_mean{suffix}": c.mean,
            f"clearance_time_min_p50{suffix}": c.quantile(0.50),
            f"clearance_time_min_p95{suffix}": c.quantile(0.95),
        }


class KpiAccumulator:
    """Consumes trace records one by one; :meth:`result` gives the KPI dict."""

    def __init__(
        self,
        warmup_s: float,
        horizon_s: float,
        capacity_s: Mapping[str, float],
        groups: Mapping[str, str] | None = None,
        stall_warning_s: float = math.inf,
    ) -> None:
        """Observe ``[warmup_s, horizon_s]``.

        Args:
            warmup_s: Start of the observation window (seconds).
            horizon_s: End of arrivals and of the utilisation window (seconds).
            capacity_s: Resource → server-seconds offered in the window (utilisation's
                denominator; for staff pools this follows their rosters).
            groups: Resource → group (e.g. staff pool → role) for group utilisation.
            stall_warning_s: A resource whose longest stall reaches this is counted in
                ``stalled_resources``.
        """
        self.warmup_s, self.horizon_s = warmup_s, horizon_s
        self.end_s: float | None = None
        self._last_s = 0.0
        self._res = ResourceTally(warmup_s, horizon_s, capacity_s, groups or {}, stall_warning_s)
        self._arrived: dict[str, tuple[float, str]] = {}  # counted case → (arrival, flow)
        self._early: set[str] = set()  # cases of the warm-up still inside
        self._inspected: set[str] = set()
        # (case, activity, resource) → (since, waiting?, servers) of what is going on now
        self._open: dict[tuple[str, str, str], tuple[float, bool, float]] = {}
        self._all = _Tally()
        self._by: dict[str, _Tally] = {}
        self._lanes: dict[str, int] = {}
        self._mechanisms = CaseTally()  # kinds, deferrals, the trader's filings (issue 16)

    def __call__(self, rec: TraceRecord) -> None:
        """Observe one record (so the accumulator can be used as a recorder sink)."""
        self.observe(rec)

    def close(self, end_s: float) -> None:
        """Say when the run stopped: what is still open then is unfinished (censored)."""
        self.end_s = end_s

    def observe(self, rec: TraceRecord) -> None:
        """Observe one record."""
        self.take(rec.case_id, rec.activity, rec.lifecycle, rec.resource, rec.time_s, rec.attrs)

    def take(
        self,
        case_id: str,
        activity: str,
        lc: Lifecycle,
        resource: str,
        time_s: float,
        attrs: Mapping[str, Any],
    ) -> None:
        """Observe one record given as its fields (a :class:`core.trace.FieldSink`)."""
        self._last_s = time_s
        if activity == "clearance":
            self._on_clearance(case_id, lc, time_s, attrs)
            return
        key = (case_id, activity, resource)
        if lc is Lifecycle.START or lc is Lifecycle.WAIT_START:
            waiting = lc is Lifecycle.WAIT_START
            self._open[key] = (time_s, waiting, float(attrs.get("officers", 1)))
            if waiting:
                self._res.wait_started(resource, time_s)
            elif activity in _INSPECTIONS and case_id in self._arrived:
                self._inspected.add(case_id)
            return
        opened = self._open.pop(key, None)
        if opened is None:
            return
        if lc is Lifecycle.WAIT_STOP:
            self._res.wait_stopped(resource, opened[0], time_s)
        else:
            self._res.served(resource, opened[0], time_s, opened[2])

    def _on_clearance(self, cid: str, lc: Lifecycle, time_s: float, a: Mapping[str, Any]) -> None:
        if lc is Lifecycle.START:
            if self.warmup_s <= time_s < self.horizon_s:
                self._arrived[cid] = (time_s, str(a.get("flow", "?")))
                self._mechanisms.lodged(a)  # the trader's filings, at lodging
            elif time_s < self.warmup_s:
                self._early.add(cid)
            return
        self._early.discard(cid)
        arrived = self._arrived.pop(cid, None)
        if arrived is None:
            return
        inspected = cid in self._inspected
        self._inspected.discard(cid)
        minutes = (time_s - arrived[0]) / 60.0
        parsed = _parsed(a)
        self._all.add(minutes, parsed, inspected)
        self._mechanisms.add(a)
        for key in (f"flow={a.get('flow', arrived[1])}", f"credit={a.get('credit_class', '?')}"):
            self._tally(key).add(minutes, parsed, inspected)
        lane = str(a.get("lane", "auto_release"))
        self._lanes[lane] = self._lanes.get(lane, 0) + 1

    def _tally(self, key: str) -> _Tally:
        tally = self._by.get(key)
        if tally is None:
            tally = self._by[key] = _Tally()
        return tally

    def result(self) -> dict[str, float]:
        """Return the KPIs, treating what is still open as unfinished (units in the names).

        The accumulator is not changed: a result taken during a run is a snapshot.
        """
        all_, by, unfinished = self._with_unfinished()
        out = self._case_kpis(all_, len(self._arrived))
        for key in sorted(unfinished):
            out[f"unfinished_cases[{key}]"] = float(unfinished[key])
        n = all_.cases
        for lane in sorted(self._lanes):
            out[f"lane_share[{lane}]"] = self._lanes[lane] / n if n else math.nan
        for key in sorted(by):
            g = by[key]
            out.update(g.clearance_kpis(f"[{key}]"))
            if key.startswith("credit="):
                out[f"trucks_cleared[{key}]"] = float(g.cases)
                out[f"trucks_inspected[{key}]"] = float(g.inspected)
                out[f"inspection_rate[{key}]"] = g.inspected / g.cases if g.cases else math.nan
                out[f"hit_rate[{key}]"] = g.hits / g.inspected if g.inspected else math.nan
        out.update(self._mechanisms.result())
        open_waits = [(k[2], t) for k, (t, w, _) in self._open.items() if w]
        open_service = [(k[2], t, n) for k, (t, w, n) in self._open.items() if not w]
        out.update(self._res.result(self._end(), open_waits, open_service))
        return out

    def _case_kpis(self, t: _Tally, unfinished: int) -> dict[str, float]:
        window_h = (self.horizon_s - self.warmup_s) / 3600.0
        n = t.cases
        observed = n + unfinished
        return {
            "trucks_observed": float(observed),
            "trucks_cleared": float(n),
            "unfinished_cases": float(unfinished),
            "unfinished_share": unfinished / observed if observed else math.nan,
            "unfinished_warmup_arrivals": float(len(self._early)),
            "throughput_per_h": n / window_h if window_h > 0 else math.nan,
            **t.clearance_kpis(),
            "diverted_share": (n - t.passed) / n if n else math.nan,
            "trucks_inspected": float(t.inspected),
            "inspection_rate": t.inspected / n if n else math.nan,
            "hit_rate": t.hits / t.inspected if t.inspected else math.nan,
            "violations": float(t.violations),
            "violations_caught": float(t.caught),
            "violations_missed": float(t.violations - t.caught),
            "detection_rate": t.caught / t.violations if t.violations else math.nan,
            "duties_collected_mcny_per_day": t.duty / 1e6 / (window_h / 24.0)
            if window_h > 0
            else math.nan,
            "revenue_missed_mcny": t.missed_rev / 1e6,
        }

    def _where_unfinished(self) -> dict[str, str]:
        """Counted open case → the resource it waits at (or is served by), latest first."""
        latest: dict[str, tuple[bool, float, str]] = {}
        for (cid, activity, resource), (since, waiting, _) in self._open.items():
            if cid not in self._arrived or activity in _BACKGROUND or not resource:
                continue
            rank = (waiting, since, resource)
            if cid not in latest or rank > latest[cid]:
                latest[cid] = rank
        return {cid: r[2] for cid, r in latest.items()}

    def _with_unfinished(self) -> tuple[_Tally, dict[str, _Tally], dict[str, int]]:
        """Tallies with the open cases added as censored, and unfinished counts by key."""
        end = self._end()
        where = self._where_unfinished()
        all_ = _copy(self._all)
        by = {k: _copy(v) for k, v in self._by.items()}
        unfinished: dict[str, int] = {}
        for cid, (start, flow) in self._arrived.items():
            minutes = (end - start) / 60.0
            all_.clearance.censored.add(minutes)
            key = f"flow={flow}"
            by.setdefault(key, _Tally()).clearance.censored.add(minutes)
            at = f"at={where.get(cid, 'no_resource')}"
            for k in (key, at):
                unfinished[k] = unfinished.get(k, 0) + 1
        return all_, by, unfinished

    def _end(self) -> float:
        return self.end_s if self.end_s is not None else self._last_s

    def clearance_distribution(self) -> CensoredHistogram:
        """Clearance times (min) of the counted trucks, unfinished ones censored."""
        return self._with_unfinished()[0].clearance


def _copy(t: _Tally) -> _Tally:
    """A tally whose censored part can be filled without touching ``t``."""
    c = _Tally()
    for name in _Tally.__slots__:
        if name != "clearance":
            setattr(c, name, getattr(t, name))
    c.clearance = CensoredHistogram(t.clearance.done)
    return c


def compute_kpis(
    records: Iterable[TraceRecord],
    warmup_s: float,
    horizon_s: float,
    capacity_s: Mapping[str, float],
    groups: Mapping[str, str] | None = None,
    end_s: float | None = None,
) -> dict[str, float]:
    """Return the KPIs of a whole record stream (the same numbers the live accumulator gives)."""
    acc = KpiAccumulator(warmup_s, horizon_s, capacity_s, groups)
    for rec in records:
        acc.observe(rec)
    if end_s is not None:
        acc.close(end_s)
    return acc.result()
