"""The enterprise's side of a declaration: filings, fields keyed, other agencies' answers.

Two reforms change the trader's work rather than customs' (plan 二(三)1 四, 二(三)4):

* **Single window (单一窗口).** Without it, a shipment that also needs inspection-
  quarantine or a licence is filed with each agency separately, re-keying the
  declaration's data, and the agencies answer one after another (the quarantine
  clearance form comes before customs release). With it, one submission on one platform
  serves every agency, which answer in parallel through the same platform.
* **One filing, many uses (一次备案、多次使用).** A new goods item needs a record filing
  (备案). Without the reform the enterprise files it again for every business it is used
  in — import, export, bonded exhibition, repair; with it, once. Customs reviews every
  filing (with the approval the plan moves to dual review) unless the computer accepts a
  low-risk enterprise's filing (低风险企业账册自动备案).

Everything is drawn from the case's own pre-drawn numbers, so a lever changes the work,
never the shipments.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ftz_spec import StaffRole
from twin.review import approve
from twin.world import staff_task

if TYPE_CHECKING:
    from twin.cases import Case
    from twin.world import World

__all__ = ["Filed", "enterprise_filing", "file_records"]

_LOW_RISK = ("advanced_certified", "general_certified")


@dataclass(frozen=True)
class Filed:
    """What the enterprise did for one declaration.

    Attributes:
        filings: Submissions made: the declaration, separate agency filings, record filings.
        fields_keyed: Fields keyed in all of them.
        fields_reentered: Of those, fields keyed again that were keyed before.
        agencies: Other agencies the shipment needs.
        agency_wait_s: Seconds from lodging until the last agency has answered.
        record_filings: Record filings (备案) made for a new goods item.
    """

    filings: int
    fields_keyed: int
    fields_reentered: int
    agencies: int
    agency_wait_s: float
    record_filings: int

    def hours(self, field_entry_s: float) -> float:
        """Keying time in hours."""
        return self.fields_keyed * field_entry_s / 3600.0


def enterprise_filing(w: World, case: Case) -> Filed:
    """Return the enterprise's filings for ``case`` under the scenario's levers."""
    lv, f = w.scenario.levers, w.scenario.uncertainties.filing
    fields = f.fields_unified if lv.unified_record_lists else f.fields_per_declaration
    u = float(case.u[13])
    agencies = (
        0
        if u >= f.agency_share
        else min(f.max_agencies, 1 + int(u / f.agency_share * f.max_agencies))
    )
    if lv.single_window:
        filings, keyed, again = 1, fields + agencies * f.fields_agency_extra, 0
        wait = case.times["agency_single_window"] if agencies else 0.0
    else:
        repeat = f.fields_per_agency - f.fields_agency_extra
        filings, keyed, again = (
            1 + agencies,
            fields + agencies * f.fields_per_agency,
            agencies * repeat,
        )
        wait = sum(case.times[f"agency_{i}"] for i in range(agencies))
    records = 0
    if case.u[14] < f.new_record_share:
        uses = 1 + int(float(case.u[23]) * f.uses_per_record)
        records = 1 if lv.one_filing else uses
        keyed += records * f.fields_per_record
        again += (records - 1) * f.fields_per_record
    return Filed(filings + records, keyed, again, agencies, wait, records)


def file_records(w: World, case: Case, filed: Filed) -> Generator[Any, Any, None]:
    """Have customs accept the record filings of ``case``; the truck waits for the first.

    The first filing is the one this shipment's goods item needs; the others (one per
    further business use, without one filing) are customs work that delays no truck.
    """
    if not filed.record_filings:
        return
    if w.scenario.levers.auto_filing_low_risk and case.enterprise.credit_class in _LOW_RISK:
        return  # accepted by the computer (自动备案)
    for i in range(1, filed.record_filings):
        w.env.process(_review(w, case, f"{case.case_id}/record{i}"))
    yield from _review(w, case, f"{case.case_id}/record0")


def _review(w: World, case: Case, case_id: str) -> Generator[Any, Any, None]:
    zone = case.flow.zone
    unit = w.unit(StaffRole.DOCUMENT_REVIEW, zone)
    yield from staff_task(w, unit, "record_filing_review", case_id, case.times["record_review"])
    yield from approve(w, case_id, zone, case.times["approval"], case.times["handoff"])
