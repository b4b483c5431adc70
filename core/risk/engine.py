"""The risk engine: score, select a lane, learn from results (智能化风险分析).

Decision order per declaration, as in ASYCUDA's selectivity: targeted controls (布控指令)
and criteria first, then random control (随机布控), then top-up to each lane's expected
rate (red → yellow → blue) so selection matches examination capacity. Two rules then act
on the result: the credit-class rule keeps each class's total inspection rate within its
bounds (:mod:`core.risk.credit`), and capacity-aware selection, when enabled, defers
low-priority selections while the zone's inspection is saturated
(:mod:`core.risk.capacity`; the caller passes the zone's load in as data). The engine is
sans-I/O: the caller passes ``now`` and owns the clock; the seed fixes every draw.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace

from core.risk.audit import AuditPlan, AuditPolicy, plan_audits
from core.risk.capacity import ZoneLoad
from core.risk.compliance import ComplianceEstimate, ComplianceMeter
from core.risk.controls import ControlBook, TargetedControl
from core.risk.credit import CreditBalance
from core.risk.decision import InspectionResult, RiskDecision, SelectionBasis
from core.risk.draws import Drawer
from core.risk.errors import DeclarationError, PolicyError
from core.risk.kinds import ViolationKind, parse_kind
from core.risk.lanes import LaneState
from core.risk.model import INSPECTION_LANES, CreditClass, Declaration, Direction, Enterprise, Lane
from core.risk.policy import RiskPolicy
from core.risk.scorer import Scorer
from core.risk.selection import credit_rule_lane, criteria_lane, defer_lane, top_up_lane
from core.risk.table import RiskTable

__all__ = ["RiskEngine"]

_RELEASED = ("auto_release(自动放行): no control, criterion, random draw or top-up selected it",)


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
        self.credit = CreditBalance(
            self.policy.credit_rule, self.policy.least_general_credit_rate()
        )
        self.deferred: dict[str, int] = {}  # zone → selections deferred by capacity
        self.findings: dict[ViolationKind, int] = dict.fromkeys(ViolationKind, 0)
        self._drawer = Drawer(seed)
        self._lanes: dict[tuple[str, Direction], LaneState] = {}

    def add_control(self, control: TargetedControl, now: float | None = None) -> None:
        """Put a new targeted control in force; controls expired by ``now`` are dropped.

        Raises:
            ControlError: It conflicts with a control in the book.
        """
        book = self.controls if now is None else self.controls.pruned(now)
        self.controls = book.with_control(control)

    def withdraw_control(self, control_id: str) -> None:
        """Withdraw a targeted control (e.g. once its lead is confirmed); unknown ids are ignored."""
        self.controls = self.controls.without(control_id)

    def assess(
        self,
        declaration: Declaration,
        enterprise: Enterprise | None,
        now: float,
        load: ZoneLoad | None = None,
    ) -> RiskDecision:
        """Decide the lane of one declaration.

        Args:
            declaration: The declaration.
            enterprise: Its enterprise, or None when unknown (assessed as general
                credit, with that reason recorded).
            now: Current time in seconds.
            load: The inspection state of the declaration's zone now; used only when
                the policy's capacity-aware selection is enabled.

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
        lane, basis, control = self._targeted(declaration, now, reasons)
        lane, basis = criteria_lane(self._drawer, declaration.declaration_id, score, state, lane,
                                    basis, reasons)  # fmt: skip
        draw = self._drawer.draw(declaration.declaration_id)
        rnd_policy = self.policy.random
        rate = rnd_policy.rate(credit)
        in_stratum = draw < rate
        if in_stratum:
            reasons.append(
                f"random_control(随机布控): draw {draw:.4f} < rate {rate:.4f} "
                f"({credit.value}) → {rnd_policy.lane.label}"
            )
            if rnd_policy.lane > lane:
                lane, basis = rnd_policy.lane, SelectionBasis.RANDOM_CONTROL
        if lane < Lane.PHYSICAL and state.plan.top_up:
            lane, basis = top_up_lane(score, state, lane, basis, reasons)
        kind = (
            next(k for k in ViolationKind if k in control.kinds)
            if control is not None and control.kinds
            else self.scorer.suspected_kind(parts)
        )
        minimum = draw < rate * rnd_policy.minimum_share  # the statutory random minimum
        lane, basis, in_stratum, deferred_from = self._rules(
            declaration.zone, credit, score, state, lane, basis, in_stratum, minimum, kind,
            rate * rnd_policy.minimum_share, now, load, reasons,
        )  # fmt: skip
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
            control.control_id if control else "",
            now,
            keys,
            kind.value if kind else "",
            deferred_from,
        )

    def assess_many(
        self, items: Iterable[tuple[Declaration, Enterprise | None]], now: float
    ) -> list[RiskDecision]:
        """Assess declarations in order at one time; see :meth:`assess`."""
        return [self.assess(d, e, now) for d, e in items]

    def feedback(self, result: InspectionResult, now: float) -> None:
        """Close the loop (闭合管理回路): fold one inspection result into the table.

        A random-stratum result also counts towards compliance measurement; a violation
        found is counted by its kind.

        Args:
            result: The result, carrying the decision that led to it.
            now: Time of the result in seconds; it sets the age of the evidence.

        Raises:
            RiskError: ``result.kind`` names no violation kind.
        """
        d = result.decision
        if result.violation_found and result.kind:
            self.findings[parse_kind(result.kind, f"result {d.declaration_id}.kind")] += 1
        if d.in_random_stratum:
            self.compliance.count_result(d.credit_class, result.violation_found)
        elif self.policy.learning.random_stratum_only:
            return
        self.scorer.learn(d.contributions, d.factor_keys, result.violation_found, 1.0, now)

    def audit_feedback(
        self, enterprise_id: str, found: bool, now: float, kind: str = "", weight: float = 1.0
    ) -> None:
        """Fold a post-clearance audit's finding on an enterprise into its risk (后续稽查).

        Args:
            enterprise_id: The audited enterprise.
            found: Whether the audit found a violation.
            now: Time of the finding in seconds.
            kind: Kind found, a :class:`ViolationKind` value, or ``""``.
            weight: Weight of the evidence (an audit covers many declarations).

        Raises:
            RiskError: ``kind`` names no violation kind.
        """
        if found and kind:
            self.findings[parse_kind(kind, f"audit of {enterprise_id}.kind")] += 1
        self.scorer.learn((), (("enterprise", enterprise_id),), found, weight, now)

    def update_rule(self, attribute: str, value: str, violations: float, now: float) -> None:
        """Record an analyst's rule update (风险参数调整): evidence of violations on one value.

        The analyst's finding (an intelligence lead on an enterprise, say) weighs like
        ``violations`` inspection results that each found one, and fades like them.

        Args:
            attribute: The table attribute, e.g. ``enterprise``.
            value: Its value, e.g. the enterprise id.
            violations: Pseudo-violations the finding is worth (> 0).
            now: Time of the update in seconds.

        Raises:
            PolicyError: ``violations`` is not positive.
        """
        if not violations > 0:
            raise PolicyError(
                f"rule update {attribute}={value}: violations {violations!r} must be > 0"
            )
        self.scorer.learn((), ((attribute, value),), True, violations, now)

    def selections_deferred(self) -> int:
        """Return how many selections capacity-aware selection has deferred so far."""
        return sum(self.deferred.values())

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
        self.credit.move(
            decision.credit_class, decision.lane in INSPECTION_LANES, lane in INSPECTION_LANES
        )
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

    def _rules(
        self,
        zone: str,
        credit: CreditClass,
        score: float,
        state: LaneState,
        lane: Lane,
        basis: SelectionBasis,
        in_stratum: bool,
        minimum: bool,
        kind: ViolationKind | None,
        protected: float,
        now: float,
        load: ZoneLoad | None,
        reasons: list[str],
    ) -> tuple[Lane, SelectionBasis, bool, Lane | None]:
        """The credit rule, then capacity-aware deferral; both count what they did."""
        if self.policy.credit_rule.enforce and not minimum:
            lane, new_basis = credit_rule_lane(self.credit, credit, lane, basis, now,
                                               self.policy.random.lane, reasons,
                                               protected)  # fmt: skip
            if new_basis is SelectionBasis.CREDIT_RULE and lane not in INSPECTION_LANES:
                in_stratum = False  # a demoted draw leaves the sample; the rest stays fair
            basis = new_basis
        state.record(score, lane)  # the intended lane: a deferral waives, it does not refill
        deferred_from = None
        if load is not None and self.policy.capacity.enabled and not minimum:
            # The law before load: a dishonest declaration the floor needs inspected may
            # yield from the inspection bay to the scanner, never out of inspection.
            keeps_floor = not self.credit.requires_inspection(credit, now)
            new = defer_lane(self.policy.capacity, load, lane, basis, kind, reasons,
                             inspected=not keeps_floor)  # fmt: skip
            if new is not None:
                self.deferred[zone] = self.deferred.get(zone, 0) + 1
                deferred_from, lane, basis, in_stratum = lane, new, SelectionBasis.DEFERRED, False
        self.credit.record(credit, lane in INSPECTION_LANES, now, minimum)
        return lane, basis, in_stratum, deferred_from

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
    ) -> tuple[Lane, SelectionBasis, TargetedControl | None]:
        for c in self.controls.candidates(declaration, now):
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
                return c.lane, SelectionBasis.TARGETED_CONTROL, c
        return Lane.AUTO_RELEASE, SelectionBasis.NONE, None
