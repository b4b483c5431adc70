"""Uncertainties: what the planner cannot control (traffic, behaviour, devices, durations)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    field_validator,
)

from core.gate import DeviceKind
from ftz_spec.base import Ident, Model, Probability
from ftz_spec.dists import Dist, Exponential, Fixed, LogNormal, Triangular
from ftz_spec.violations import (
    CHECKS,
    VIOLATION_KINDS,
    AuditHistory,
    Filing,
    Intelligence,
    ViolationKindSpec,
    default_kinds,
)

__all__ = [
    "CHECKS",
    "CREDIT_CLASSES",
    "VIOLATION_KINDS",
    "AuditHistory",
    "DeviceUncertainty",
    "Enterprises",
    "Filing",
    "Flow",
    "FlowKind",
    "Intelligence",
    "Outage",
    "Times",
    "Uncertainties",
    "ViolationKindSpec",
]

FlowKind = Literal[
    "first_line_entry",
    "first_line_exit",
    "second_line_import",
    "second_line_export",
    "transfer_between_zones",
    "bonded_exhibition",
]
CREDIT_CLASSES = ("advanced_certified", "general_certified", "general_credit", "dishonest")
# Upper bounds on what multiplies the work of a run: past them a run never finishes (the
# busiest gate of the area sees a few thousand trucks a day).
MAX_TRUCKS_PER_DAY = 100_000.0
MAX_TRAFFIC_SCALE = 100.0


class Flow(Model):
    """A stream of trucks of one kind through a zone's gates."""

    id: Ident
    kind: FlowKind
    zone: str = Field(
        description="The zone whose gate the goods cross (the origin zone of a transfer)"
    )
    to: str | None = Field(default=None, description="Destination zone of a transfer")
    place: str | None = Field(
        default=None, description="Outside end: terminal, airport, market, venue"
    )
    trucks_per_day: NonNegativeFloat = Field(le=MAX_TRUCKS_PER_DAY)
    gate: str | None = Field(
        default=None, description="<zone>/<gate>; default: the zone's first gate on the line"
    )


