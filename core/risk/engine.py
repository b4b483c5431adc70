"""The risk engine: score, select a lane, learn from results (智能化风险分析).

Decision order per declaration, as in ASYCUDA's selectivity: targeted controls (布控指令)
and criteria first, then random control (随机布控), then top-up to each lane's expected
rate (red → yellow → blue) so selection matches examination capacity. The engine is
sans-I/O: the caller passes ``now`` and owns the clock; the seed fixes every draw.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from itertools import pairwise

from core.risk.audit import AuditPlan, AuditPolicy, plan_audits
from core.risk.compliance import ComplianceEstimate, ComplianceMeter
from core.risk.controls import ControlBook, TargetedControl
from core.risk.decision import InspectionResult, RiskDecision, SelectionBasis
from core.risk.draws import Drawer
from core.risk.errors import DeclarationError
from core.risk.lanes import LaneState
from core.risk.model import CreditClass, Declaration, Direction, Enterprise, Lane
from core.risk.policy import FILL_ORDER, RiskPolicy
from core.risk.scorer import Scorer
from core.risk.table import RiskTable

__all__ = ["RiskEngine"]

_RELEASED = ("auto_release(自动放行): no control, criterion, random draw or top-up selected it",)
_NEXT_LOWER = dict(pairwise(FILL_ORDER))


class RiskEngine:
    """Assesses declarations and learns from inspection results."""

    def __init__(
        self,
        table: RiskTable,
        policy: RiskPolicy | None = None,
        seed: int = 0,
        controls: ControlBook | Iterable[TargetedControl] = (),
    ) -> None:
        """Create an engine.

        Args:
            table: The prior risk valuation table (风险估值表).
            policy: Lane plans, random-control and learning rules; defaults if None.
            seed: Non-negative seed fixing every random-control draw.
            controls: Targeted controls in force (布控指令).

        Raises:
            ValueError: ``seed`` is negative.
            ControlError: The controls conflict.
        """
        self.table = table
        self.policy = policy or RiskPolicy()
        self.seed = seed
        self.controls = controls if isinstance(controls, ControlBook) else ControlBook(controls)
        learning = self.policy.learning
        self.scorer = Scorer(table, learning.half_life_s, learning.max_learned_values)
        self.compliance = ComplianceMeter()
        self._drawer = Drawer(seed)
        self._lanes: dict[tuple[str, Direction], LaneState] = {}

    def add_control(self, control: TargetedControl) -> None:
        """Put a new targeted control in force.

        Raises:
            ControlError: It conflicts with a control already in force.
        """
        self.controls = self.controls.with_control(control)

    def assess(
        self, declaration: Declaration, enterprise: Enterprise | None, now: float
    ) -> RiskDecision:
        """Decide the lane of one declaration.

        Args:
            declaration: The declaration.
            enterprise: Its enterprise, or None when unknown (assessed as general
                credit, with that reason recorded).
            now: Current time in seconds.

        Returns:
            The decision with its score, lane, basis and reasons.

        Raises:
            DeclarationError: ``enterprise`` is not the declaration's enterprise.
        """
        reasons: list[str] = []
        credit = self._credit(declaration, enterprise, reasons)
        log_odds, parts, keys = self.scorer.score(declaration, credit.value)
        score = 1.0 / (1.0 + math.exp(-log_odds))
        direction = declaration.direction
        state = self._state(declaration.zone, direction)
        lane, basis, control_id = self._targeted(declaration, now, reasons)
        lane, basis = self._criteria(declaration.declaration_id, score, state, lane, basis, reasons)
        draw = self._drawer.draw(declaration.declaration_id)
        rate = self.policy.random.rate(credit)
        in_stratum = draw < rate
        if in_stratum:
            rnd = self.policy.random.lane
            reasons.append(
                f"random_control(随机布控): draw {draw:.4f} < rate {rate:.4f} "
                f"({credit.value}) → {rnd.label}"
            )
            if rnd > lane:
                lane, basis = rnd, SelectionBasis.RANDOM_CONTROL
        if lane < Lane.PHYSICAL and state.plan.top_up:
            lane, basis = self._top_up(score, state, lane, basis, reasons)
        state.record(score, lane)
        self.compliance.count_assessed(credit)
        return RiskDecision(
            declaration.declaration_id,
            declaration.enterprise_id,
            credit,
            declaration.zone,
            direction,
            lane,
            basis,
            score,
            tuple(reasons) if reasons else _RELEASED,
            parts,
            draw,
            rate,
            in_stratum,
            control_id,
            now,
            keys,
        )

    def assess_many(
        self, items: Iterable[tuple[Declaration, Enterprise | None]], now: float
    ) -> list[RiskDecision]:
        """Assess declarations in order at one time; see :meth:`assess`."""
        return [self.assess(d, e, now) for d, e in items]

    def feedback(self, result: InspectionResult, now: float) -> None:
        """Close the loop (闭合管理回路): fold one inspection result into the table.

        A random-stratum result also counts towards compliance measurement.

        Args:
            result: The result, carrying the decision that led to it.
            now: Time of the result in seconds; it sets the age of the evidence.
        """
        d = result.decision
        if d.in_random_stratum:
            self.compliance.count_result(d.credit_class, result.violation_found)
        elif self.policy.learning.random_stratum_only:
            return
        self.scorer.learn(d.contributions, d.factor_keys, result.violation_found, 1.0, now)

    def reroute(self, decision: RiskDecision, lane: Lane, reason: str, now: float) -> RiskDecision:
        """Record an officer's re-routing of a decided declaration to another lane.

        Args:
            decision: The decision re-routed.
            lane: The new lane.
            reason: The officer's reason, kept in the decision's reasons.
            now: Time of the re-routing in seconds.

        Returns:
            A new decision with basis ``rerouted``; lane rates count the new lane.
        """
        self._state(decision.zone, decision.direction).move(decision.lane, lane)
        why = f"rerouted by officer: {decision.lane.label} → {lane.label}: {reason}"
        return replace(
            decision,
            lane=lane,
            basis=SelectionBasis.REROUTED,
            reasons=(*decision.reasons, why),
            time_s=now,
        )

    def audit_plan(
        self, enterprises: Iterable[Enterprise], policy: AuditPolicy | None = None
    ) -> list[AuditPlan]:
        """Plan differentiated post-clearance audit (差别化稽查) from learned enterprise risk.

        Args:
            enterprises: The enterprises to plan for.
            policy: Tier thresholds and frequencies; defaults if None.

        Returns:
            One plan per enterprise, riskiest first.
        """
        rated = ((e, self.scorer.rate("enterprise", e.enterprise_id)) for e in enterprises)
        return plan_audits(rated, self.table.base_rate, policy)

    def lane_rate(self, zone: str, direction: Direction, lane: Lane) -> float:
        """Return the running share of declarations sent to ``lane`` in a zone/direction."""
        return self._state(zone, direction).rate(lane)

    def compliance_estimate(self) -> ComplianceEstimate:
        """Return the volume-weighted non-compliance estimate from the random stratum."""
        return self.compliance.overall()

    def _credit(
        self, declaration: Declaration, enterprise: Enterprise | None, reasons: list[str]
    ) -> CreditClass:
        if enterprise is None:
            reasons.append(
                f"unknown_enterprise {declaration.enterprise_id}: assessed as general_credit"
            )
            return CreditClass.GENERAL_CREDIT
        if enterprise.enterprise_id != declaration.enterprise_id:
            raise DeclarationError(
                f"declaration {declaration.declaration_id}: enterprise "
                f"{enterprise.enterprise_id!r} is not its enterprise {declaration.enterprise_id!r}"
            )
        return enterprise.credit_class

    def _state(self, zone: str, direction: Direction) -> LaneState:
        state = self._lanes.get((zone, direction))
        if state is None:
            p = self.policy
            state = LaneState(
                p.plan_for(zone, direction), p.rate_horizon, p.score_window, p.recalibrate_every
            )
            self._lanes[(zone, direction)] = state
        return state

    def _targeted(
        self, declaration: Declaration, now: float, reasons: list[str]
    ) -> tuple[Lane, SelectionBasis, str]:
        for c in self.controls.active(now):
            if not c.matches(declaration):
                continue
            u = self._drawer.draw(declaration.declaration_id, "control:" + c.control_id)
            hit = u < c.target_rate
            reasons.append(
                f"targeted_control(布控) {c.control_id}: draw {u:.4f} "
                f"{'<' if hit else '≥'} target {c.target_rate:.4f}"
                + (f" → {c.lane.label}; {c.reason}" if hit else "; not selected")
            )
            if hit:
                return c.lane, SelectionBasis.TARGETED_CONTROL, c.control_id
        return Lane.AUTO_RELEASE, SelectionBasis.NONE, ""

    def _criteria(
        self,
        declaration_id: str,
        score: float,
        state: LaneState,
        lane: Lane,
        basis: SelectionBasis,
        reasons: list[str],
    ) -> tuple[Lane, SelectionBasis]:
        plan = state.plan
        hit = next((c for c in FILL_ORDER if score >= plan.criteria.get(c, math.inf)), None)
        if hit is None or hit <= lane:
            return lane, basis
        why = f"criteria: score {score:.4f} ≥ {hit.label} criterion {plan.criteria[hit]:.4f}"
        new_basis = SelectionBasis.CRITERIA
        if plan.criteria_selection_rate < 1.0:
            u = self._drawer.draw(declaration_id, "criteria")
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

    def _top_up(
        self,
        score: float,
        state: LaneState,
        lane: Lane,
        basis: SelectionBasis,
        reasons: list[str],
    ) -> tuple[Lane, SelectionBasis]:
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
