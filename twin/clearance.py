"""A shipment's way through customs, as a SimPy process that reads like the procedure.

declare → risk engine decides the lane → (review) → (scan / inspection) → gate →
(drive to the other zone → its gate) → released; duties collected, ledger annotated.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from core.gate import GateDecision, Outcome
from core.risk import CreditClass, Enterprise, Lane, RiskDecision
from core.trace import Lifecycle
from ftz_spec import StaffRole, flow_line
from twin.cases import Case
from twin.gate_process import pass_gate
from twin.inspection import gate_inspection, inspect
from twin.review import feed_back, review_declaration
from twin.world import World, staff_task

__all__ = ["clearance"]

_TAXED = ("second_line_import", "bonded_exhibition")


def _declared_before_gate(w: World, case: Case) -> bool:
    lv = w.scenario.levers
    if case.flow.kind == "first_line_entry" and lv.enter_first_declare_later:
        return False  # 先进区、后报关: enters on the manifest, declares in full later
    return not _batched(w, case)


def _batched(w: World, case: Case) -> bool:
    return (
        w.scenario.levers.batch_declaration
        and case.enterprise.uses_batch
        and case.flow.kind != "transfer_between_zones"
    )


def clearance(w: World, case: Case) -> Generator[Any, Any, None]:
    """Clear one shipment from declaration to release and record the whole case."""
    env, cid, flow = w.env, case.case_id, case.flow
    ent = case.enterprise
    w.rec.emit(cid, "clearance", Lifecycle.START, flow.zone, env.now, {"flow": flow.kind})
    decision = w.risk.assess(case.declaration, _core_enterprise(ent), env.now)
    lane = decision.lane
    found = False
    gate = w.gates[_gate_ref(w, case, flow.zone)]
    w.ledger.declare(case, gate.ref, env.now)
    if _batched(w, case):
        w.batch_today.setdefault((ent.enterprise_id, flow.zone), [0.0, 0.0])[0] += (
            case.declaration.value_cny
        )
        lane = Lane.AUTO_RELEASE if lane < Lane.SCAN else lane
    elif _declared_before_gate(w, case):
        found = yield from review_declaration(w, case, decision)
    else:
        env.process(_declare_later(w, case, decision))
    if flow.kind == "transfer_between_zones" and not w.scenario.levers.self_transport:
        # Without self-transport every transfer waits for a customs escort (关员押运).
        yield from staff_task(
            w, w.unit(StaffRole.GATE, flow.zone), "transfer_escort", cid, case.times["escort"]
        )
    if lane >= Lane.SCAN and not found:
        found = yield from inspect(w, case, decision)
    if _declared_before_gate(w, case) or _batched(w, case):
        w.ledger.released(case, env.now)
    outcome = yield from pass_gate(env, gate, case.truck, w.rec)
    # The gate's outcome is honoured: INSPECTION opens the goods before release, REJECT
    # turns the truck back (退回) unreleased. Neither is waved through by the manual post.
    inspected = lane >= Lane.SCAN
    found = (yield from _gate_orders(w, case, outcome, flow.zone, inspected)) or found
    final = outcome.outcome
    transfer = flow.kind == "transfer_between_zones" and flow.to is not None
    if transfer and final is not Outcome.REJECT:
        assert flow.to is not None
        yield env.timeout(w.drive_s(flow.zone, flow.to))
        unwatched = "" if w.scenario.levers.electronic_fence else "transfer_seal_check"
        gate_b = w.gates[_gate_ref(w, case, flow.to)]
        arrival = yield from pass_gate(env, gate_b, case.truck, w.rec, manual_reason=unwatched)
        found = (yield from _gate_orders(w, case, arrival, flow.to, inspected)) or found
        if arrival.outcome is Outcome.REJECT:
            final = Outcome.REJECT
    if outcome.outcome not in (Outcome.PASS, Outcome.REJECT):  # a rejected truck never passed
        # Released by the officer at the manual post, who annotates the ledger by hand.
        w.ledger.passed_gate(case, gate.ref, env.now)
    if lane == Lane.POST_AUDIT:
        env.process(_desk_audit(w, case, decision))
    if case.violation and not found:
        # What clearance missed stays with the enterprise until an audit finds it.
        slot = w.missed.setdefault(ent.enterprise_id, [0.0, 0.0])
        slot[0] += 1
        slot[1] += case.revenue_at_stake_cny
    w.rec.emit(
        cid,
        "clearance",
        Lifecycle.STOP,
        flow.zone,
        env.now,
        _outcome_attrs(w, case, decision, lane, found, final.value),
    )


def _gate_orders(
    w: World, case: Case, decision: GateDecision, zone: str, inspected: bool
) -> Generator[Any, Any, bool]:
    """Do what the gate ordered beyond its manual post; return whether a violation was found.

    A truck sent to INSPECTION has its goods opened, unless the only reason is its risk
    lane and that lane's inspection was done before the gate.
    """
    if decision.outcome is not Outcome.INSPECTION:
        return False
    if inspected and all(r.startswith("risk_lane:") for r in decision.reasons):
        return False
    return (yield from gate_inspection(w, case, zone))


def _outcome_attrs(
    w: World, case: Case, decision: RiskDecision, lane: Lane, found: bool, gate_outcome: str
) -> dict[str, Any]:
    """What the clearance STOP record carries: the case's truth and what customs did."""
    unc = w.scenario.uncertainties
    duty = 0.0
    if case.flow.kind in _TAXED:
        base = case.true_value_cny if found else case.declaration.value_cny
        d = base * unc.duty_rate
        duty = d + (base + d) * unc.vat_rate
    missed = bool(case.violation) and not found
    return {
        "flow": case.flow.kind,
        "zone": case.flow.zone,
        "credit_class": decision.credit_class.value,
        "lane": lane.label,
        "random": bool(decision.in_random_stratum),
        "outcome": gate_outcome,
        "released": gate_outcome != Outcome.REJECT.value,
        "violation": case.violation,
        "found": bool(found),
        "duty_cny": round(duty, 2),
        "revenue_missed_cny": round(case.revenue_at_stake_cny if missed else 0.0, 2),
    }


def _core_enterprise(agent: Any) -> Enterprise:
    return Enterprise(agent.enterprise_id, CreditClass(agent.credit_class))


def _gate_ref(w: World, case: Case, zone: str) -> str:
    flow = case.flow
    if flow.gate is not None and zone == flow.zone:
        return flow.gate
    return w.scenario.site.gates_of(zone, flow_line(flow))[0].ref


def _declare_later(w: World, case: Case, decision: RiskDecision) -> Generator[Any, Any, None]:
    """The full declaration follows entry within its deadline and is reviewed then."""
    yield w.env.timeout(case.times["late_filing"])
    w.counters.late_declarations += 1
    yield from review_declaration(w, case, decision)
    w.ledger.released(case, w.env.now)


def _desk_audit(w: World, case: Case, decision: RiskDecision) -> Generator[Any, Any, None]:
    """A post-clearance desk check (后续稽查) of a declaration the engine sent to audit."""
    unit = w.staff.unit(StaffRole.AUDIT, case.flow.zone)
    if unit is None:
        return
    yield from staff_task(w, unit, "desk_audit", case.case_id, 3600.0, priority=1)
    p = w.scenario.uncertainties.detection.get("post_audit", 0.0)
    found = bool(case.violation and case.u[18] < p)
    if found:
        w.counters.audit_findings += 1
        w.counters.revenue_recovered_cny += case.revenue_at_stake_cny
    feed_back(w, case, decision, found)
