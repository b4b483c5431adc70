"""Non-intrusive scans (H986) and physical inspections (查验).

Each check finds what it can of the violation kind really there (:mod:`twin.detection`);
waiting declarations are counted per zone so that central monitoring can hand the risk
engine the zone's load (capacity-aware selection). With video-inspection terminals
(查验单兵设备, linked to the central monitoring platform) one officer opens a share of the
containers instead of two.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from core.risk import Lane, RiskDecision
from core.trace import Lifecycle
from ftz_spec import StaffRole
from twin.cases import Case
from twin.detection import finds
from twin.review import feed_back
from twin.world import World, staff_task

__all__ = ["gate_inspection", "inspect"]

_U_INSPECT, _U_VIDEO = 17, 15


def inspect(w: World, case: Case, decision: RiskDecision) -> Generator[Any, Any, bool]:
    """Scan or physically inspect ``case`` as its lane says; return whether a violation was found.

    A zone without an H986 scanner cannot scan: the goods are opened instead (查验), which
    is what a scan selection meant before the scanners came.
    """
    zone = case.flow.zone
    lane = decision.lane
    u = float(case.u[_U_INSPECT])
    if lane == Lane.SCAN and zone in w.h986 and f"{zone}/h986" not in w.down:
        yield from _scan(w, case, zone)
        if not finds(w.scenario, "scan", case, decision, u):
            feed_back(w, case, decision, False)
            return False
        lane = Lane.PHYSICAL  # a suspect image is followed by opening the container
    yield from _physical(w, case, zone)
    found = finds(w.scenario, "physical", case, decision, u)
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
    w.load.enter(w.load.scan, zone)
    with scanner.request() as req:
        yield req
        w.load.leave(w.load.scan, zone)
        w.rec.emit(case.case_id, "h986_scan", Lifecycle.WAIT_STOP, name, w.env.now)
        w.rec.emit(case.case_id, "h986_scan", Lifecycle.START, name, w.env.now)
        yield w.env.timeout(case.times["scan"])
        w.rec.emit(case.case_id, "h986_scan", Lifecycle.STOP, name, w.env.now)
    officers = w.unit(StaffRole.INSPECTION, zone)
    yield from staff_task(w, officers, "image_analysis", case.case_id, case.times["image_analysis"])


def _physical(w: World, case: Case, zone: str) -> Generator[Any, Any, None]:
    """Two officers (one with a video terminal) open and check the goods in a bay."""
    env, cid = w.env, case.case_id
    bay, bay_name = w.bays[zone], f"{zone}/inspection_bays"
    officers = w.unit(StaffRole.INSPECTION, zone)
    video = (
        w.scenario.levers.video_inspection
        and case.u[_U_VIDEO] < w.scenario.uncertainties.video_inspection_share
    )
    team = 1 if video else 2
    w.rec.emit(cid, "physical_inspection", Lifecycle.WAIT_START, bay_name, env.now)
    w.load.enter(w.load.physical, zone)
    with bay.request() as bay_req:
        yield bay_req
        # The wait for the bay and the wait for the two officers are recorded apart, so
        # a case stuck for want of officers is seen waiting at the pool, not at the bay.
        w.rec.emit(cid, "physical_inspection", Lifecycle.WAIT_STOP, bay_name, env.now)
        w.rec.emit(cid, "physical_inspection", Lifecycle.WAIT_START, officers.name, env.now)
        # Taking the team's officers under one lock means two half-formed teams can never
        # hold one officer each and wait for each other for ever.
        held = []
        with w.pairing[officers.pool.id].request() as lock:
            yield lock
            for _ in range(team):
                req = officers.resource.request()
                yield req
                held.append(req)
        w.load.leave(w.load.physical, zone)
        w.rec.emit(cid, "physical_inspection", Lifecycle.WAIT_STOP, officers.name, env.now)
        w.rec.emit(cid, "physical_inspection", Lifecycle.START, bay_name, env.now)
        attrs = {"officers": team}
        w.rec.emit(cid, "physical_inspection", Lifecycle.START, officers.name, env.now, attrs)
        yield env.timeout(case.times["physical"])
        w.rec.emit(cid, "physical_inspection", Lifecycle.STOP, officers.name, env.now, attrs)
        w.rec.emit(cid, "physical_inspection", Lifecycle.STOP, bay_name, env.now)
        for req in held:
            officers.resource.release(req)
