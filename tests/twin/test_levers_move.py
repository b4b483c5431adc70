"""Nothing silent: every reform lever moves the KPI it is meant to move.

Each lever is flipped from the full reform on the same trucks (common random numbers);
the KPI named beside it must change. A scenario with more violations and exhibition
traffic than usual makes the rarer effects visible in a short run.
"""

from __future__ import annotations

import pytest

from ftz_spec import Levers
from tests.twin.helpers import variant
from twin.experiment import run_replication

pytestmark = pytest.mark.slow

SHORT = {
    "traffic_scale": 0.3,
    "enterprises": {"violation_scale": 4.0},
    "flows": [{"id": "wgq_expo", "trucks_per_day": 400}],
}
MOVES = {
    "auto_release_low_risk": "utilisation[role=document_review]",
    "dual_review": "clearance_time_min_mean",
    "intelligent_gates": "utilisation[role=gate]",
    "enter_first_declare_later": "late_declarations",
    "batch_declaration": "clearance_time_min_mean[flow=second_line_import]",
    "self_transport": "clearance_time_min_mean[flow=transfer_between_zones]",
    "work_order_writeoff": "utilisation[role=document_review]",
    "paperless": "clearance_time_min_mean",
    "electronic_fence": "clearance_time_min_mean[flow=transfer_between_zones]",
    "differentiated_audit": "audits_completed[method=on_site]",
    "self_assessed_tax": "audit_checks",
    "consolidated_tax": "clearance_time_min_mean[flow=second_line_import]",
    "selective_taxation": "duties_collected_mcny_per_day",
    "bonded_exhibition": "clearance_time_min_mean[flow=bonded_exhibition]",
    "single_window": "agency_wait_h_mean",
    "one_filing": "record_filings",
    "unified_record_lists": "fields_keyed_per_declaration",
    "auto_filing_low_risk": "utilisation[role=document_review]",
    "video_inspection": "utilisation[role=inspection]",
    "ipr_protection": "inspection_rate",
    "printed_matter_control": "inspection_rate",
    "anti_smuggling_intelligence": "targeting_true_leads",
    "pre_classification": "violations_found[kind=misclassification]",
    "three_document_check": "violations_found[kind=smuggling]",
    "port_zone_direct_entry": "clearance_time_min_mean[flow=first_line_entry]",
}
# Rare effects need more of their violations to show in 14 h. Smuggling is rare: in the
# plain short run both arms find the same 3, since scans find most of it either way.
MORE_OF = {"three_document_check": {"violation_kinds": {"smuggling": {"weight": 4.0}}}}
# Switching central monitoring off must switch off what needs it.
DEPENDENTS = {
    "capacity_aware_selection": False,
    "electronic_fence": False,
    "video_inspection": False,
}


def _kpis(more: dict | None = None, **levers):
    unc = {**SHORT, **(more or {})}
    s = variant("reform_2014", horizon_h=14.0, warmup_h=2.0, levers=levers, uncertainties=unc)
    return run_replication(s, 0).kpis


@pytest.fixture(scope="module")
def base():
    return _kpis()


def test_every_boolean_lever_has_a_kpi_it_moves():
    booleans = {k for k, f in Levers.model_fields.items() if f.annotation is bool}
    assert booleans - set(MOVES) == {"capacity_aware_selection", "central_monitoring"}


@pytest.mark.parametrize(("lever", "kpi"), sorted(MOVES.items()))
def test_flipping_a_lever_moves_its_kpi(base, lever, kpi):
    more = MORE_OF.get(lever)
    before = _kpis(more) if more else base
    flipped = _kpis(more, **{lever: not getattr(Levers(), lever)})
    assert flipped[kpi] != before[kpi], (lever, kpi, before[kpi])


def test_central_monitoring_frees_the_zones_gate_officers(base):
    without = _kpis(central_monitoring=False, **DEPENDENTS)
    dependents_only = _kpis(**DEPENDENTS)
    assert without["utilisation[role=gate]"] > dependents_only["utilisation[role=gate]"]


def test_the_analysts_pre_arrival_review_moves_reviews_and_flags(base):
    off = _kpis(targeting={"prearrival_review": False})
    assert base["prearrival_reviews"] > 0 and off["prearrival_reviews"] == 0