class Enterprises(Model):
    """The enterprise population (Mesa agents) and its true behaviour, known only to the twin."""

    count: PositiveInt = Field(default=400, le=100_000)
    credit_mix: dict[str, Probability] = Field(
        default={
            "advanced_certified": 0.08,
            "general_certified": 0.22,
            "general_credit": 0.65,
            "dishonest": 0.05,
        },
        description="Share of enterprises per credit class (assumption)",
    )
    violation_propensity: dict[str, Probability] = Field(
        default={
            "advanced_certified": 0.002,
            "general_certified": 0.005,
            "general_credit": 0.015,
            "dishonest": 0.08,
        },
        description="True share of an enterprise's declarations that hold a violation (assumption)",
    )
    violation_scale: NonNegativeFloat = Field(
        default=1.0, le=1_000.0, description="What-if multiplier on every propensity"
    )
    propensity_sigma: NonNegativeFloat = Field(
        default=1.0,
        description="Log-normal spread of propensities within a class (mean kept): how much "
        "violations concentrate in a few enterprises (assumption)",
    )
    size_sigma: NonNegativeFloat = Field(
        default=1.2, le=10.0, description="Log-normal spread of traffic shares"
    )
    processing_share: Probability = Field(
        default=0.3, description="Share in processing trade (加工贸易)"
    )
    adapt_probability: Probability = Field(
        default=0.7, description="Chance a caught violator moves to other goods"
    )
    hs_chapters: tuple[str, ...] = Field(
        default=(
            "84",
            "85",
            "39",
            "61",
            "62",
            "64",
            "42",
            "71",
            "87",
            "22",
            "33",
            "90",
            "94",
            "95",
            "73",
            "49",
            "24",
        ),
        min_length=2,
        description="HS chapters traded; 49 (printed matter) and 24 (tobacco) carry the "
        "plan's section 二(五) risks",
        max_length=1_000,
    )
    origins: tuple[str, ...] = Field(
        default=("US", "JP", "KR", "DE", "VN", "TW", "HK", "FR", "IT", "TH"),
        min_length=1,
        max_length=1_000,
    )
    value_per_truck_cny: Dist = LogNormal(mean=400_000.0, sd=500_000.0)
    weight_per_truck_kg: Dist = Triangular(low=2_000.0, mode=9_000.0, high=20_000.0)

    @field_validator("credit_mix", "violation_propensity")
    @classmethod
    def _credit_classes(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = set(v) - set(CREDIT_CLASSES)
        if unknown:
            raise ValueError(
                f"unknown credit class {sorted(unknown)[0]!r}; known: {', '.join(CREDIT_CLASSES)}"
            )
        return v

    @field_validator("credit_mix")
    @classmethod
    def _sums_to_one(cls, v: dict[str, float]) -> dict[str, float]:
        if abs(sum(v.values()) - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1, got {sum(v.values()):.4f}")
        return v


class DeviceUncertainty(Model):
    """How a kind of simulated device errs and fails."""

    latency_s: Dist = Fixed(value=0.5)
    misread_rate: Probability = 0.0
    miss_rate: Probability = 0.0
    noise_sd: NonNegativeFloat = Field(
        default=0.0,
        le=1e6,
        description="Measurement noise in the kind's unit (kg for weighbridges)",
    )
    # A failure cycle shorter than a minute would have the twin step failures, not trucks.
    mttf_h: float | None = Field(default=None, ge=0.02, le=1e7)
    mttr_min: float = Field(default=30.0, ge=1.0, le=1e7)
    stuck_share: Probability = Field(
        default=0.0, description="Share of failures that leave the device stuck on its last value"
    )


class Times(Model):
    """Activity durations. Published figures are marked; everything else is an assumption."""

    auto_check_s: Dist = Field(
        default=LogNormal(mean=10.0, sd=3.0),
        description="Intelligent gate, all data match: ~10 s (published)",
    )
    manual_check_s: Dist = Field(
        default=LogNormal(mean=60.0, sd=20.0), description="Officer checks gate pass and vehicle"
    )
    manual_post_s: Dist = Field(
        default=Exponential(mean=300.0), description="Manual post (转岗) after a diversion"
    )
    doc_review_min: Dist = Field(
        default=LogNormal(mean=12.0, sd=5.0), description="Review of one declaration on paper"
    )
    doc_review_paperless_min: Dist = Field(
        default=LogNormal(mean=6.0, sd=2.5), description="Review of an electronic declaration"
    )
    paper_delivery_h: Dist = Field(
        default=Triangular(low=0.5, mode=2.0, high=6.0), description="Waiting for paper documents"
    )
    approval_level_min: Dist = Field(
        default=LogNormal(mean=15.0, sd=5.0), description="Work of one approval level"
    )
    approval_handoff_h: Dist = Field(
        default=Triangular(low=0.5, mode=2.0, high=8.0),
        description="Hand-off between approval levels",
    )
    scan_s: Dist = Field(
        default=Triangular(low=120.0, mode=150.0, high=210.0),
        description="H986 scan: ~2.5 min (published)",
    )
    image_analysis_min: Dist = Field(
        default=LogNormal(mean=5.0, sd=2.0), description="Officer reads the scan image"
    )
    physical_inspection_min: Dist = Field(
        default=LogNormal(mean=60.0, sd=25.0),
        description="Opening and checking a container, 2 officers",
    )
    post_audit_h: Dist = Field(
        default=LogNormal(mean=16.0, sd=8.0), description="One post-clearance audit (稽查)"
    )
    risk_analysis_min: Dist = Field(
        default=Fixed(value=3.0), description="Analyst time per inspection result fed back"
    )
    support_h_per_staff_day: NonNegativeFloat = Field(
        default=0.2, le=24.0, description="Support hours each staff member causes per day"
    )
    writeoff_manual_h: NonNegativeFloat = Field(
        default=6.0,
        le=1e4,
        description="Monthly write-off (核销) per processing enterprise, by unit consumption",
    )
    writeoff_work_order_h: NonNegativeFloat = Field(
        default=1.0, le=1e4, description="The same with work-order write-off (工单核销)"
    )
    transfer_escort_min: Dist = Field(
        default=LogNormal(mean=10.0, sd=4.0),
        description="Officer time per escorted transfer without self-transport",
    )
    prearrival_review_min: Dist = Field(
        default=LogNormal(mean=8.0, sd=3.0),
        description="Analyst's pre-arrival review of one high-risk declaration",
    )
    desk_audit_h: Dist = Field(
        default=LogNormal(mean=6.0, sd=3.0), description="Desk audit (书面稽查) of an enterprise"
    )
    self_audit_review_h: Dist = Field(
        default=LogNormal(mean=2.0, sd=1.0),
        description="Review of an enterprise's self-audit (企业自查)",
    )
    desk_check_h: Dist = Field(
        default=Fixed(value=1.0),
        description="Post-clearance check of one declaration sent to the post-audit lane",
    )
    record_filing_review_min: Dist = Field(
        default=LogNormal(mean=20.0, sd=8.0), description="Officer review of one record filing"
    )
    agency_response_h: Dist = Field(
        default=Triangular(low=0.5, mode=2.0, high=6.0),
        description="One other agency's answer to a separate filing",
    )
    agency_response_single_window_h: Dist = Field(
        default=Triangular(low=0.1, mode=0.3, high=1.0),
        description="Every agency's answer through the single window (in parallel)",
    )
    tax_review_min: Dist = Field(
        default=LogNormal(mean=3.0, sd=1.5),
        description="Real-time tax review of a taxed declaration (实时审核)",
    )
    duty_payment_h: Dist = Field(
        default=Triangular(low=0.25, mode=1.0, high=4.0),
        description="Waiting for duty to be paid before release",
    )
    port_transit_h: Dist = Field(
        default=Triangular(low=0.5, mode=1.5, high=4.0),
        description="Port transit formality (转关) before entry without direct entry",
    )


class Outage(Model):
    """A resource out of service for a time window (e.g. an H986 breakdown)."""

    resource: str = Field(description="<zone>/h986 or <zone>/<gate>")
    from_h: NonNegativeFloat = Field(le=1e6)
    to_h: NonNegativeFloat = Field(le=1e6)


class Uncertainties(Model):
    """What the planner cannot control."""

    traffic_scale: PositiveFloat = Field(default=1.0, le=MAX_TRAFFIC_SCALE)
    flows: tuple[Flow, ...] = Field(default=(), max_length=1_024)
    hourly_profile: tuple[Annotated[float, Field(ge=0.0, le=100.0)], ...] = Field(
        default=(1.0,) * 24, min_length=24, max_length=24
    )
    weekly_profile: tuple[Annotated[float, Field(ge=0.0, le=100.0)], ...] = Field(
        default=(1.0,) * 7, min_length=7, max_length=7
    )
    enterprises: Enterprises = Enterprises()
    plate_mismatch_rate: Probability = Field(
        default=0.002, description="Trucks whose plate is not the gate pass's"
    )
    approval_share: Probability = Field(
        default=0.05,
        description="Declarations needing an approval (modification, anomaly, deposit)",
    )
    detection: dict[str, Probability] = Field(
        default={"documentary": 0.25, "scan": 0.6, "physical": 0.9, "post_audit": 0.5},
        description="Chance that a check of this kind finds a violation that is there",
    )
    violation_kinds: dict[str, ViolationKindSpec] = Field(
        default_factory=default_kinds, description="The plan's violation kinds (section 二(五))"
    )
    targeted_detection_boost: PositiveFloat = Field(
        default=1.25,
        description="Detection multiplier when the officer knows the kind to look for",
    )
    intelligence: Intelligence = Intelligence()
    filing: Filing = Filing()
    materials_duty_rate: Probability = Field(
        default=0.05, description="Duty rate on imported materials (selective taxation)"
    )
    materials_value_share: Probability = Field(
        default=0.6, description="Imported materials' share of a processed good's value"
    )
    audit_detection: dict[str, Probability] = Field(
        default={"on_site": 1.0, "desk": 0.7, "self_audit": 0.4},
        description="Reach of each audit method (稽查方式) on the post-audit detection figure",
    )
    audit_history: AuditHistory = AuditHistory()
    verification_share: Probability = Field(
        default=0.05, description="Self-assessed taxed declarations verified by audit"
    )
    monitoring_posts: NonNegativeInt = Field(
        default=1,
        description="Gate officers each zone keeps at its own video and fence-alarm monitors "
        "around the clock when there is no central monitoring platform (assumption)",
    )
    video_inspection_share: Probability = Field(
        default=0.4,
        description="Physical inspections one officer can do with a video terminal",
    )
    manifest_shows_hidden: Probability = Field(
        default=0.4,
        description="Share of smuggled shipments whose carrier's manifest shows the real "
        "packages and weight (so the three documents disagree)",
    )
    pre_classification_detection: Probability = Field(
        default=0.5,
        description="Share of misclassifications the pre-classification database catches",
    )
    duty_rate: Probability = Field(
        default=0.098, description="Mean import duty rate, 2013 simple average MFN tariff 9.8%"
    )
    vat_rate: Probability = Field(default=0.17, description="Import VAT 17% (2014)")
    devices: dict[DeviceKind, DeviceUncertainty] = Field(default_factory=dict)
    times: Times = Times()
    outages: tuple[Outage, ...] = Field(default=(), max_length=1_024)

    @field_validator("violation_kinds")
    @classmethod
    def _known_kinds(cls, v: dict[str, ViolationKindSpec]) -> dict[str, ViolationKindSpec]:
        unknown = set(v) - set(VIOLATION_KINDS)
        if unknown:
            raise ValueError(
                f"unknown violation kind {sorted(unknown)[0]!r}; known: {', '.join(VIOLATION_KINDS)}"
            )
        return v

    @field_validator("audit_detection")
    @classmethod
    def _known_methods(cls, v: dict[str, float]) -> dict[str, float]:
        known = ("on_site", "desk", "self_audit")
        unknown = set(v) - set(known)
        if unknown:
            raise ValueError(
                f"unknown audit method {sorted(unknown)[0]!r}; known: {', '.join(known)}"
            )
        return v

    @field_validator("detection")
    @classmethod
    def _known_checks(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = set(v) - set(CHECKS)
        if unknown:
            raise ValueError(f"unknown check {sorted(unknown)[0]!r}; known: {', '.join(CHECKS)}")
        return v
