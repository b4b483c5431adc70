"""Non-intrusive scans (H986) and physical inspections (查验)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from core.risk import Lane, RiskDecision
from core.trace import Lifecycle
from ftz_spec import StaffRole
from twin.cases import Case
from twin.review import feed_back
from twin.world import World, staff_task

__all__ = ["gate_inspection", "inspect"]

_U_INSPECT = 17


def inspect(w: World, case: Case, decision: RiskDecision) -> Generator[Any, Any, bool]:
    """Scan or physically inspect ``case`` as its lane says; return whether a violation was found.

    A zone without an H986 scanner cannot scan: the goods are opened instead (查验), which
    is what a scan selection meant before the scanners came.
    """
    zone = case.flow.zone
    lane = decision.lane
    detection = w.scenario.uncertainties.detection
    if lane == Lane.SCAN and zone in w.h986 and f"{zone}/h986" not in w.down:
        yield from _scan(w, case, zone)
        suspect = bool(case.violation and case.u[_U_INSPECT] < detection.get("scan", 0.0))
        if not suspect:
            feed_back(w, case, decision, False)
            return False
        lane = Lane.PHYSICAL  # a suspect image is followed by opening the container
    yield from _physical(w, case, zone)
    found = bool(case.violation and case.u[_U_INSPECT] < detection.get("physical", 0.0))
    feed_back(w, case, decision, found)
    return found


def gate_inspection(w: World, case: Case, zone: str) -> Generator[Any, Any, bool]:
    """The inspection (查验) a gate ordered: the goods are opened in ``zone``, whatever the lane.

    Returns whether a violation was found.
    """
    yield from _physical(w, case, zone)
    detection = w.scenario.uncertainties.detection
    return bool(case.violation and case.u[_U_INSPECT] < detection.get("physical", 0.0))


def _scan(w: World, case: Case, zone: str) -> Generator[Any, Any, None]:
    scanner, name = w.h986[zone], f"{zone}/h986"
    w.rec.emit(case.case_id, "h986_scan", Lifecycle.WAIT_START, name, w.env.now)
    with scanner.request() as req:
        yield req
        w.rec.emit(case.case_id, "h986_scan", Lifecycle.WAIT_STOP, name, w.env.now)
        w.rec.emit(case.case_id, "h986_scan", Lifecycle.START, name, w.env.now)
        yield w.env.timeout(case.times["scan"])
        w.rec.emit(case.case_id, "h986_scan", Lifecycle.STOP, name, w.env.now)
    officers = w.unit(StaffRole.INSPECTION, zone)
    yield from staff_task(w, officers, "image_analysis", case.case_id, case.times["image_analysis"])


def _physical(w: World, case: Case, zone: str) -> Generator[Any, Any, None]:
    """Two officers open and check the goods in an inspection bay."""
    env, cid = w.env, case.case_id
    bay, bay_name = w.bays[zone], f"{zone}/inspection_bays"
    officers = w.unit(StaffRole.INSPECTION, zone)
    w.rec.emit(cid, "physical_inspection", Lifecycle.WAIT_START, bay_name, env.now)
    with bay.request() as bay_req:
        yield bay_req
        # Taking both officers under one lock means two half-formed teams can never
        # hold one officer each and wait for each other for ever.
        with w.pairing[officers.pool.id].request() as lock:
            yield lock
            first = officers.resource.request()
            yield first
            second = officers.resource.request()
            yield second
        w.rec.emit(cid, "physical_inspection", Lifecycle.WAIT_STOP, bay_name, env.now)
        w.rec.emit(cid, "physical_inspection", Lifecycle.START, bay_name, env.now)
        w.rec.emit(
            cid, "physical_inspection", Lifecycle.START, officers.name, env.now, {"officers": 2}
        )
        yield env.timeout(case.times["physical"])
        w.rec.emit(
            cid, "physical_inspection", Lifecycle.STOP, officers.name, env.now, {"officers": 2}
        )
        w.rec.emit(cid, "physical_inspection", Lifecycle.STOP, bay_name, env.now)
        officers.resource.release(first)
        officers.resource.release(second)
