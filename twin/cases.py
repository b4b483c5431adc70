"""A case: one truck's shipment with its declaration and the truth only the twin knows.

Every case draws the same fixed set of random numbers from its flow's stream whatever
the levers, so two scenarios see the same shipments (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from core.gate import GatePass, GatePassItem
from core.gate.iso6346 import with_check_digit
from core.gate.readings import SealRead
from core.risk import Declaration, GoodsLine, Procedure
from ftz_spec import Flow, Scenario
from twin.enterprises import EnterpriseAgent, EnterpriseModel
from twin.gate_process import Truck, transfer_plan

__all__ = ["Case", "new_case"]

_PROVINCES = "沪苏浙皖鲁"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_KINDS = ("undervaluation", "undervaluation", "misclassification", "prohibited")
_N_UNIFORMS = 16
_OWNERS = ("COS", "CSQ", "MSK", "EMC", "OOL", "CMA", "HLC", "ONE")
_VEHICLE_TARE_KG = 15_000.0  # tractor and trailer (assumption)
_CONTAINER_TARE_KG = 3_800.0  # 40-foot container (ISO 668)
_CONTAINERISED = ("first_line_entry", "first_line_exit", "transfer_between_zones")


@dataclass
class Case:
    """One shipment moving through customs.

    Attributes:
        case_id: ``<flow>#<n>``.
        flow: The flow it belongs to.
        enterprise: The shipping enterprise (its agent).
        declaration: What is declared (the core sees only this).
        chapter: HS chapter of the goods.
        true_value_cny: The real customs value.
        violation: ``""`` or the kind of violation really present.
        revenue_at_stake_cny: Duties and VAT lost if the violation is not found.
        truck: The truck and its gate pass.
        u: Pre-drawn uniforms for later decisions (detection, adaptation …).
        times: Pre-drawn durations in seconds, by activity.
    """

    case_id: str
    flow: Flow
    enterprise: EnterpriseAgent
    declaration: Declaration
    chapter: str
    true_value_cny: float
    violation: str
    revenue_at_stake_cny: float
    truck: Truck
    u: np.ndarray
    times: dict[str, float]


def _plate(u: np.ndarray) -> str:
    digits = "".join(str(int(x * 10) % 10) for x in u[3:8])
    return _PROVINCES[int(u[0] * len(_PROVINCES))] + _LETTERS[int(u[1] * len(_LETTERS))] + digits


def _truck(case_id: str, flow: Flow, pass_plate: str, real_plate: str, weight: float, u: np.ndarray,
           times: dict[str, float], ent: EnterpriseAgent, chapter: str,
           transfer: Any = None) -> Truck:  # fmt: skip
    """The truck and its gate pass (核放单): what is declared and what is really there."""
    boxed = flow.kind in _CONTAINERISED
    containers = (
        (with_check_digit(f"{_OWNERS[int(u[20] * len(_OWNERS))]}U{int(u[21] * 1e6):06d}"),)
        if boxed
        else ()
    )
    seals = (SealRead(f"ES{case_id}", True),) if flow.kind == "transfer_between_zones" else ()
    item = ent.chapters.index(chapter) + 1
    gate_pass = GatePass(
        pass_id=f"HF{case_id}",
        plate=pass_plate,
        e_plate_id=f"EP{pass_plate}",
        ic_card_id=f"IC{case_id}",
        items=(GatePassItem(f"L{case_id}", item, Decimal(int(weight))),),
        container_numbers=containers,
        seal_ids=tuple(s.seal_id for s in seals),
        vehicle_tare_kg=_VEHICLE_TARE_KG,
        container_tare_kg=_CONTAINER_TARE_KG * len(containers),
        gross_weight_kg=weight,
        transfer=None if transfer is None else transfer[0],
    )
    return Truck(
        case_id=case_id,
        plate=real_plate,
        gate_pass=gate_pass,
        service_s=times["auto_check"],
        manual_check_s=times["manual_check"],
        manual_post_s=times["manual_post"],
        e_plate_tag=f"EP{real_plate}",
        containers=containers,
        weight_kg=_VEHICLE_TARE_KG + _CONTAINER_TARE_KG * len(containers) + weight,
        seals=seals,
        track=None if transfer is None else transfer[1],
    )


def new_case(
    scenario: Scenario, flow: Flow, n: int, rng: np.random.Generator, enterprises: EnterpriseModel
) -> Case:
    """Draw the ``n``-th case of ``flow`` from the flow's own stream ``rng``."""
    unc = scenario.uncertainties
    u = rng.random(_N_UNIFORMS + 8)  # a fixed count whatever the levers (CRN)
    ent = enterprises.pick(float(u[0]))
    chapter = ent.chapters[int(u[1] * len(ent.chapters))]
    ent.shipped[chapter] = ent.shipped.get(chapter, 0) + 1
    origin = ent.origins[int(u[2] * len(ent.origins))]
    value = unc.enterprises.value_per_truck_cny.sample(rng)
    weight = max(1.0, unc.enterprises.weight_per_truck_kg.sample(rng))
    violation = _KINDS[int(u[4] * len(_KINDS))] if u[3] < ent.violation_probability(chapter) else ""
    declared, at_stake = value, 0.0
    taxed = flow.kind in ("second_line_import", "bonded_exhibition")
    if violation in ("undervaluation", "misclassification"):
        declared = value * (0.3 + 0.4 * float(u[5]))
        if taxed:
            gap = value - declared
            at_stake = gap * unc.duty_rate + gap * (1 + unc.duty_rate) * unc.vat_rate
    heading = f"{int(u[6] * 99) + 1:02d}"
    case_id = f"{flow.id}#{n}"
    decl = Declaration(
        declaration_id=case_id,
        enterprise_id=ent.enterprise_id,
        procedure=Procedure(flow.kind),
        zone=flow.zone,
        lines=(GoodsLine(chapter + heading, origin, declared, weight),),
        route=f"to:{flow.to}" if flow.to else (f"from:{flow.place}" if flow.place else ""),
    )
    plate = _plate(u[8:])
    swapped = u[7] < unc.plate_mismatch_rate
    other = plate[:-1] + str((int(plate[-1]) + 1 + int(u[9] * 9)) % 10)
    t = unc.times
    times = {
        "auto_check": t.auto_check_s.sample(rng),
        "manual_check": t.manual_check_s.sample(rng),
        "manual_post": t.manual_post_s.sample(rng),
        "doc_review": t.doc_review_min.sample(rng) * 60.0,
        "doc_review_paperless": t.doc_review_paperless_min.sample(rng) * 60.0,
        "paper_delivery": t.paper_delivery_h.sample(rng) * 3600.0,
        "approval": t.approval_level_min.sample(rng) * 60.0,
        "handoff": t.approval_handoff_h.sample(rng) * 3600.0,
        "scan": t.scan_s.sample(rng),
        "image_analysis": t.image_analysis_min.sample(rng) * 60.0,
        "physical": t.physical_inspection_min.sample(rng) * 60.0,
        "escort": t.transfer_escort_min.sample(rng) * 60.0,
        "late_filing": float(u[10]) * 72 * 3600.0,  # filed within 3 days of entry (assumption)
    }
    truck = _truck(
        case_id, flow, plate, other if swapped else plate, weight, u, times, ent, chapter,
        transfer_plan(scenario, flow),
    )  # fmt: skip
    return Case(case_id, flow, ent, decl, chapter, value, violation, at_stake, truck, u, times)
