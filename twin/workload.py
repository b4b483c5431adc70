"""Work that is not about one truck: the daily round of the organisation.

Every day: enterprises apply the credit rules (Mesa step), consolidated declarations are
filed for batch movements, processing-trade write-offs are due, IT maintains the devices,
support staff serve everyone. Analysts' targeting and post-clearance audit are driven by
their officers' time (:mod:`twin.targeting`, :mod:`twin.audit_office`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from core.risk import CreditClass, Declaration, Enterprise, GoodsLine, Procedure
from ftz_spec import StaffRole
from twin.review import needs_review
from twin.world import World, staff_task

__all__ = ["daily_round"]

_DAY = 86_400.0
_OFFICE_START, _OFFICE_LEN = 8.5 * 3600.0, 8.0 * 3600.0


def daily_round(w: World) -> Generator[Any, Any, None]:
    """Run the organisation's daily work at the start of every simulated day."""
    # One stream per kind of work: a lever that changes how much of one there is (the
    # write-off lever) leaves the draws of every other unchanged (common random numbers).
    rng = {k: w.streams.get(f"workload/{k}") for k in ("support", "it", "write_off")}
    zones = [z.id for z in w.scenario.site.zones]
    writeoff_share = _traffic_shares(w, zones)
    while True:
        day = int(w.env.now // _DAY)
        w.enterprises.step()
        _file_batch_declarations(w, day)
        _spread(w, rng["support"], StaffRole.SUPPORT, None, "support", _support_hours(w), 0.5)
        _spread(w, rng["it"], StaffRole.IT, None, "device_maintenance", _maintenance_hours(w), 0.5)
        if day % 7 < 5:  # write-off is desk work of the working week
            hours = _writeoff_hours(w)
            for zone in zones:
                _spread(
                    w, rng["write_off"], StaffRole.DOCUMENT_REVIEW, zone, "write_off",
                    hours * writeoff_share[zone], 1.0,
                )  # fmt: skip
        yield w.env.timeout((day + 1) * _DAY - w.env.now)


def _traffic_shares(w: World, zones: list[str]) -> dict[str, float]:
    """Each zone's share of the trucks: processing trade is written off where it moves."""
    per = dict.fromkeys(zones, 0.0)
    for flow in w.scenario.uncertainties.flows:
        per[flow.zone] += flow.trucks_per_day
    total = sum(per.values())
    return {z: (v / total if total else 1.0 / len(zones)) for z, v in per.items()}


def _spread(
    w: World,
    rng: Any,
    role: StaffRole,
    zone: str | None,
    activity: str,
    hours: float,
    chunk_h: float,
) -> None:
    """Split ``hours`` of work into tasks arriving over today's office hours."""
    unit = w.staff.unit(role, zone)
    if unit is None or hours <= 0:
        return
    n = max(1, round(hours / chunk_h))
    day0 = (w.env.now // _DAY) * _DAY
    for i, at in enumerate(sorted(rng.uniform(0, _OFFICE_LEN, n))):
        w.env.process(
            _later(
                w,
                day0 + _OFFICE_START + at,
                unit,
                activity,
                f"{activity}#{int(day0 // _DAY)}.{i}",
                hours / n * 3600.0,
            )
        )


def _later(
    w: World, at: float, unit: Any, activity: str, case_id: str, duration_s: float
) -> Generator[Any, Any, None]:
    yield w.env.timeout(max(0.0, at - w.env.now))
    yield from staff_task(w, unit, activity, case_id, duration_s, priority=1)


def _support_hours(w: World) -> float:
    headcount = sum(p.count for p in w.scenario.site.staff_pools)
    return headcount * w.scenario.uncertainties.times.support_h_per_staff_day


def _maintenance_hours(w: World) -> float:
    """Device care: 0.1 h per gate device per lane a day, 1 h per H986 (assumptions)."""
    devices = sum(len(g.devices) * g.lanes for g in w.scenario.site.gates)
    if not w.scenario.levers.intelligent_gates:
        devices = 0
    return 0.1 * devices + 1.0 * sum(w.scenario.levers.h986.values())


def _writeoff_hours(w: World) -> float:
    """A month's write-off (核销) of every processing enterprise, spread over 22 working days."""
    t = w.scenario.uncertainties.times
    per = t.writeoff_work_order_h if w.scenario.levers.work_order_writeoff else t.writeoff_manual_h
    processing = sum(1 for a in w.enterprises.roster if a.processing)
    return processing * per / 22.0


def _file_batch_declarations(w: World, day: int) -> None:
    """File yesterday's consolidated declarations (集中申报) and review them as the lane says."""
    pending, w.batch_today = w.batch_today, {}
    agents = {a.enterprise_id: a for a in w.enterprises.roster}
    for (eid, zone), (value, _) in sorted(pending.items()):
        agent = agents[eid]
        decl = Declaration(f"B{eid}.{zone}.{day}", eid, Procedure.SECOND_LINE_IMPORT, zone,
                           (GoodsLine(agent.chapters[0] + "01", agent.origins[0], value, 1000.0),))  # fmt: skip
        decision = w.risk.assess(decl, Enterprise(eid, CreditClass(agent.credit_class)), w.env.now)
        w.counters.batch_declarations += 1
        if needs_review(w, decision.lane):
            unit = w.unit(StaffRole.DOCUMENT_REVIEW, zone)
            w.env.process(
                staff_task(w, unit, "batch_review", decl.declaration_id, 1800.0, priority=1)
            )
