"""A post-clearance audit's report reaches the risk table through the analysts.

The dumbbell's two ends meet in the risk table (稽查结果反馈风险分析): an audit's finding
is folded in by a risk analyst, after the analyst's time, as an inspection result is, so
the analysts' capacity shows in what the table learns from audits too.
"""

from __future__ import annotations

import pytest

from core.risk import RiskEngine
from tests.twin.helpers import variant
from twin.audit_office import AuditOffice
from twin.experiment import run_replication


def _audits_and_reports(monkeypatch, analysts: int) -> tuple[list[float], list[float]]:
    finished: list[float] = []
    folded: list[float] = []
    real_finish, real_fold = AuditOffice._finish_audit, RiskEngine.audit_feedback

    def finish(self, job):
        finished.append(float(self.w.env.now))
        real_finish(self, job)

    def fold(self, enterprise_id, found, now, kind="", weight=1.0):
        folded.append(float(now))
        real_fold(self, enterprise_id, found, now, kind, weight)

    monkeypatch.setattr(AuditOffice, "_finish_audit", finish)
    monkeypatch.setattr(RiskEngine, "audit_feedback", fold)
    site = {"staff_pools": [{"id": "risk", "count": analysts}]}
    run_replication(variant(horizon_h=48.0, warmup_h=1.0, site=site), 0)
    return finished, folded


@pytest.mark.parametrize("analysts", [1, 35])
def test_every_audit_is_folded_into_the_risk_table_after_an_analysts_time(monkeypatch, analysts):
    finished, folded = _audits_and_reports(monkeypatch, analysts)
    assert finished, "no audit finished: the rule is not exercised"
    # Each report is folded once, no earlier than its audit ended; those still with an
    # analyst at the end of the run are not folded yet.
    assert len(folded) <= len(finished)
    assert all(f >= a for a, f in zip(sorted(finished), sorted(folded), strict=False))
    assert sum(folded) > sum(sorted(finished)[: len(folded)])  # an analyst's time, > 0


def test_with_no_analysts_an_audit_reaches_the_risk_table_at_once(monkeypatch):
    finished, folded = _audits_and_reports(monkeypatch, 0)
    assert finished and folded == finished
