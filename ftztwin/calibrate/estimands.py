"""Which observed durations estimate which scenario input, under the observed levers.

The scenario given to ``ftztwin calibrate`` describes the site as it was when the log
was taken, so its levers say what an activity in the log measures: a ``doc_review`` is
the paperless review if ``paperless`` was on and the paper one if not (over the share of
fields one record-list format leaves to check, if ``unified_record_lists``); approvals are
``dual_review`` or three levels with hand-offs; the lane time at a gate is the automatic
check only at intelligent gates. A gap between two records is a wait nobody serves: the
paper documents on their way, a file in the next approval level's in-tray.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ftz_spec import Scenario
from ftztwin.calibrate.instances import durations, gap
from ftztwin.calibrate.logs import ObservedLog

__all__ = ["Estimand", "estimands", "unit_seconds"]

Sample = Callable[[ObservedLog, "set[str] | None", pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class Estimand:
    """A scenario duration and how to read its sample (in seconds) off a log.

    Attributes:
        field: The field of ``uncertainties.times``.
        what: What in the log measures it.
        sample: (log, training cases, activity instances) → durations in seconds.
    """

    field: str
    what: str
    sample: Sample

    @property
    def path(self) -> str:
        """The scenario path of the distribution."""
        return f"uncertainties.times.{self.field}"

    @property
    def unit_s(self) -> float:
        """Seconds per unit of the field (``_s``, ``_min``, ``_h``)."""
        return unit_seconds(self.field)


def unit_seconds(name: str) -> float:
    """Seconds per unit a field name ends in (``_s`` 1, ``_min`` 60, ``_h`` 3600)."""
    for suffix, seconds in (("_min", 60.0), ("_h", 3600.0), ("_s", 1.0)):
        if name.endswith(suffix):
            return seconds
    raise ValueError(f"{name}: no unit suffix")


def _activity(name: str) -> Sample:
    return lambda log, cases, inst: durations(inst, name)


def _review_scale(scenario: Scenario) -> float:
    """What the twin multiplies a declaration's review time by (``twin/review.py``).

    With one record-list format (统一备案清单, ``levers.unified_record_lists``) an officer
    checks ``fields_unified`` of the ``fields_per_declaration`` fields, so an observed
    review measures the drawn time times their ratio; the fit must undo it.
    """
    if not scenario.levers.unified_record_lists:
        return 1.0
    f = scenario.uncertainties.filing
    return f.fields_unified / f.fields_per_declaration


def _scaled(sample: Sample, factor: float) -> Sample:
    if factor == 1.0:
        return sample
    return lambda log, cases, inst: sample(log, cases, inst) / factor


def estimands(scenario: Scenario) -> list[Estimand]:
    """The durations a log of ``scenario``'s site can estimate."""
    lv = scenario.levers
    out = []
    if lv.intelligent_gates:
        out.append(Estimand("auto_check_s", "gate_check (lane time, intelligent gate)",
                            _activity("gate_check")))  # fmt: skip
    else:
        out.append(Estimand("manual_check_s", "manual_check", _activity("manual_check")))
    out.append(Estimand("manual_post_s", "manual_post", _activity("manual_post")))
    review = _scaled(_activity("doc_review"), _review_scale(scenario))
    if lv.paperless:
        out.append(Estimand("doc_review_paperless_min", "doc_review (paperless)", review))
    else:
        out.append(Estimand("doc_review_min", "doc_review (paper)", review))
        out.append(Estimand(
            "paper_delivery_h", "clearance START → doc_review WAIT_START, before the gate",
            lambda log, cases, inst: gap(log, cases, "clearance", "START", "doc_review",
                                         "WAIT_START", before="gate_queue"),
        ))  # fmt: skip
    if lv.dual_review:
        out.append(Estimand("approval_level_min", "dual_review", _activity("dual_review")))
    else:
        out.append(Estimand("approval_level_min", "approval_level1",
                            _activity("approval_level1")))  # fmt: skip
        out.append(Estimand(
            "approval_handoff_h", "approval_level1 STOP → approval_level2 WAIT_START",
            lambda log, cases, inst: gap(log, cases, "approval_level1", "STOP",
                                         "approval_level2", "WAIT_START"),
        ))  # fmt: skip
    out += [
        Estimand("scan_s", "h986_scan", _activity("h986_scan")),
        Estimand("image_analysis_min", "image_analysis", _activity("image_analysis")),
        Estimand("physical_inspection_min", "physical_inspection",
                 _activity("physical_inspection")),
        Estimand("risk_analysis_min", "risk_feedback", _activity("risk_feedback")),
        Estimand("post_audit_h", "post_audit", _activity("post_audit")),
    ]  # fmt: skip
    if not lv.self_transport:
        out.append(Estimand("transfer_escort_min", "transfer_escort",
                            _activity("transfer_escort")))  # fmt: skip
    return out
