"""KPIs of the plan's mechanisms: kinds, deferrals, filings, analysts' and auditors' work.

:class:`CaseTally` reads the attributes of clearance STOP records (cases arriving after
the warm-up, like every case KPI of :mod:`twin.kpi`) and, for what is known when a
declaration is lodged — the trader's filings, the lane decided —, of START records;
:func:`mechanism_kpis` reads the analysts' desk, the audit office and the engine at the
end of a run.

``decided_inspection_rate`` (overall, and by credit class: the credit rule's measure) is
the share of declarations lodged in the window whose decided lane scans or opens the
goods, cases still in inspection at the horizon included. ``inspection_rate`` of
:mod:`twin.kpi` counts cleared cases only, so inspections still queued at the horizon
pull it down, the more so the longer the inspection queues.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.risk import CreditClass
from ftz_spec.violations import VIOLATION_KINDS

if TYPE_CHECKING:
    from twin.world import World

__all__ = ["CASE_KPIS", "MECHANISM_KPIS", "CaseTally", "mechanism_kpis"]

_INSPECTING = ("scan", "physical")

# Names (``[kind=…]`` stands for one KPI per violation kind): the catalogue's source.
CASE_KPIS = (
    "violations[kind=…]",
    "violations_found[kind=…]",
    "violations_missed[kind=…]",
    "detection_rate[kind=…]",
    "revenue_missed_mcny[kind=…]",
    "selections_deferred",
    "deferred_share",
    "deferred_violations_missed",
    "deferred_revenue_missed_mcny",
    "filings_per_declaration",
    "fields_keyed_per_declaration",
    "fields_reentered_per_declaration",
    "filing_h_per_declaration",
    "agency_wait_h_mean",
    "record_filings",
    "decided_inspection_rate",
    "decided_inspection_rate[credit=…]",
)
MECHANISM_KPIS = (
    "risk_results_processed",
    "risk_feedback_delay_min_mean",
    "analyst_research_h",
    "targeting_leads",
    "targeting_true_leads",
    "targeting_controls_issued",
    "targeting_leads_dropped",
    "targeting_controls_withdrawn",
    "targeting_controls_unconfirmed",
    "risk_rule_updates",
    "controls_in_force",
    "prearrival_reviews",
    "prearrival_flags",
    "prearrival_reviews_skipped",
    "ipr_tips",
    "audits_completed[method=…]",
    "audits_early",
    "audit_hours",
    "audit_backlog_mean",
    "audit_backlog_end",
    "audit_checks",
    "audit_check_findings",
    "audit_checks_unstaffed",
    "audit_findings[kind=…]",
    "audit_findings_before_run",
    "revenue_recovered_before_run_cny",
    "audit_past_violations_start",
    "selections_deferred_total",
)


class CaseTally:
    """Counts from clearance records: kinds and deferrals when cleared, filings when lodged."""

    def __init__(self) -> None:
        """Start with zero counts."""
        self.cases = 0
        self.lodged_n = 0
        self.kind_n = dict.fromkeys(VIOLATION_KINDS, 0)
        self.kind_found = dict.fromkeys(VIOLATION_KINDS, 0)
        self.kind_missed_rev = dict.fromkeys(VIOLATION_KINDS, 0.0)
        self.deferred = self.deferred_missed = 0
        self.deferred_missed_rev = 0.0
        self.filings = self.fields = self.reentered = self.records = 0
        self.filing_h = 0.0
        self.agency_cases = 0
        self.agency_wait_h = 0.0
        self.decided: dict[str, list[int]] = {}  # credit class → [declarations, inspected]

    def add(self, a: Mapping[str, Any]) -> None:
        """Count one cleared case from its STOP record's attributes."""
        self.cases += 1
        kind, found = str(a.get("violation") or ""), bool(a.get("found"))
        missed_rev = float(a.get("revenue_missed_cny", 0.0))
        if kind in self.kind_n:
            self.kind_n[kind] += 1
            self.kind_found[kind] += found
            self.kind_missed_rev[kind] += missed_rev
        if a.get("deferred"):
            self.deferred += 1
            if kind and not found:
                self.deferred_missed += 1
                self.deferred_missed_rev += missed_rev

    def lodged(self, a: Mapping[str, Any]) -> None:
        """Count the trader's filings of one declaration from its START record's attributes.

        Counted when lodged, not when cleared: a shipment still waiting for an agency at
        the horizon has done its filing all the same.
        """
        self.lodged_n += 1
        self.filings += int(a.get("filings", 0))
        self.fields += int(a.get("fields_keyed", 0))
        self.reentered += int(a.get("fields_reentered", 0))
        self.records += int(a.get("record_filings", 0))
        self.filing_h += float(a.get("filing_h", 0.0))
        if a.get("agencies"):
            self.agency_cases += 1
            self.agency_wait_h += float(a.get("agency_wait_h", 0.0))
        if "credit_class" in a:
            slot = self.decided.setdefault(str(a["credit_class"]), [0, 0])
            slot[0] += 1
            slot[1] += a.get("decided_lane") in _INSPECTING

    def result(self) -> dict[str, float]:
        """Return the case KPIs (see :data:`CASE_KPIS`)."""
        n = self.cases
        out: dict[str, float] = {}
        for k in VIOLATION_KINDS:
            v, f = self.kind_n[k], self.kind_found[k]
            out[f"violations[kind={k}]"] = float(v)
            out[f"violations_found[kind={k}]"] = float(f)
            out[f"violations_missed[kind={k}]"] = float(v - f)
            out[f"detection_rate[kind={k}]"] = f / v if v else math.nan
            out[f"revenue_missed_mcny[kind={k}]"] = self.kind_missed_rev[k] / 1e6
        out["selections_deferred"] = float(self.deferred)
        out["deferred_share"] = self.deferred / n if n else math.nan
        out["deferred_violations_missed"] = float(self.deferred_missed)
        out["deferred_revenue_missed_mcny"] = self.deferred_missed_rev / 1e6
        m = self.lodged_n
        out["filings_per_declaration"] = self.filings / m if m else math.nan
        out["fields_keyed_per_declaration"] = self.fields / m if m else math.nan
        out["fields_reentered_per_declaration"] = self.reentered / m if m else math.nan
        out["filing_h_per_declaration"] = self.filing_h / m if m else math.nan
        out["agency_wait_h_mean"] = (
            self.agency_wait_h / self.agency_cases if self.agency_cases else math.nan
        )
        out["record_filings"] = float(self.records)
        lodged, inspected = (sum(v[i] for v in self.decided.values()) for i in (0, 1))
        out["decided_inspection_rate"] = inspected / lodged if lodged else math.nan
        for cls in CreditClass:
            n_cls, inspected = self.decided.get(cls.value, (0, 0))
            rate = inspected / n_cls if n_cls else math.nan
            out[f"decided_inspection_rate[credit={cls.value}]"] = rate
        return out


