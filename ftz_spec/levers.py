"""Levers: the planner's choices, one for every reform the plan names (see scenarios/README.md)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, NonNegativeFloat

from ftz_spec.base import Model

__all__ = ["Levers"]


class Levers(Model):
    """What the planner chooses. Defaults are the reform (2014) settings."""

    auto_release_low_risk: bool = Field(default=True, description="低风险单证自动验放")
    dual_review: bool = Field(default=True, description="双人复核 instead of three-level approval")
    intelligent_gates: bool = Field(default=True, description="卡口自动核放")
    enter_first_declare_later: bool = Field(
        default=True, description="先进区、后报关 for first-line entries"
    )
    batch_declaration: bool = Field(default=True, description="分批进出、集中申报")
    batch_share: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="Share of enterprises that use batch declaration when allowed",
    )
    self_transport: bool = Field(default=True, description="分送集报、自行运输 between zones")
    work_order_writeoff: bool = Field(default=True, description="工单核销 for processing trade")
    paperless: bool = Field(default=True, description="无纸化: no accompanying paper documents")
    electronic_fence: bool = Field(
        default=True, description="电子围网: four zones monitored as one"
    )
    h986: dict[str, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="H986 scanners per zone"
    )
    random_control_scale: NonNegativeFloat = Field(
        default=1.0, le=1_000.0, description="Multiplier on random-control rates (随机布控)"
    )
    risk_file: str = Field(
        default="risk/default_risk_table.yaml",
        description="Risk table (风险估值表), relative to scenarios/",
    )
    risk_policy: dict[str, Any] = Field(
        default_factory=dict, description="Overrides of the risk policy (lane rates, thresholds)"
    )
