"""Levers: the planner's choices, one for every reform the plan names (see scenarios/README.md).

Plan sections are given in each description (署加函〔2014〕44号, sections 二 and 三);
``docs/plan-coverage.md`` maps every measure of those sections to its lever.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    Field,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from ftz_spec.base import FieldPathError, Model, Probability

__all__ = ["Levers", "Targeting"]


class Targeting(Model):
    """How risk analysts target (布控): the front end of the dumbbell (哑铃型监管, 二(三)2 四).

    Analysts' time drives it (``site.staff_pools`` of role ``risk_analysis``): every
    inspection result waits for an analyst before it reaches the risk table, free
    analyst hours become research that issues time-boxed targeted controls, and a free
    analyst reviews high-risk declarations before arrival.
    """

    prearrival_review: bool = Field(
        default=True,
        description="事前人工风险分析: a free analyst reviews high-risk declarations before arrival",
    )
    review_share: Probability = Field(
        default=0.5,
        description="Riskiest share of recent declarations (by score) an analyst reviews if free",
    )
    control_target_rate: Probability = Field(
        default=0.5, description="Share of in-scope declarations an analyst's control selects"
    )
    control_days: PositiveFloat = Field(
        default=7.0, description="Time box of an analyst's control (布控时限), days"
    )
    withdraw_on_hit: bool = Field(
        default=True, description="Withdraw a control once it has found what it was set for"
    )
    control_max_inspections: PositiveInt = Field(
        default=5, description="Inspections without a find after which a control is withdrawn"
    )


class Levers(Model):
    """What the planner chooses. Defaults are the reform (2014) settings."""

    auto_release_low_risk: bool = Field(default=True, description="低风险单证自动验放 (二(二)4)")
    dual_review: bool = Field(
        default=True, description="双人复核 instead of three-level approval (二(三)1 一)"
    )
    intelligent_gates: bool = Field(default=True, description="卡口自动核放 (二(二)3)")
    enter_first_declare_later: bool = Field(
        default=True, description="先进区、后报关 for first-line entries (二(三)2 一)"
    )
    batch_declaration: bool = Field(default=True, description="分批进出、集中申报 (二(三)2 一)")
    batch_share: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="Share of enterprises that use batch declaration when allowed",
    )
    self_transport: bool = Field(
        default=True, description="分送集报、自行运输 between zones (二(三)2 六)"
    )
    work_order_writeoff: bool = Field(
        default=True, description="工单核销 for processing trade (二(三)2 三)"
    )
    paperless: bool = Field(
        default=True, description="无纸化: no accompanying paper documents (二(一)3)"
    )
    electronic_fence: bool = Field(
        default=True, description="电子围网: four zones monitored as one (二(一)4)"
    )
    h986: dict[str, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="H986 scanners per zone (三(二)3)"
    )
    random_control_scale: NonNegativeFloat = Field(
        default=1.0,
        le=1_000.0,
        description="Multiplier on random-control rates (随机布控, 二(二)2 三)",
    )
    risk_file: str = Field(
        default="risk/default_risk_table.yaml",
        description="Risk table (风险估值表), relative to scenarios/",
    )
    risk_policy: dict[str, Any] = Field(
        default_factory=dict, description="Overrides of the risk policy (lane rates, thresholds)"
    )
    capacity_aware_selection: bool = Field(
        default=False,
        description="Low-priority selections yield to saturated inspection: passed forward to "
        "the scanner and back to post-clearance audit (前推后移, 二(三)2 四)",
    )
    targeting: Targeting = Field(default_factory=Targeting, description="布控 by analysts")
    differentiated_audit: bool = Field(
        default=True,
        description="差别化稽查: audit method, scope and frequency by enterprise risk (二(三)2 十一)",
    )
    self_assessed_tax: bool = Field(
        default=True,
        description="自主报税: the enterprise assesses its duty; no real-time tax review, "
        "a sample verified by audit (二(三)1 五, 二(三)2 二)",
    )
    consolidated_tax: bool = Field(
        default=True,
        description="汇总纳税: duty paid per period, not before release (二(三)2 二)",
    )
    selective_taxation: bool = Field(
        default=True,
        description="选择性征税: duty on imported materials or on the goods as presented (二(三)2 九)",
    )
    bonded_exhibition: bool = Field(
        default=True,
        description="保税展示交易: exhibited goods leave under a guarantee, tax later (二(三)2 十)",
    )
    single_window: bool = Field(
        default=True,
        description="单一窗口: one submission on one platform for every agency (二(三)4)",
    )
    one_filing: bool = Field(
        default=True,
        description="一次备案、多次使用: one record filing for every business use (二(三)1 四)",
    )
    unified_record_lists: bool = Field(
        default=True,
        description="两种备案清单简化统一: one record-list format, fewer fields (二(三)1 三)",
    )
    auto_filing_low_risk: bool = Field(
        default=True,
        description="低风险企业账册自动备案: computer accepts low-risk record filings (二(二)4)",
    )
    central_monitoring: bool = Field(
        default=True,
        description="中央监控平台: the zones' state in one place, for dispatch (二(二)1)",
    )
    video_inspection: bool = Field(
        default=True,
        description="查验单兵设备/视频化查验: one officer with a video terminal instead of two "
        "(三(二)3)",
    )
    ipr_protection: bool = Field(
        default=True, description="知识产权保护 controls on brand goods (二(五)3)"
    )
    printed_matter_control: bool = Field(
        default=True, description="印刷品、音像制品 controls (二(五)4)"
    )
    anti_smuggling_intelligence: bool = Field(
        default=True,
        description="缉私情报: intelligence shared with analysts, sharper leads (二(五)5, 二(一)2 四)",
    )
    three_document_check: bool = Field(
        default=True,
        description="舱单、提货单、报关单三单比对: the computer compares manifest, delivery "
        "order and declaration (二(一)2 一)",
    )
    pre_classification: bool = Field(
        default=True,
        description="预归类商品数据库: misclassification caught at declaration (三(三)1)",
    )
    port_zone_direct_entry: bool = Field(
        default=True,
        description="区港一体化/直通入区: first-line entries need no port transit formality "
        "(二(三)2 七)",
    )
    lever_controls_file: str = Field(
        default="risk/section5_controls.yaml",
        description="Targeted controls switched on by levers (ipr_protection, "
        "printed_matter_control), relative to scenarios/",
    )

    @model_validator(mode="after")
    def _needs_central_monitoring(self) -> Levers:
        # These read the zones' state now, which only the central platform gathers.
        if not self.central_monitoring:
            for name in ("capacity_aware_selection", "electronic_fence", "video_inspection"):
                if getattr(self, name):
                    raise FieldPathError(
                        (name,), True, "needs central_monitoring (中央监控平台) switched on"
                    )
        return self
