"""What the twin knows and the core does not: violation kinds, intelligence, filings.

Uncertainties of the plan's supervision mechanisms (assumptions, to calibrate): which
goods hide which kind of violation and how each check finds it (section 二(五)), how good
analysts' targeting leads are (二(三)2 四), and the enterprise's side of a declaration —
fields keyed, filings made, other agencies (二(三)1 四, 二(三)4).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeFloat, PositiveFloat, PositiveInt, field_validator

from ftz_spec.base import Model, Probability

__all__ = [
    "CHECKS",
    "VIOLATION_KINDS",
    "AuditHistory",
    "Filing",
    "Intelligence",
    "ViolationKindSpec",
    "default_kinds",
]

# The plan's violation kinds (core.risk.ViolationKind) and the checks that can find them.
VIOLATION_KINDS = (
    "undervaluation",
    "misclassification",
    "ipr_infringement",
    "harmful_printed_matter",
    "smuggling",
)
CHECKS = ("documentary", "scan", "physical", "post_audit")


class ViolationKindSpec(Model):
    """One kind of violation: where it occurs, how each check finds it, what it costs.

    A violating declaration's kind is drawn with weights ``weight × chapter weight`` of
    the goods' HS chapter (its trade profile). A check finds a kind with probability
    ``uncertainties.detection[check] × detection[check]`` (capped at 1), so the generic
    detection figures stay the knob and each kind says how much easier or harder it is.
    """

    weight: NonNegativeFloat = Field(description="Relative frequency among violations")
    chapters: dict[str, NonNegativeFloat] = Field(
        default_factory=dict, description="HS chapter → weight multiplier (trade profile)"
    )
    other_chapters: NonNegativeFloat = Field(
        default=1.0, description="Weight multiplier of chapters not listed"
    )
    detection: dict[str, NonNegativeFloat] = Field(
        default_factory=dict,
        description="Check → detectability relative to the generic figure (1 if not given)",
    )
    revenue: Literal["value_gap", "rate_gap", "hidden_goods", "none"] = Field(
        description="What is at stake: the undeclared value, a lower duty rate, hidden goods, "
        "or no revenue (goods to seize)"
    )
    rate_gap: Probability = Field(
        default=0.0, description="rate_gap: duty-rate difference of the wrong heading"
    )
    hidden_share: Probability = Field(
        default=0.0, description="hidden_goods: value of hidden goods as a share of the declared"
    )

    @field_validator("detection")
    @classmethod
    def _checks(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = set(v) - set(CHECKS)
        if unknown:
            raise ValueError(f"unknown check {sorted(unknown)[0]!r}; known: {', '.join(CHECKS)}")
        return v


def default_kinds() -> dict[str, ViolationKindSpec]:
    """Defaults (assumption): kinds by trade profile, the plan's split of what finds what."""
    v = ViolationKindSpec
    return {
        "undervaluation": v(
            weight=1.0,
            chapters={"85": 2.0, "71": 2.0, "33": 2.0, "91": 2.0, "22": 1.5, "87": 1.5},
            detection={"documentary": 1.2, "scan": 0.1, "physical": 0.85, "post_audit": 1.3},
            revenue="value_gap",
        ),
        "misclassification": v(
            weight=0.6,
            chapters={"84": 2.0, "85": 2.0, "39": 2.0, "90": 2.0, "73": 2.0},
            detection={"documentary": 1.3, "scan": 0.15, "physical": 1.0, "post_audit": 1.2},
            revenue="rate_gap",
            rate_gap=0.06,
        ),
        "ipr_infringement": v(
            weight=0.5,
            chapters={"42": 8.0, "61": 6.0, "62": 6.0, "64": 6.0, "95": 4.0, "91": 4.0},
            other_chapters=0.05,
            detection={"documentary": 0.1, "scan": 0.0, "physical": 1.0, "post_audit": 0.2},
            revenue="none",
        ),
        "harmful_printed_matter": v(
            weight=0.3,
            chapters={"49": 20.0, "85": 0.3},
            other_chapters=0.0,
            detection={"documentary": 0.05, "scan": 0.8, "physical": 1.0, "post_audit": 0.05},
            revenue="none",
        ),
        "smuggling": v(
            weight=0.4,
            chapters={"24": 10.0, "22": 3.0, "71": 3.0, "87": 3.0},
            other_chapters=0.2,
            detection={"documentary": 0.1, "scan": 1.2, "physical": 1.0, "post_audit": 0.4},
            revenue="hidden_goods",
            hidden_share=0.5,
        ),
    }


