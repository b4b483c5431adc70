"""A case: one truck's shipment with its declaration and the truth only the twin knows.

Every case draws the same fixed set of random numbers from its flow's stream whatever
the levers, so two scenarios see the same shipments (common random numbers).

Pre-drawn uniforms ``u`` by index: 0 enterprise, 1 chapter, 2 origin, 3 violation,
4 its kind, 5 undervaluation depth, 6 heading, 7 plate swap, 8–9 plate, 10 late filing,
11 pre-classification check, 12 pre-arrival review, 13 other agencies, 14 new record
filing, 15 video inspection, 16 document review, 17 scan and inspection, 18 post-audit
check and adaptation, 19 approval, 20–21 container, 22 tax verification sample, 23 uses
of a record, 24 misclassified heading, 25 a manifest that shows hidden goods, 26 a rights holder's tip (IPR, 依申请保护).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from core.gate import GatePass, GatePassItem
from core.gate.iso6346 import with_check_digit
from core.gate.readings import SealRead
from core.risk import Declaration, GoodsLine, Procedure
from ftz_spec import Flow, Scenario
from ftz_spec.dists import Dist, Exponential, Fixed, LogNormal, Triangular, Uniform
from twin.enterprises import EnterpriseAgent, EnterpriseModel
from twin.gate_process import Truck, transfer_plan

__all__ = ["Case", "expected_stake", "kind_weights", "likely_kind", "new_case", "violation_kind"]

_PROVINCES = "沪苏浙皖鲁"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_N_UNIFORMS = 32
_TAXED = ("second_line_import", "bonded_exhibition")
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
        violation: ``""`` or the kind of violation really present (a
            :class:`core.risk.ViolationKind` value).
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


Sampler = Callable[[np.random.Generator], float]
# By identity (a model's hash walks its fields); the entry keeps its distribution alive,
# so an id is never reused while it is cached. Scenario data: a few dozen per scenario.
_SAMPLERS: dict[int, tuple[Dist, Sampler]] = {}
_MAX_SAMPLERS = 64  # entries per cache; each may keep its scenario alive


def sampler(dist: Dist) -> Sampler:
    """Return a draw of ``dist`` with its parameters worked out once.

    It makes the very call :meth:`Dist.sample` makes (same generator method, same
    arguments), so the stream and every value are unchanged; only the parameter
    arithmetic (a log-normal's log and square root) is no longer repeated per draw.
    """
    hit = _SAMPLERS.get(id(dist))
    if hit is not None:
        return hit[1]
    if len(_SAMPLERS) >= _MAX_SAMPLERS:
        _SAMPLERS.clear()  # bounded: scenarios edited in a long-lived process (the app)
    if isinstance(dist, LogNormal):
        s2 = math.log1p((dist.sd / dist.mean) ** 2)
        mu, sigma = math.log(dist.mean) - s2 / 2, math.sqrt(s2)
        f = lambda rng: float(rng.lognormal(mu, sigma))  # noqa: E731
    elif isinstance(dist, Exponential):
        mean = dist.mean
        f = lambda rng: float(rng.exponential(mean))  # noqa: E731
    elif isinstance(dist, Triangular):
        lo, mode, hi = dist.low, dist.mode, dist.high
        f = lambda rng: float(rng.triangular(lo, mode, hi))  # noqa: E731
    elif isinstance(dist, Uniform):
        lo, hi = dist.low, dist.high
        f = lambda rng: float(rng.uniform(lo, hi))  # noqa: E731
    elif isinstance(dist, Fixed):
        value = dist.value
        f = lambda rng: value  # noqa: E731
    else:
        f = dist.sample
    _SAMPLERS[id(dist)] = (dist, f)
    return f


_TIMES = (  # (case time, scenario field, to seconds), drawn in this order for every case
    ("auto_check", "auto_check_s", 1.0),
    ("manual_check", "manual_check_s", 1.0),
    ("manual_post", "manual_post_s", 1.0),
    ("doc_review", "doc_review_min", 60.0),
    ("doc_review_paperless", "doc_review_paperless_min", 60.0),
    ("paper_delivery", "paper_delivery_h", 3600.0),
    ("approval", "approval_level_min", 60.0),
    ("handoff", "approval_handoff_h", 3600.0),
    ("scan", "scan_s", 1.0),
    ("image_analysis", "image_analysis_min", 60.0),
    ("physical", "physical_inspection_min", 60.0),
    ("escort", "transfer_escort_min", 60.0),
    ("prearrival_review", "prearrival_review_min", 60.0),
    ("record_review", "record_filing_review_min", 60.0),
    ("tax_review", "tax_review_min", 60.0),
    ("duty_payment", "duty_payment_h", 3600.0),
    ("port_transit", "port_transit_h", 3600.0),
    ("desk_check", "desk_check_h", 3600.0),
    ("agency_single_window", "agency_response_single_window_h", 3600.0),
)
_PLANS: dict[int, tuple[Any, tuple[tuple[str, Sampler, float], ...]]] = {}


def _time_plan(unc: Any) -> tuple[tuple[str, Sampler, float], ...]:
    """The draws of a case's times for these uncertainties, worked out once per scenario."""
    hit = _PLANS.get(id(unc))
    if hit is not None:
        return hit[1]
    if len(_PLANS) >= _MAX_SAMPLERS:
        _PLANS.clear()
    t = unc.times
    plan = tuple((name, sampler(getattr(t, field)), scale) for name, field, scale in _TIMES)
    agency = sampler(t.agency_response_h)  # one answer per agency filed separately
    plan += tuple((f"agency_{i}", agency, 3600.0) for i in range(unc.filing.max_agencies))
    _PLANS[id(unc)] = (unc, plan)
    return plan


_TRANSFERS: dict[tuple[int, int], tuple[Scenario, Flow, Any]] = {}


def _transfer(scenario: Scenario, flow: Flow) -> Any:
    """The flow's declared route and true track (the same for each of its trucks), once.

    Both are immutable, so every truck of the flow shares them; building the track (a fix
    every 30 s over the bridge) was a third of the cost of drawing a case.
    """
    key = (id(scenario), id(flow))  # the entry keeps both alive: ids are not reused
    hit = _TRANSFERS.get(key)
    if hit is not None:
        return hit[2]
    if len(_TRANSFERS) >= _MAX_SAMPLERS:
        _TRANSFERS.clear()
    plan = transfer_plan(scenario, flow)
    _TRANSFERS[key] = (scenario, flow, plan)
    return plan


def _plate(u: list[float]) -> str:
    digits = "".join(str(int(x * 10) % 10) for x in u[3:8])
    return _PROVINCES[int(u[0] * len(_PROVINCES))] + _LETTERS[int(u[1] * len(_LETTERS))] + digits


def _truck(case_id: str, flow: Flow, pass_plate: str, real_plate: str, weight: float, u: list[float],
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


def kind_weights(scenario: Scenario, chapter: str) -> tuple[list[str], list[float]]:
    """Return the violation kinds (sorted) and their weights in goods of ``chapter``.

    Weights are each kind's ``weight × chapter weight`` (its trade profile); goods that no
    kind's profile covers fall back to the kinds' own weights.
    """
    kinds = scenario.uncertainties.violation_kinds
    names = sorted(kinds)
    weights = [
        kinds[k].weight * kinds[k].chapters.get(chapter, kinds[k].other_chapters) for k in names
    ]
    if sum(weights) <= 0:
        weights = [kinds[k].weight for k in names]
    return names, weights


def expected_stake(scenario: Scenario, kind: str) -> float:
    """Return the mean revenue at stake of one violation of ``kind`` over all flows.

    Every kind's stake is linear in the goods' value and in its own uniform, so the mean
    is the stake at the mean value and ``u = 0.5``, times the share of trucks taxed.
    """
    unc = scenario.uncertainties
    total = sum(f.trucks_per_day for f in unc.flows)
    taxed = sum(f.trucks_per_day for f in unc.flows if f.kind in _TAXED)
    if total <= 0 or taxed <= 0:
        return 0.0
    value = unc.enterprises.value_per_truck_cny.mean
    return _stake(scenario, kind, value, 0.5, True)[2] * taxed / total


def violation_kind(scenario: Scenario, chapter: str, u: float) -> str:
    """Return the kind of a violation in goods of ``chapter``, drawn from uniform ``u``.

    Weights are those of :func:`kind_weights`.
    """
    names, weights = kind_weights(scenario, chapter)
    total = sum(weights)
    if total <= 0:
        return ""
    x, acc = u * total, 0.0
    for name, wgt in zip(names, weights, strict=True):
        acc += wgt
        if x < acc:
            return name
    return names[-1]


def likely_kind(scenario: Scenario, chapter: str) -> str:
    """Return the kind most likely in goods of ``chapter`` (an analyst's expectation), or ``""``."""
    kinds = scenario.uncertainties.violation_kinds
    weight = {k: s.weight * s.chapters.get(chapter, s.other_chapters) for k, s in kinds.items()}
    best = max(sorted(weight), key=lambda k: weight[k], default="")
    return best if best and weight[best] > 0 else ""


def _stake(
    scenario: Scenario, kind: str, value: float, u: float, taxed: bool
) -> tuple[float, float, float]:
    """Return ``(declared value, true value, revenue at stake)`` of a violation of ``kind``."""
    unc = scenario.uncertainties
    spec = unc.violation_kinds.get(kind)
    vat, duty = unc.vat_rate, unc.duty_rate
    if spec is None or spec.revenue == "none":
        return value, value, 0.0
    if spec.revenue == "value_gap":  # declared at 30-70 % of the real value
        declared = value * (0.3 + 0.4 * u)
        gap = value - declared
        return declared, value, (gap * duty + gap * (1 + duty) * vat) if taxed else 0.0
    if spec.revenue == "rate_gap":  # declared under a heading with a lower duty rate
        return value, value, value * spec.rate_gap * (1 + vat) if taxed else 0.0
    hidden = value * spec.hidden_share  # hidden goods: their whole duty and VAT
    return value, value + hidden, (hidden * duty + hidden * (1 + duty) * vat) if taxed else 0.0


def new_case(
    scenario: Scenario, flow: Flow, n: int, rng: np.random.Generator, enterprises: EnterpriseModel
) -> Case:
    """Draw the ``n``-th case of ``flow`` from the flow's own stream ``rng``."""
    u = rng.random(_N_UNIFORMS)  # a fixed count whatever the levers (CRN)
    # The same values as plain floats: arithmetic on numpy scalars costs several times more.
    uf = u.tolist()
    ent = enterprises.pick(uf[0])
    chapter = ent.chapters[int(uf[1] * len(ent.chapters))]
    ent.shipped[chapter] = ent.shipped.get(chapter, 0) + 1
    origin = ent.origins[int(uf[2] * len(ent.origins))]
    unc = scenario.uncertainties
    value = sampler(unc.enterprises.value_per_truck_cny)(rng)
    weight = max(1.0, sampler(unc.enterprises.weight_per_truck_kg)(rng))
    p = ent.violation_probability(chapter)
    violation = violation_kind(scenario, chapter, uf[4]) if uf[3] < p else ""
    taxed = flow.kind in _TAXED
    declared, true_value, at_stake = value, value, 0.0
    if violation:
        declared, true_value, at_stake = _stake(scenario, violation, value, uf[5], taxed)
    heading = int(uf[6] * 99) + 1
    if violation == "misclassification":  # declared under another heading of the chapter
        heading = (heading + 1 + int(uf[24] * 97)) % 99 + 1
    case_id = f"{flow.id}#{n}"
    decl = Declaration(
        declaration_id=case_id,
        enterprise_id=ent.enterprise_id,
        procedure=Procedure(flow.kind),
        zone=flow.zone,
        lines=(GoodsLine(f"{chapter}{heading:02d}", origin, declared, weight),),
        route=f"to:{flow.to}" if flow.to else (f"from:{flow.place}" if flow.place else ""),
    )
    plate = _plate(uf[8:])
    swapped = uf[7] < unc.plate_mismatch_rate
    other = plate[:-1] + str((int(plate[-1]) + 1 + int(uf[9] * 9)) % 10)
    times = {name: draw(rng) * scale for name, draw, scale in _time_plan(unc)}
    times["late_filing"] = uf[10] * 72 * 3600.0  # within 3 days of entry (assumption)
    truck = _truck(
        case_id, flow, plate, other if swapped else plate, weight, uf, times, ent, chapter,
        _transfer(scenario, flow),
    )  # fmt: skip
    return Case(case_id, flow, ent, decl, chapter, true_value, violation, at_stake, truck, u, times)
