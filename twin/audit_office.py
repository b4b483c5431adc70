"""Post-clearance audit (后续稽查): the back end of the dumbbell (哑铃型监管, 二(三)2 四).

Auditors' time drives audit. Every auditor post runs a worker that takes the next job
when an auditor is on duty, in two-hour stints, so the number of audits done is what the
auditors' hours allow:

1. jobs already started;
2. checks of single declarations: those the engine sent to the post-audit lane, and the
   verification sample of self-assessed tax (自主报税 moves review after release);
3. enterprise audits: those due, the one due soonest first. Differentiated audit
   (差别化稽查, 二(三)2 十一) sets each enterprise's method, scope and interval by its
   learned risk (:func:`core.risk.plan_audits`, re-planned weekly) and, when no audit is
   due, starts next the one where most is expected to be found (learned risk × the
   declarations since its last audit, both known to customs); without it every
   enterprise gets the same full on-site audit once a year, in turn. Audits due and not
   started are the backlog.

An audit finds each violation clearance missed at the enterprise with the post-audit
detection of its kind times the method's reach; findings recover the
revenue, count against the enterprise's credit, and feed the risk table.

What an audit can find is not only what clearance missed during the run: the run starts
with each enterprise's past since its last audit (``uncertainties.audit_history``, within
the audit law's three-year look-back), drawn once from its own stream. Without that past
the stock is a few days' worth, which the base staff already sweeps, and more auditors'
hours would find nothing more (issue 16).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from core.risk import AuditMethod, CreditClass, Enterprise, InspectionResult, RiskDecision
from core.trace import Lifecycle
from ftz_spec import StaffRole
from twin.cases import expected_stake, kind_weights
from twin.detection import finds
from twin.staff import StaffUnit
from twin.stints import off_duty_wait_s, stint_s

if TYPE_CHECKING:
    from twin.cases import Case
    from twin.world import World

__all__ = ["AuditCounters", "AuditOffice"]

_CHUNK_S = 2 * 3600.0
_DAY = 86_400.0
_YEAR = 365 * _DAY
_WEEK = 7 * _DAY
_ACTIVITY = {
    AuditMethod.ON_SITE: "post_audit",
    AuditMethod.DESK: "desk_audit",
    AuditMethod.SELF_AUDIT: "self_audit_review",
}


@dataclass
class _Plan:
    last_s: float
    interval_s: float
    method: AuditMethod
    busy: bool = False

    @property
    def due_s(self) -> float:
        return self.last_s + self.interval_s


@dataclass
class _Job:
    job_id: str
    activity: str
    enterprise_id: str
    left_s: float
    method: AuditMethod | None = None  # None: a check of one declaration
    case: Case | None = None
    decision: RiskDecision | None = None


@dataclass
class AuditCounters:
    """What the auditors did (from the start of the run)."""

    audits: dict[str, int] = field(default_factory=dict)  # method → completed
    audits_early: int = 0  # started before they were due
    checks: int = 0
    check_findings: int = 0
    findings_by_kind: dict[str, int] = field(default_factory=dict)
    findings_before_run: int = 0  # of which violations of the past before the run
    revenue_before_run_cny: float = 0.0
    history_start: int = 0  # violations of the past the run started with
    audit_hours: float = 0.0
    backlog_sum: float = 0.0  # backlog counted hourly after the warm-up
    backlog_n: int = 0

    @property
    def backlog_mean(self) -> float:
        """Mean backlog over the hourly counts (NaN before the first)."""
        return self.backlog_sum / self.backlog_n if self.backlog_n else math.nan


class AuditOffice:
    """The audit pools at work; one per replication."""

    def __init__(self, w: World) -> None:
        """Find the audit pools; without one, nothing is audited (and that is counted)."""
        self.w = w
        self.units: list[StaffUnit] = [
            u for u in w.staff.units.values() if u.pool.role is StaffRole.AUDIT and u.pool.count
        ]
        self.counters = AuditCounters()
        self.unstaffed = 0  # declaration checks asked for with no auditor anywhere
        self._rng: np.random.Generator = w.streams.get("audit")
        self._resume: deque[_Job] = deque()
        self._checks: deque[_Job] = deque()
        self._plan: dict[str, _Plan] = {}
        self._since: dict[str, int] = {}  # declarations released since the last audit
        # enterprise → kind → [count, revenue] missed before the run (not yet found)
        self._past: dict[str, dict[str, list[float]]] = {}
        self._n = 0

    def start(self) -> None:
        """Plan, and start one worker per auditor post and the hourly backlog count."""
        if not self.units:
            return
        self._replan(first=True)
        self._seed_past()
        w = self.w
        w.env.process(self._weekly())
        w.env.process(self._count_backlog())
        for unit in self.units:
            for _ in range(unit.resource.capacity):
                w.env.process(self._worker(unit))

    def check(self, case: Case, decision: RiskDecision, activity: str) -> None:
        """Queue a check of one released declaration (``desk_check``, ``tax_verification``)."""
        if not self.units:
            self.unstaffed += 1
            return
        self._n += 1
        job = _Job(f"{activity}:{case.case_id}", activity, case.enterprise.enterprise_id,
                   case.times["desk_check"], None, case, decision)  # fmt: skip
        self._checks.append(job)

    def released(self, case: Case) -> None:
        """Count a released declaration of the case's enterprise (what the next audit covers)."""
        eid = case.enterprise.enterprise_id
        self._since[eid] = self._since.get(eid, 0) + 1

    def backlog(self) -> int:
        """Audits due and not started, plus declaration checks waiting."""
        now = self.w.env.now
        due = sum(1 for p in self._plan.values() if not p.busy and p.due_s <= now)
        return due + len(self._checks)

    # Planning ---------------------------------------------------------------------

    def _weekly(self) -> Generator[Any, Any, None]:
        while True:
            yield self.w.env.timeout(_WEEK)
            self._replan(first=False)

    def _replan(self, first: bool) -> None:
        w = self.w
        roster = w.enterprises.roster
        if w.scenario.levers.differentiated_audit:
            plans = w.risk.audit_plan(
                Enterprise(a.enterprise_id, CreditClass(a.credit_class)) for a in roster
            )
            how = {p.enterprise_id: (p.method, _interval(p.audits_per_year)) for p in plans}
        else:  # one full on-site audit a year for everyone, whatever the risk
            how = {a.enterprise_id: (AuditMethod.ON_SITE, _YEAR) for a in roster}
        for a in roster:  # roster order: the phase draws are reproducible
            method, interval = how[a.enterprise_id]
            plan = self._plan.get(a.enterprise_id)
            if plan is None:
                phase = float(self._rng.random())
                last = -phase * (interval if math.isfinite(interval) else _YEAR)
                self._plan[a.enterprise_id] = _Plan(last, interval, method)
            else:
                plan.interval_s, plan.method = interval, method

    def _seed_past(self) -> None:
        """Draw what clearance missed at each enterprise between its last audit and now.

        The expected count is the enterprise's declarations over that time (at most the
        look-back) × its violation share × the share missed; the count is Poisson and
        split among kinds by the violation chapter's trade profile. The declarations
        also count toward the next audit's coverage (what differentiated audit ranks by).
        """
        w = self.w
        past = w.scenario.uncertainties.audit_history
        if past.missed_share <= 0 or past.look_back_years <= 0:
            return
        rng = w.streams.get("audit_history")  # its own stream: other draws stay paired
        horizon = past.look_back_years * _YEAR
        stake = {k: expected_stake(w.scenario, k) for k in w.scenario.uncertainties.violation_kinds}
        now = w.env.now
        for agent in w.enterprises.roster:  # roster order: reproducible draws
            plan = self._plan[agent.enterprise_id]
            days = min(max(0.0, now - plan.last_s), horizon) / _DAY
            declarations = agent.daily * days
            self._since[agent.enterprise_id] = int(declarations)
            lam = declarations * agent.violation_share() * past.missed_share
            n = int(rng.poisson(lam)) if lam > 0 else 0
            names, weights = kind_weights(w.scenario, agent.violation_chapter)
            total = sum(weights)
            if n == 0 or total <= 0:
                continue
            counts = rng.multinomial(n, [x / total for x in weights])
            slots = {
                k: [float(c), float(c) * stake[k]] for k, c in zip(names, counts, strict=True) if c
            }
            self._past[agent.enterprise_id] = slots
            self.counters.history_start += n

    # Work -------------------------------------------------------------------------

    def _take(self) -> _Job | None:
        if self._resume:
            return self._resume.popleft()
        if self._checks:
            return self._checks.popleft()
        eid = self._next_enterprise()
        if eid is None:
            return None
        plan = self._plan[eid]
        plan.busy = True
        if plan.due_s > self.w.env.now:
            self.counters.audits_early += 1
        self._n += 1
        times = self.w.scenario.uncertainties.times
        dist = {
            AuditMethod.ON_SITE: times.post_audit_h,
            AuditMethod.DESK: times.desk_audit_h,
            AuditMethod.SELF_AUDIT: times.self_audit_review_h,
        }[plan.method]
        hours = dist.sample(self._rng)
        return _Job(
            f"audit:{eid}.{self._n}", _ACTIVITY[plan.method], eid, hours * 3600.0, plan.method
        )

    def _next_enterprise(self) -> str | None:
        now = self.w.env.now
        free = [(p.due_s, eid) for eid, p in self._plan.items() if not p.busy]
        if not free:
            return None
        due, eid = min(free)
        if due <= now or not self.w.scenario.levers.differentiated_audit:
            return eid
        rate = self.w.risk.scorer.rate  # ahead of plan: where most is expected to be found
        return max(free, key=lambda f: (rate("enterprise", f[1]) * self._since.get(f[1], 0), f[1]))[
            1
        ]

    def _worker(self, unit: StaffUnit) -> Generator[Any, Any, None]:
        w = self.w
        while True:
            req = unit.resource.request(priority=1)
            yield req
            idle = off_duty_wait_s(unit.pool, w.env.now)
            if idle:
                unit.resource.release(req)
                yield w.env.timeout(idle)
                continue
            job = self._take()
            if job is None:
                unit.resource.release(req)
                yield w.env.timeout(3600.0)
                continue
            stint = stint_s(unit.pool, w.env.now, min(job.left_s, _CHUNK_S))
            w.rec.emit(job.job_id, job.activity, Lifecycle.START, unit.name, w.env.now)
            yield w.env.timeout(stint)
            w.rec.emit(job.job_id, job.activity, Lifecycle.STOP, unit.name, w.env.now)
            unit.resource.release(req)
            self.counters.audit_hours += stint / 3600.0
            job.left_s -= stint
            if job.left_s > 1e-9:
                self._resume.append(job)
            elif job.method is None:
                self._finish_check(job)
            else:
                self._finish_audit(job)

    def _finish_check(self, job: _Job) -> None:
        w, case = self.w, job.case
        assert case is not None and job.decision is not None
        self.counters.checks += 1
        found = finds(w.scenario, "post_audit", case, job.decision, float(case.u[18]))
        if found:
            self.counters.check_findings += 1
            _count(self.counters.findings_by_kind, case.violation)
            w.counters.audit_findings += 1
            w.counters.revenue_recovered_cny += case.revenue_at_stake_cny
            slot = w.missed.get(case.enterprise.enterprise_id, {}).get(case.violation)
            if slot:
                slot[0] = max(0.0, slot[0] - 1)
                slot[1] = max(0.0, slot[1] - case.revenue_at_stake_cny)
        w.desk.feed_back(case, _result(job.decision, case, found))

    def _finish_audit(self, job: _Job) -> None:
        w = self.w
        plan = self._plan[job.enterprise_id]
        plan.busy, plan.last_s = False, w.env.now
        self._since[job.enterprise_id] = 0
        assert job.method is not None
        self.counters.audits[job.method.value] = self.counters.audits.get(job.method.value, 0) + 1
        w.counters.audits += 1
        reach = w.scenario.uncertainties.audit_detection.get(job.method.value, 1.0)
        found_any = self._sweep(w.missed.get(job.enterprise_id, {}), reach, before_run=False)
        past = self._past.get(job.enterprise_id)
        if past is not None:
            # The past is swept with its own stream: the run's draws stay paired across
            # variants whatever the past holds.
            found_any = self._sweep(past, reach, before_run=True) or found_any
            if not past:
                del self._past[job.enterprise_id]
        agent = w.enterprises.by_id(job.enterprise_id)
        if found_any:
            w.enterprises.caught(agent, float(self._rng.random()))
        w.desk.feed_audit(job.enterprise_id, bool(found_any), found_any)

    def _sweep(self, slots: dict[str, list[float]], reach: float, before_run: bool) -> str:
        """Find each violation in ``slots`` with its kind's chance; return the first kind found."""
        w, unc = self.w, self.w.scenario.uncertainties
        rng = w.streams.get("audit_history") if before_run else self._rng
        found_any = ""
        for kind in sorted(slots):
            count, revenue = slots[kind]
            if count <= 0:
                continue
            spec = unc.violation_kinds.get(kind)
            p = unc.detection.get("post_audit", 0.0) * reach
            p *= spec.detection.get("post_audit", 1.0) if spec else 1.0
            # Each violation is found or not on its own: an audit examines the
            # declarations, and a large stock is found in part, not all or nothing.
            n = int(rng.binomial(int(count), min(1.0, p)))
            if not n:
                continue
            got = revenue * n / count
            w.counters.audit_findings += n
            w.counters.revenue_recovered_cny += got
            _count(self.counters.findings_by_kind, kind, n)
            if before_run:
                self.counters.findings_before_run += n
                self.counters.revenue_before_run_cny += got
            if n >= count:
                del slots[kind]
            else:
                slots[kind] = [count - n, revenue - got]
            found_any = found_any or kind
        return found_any

    def _count_backlog(self) -> Generator[Any, Any, None]:
        w = self.w
        warmup = w.scenario.run.warmup_h * 3600.0
        while True:
            if w.env.now >= warmup:
                self.counters.backlog_sum += self.backlog()
                self.counters.backlog_n += 1
            yield w.env.timeout(3600.0)


def _interval(audits_per_year: float) -> float:
    return _YEAR / audits_per_year if audits_per_year > 0 else math.inf


def _count(d: dict[str, int], key: str, n: int = 1) -> None:
    d[key] = d.get(key, 0) + n


def _result(decision: RiskDecision, case: Case, found: bool) -> InspectionResult:
    return InspectionResult(
        decision,
        found,
        case.violation if found else "",
        case.revenue_at_stake_cny if found else 0.0,
    )
