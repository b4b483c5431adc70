"""Risk analysts' work (风险分析): the front end of the dumbbell (哑铃型监管, 二(三)2 四).

Analysts' time drives three things, so the number of analysts shows in detection:

* **Rule updates.** Every inspection result reaches the risk table only once an analyst
  has processed it (``risk_feedback``): with fewer analysts, or at night, the table
  learns later.
* **Targeting (布控).** Time not taken by results or reviews goes into research, in
  one-hour stints; every ``intelligence.lead_h`` hours of research yields a lead, which
  the analyst issues as a time-boxed targeted control on an enterprise's goods. A share
  of leads (``intelligence.precision``, higher with shared anti-smuggling intelligence)
  names a real violator and its goods; the rest follow the risk table to a trader the
  data call risky. A control is withdrawn once it finds what it was set for, or after
  ``levers.targeting.control_max_inspections`` inspections without a find. Each lead
  also updates the rules: the trader's risk in the table rises by
  ``intelligence.rule_weight`` pseudo-violations, and fades like any evidence.
* **Rights holders' tips (依申请保护).** With IPR protection (知识产权保护, 二(五)3) a
  rights holder who recorded a mark with customs (知识产权海关备案) asks for a shipment
  it suspects to be detained; the IPR desk sends it to physical inspection, telling the
  officer the kind. Standing IPR controls alone look at brand goods blindly (about 1 in
  100 infringes); the tips are what aims them at the fakes.
* **Pre-arrival review (事前人工风险分析).** A declaration among the riskiest
  ``levers.targeting.review_share`` of recent ones (by the engine's score) is reviewed
  by an analyst if one is free when it is lodged; a flagged one is sent to physical
  inspection, and the inspecting officer is told the kind the analyst suspects. The more
  analysts, the more declarations are reviewed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from core.risk import InspectionResult, Lane, RiskDecision, TargetedControl, ViolationKind
from core.risk.errors import ControlError
from core.trace import Lifecycle
from ftz_spec import StaffRole
from twin.cases import likely_kind
from twin.staff import StaffUnit, on_duty
from twin.stints import off_duty_wait_s, stint_s

if TYPE_CHECKING:
    from twin.cases import Case
    from twin.world import World

__all__ = ["AnalystDesk", "DeskCounters"]

_CHUNK_S = 3600.0
_DAY = 86_400.0
_LEAD_PREFIX = "BK-A"
_LOOKS = 5  # draws an analyst makes before giving up on a lead covered by controls
_SCORE_RING, _RECALIBRATE, _MIN_SCORES = 2048, 128, 64
# Results waiting for an analyst, at most (issue 19: a queue that only grows holds every
# waiting case in memory); a result beyond it is counted in ``results_dropped``.
_FEEDBACK_BACKLOG = 512
_IPR = ViolationKind.IPR_INFRINGEMENT.value
_U_TIP = 26  # the case's pre-drawn uniform for a rights holder's tip (one no other step uses)


@dataclass
class DeskCounters:
    """What the analysts did (all counted from the start of the run)."""

    results_processed: int = 0
    feedback_delay_s: float = 0.0
    research_h: float = 0.0
    leads: int = 0
    true_leads: int = 0
    controls_issued: int = 0
    leads_dropped: int = 0  # duplicate or conflicting with a control in force
    controls_withdrawn: int = 0  # confirmed: found what they were set for
    controls_unconfirmed: int = 0  # withdrawn after their inspections found nothing
    rule_updates: int = 0
    reviews: int = 0
    review_flags: int = 0
    reviews_skipped: int = 0  # eligible, but no analyst free
    results_dropped: int = 0  # inspection results beyond the analysts' backlog
    ipr_tips: int = 0  # rights holders' applications to detain (依申请保护)


class AnalystDesk:
    """The risk-analysis pool at work; one per replication."""

    def __init__(self, w: World) -> None:
        """Find the analysts' pool; without one, results reach the table at once."""
        self.w = w
        self.unit: StaffUnit | None = w.staff.unit(StaffRole.RISK_ANALYSIS, None)
        self.counters = DeskCounters()
        self._busy = 0  # analysts on results and reviews (not research)
        self._research_left_h = 0.0
        self._rng: np.random.Generator = w.streams.get("targeting")
        self._n = 0
        self._inspections: dict[str, int] = {}  # analyst control → inspections so far
        self._scores = np.zeros(_SCORE_RING)  # recent scores, for the review threshold
        self._seen = 0
        self._threshold = math.inf
        self._backlog = 0  # results waiting for or with an analyst

    def start(self) -> None:
        """Start one research worker per analyst post."""
        if self.unit is None or self.unit.pool.count == 0:
            return
        for i in range(self.unit.resource.capacity):
            self.w.env.process(self._research(i))

    # Rule updates -------------------------------------------------------------------

    def feed_back(self, case: Case, result: InspectionResult) -> None:
        """Have an analyst fold ``result`` into the risk table (闭合管理回路)."""
        self._through_analyst(case.case_id, "risk_analysis", lambda: self._fold(result))

    def feed_audit(self, enterprise_id: str, found: bool, kind: str) -> None:
        """Have an analyst fold a post-clearance audit's report into the risk table.

        The audit's findings reach the table through the analysts, as inspection results
        do (稽查结果反馈风险分析): the dumbbell's two ends meet in the risk table, and an
        audit's evidence waits for, or is lost to, the analysts' capacity like any other.
        Its own stream: the inspection results' draws stay paired across variants.
        """
        w = self.w
        self._through_analyst(
            f"audit-report:{enterprise_id}",
            "risk_analysis/audit",
            lambda: w.risk.audit_feedback(enterprise_id, found, w.env.now, kind),
        )

    def _through_analyst(self, case_id: str, stream: str, fold: Callable[[], None]) -> None:
        """Fold at once without analysts; else after an analyst's time, within the backlog."""
        if self.unit is None:
            fold()
            return
        if self._backlog >= _FEEDBACK_BACKLOG:
            self.counters.results_dropped += 1
            return
        self._backlog += 1
        self.w.env.process(self._processed(case_id, stream, fold))

    def _processed(
        self, case_id: str, stream: str, fold: Callable[[], None]
    ) -> Generator[Any, Any, None]:
        w = self.w
        t0 = w.env.now
        minutes = w.scenario.uncertainties.times.risk_analysis_min.sample(w.streams.get(stream))
        yield from self._task("risk_feedback", case_id, minutes * 60.0, priority=1)
        self._backlog -= 1
        self.counters.results_processed += 1
        self.counters.feedback_delay_s += w.env.now - t0
        fold()

    def _fold(self, result: InspectionResult) -> None:
        w = self.w
        w.risk.feedback(result, w.env.now)
        cid = result.decision.control_id
        if not cid.startswith(_LEAD_PREFIX) or w.risk.controls.get(cid) is None:
            return
        lv = w.scenario.levers.targeting
        seen = self._inspections[cid] = self._inspections.get(cid, 0) + 1
        if result.violation_found and lv.withdraw_on_hit:
            self.counters.controls_withdrawn += 1  # the lead is confirmed: the case goes on
        elif seen >= lv.control_max_inspections and not result.violation_found:
            self.counters.controls_unconfirmed += 1  # the lead did not hold up
        else:
            return
        w.risk.withdraw_control(cid)
        del self._inspections[cid]

    # Pre-arrival review -------------------------------------------------------------

    def review(self, case: Case, decision: RiskDecision) -> RiskDecision:
        """Review a high-risk declaration before arrival if an analyst is free.

        A flagged declaration goes to physical inspection, and the inspecting officer is
        told what the analyst suspects; an unflagged one keeps its lane.

        Returns:
            The decision, re-routed or annotated when the analyst flags it.
        """
        w = self.w
        decision = self._rights_holder_tip(case, decision)
        lv = w.scenario.levers.targeting
        if not lv.prearrival_review or self.unit is None:
            return decision
        if not self._among_riskiest(decision.score, lv.review_share):
            return decision
        if self._free() <= 0:
            self.counters.reviews_skipped += 1
            return decision
        self.counters.reviews += 1
        w.env.process(self._task("prearrival_review", case.case_id,
                                 case.times["prearrival_review"], priority=0))  # fmt: skip
        intel = w.scenario.uncertainties.intelligence
        p = intel.prearrival_detection if case.violation else intel.prearrival_false_flag
        if case.u[12] >= p:
            return decision
        self.counters.review_flags += 1
        kind = case.violation or decision.suspected_kind
        if decision.lane < Lane.PHYSICAL:
            why = f"pre-arrival review (事前人工风险分析): analyst suspects {kind or 'a violation'}"
            decision = w.risk.reroute(decision, Lane.PHYSICAL, why, w.env.now)
        return replace(decision, suspected_kind=kind)

    def _rights_holder_tip(self, case: Case, decision: RiskDecision) -> RiskDecision:
        """Send a shipment a rights holder reported to physical inspection (依申请保护)."""
        w = self.w
        if not w.scenario.levers.ipr_protection:
            return decision
        intel = w.scenario.uncertainties.intelligence
        if case.violation == _IPR:
            p = intel.ipr_tip_rate
        elif not case.violation and likely_kind(w.scenario, case.chapter) == _IPR:
            p = intel.ipr_false_tip_rate
        else:
            return decision
        if case.u[_U_TIP] >= p:
            return decision
        self.counters.ipr_tips += 1
        if decision.lane < Lane.PHYSICAL:
            why = "rights holder's application (依申请保护): suspected ipr_infringement"
            decision = w.risk.reroute(decision, Lane.PHYSICAL, why, w.env.now)
        return replace(decision, suspected_kind=_IPR)

    def _among_riskiest(self, score: float, share: float) -> bool:
        ring = self._scores
        ring[self._seen % _SCORE_RING] = score
        self._seen += 1
        n = min(self._seen, _SCORE_RING)
        if n >= _MIN_SCORES and (
            self._seen % _RECALIBRATE == 0 or not math.isfinite(self._threshold)
        ):
            self._threshold = float(np.quantile(ring[:n], 1.0 - share)) if share > 0 else math.inf
        return score >= self._threshold and share > 0

    def _free(self) -> int:
        assert self.unit is not None
        return on_duty(self.unit.pool, int(self.w.env.now // 3600.0)) - self._busy

    def _task(
        self, activity: str, case_id: str, duration_s: float, priority: int
    ) -> Generator[Any, Any, None]:
        assert self.unit is not None
        w, unit = self.w, self.unit
        w.rec.emit(case_id, activity, Lifecycle.WAIT_START, unit.name, w.env.now)
        with unit.resource.request(priority=priority) as req:
            yield req
            self._busy += 1
            w.rec.emit(case_id, activity, Lifecycle.WAIT_STOP, unit.name, w.env.now)
            w.rec.emit(case_id, activity, Lifecycle.START, unit.name, w.env.now)
            yield w.env.timeout(duration_s)
            w.rec.emit(case_id, activity, Lifecycle.STOP, unit.name, w.env.now)
            self._busy -= 1

    # Targeting research -------------------------------------------------------------

    def _research(self, worker: int) -> Generator[Any, Any, None]:
        assert self.unit is not None
        w, unit = self.w, self.unit
        n = 0
        while True:
            with unit.resource.request(priority=2) as req:
                yield req
                idle = off_duty_wait_s(unit.pool, w.env.now)
                if idle:
                    unit.resource.release(req)
                    yield w.env.timeout(idle)
                    continue
                cid = f"research#{worker}.{n}"
                stint = stint_s(unit.pool, w.env.now, _CHUNK_S)
                w.rec.emit(cid, "risk_research", Lifecycle.START, unit.name, w.env.now)
                yield w.env.timeout(stint)
                w.rec.emit(cid, "risk_research", Lifecycle.STOP, unit.name, w.env.now)
            n += 1
            self.counters.research_h += stint / 3600.0
            self._research_left_h += stint / 3600.0
            lead_h = w.scenario.uncertainties.intelligence.lead_h
            while self._research_left_h >= lead_h:
                self._research_left_h -= lead_h
                self._issue_lead()

    def _data_lead(self, u: float) -> tuple[Any, str]:
        """A lead from the data alone: a trader by volume × learned risk, its riskiest goods."""
        w = self.w
        scorer = w.risk.scorer
        roster = w.enterprises.roster
        # Not at dishonest enterprises, whose goods are inspected at ≥ 80 % already.
        weights = np.array(
            [a.size * scorer.rate("enterprise", a.enterprise_id)
             * scorer.rate("credit_class", a.credit_class) * (a.credit_class != "dishonest")
             for a in roster]
        )  # fmt: skip
        cum = np.cumsum(weights / weights.sum())
        agent = roster[min(int(np.searchsorted(cum, u, side="right")), len(roster) - 1)]
        chapter = max(agent.chapters, key=lambda c: (scorer.rate("hs_chapter", c), c))
        return agent, chapter

    def _issue_lead(self) -> None:
        """Turn a lead into a targeted control; a lead already covered is looked at again."""
        w, rng = self.w, self._rng
        intel = w.scenario.uncertainties.intelligence
        shared = w.scenario.levers.anti_smuggling_intelligence
        precision = intel.precision_shared if shared else intel.precision
        real = float(rng.random()) < precision
        self.counters.leads += 1
        self.counters.true_leads += real
        now = w.env.now
        covered = {
            (e, p)
            for c in w.risk.controls.active(now)
            for e in c.enterprises
            for p in c.hs_prefixes
        }
        for _ in range(_LOOKS):
            u = float(rng.random())
            agent, chapter = (w.enterprises.pick_violator(u), None) if real else self._data_lead(u)
            chapter = chapter or agent.violation_chapter
            if (agent.enterprise_id, chapter) not in covered:
                break
        else:
            self.counters.leads_dropped += 1  # every look ended on goods already controlled
            return
        lv = w.scenario.levers.targeting
        self._n += 1
        book = w.risk.controls  # forget the tallies of controls that ran out (flat memory)
        self._inspections = {k: v for k, v in self._inspections.items() if book.get(k)}
        kind = likely_kind(w.scenario, chapter)
        control = TargetedControl(
            control_id=f"{_LEAD_PREFIX}{self._n:05d}",
            lane=Lane.PHYSICAL,
            target_rate=lv.control_target_rate,
            start_s=now,
            end_s=now + lv.control_days * _DAY,
            enterprises=frozenset({agent.enterprise_id}),
            hs_prefixes=frozenset({chapter}),
            reason=f"analyst lead on {agent.enterprise_id} chapter {chapter}",
            kinds=frozenset({ViolationKind(kind)} if kind else ()),
        )
        try:
            w.risk.add_control(control, now)
        except ControlError:
            self.counters.leads_dropped += 1  # conflicts with a control in force
            return
        self.counters.controls_issued += 1
        # The lead also updates the rules: the trader's risk in the table rises, so its
        # other goods are selected more often long after the control expires.
        w.risk.update_rule("enterprise", agent.enterprise_id, intel.rule_weight, now)
        self.counters.rule_updates += 1
