"""The KPI catalogue: what every KPI the twin produces is called, measured in and bounded by.

One catalogue serves the CLI tables, the reports and the app. A KPI id is a base id with
an optional qualifier in brackets — ``clearance_time_min_mean[flow=first_line_entry]``,
``wait_min_mean[staff/insp_ys]`` — and :func:`describe` resolves any id to its names in
English and Chinese, unit, meaning, physical bounds, how it is summarised over
replications and what a replication without it means (a count absent is zero; a mean
wait at a resource nobody queued for does not apply).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import yaml

__all__ = [
    "CATALOGUE",
    "GROUPS",
    "HEADLINE",
    "KpiInfo",
    "KpiLabel",
    "describe",
    "is_known",
    "qualifier_label",
]

Kind = Literal["count", "proportion", "duration", "level", "rate", "money"]


@dataclass(frozen=True)
class KpiInfo:
    """One base KPI.

    Attributes:
        id: Base id (the part before any ``[qualifier]``).
        name_en: English name.
        name_zh: Chinese name (the term customs users look for).
        unit: Unit as printed (``min``, ``trucks``, ``%`` for proportions …).
        meaning: What it measures, in one sentence.
        kind: ``count``, ``proportion`` (a share of a count, Wilson intervals),
            ``duration``, ``level``, ``rate`` or ``money``.
        bounds: Physical lower and upper bound (None: unbounded); intervals are clipped.
        absent: A replication without the KPI: ``zero`` (nothing happened, so 0) or
            ``n/a`` (nothing to measure: left out of the mean and counted).
        denominator: For proportions, the count KPI (same qualifier) it is a share of.
        better: ``lower`` or ``higher`` if one direction is plainly better, else None.
        group: Report section.
        scale: Display factor (100 for proportions shown in per cent).
    """

    id: str
    name_en: str
    name_zh: str
    unit: str
    meaning: str
    kind: Kind
    bounds: tuple[float | None, float | None] = (0.0, None)
    absent: Literal["zero", "n/a"] = "zero"
    denominator: str | None = None
    better: Literal["lower", "higher"] | None = None
    group: str = "Clearance"
    scale: float = 1.0


GROUPS = (
    "Accounting",
    "Clearance",
    "Inspection and enforcement",
    "Revenue",
    "Waits and queues",
    "Staff and resources",
    "Ledger, devices and enterprises",
)


_FILE = Path(__file__).with_name("kpi_catalogue.yaml")


def _load(path: Path) -> dict[str, KpiInfo]:
    """Read the catalogue's data file (a packaged file: an error here is a bug, not input).

    Raises:
        ValueError: An entry has an unknown field, kind, group or absent rule.
    """
    out: dict[str, KpiInfo] = {}
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        entry = dict(item)
        bounds = entry.pop("bounds", [0.0, None])
        info = KpiInfo(
            id=entry.pop("id"),
            name_en=entry.pop("en"),
            name_zh=entry.pop("zh"),
            unit=entry.pop("unit"),
            meaning=entry.pop("meaning"),
            kind=entry.pop("kind"),
            bounds=(bounds[0], bounds[1]),
            **entry,
        )
        if info.kind not in get_args(Kind) or info.group not in GROUPS:
            raise ValueError(f"{path}: {info.id}: kind {info.kind!r} or group {info.group!r}")
        if info.absent not in ("zero", "n/a") or (info.kind == "proportion") != (
            info.scale == 100.0
        ):
            raise ValueError(f"{path}: {info.id}: absent {info.absent!r} or scale {info.scale}")
        out[info.id] = info
    return out


CATALOGUE: dict[str, KpiInfo] = _load(_FILE)

# The KPIs a planner reads first, in this order.
HEADLINE = (
    "trucks_observed",
    "unfinished_share",
    "clearance_time_min_mean",
    "clearance_time_min_p95",
    "clearance_time_min_mean[flow=first_line_entry]",
    "clearance_time_min_mean[flow=second_line_import]",
    "clearance_time_min_mean[flow=transfer_between_zones]",
    "inspection_rate",
    "hit_rate",
    "detection_rate",
    "violations_missed",
    "duties_collected_mcny_per_day",
    "revenue_missed_mcny",
    "utilisation[role=document_review]",
    "utilisation[role=gate]",
    "utilisation[role=inspection]",
    "utilisation[role=risk_analysis]",
    "utilisation[role=audit]",
    "utilisation[role=support]",
    "stalled_resources",
    "ledger_discrepancies",
    "device_downtime_h",
)

_QUALIFIERS = {
    "first_line_entry": ("first-line entries", "一线进境"),
    "first_line_exit": ("first-line exits", "一线出境"),
    "second_line_import": ("second-line imports", "二线进口"),
    "second_line_export": ("second-line exports", "二线出口"),
    "transfer_between_zones": ("transfers between zones", "区间流转"),
    "bonded_exhibition": ("bonded exhibition", "保税展示"),
    "advanced_certified": ("advanced certified", "高级认证"),
    "general_certified": ("general certified", "一般认证"),
    "general_credit": ("general credit", "一般信用"),
    "dishonest": ("dishonest", "失信"),
    "support": ("support", "综合保障"),
    "risk_analysis": ("risk analysis", "风险管理"),
    "audit": ("audit", "稽查"),
    "it": ("IT", "科技"),
    "document_review": ("document review", "单证审核"),
    "gate": ("gate", "卡口监管"),
    "inspection": ("inspection", "查验"),
    "auto_release": ("automatic release", "自动放行"),
    "documentary": ("documentary check", "审单"),
    "scan": ("H986 scan", "机检"),
    "physical": ("physical inspection", "人工查验"),
    "post_audit": ("post-clearance audit", "后续稽查"),
    "no_resource": ("between steps (paper, hand-off, road)", "流转途中"),
    # violation kinds (ftz_spec.violations) and audit methods (core.risk.AuditMethod)
    "undervaluation": ("undervaluation", "低报价格"),
    "misclassification": ("misclassification", "归类不实"),
    "ipr_infringement": ("IPR infringement", "侵犯知识产权"),
    "harmful_printed_matter": ("harmful printed and audio-visual matter", "有害印刷品及音像制品"),
    "smuggling": ("smuggling", "走私"),
    "on_site": ("on-site audit", "实地稽查"),
    "desk": ("desk audit", "书面稽查"),
    "self_audit": ("self-audit", "企业自查"),
}


@dataclass(frozen=True)
class KpiLabel:
    """A full KPI id resolved against the catalogue.

    Attributes:
        id: The full id, qualifier included.
        info: The base entry.
        qualifier: The part in brackets (``flow=first_line_entry``), or ``""``.
        name_en: English name with the qualifier in words.
        name_zh: Chinese name with the qualifier.
        denominator: Full id of the count a proportion is a share of, or None.
    """

    id: str
    info: KpiInfo
    qualifier: str
    name_en: str
    name_zh: str
    denominator: str | None

    @property
    def unit(self) -> str:
        """The unit as printed."""
        return self.info.unit

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """Physical bounds."""
        return self.info.bounds


def _split(kpi_id: str) -> tuple[str, str]:
    base, _, rest = kpi_id.partition("[")
    return base, rest[:-1] if rest.endswith("]") else rest


def qualifier_label(qualifier: str) -> tuple[str, str]:
    """English and Chinese words for a qualifier (``flow=first_line_entry`` …)."""
    _, _, value = qualifier.rpartition("=")
    en, zh = _QUALIFIERS.get(value, (value, value))
    return en, zh


def is_known(kpi_id: str) -> bool:
    """Whether the catalogue describes ``kpi_id``."""
    return _split(kpi_id)[0] in CATALOGUE


def describe(kpi_id: str) -> KpiLabel:
    """Resolve ``kpi_id`` against the catalogue.

    Raises:
        KeyError: The base id is not in the catalogue.
    """
    base, qualifier = _split(kpi_id)
    info = CATALOGUE[base]
    en, zh = info.name_en, info.name_zh
    if qualifier:
        q_en, q_zh = qualifier_label(qualifier)
        place = qualifier.startswith("at=") or "/" in qualifier  # a resource
        en = f"{en} at {q_en}" if place else f"{en}, {q_en}"
        zh = f"{zh}（{q_zh}）"
    denominator = None
    if info.denominator is not None:
        denominator = f"{info.denominator}[{qualifier}]" if qualifier and base != "lane_share" else info.denominator  # fmt: skip
    return KpiLabel(kpi_id, info, qualifier, en, zh, denominator)
