"""The steps of a lane decision, as functions of the lane state and the rules.

The engine (:mod:`core.risk.engine`) calls them in order: criteria, top-up, the credit
rule, capacity-aware deferral. Each returns the lane and the basis that set it and
appends its reason in words, so every decision can be explained and audited.
"""

from __future__ import annotations

import math
from itertools import pairwise

from core.risk.capacity import CapacityPolicy, ZoneLoad, deferred_lane
from core.risk.credit import CreditBalance
from core.risk.decision import SelectionBasis
from core.risk.draws import Drawer
from core.risk.kinds import ViolationKind
from core.risk.lanes import LaneState
from core.risk.model import INSPECTION_LANES, CreditClass, Lane
from core.risk.policy import FILL_ORDER

__all__ = ["credit_rule_lane", "criteria_lane", "defer_lane", "top_up_lane"]

_NEXT_LOWER = dict(pairwise(FILL_ORDER))
# Selections the credit rule may demote: what follows the goods keeps a margin free for
# analysts' targeted controls and random draws above the statutory minimum, which may
# use the whole ceiling. Draws within the minimum are never demoted (callers skip them):
# they are the fair, auditable sample the rule can always meet.
_GOODS_DRIVEN = frozenset(
    {SelectionBasis.CRITERIA, SelectionBasis.MAX_HITS_CAP, SelectionBasis.REROUTED,
     SelectionBasis.TOP_UP}
)  # fmt: skip
_ORDERED = frozenset({SelectionBasis.TARGETED_CONTROL, SelectionBasis.RANDOM_CONTROL})
# Capacity-aware selection may defer only what exists to fill a lane.
_DEFERRABLE = frozenset({SelectionBasis.TOP_UP, SelectionBasis.RANDOM_CONTROL})


def criteria_lane(
    drawer: Drawer,
    declaration_id: str,
    score: float,
    state: LaneState,
    lane: Lane,
    basis: SelectionBasis,
    reasons: list[str],
) -> tuple[Lane, SelectionBasis]:
    """Apply the lane criteria: a score at or above a lane's criterion selects it."""
    plan = state.plan
    hit = next((c for c in FILL_ORDER if score >= plan.criteria.get(c, math.inf)), None)
    if hit is None or hit <= lane:
        return lane, basis
    why = f"criteria: score {score:.4f} ≥ {hit.label} criterion {plan.criteria[hit]:.4f}"
    new_basis = SelectionBasis.CRITERIA
    if plan.criteria_selection_rate < 1.0:
        u = drawer.draw(declaration_id, "criteria")
        if u >= plan.criteria_selection_rate:
            state.misses[hit] += 1
            if state.misses[hit] < plan.max_hits_without_selection:
                reasons.append(f"{why}; draw {u:.4f} ≥ selection rate, not selected")
                return lane, basis
            why += f"; {state.misses[hit]} hits without selection reach the cap"
            new_basis = SelectionBasis.MAX_HITS_CAP
    state.misses[hit] = 0
    target = hit
    while target in _NEXT_LOWER and (
        state.rate(target) >= state.expected[target] * plan.capacity_factor
    ):
        target = _NEXT_LOWER[target]  # over capacity: re-route down, blue takes the rest
    if target != hit:
        why += f"; {hit.label} over capacity → rerouted to {target.label}"
        new_basis = SelectionBasis.REROUTED
    reasons.append(why)
    return (target, new_basis) if target > lane else (lane, basis)


def top_up_lane(
    score: float, state: LaneState, lane: Lane, basis: SelectionBasis, reasons: list[str]
) -> tuple[Lane, SelectionBasis]:
    """Fill lanes below their expected rate with the riskiest recent declarations."""
    for target in FILL_ORDER:
        if target <= lane:
            break
        expected = state.expected[target]
        if score >= state.thresholds[target] and state.rate(target) < expected:
            reasons.append(
                f"top_up: {target.label} rate {state.rate(target):.4f} < expected "
                f"{expected:.4f}, score {score:.4f} ≥ threshold {state.thresholds[target]:.4f}"
            )
            return target, SelectionBasis.TOP_UP
    return lane, basis


def credit_rule_lane(
    balance: CreditBalance,
    credit: CreditClass,
    lane: Lane,
    basis: SelectionBasis,
    now: float,
    random_lane: Lane,
    reasons: list[str],
    protected: float = 0.0,
) -> tuple[Lane, SelectionBasis]:
    """Keep the credit class's total inspection rate within the rule (企业信用管理).

    A certified class at its ceiling has an inspection demoted to documentary review:
    goods-driven ones (criteria, top-up) once the ceiling less its margin is used; a
    targeted control, or a random draw above the statutory minimum, once the whole
    ceiling is. A dishonest declaration that would leave the class below its floor is
    sent to ``random_lane``. Callers never pass a draw within the statutory minimum;
    ``protected`` is that minimum's rate, kept free for the draws still to come.
    """
    if lane in INSPECTION_LANES:
        goods = basis in _GOODS_DRIVEN
        if (goods or basis in _ORDERED) and not balance.allows_inspection(
            credit, now, reserve=goods, protected=protected
        ):
            reasons.append(
                f"credit_rule(企业信用管理): {credit.value} inspection rate at its ceiling "
                f"{balance.rule.ceilings[credit]:g} × general-credit {balance.reference():.4f}"
                f" → documentary ({basis.value} demoted)"
            )
            return Lane.DOCUMENTARY, SelectionBasis.CREDIT_RULE
    elif balance.requires_inspection(credit, now):
        reasons.append(
            f"credit_rule(企业信用管理): {credit.value} inspection rate below its floor "
            f"{balance.rule.dishonest_floor:g} (kept at {balance.floor_target():g}) → "
            f"{random_lane.label}"
        )
        return random_lane, SelectionBasis.CREDIT_RULE
    return lane, basis


def defer_lane(
    policy: CapacityPolicy,
    load: ZoneLoad,
    lane: Lane,
    basis: SelectionBasis,
    kind: ViolationKind | None,
    reasons: list[str],
    inspected: bool = False,
) -> Lane | None:
    """Return the lane a low-priority inspection is deferred to under ``load``, or None.

    ``inspected``: the credit rule needs the declaration inspected (a dishonest one at
    its floor), so it may only move to another lane that inspects the goods.
    """
    if basis not in _DEFERRABLE or lane not in INSPECTION_LANES:
        return None
    new = deferred_lane(policy, load, lane, kind)
    if inspected and new not in INSPECTION_LANES:
        return None
    if new is not None:
        reasons.append(
            f"deferred(能力感知选择): {basis.value} {lane.label} → {new.label}; queue "
            f"{load.queue_length} for {load.officers_on_duty} officers, scan queue "
            f"{load.scan_queue_length} for {load.scanners_up} scanners"
        )
    return new
