"""A shipment's way through customs, as a SimPy process that reads like the procedure.

declare (the risk engine decides the lane, a free analyst may review it, the enterprise
files with customs and the other agencies) → (review) → (port transit, escort) →
(scan / inspection) → (tax review, duty payment) → the agencies' answers → gate →
(drive to the other zone → its gate) → released; duties collected, ledger annotated;
post-clearance checks queued.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from core.gate import GateDecision, Outcome
from core.risk import CreditClass, Enterprise, Lane, RiskDecision
from core.trace import Lifecycle
from ftz_spec import StaffRole, flow_line
from twin.cases import Case
from twin.documents import three_documents_disagree
from twin.duties import duty_cny, tax_steps, verified
from twin.filing import Filed, enterprise_filing, file_records
from twin.gate_process import pass_gate
from twin.inspection import gate_inspection, inspect
from twin.review import feed_back, review_declaration
from twin.world import World, staff_task

__all__ = ["clearance"]


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
    filed = enterprise_filing(w, case)  # what the trader lodged, with customs and others
    load = w.load.of(w, flow.zone) if w.scenario.levers.capacity_aware_selection else None
    decision = w.risk.assess(case.declaration, _core_enterprise(ent), env.now, load)
    decision = w.desk.review(case, decision)  # pre-arrival review by a free analyst
    lane = decision.lane
    # The lane is recorded when decided, so a case still in inspection at the horizon
    # counts towards its class's inspection rate (the credit rule's measure).
    w.rec.emit(cid, "clearance", Lifecycle.START, flow.zone, env.now,
               {"flow": flow.kind, **_filed(w, filed),
                "credit_class": decision.credit_class.value,
                "decided_lane": lane.label})  # fmt: skip
    agencies = env.timeout(filed.agency_wait_s)  # other agencies answer meanwhile
    yield from file_records(w, case, filed)
    found = _found_by_computer(w, case)
    if found:
        feed_back(w, case, decision, True)  # the closed loop learns from the system's finds too
    gate = w.gates[_gate_ref(w, case, flow.zone)]
    w.ledger.declare(case, gate.ref, env.now)
    if _batched(w, case):
        w.batch_today.setdefault((ent.enterprise_id, flow.zone), [0.0, 0.0])[0] += (
            case.declaration.value_cny
        )
        lane = Lane.AUTO_RELEASE if lane < Lane.SCAN else lane
    elif _declared_before_gate(w, case):
        found = (yield from review_declaration(w, case, decision, found)) or found
    else:
        env.process(_declare_later(w, case, decision, found))
    yield from _transit_and_escort(w, case)
    if lane >= Lane.SCAN and not found:
        found = yield from inspect(w, case, decision)
    if not _batched(w, case):
        yield from tax_steps(w, case)
    yield agencies
    if _declared_before_gate(w, case) or _batched(w, case):
        w.ledger.released(case, env.now)
    outcome = yield from pass_gate(env, gate, case.truck, w.rec)
    # The gate's outcome is honoured: INSPECTION opens the goods before release, REJECT
    # turns the truck back (退回) unreleased. Neither is waved through by the manual post.
    inspected = lane >= Lane.SCAN
    found = (yield from _gate_orders(w, case, outcome, flow.zone, inspected)) or found
    final = outcome.outcome
    if final not in (Outcome.PASS, Outcome.REJECT):  # a rejected truck never passed
        # Released by the officer at the manual post, who annotates the ledger by hand.
        w.ledger.passed_gate(case, gate.ref, env.now)
    if (
        flow.kind == "transfer_between_zones"
        and flow.to is not None
        and final is not Outcome.REJECT
    ):
        yield env.timeout(w.drive_s(flow.zone, flow.to))
        unwatched = "" if w.scenario.levers.electronic_fence else "transfer_seal_check"
        gate_b = w.gates[_gate_ref(w, case, flow.to)]
        arrival = yield from pass_gate(env, gate_b, case.truck, w.rec, manual_reason=unwatched)
        found = (yield from _gate_orders(w, case, arrival, flow.to, inspected)) or found
        if arrival.outcome is Outcome.REJECT:
            final = Outcome.REJECT
        elif arrival.outcome is not Outcome.PASS:
            # The officer at the receiving gate confirms the arrival (到货确认) by hand.
            w.ledger.passed_gate(case, gate_b.ref, env.now)
    if final is not Outcome.REJECT:
        _after_release(w, case, decision, lane, found)
    attrs = _outcome_attrs(w, case, decision, lane, found, final.value)
    w.rec.emit(cid, "clearance", Lifecycle.STOP, flow.zone, env.now, attrs)


def _found_by_computer(w: World, case: Case) -> bool:
    """Checks the computer makes at declaration, before any officer looks.

    The pre-classification database (预归类) catches a misclassified code; the
    three-document comparison (三单比对) catches hidden goods when the carrier's manifest
    shows the real packages and weight.
    """
    lv, unc = w.scenario.levers, w.scenario.uncertainties
    if lv.pre_classification and case.violation == "misclassification":
        return bool(case.u[11] < unc.pre_classification_detection)
    if lv.three_document_check and case.violation == "smuggling":
        return bool(three_documents_disagree(case, case.u[25] < unc.manifest_shows_hidden))
    return False


def _transit_and_escort(w: World, case: Case) -> Generator[Any, Any, None]:
    """Formalities between the port or the other zone and this gate, when reforms are off."""
    lv, flow, cid = w.scenario.levers, case.flow, case.case_id
    if flow.kind == "first_line_entry" and not lv.port_zone_direct_entry:
        # Without direct entry (区港一体化 直通), bonded goods from the port move in
        # transit (转关) and wait for the transit formality at the port to close.
        yield w.env.timeout(case.times["port_transit"])
    if flow.kind == "transfer_between_zones" and not lv.self_transport:
        # Without self-transport every transfer waits for a customs escort (关员押运).
        yield from staff_task(
            w, w.unit(StaffRole.GATE, flow.zone), "transfer_escort", cid, case.times["escort"]
        )


def _after_release(w: World, case: Case, decision: RiskDecision, lane: Lane, found: bool) -> None:
    """Post-clearance checks that follow release, and what clearance missed."""
    w.office.released(case)
    if lane == Lane.POST_AUDIT and not found:
        w.office.check(case, decision, "desk_check")  # 后续稽查 of the declaration
    elif verified(w, case) and not found:
        w.office.check(case, decision, "tax_verification")  # 自主报税 checked after release
    if case.violation and not found:
        # What clearance missed stays with the enterprise until an audit finds it.
        slots = w.missed.setdefault(case.enterprise.enterprise_id, {})
        slot = slots.setdefault(case.violation, [0.0, 0.0])
        slot[0] += 1
        slot[1] += case.revenue_at_stake_cny


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


def _filed(w: World, filed: Filed) -> dict[str, Any]:
    return {
        "filings": filed.filings,
        "fields_keyed": filed.fields_keyed,
        "fields_reentered": filed.fields_reentered,
        "record_filings": filed.record_filings,
        "filing_h": round(filed.hours(w.scenario.uncertainties.filing.field_entry_s), 4),
        "agencies": filed.agencies,
        "agency_wait_h": round(filed.agency_wait_s / 3600.0, 4),
    }


def _outcome_attrs(
    w: World, case: Case, decision: RiskDecision, lane: Lane, found: bool, gate_outcome: str
) -> dict[str, Any]:
    """What the clearance STOP record carries: the case's truth and what customs did."""
    missed = bool(case.violation) and not found
    return {
        "flow": case.flow.kind,
        "zone": case.flow.zone,
        "credit_class": decision.credit_class.value,
        "lane": lane.label,
        "random": bool(decision.in_random_stratum),
        "deferred": decision.deferred_from is not None,
        "suspected": decision.suspected_kind,
        "outcome": gate_outcome,
        "released": gate_outcome != Outcome.REJECT.value,
        "violation": case.violation,
        "found": bool(found),
        "duty_cny": round(duty_cny(w, case, found), 2),
        "revenue_missed_cny": round(case.revenue_at_stake_cny if missed else 0.0, 2),
    }


def _core_enterprise(agent: Any) -> Enterprise:
    return Enterprise(agent.enterprise_id, CreditClass(agent.credit_class))


def _gate_ref(w: World, case: Case, zone: str) -> str:
    flow = case.flow
    if flow.gate is not None and zone == flow.zone:
        return flow.gate
    return w.scenario.site.gates_of(zone, flow_line(flow))[0].ref


def _declare_later(
    w: World, case: Case, decision: RiskDecision, reported: bool
) -> Generator[Any, Any, None]:
    """The full declaration follows entry within its deadline and is reviewed then."""
    yield w.env.timeout(case.times["late_filing"])
    w.counters.late_declarations += 1
    yield from review_declaration(w, case, decision, reported)
    w.ledger.released(case, w.env.now)