class Intelligence(Model):
    """How good analysts' targeting leads are (assumptions)."""

    lead_h: PositiveFloat = Field(
        default=8.0, description="Analyst research hours per targeting lead (布控线索)"
    )
    precision: Probability = Field(
        default=0.3, description="Share of leads that name a real violator and its goods"
    )
    precision_shared: Probability = Field(
        default=0.45,
        description="The same with anti-smuggling intelligence shared (缉私情报, H2010 情报系统)",
    )
    rule_weight: PositiveFloat = Field(
        default=2.0,
        description="Pseudo-violations a lead adds to the trader's risk in the table (rule update)",
    )
    prearrival_detection: Probability = Field(
        default=0.5, description="Chance a pre-arrival review flags a violation that is there"
    )
    prearrival_false_flag: Probability = Field(
        default=0.01, description="Chance it flags a compliant declaration"
    )
    ipr_tip_rate: Probability = Field(
        default=0.4,
        description="With levers.ipr_protection: share of infringing shipments a recorded "
        "rights holder asks customs to detain (依申请保护, 知识产权海关备案)",
    )
    ipr_false_tip_rate: Probability = Field(
        default=0.005,
        description="The same for compliant shipments of goods where infringement is the "
        "likely kind (a genuine product reported as a fake)",
    )


class AuditHistory(Model):
    """What clearance missed before the run, which post-clearance audit can still find.

    A run starts with empty queues but not with an empty past: every enterprise has
    shipped since its last audit, and what clearance missed then is still there to be
    found within the audit law's look-back (海关稽查条例: three years from release). The
    run's audits find these violations too, so their number, not the few days' worth the
    run itself adds, is what more auditors' hours reach (二(三)2 四). The past is the
    same whatever phase the run tests (the phase starts at hour 0), so one share serves
    every scenario; 0 starts the run without a past.
    """

    missed_share: Probability = Field(
        default=0.6,
        description="Share of violations clearance missed before the run (the 2013 "
        "baseline's measured share: 139 of 231 in 72 h)",
    )
    look_back_years: NonNegativeFloat = Field(
        default=3.0,
        le=10.0,
        description="Years after release within which an audit may still recover a "
        "violation (海关稽查条例 第二条: three years)",
    )


class Filing(Model):
    """The enterprise side of a declaration: filings, fields, other agencies (assumptions)."""

    fields_per_declaration: PositiveInt = Field(
        default=80, description="Fields keyed into one customs declaration"
    )
    fields_unified: PositiveInt = Field(
        default=55, description="The same with one unified record-list format (统一备案清单)"
    )
    fields_per_agency: PositiveInt = Field(
        default=45, description="Fields keyed into another agency's separate filing"
    )
    fields_agency_extra: PositiveInt = Field(
        default=10,
        description="Fields only another agency asks for, keyed once on the single window",
    )
    fields_per_record: PositiveInt = Field(
        default=40, description="Fields of one record filing (备案)"
    )
    field_entry_s: PositiveFloat = Field(default=6.0, description="Keying time per field, s")
    agency_share: Probability = Field(
        default=0.35,
        description="Declarations that also need inspection-quarantine or licence agencies",
    )
    max_agencies: PositiveInt = Field(default=3, description="Most other agencies on one shipment")
    new_record_share: Probability = Field(
        default=0.01, description="Declarations that need a new record filing (new goods item)"
    )
    uses_per_record: PositiveInt = Field(
        default=4,
        description="Business uses a record serves at most (import, export, exhibition, repair)",
    )