def mechanism_kpis(w: World) -> dict[str, float]:
    """Return the analysts', auditors' and engine's KPIs of a finished run."""
    d, o = w.desk.counters, w.office.counters
    out: dict[str, float] = {
        "risk_results_processed": float(d.results_processed),
        "risk_feedback_delay_min_mean": (
            d.feedback_delay_s / 60.0 / d.results_processed if d.results_processed else math.nan
        ),
        "analyst_research_h": d.research_h,
        "targeting_leads": float(d.leads),
        "targeting_true_leads": float(d.true_leads),
        "targeting_controls_issued": float(d.controls_issued),
        "targeting_leads_dropped": float(d.leads_dropped),
        "targeting_controls_withdrawn": float(d.controls_withdrawn),
        "targeting_controls_unconfirmed": float(d.controls_unconfirmed),
        "risk_rule_updates": float(d.rule_updates),
        "controls_in_force": float(len(w.risk.controls.active(w.env.now))),
        "prearrival_reviews": float(d.reviews),
        "prearrival_flags": float(d.review_flags),
        "prearrival_reviews_skipped": float(d.reviews_skipped),
        "ipr_tips": float(d.ipr_tips),
        "audits_early": float(o.audits_early),
        "audit_hours": o.audit_hours,
        "audit_backlog_mean": o.backlog_mean,
        "audit_backlog_end": float(w.office.backlog()),
        "audit_checks": float(o.checks),
        "audit_check_findings": float(o.check_findings),
        "audit_checks_unstaffed": float(w.office.unstaffed),
        "audit_findings_before_run": float(o.findings_before_run),
        "revenue_recovered_before_run_cny": o.revenue_before_run_cny,
        "audit_past_violations_start": float(o.history_start),
        "selections_deferred_total": float(w.risk.selections_deferred()),
    }
    for method in ("on_site", "desk", "self_audit"):
        out[f"audits_completed[method={method}]"] = float(o.audits.get(method, 0))
    for k in VIOLATION_KINDS:
        out[f"audit_findings[kind={k}]"] = float(o.findings_by_kind.get(k, 0))
    return out
