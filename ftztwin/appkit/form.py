"""The scenario form: which fields the Scenario page offers as widgets, and path helpers.

A field is addressed by its path in the scenario's data (``levers.h986.yangshan_port``),
the same path a validation error names, so an error can be shown beside its widget.
The form only edits data; :func:`ftz_spec.parse_scenario` validates it in one step.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "FormField",
    "apply_values",
    "field_key",
    "form_fields",
    "get_path",
    "problems_for",
    "range_problems",
    "set_path",
]

Path_ = tuple[str, ...]

# Labels carry the plan's Chinese terms, which is what customs users search for.
_BOOL_LEVERS = (
    ("auto_release_low_risk", "Auto-release of low-risk declarations 低风险单证自动验放"),
    ("dual_review", "Dual review instead of three-level approval 双人复核"),
    ("intelligent_gates", "Intelligent gates 卡口自动核放"),
    ("enter_first_declare_later", "Enter first, declare later 先进区、后报关"),
    ("batch_declaration", "Batch in/out, consolidated declaration 分批进出、集中申报"),
    ("self_transport", "Self-transport between zones 分送集报、自行运输"),
    ("work_order_writeoff", "Work-order write-off 工单核销"),
    ("paperless", "Paperless documents 无纸化"),
    ("electronic_fence", "Electronic fence 电子围网"),
)
_DETECTION = ("documentary", "scan", "physical", "post_audit")


@dataclass(frozen=True)
class FormField:
    """One widget of the Scenario page.

    Attributes:
        path: Where the value lives in the scenario data.
        label: What the planner reads.
        kind: ``bool``, ``int``, ``float`` or ``text``.
        group: ``levers``, ``uncertainties`` or ``scenario``.
        low: Smallest value a number widget offers.
        high: Largest value a number widget offers.
        step: Step of a number widget.
        default: The value when the path is absent from the data.
    """

    path: Path_
    label: str
    kind: Literal["bool", "int", "float", "text"]
    group: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    default: Any = None

    @property
    def dotted(self) -> str:
        """The path as a validation error names it (``levers.h986.yangshan_port``)."""
        return ".".join(self.path)


def form_fields(data: Mapping[str, Any]) -> list[FormField]:
    """Return the fields of the form for a scenario's data (zones decide the H986 fields)."""
    fields = [
        FormField(("name",), "Scenario name 情景名称", "text", "scenario"),
        FormField(("description",), "Description 说明", "text", "scenario"),
        FormField(("run", "seed"), "Seed (common random numbers) 随机种子", "int", "scenario", 0),
    ]
    fields += [FormField(("levers", k), label, "bool", "levers") for k, label in _BOOL_LEVERS]
    for zone in data["site"]["zones"]:
        label = f"H986 scanners: {zone['name']} H986机检设备"
        fields.append(FormField(("levers", "h986", zone["id"]), label, "int", "levers", 0, 6, 1, 0))
    fields += [
        FormField(
            ("levers", "random_control_scale"),
            "Random control scale 随机布控 (× rates)",
            "float",
            "levers",
            0.0,
            10.0,
            0.1,
        ),
        FormField(
            ("levers", "batch_share"),
            "Share using batch declaration 集中申报比例",
            "float",
            "levers",
            0.0,
            1.0,
            0.05,
        ),
        FormField(
            ("uncertainties", "traffic_scale"),
            "Traffic scale (× every flow) 车流量倍数",
            "float",
            "uncertainties",
            0.05,
            5.0,
            0.05,
        ),
        FormField(
            ("uncertainties", "enterprises", "violation_scale"),
            "Violation scale (× true violation propensity) 违规倾向倍数",
            "float",
            "uncertainties",
            0.0,
            10.0,
            0.1,
        ),
        FormField(
            ("uncertainties", "plate_mismatch_rate"),
            "Plate mismatch rate 车牌不符比例",
            "float",
            "uncertainties",
            0.0,
            1.0,
            0.001,
        ),
        FormField(
            ("uncertainties", "devices", "plate_camera", "misread_rate"),
            "Plate camera misread rate 车牌识别误读率",
            "float",
            "uncertainties",
            0.0,
            1.0,
            0.005,
            0.0,
        ),
    ]
    fields += [
        FormField(
            ("uncertainties", "detection", k),
            f"Detection probability: {k.replace('_', ' ')} 查获概率",
            "float",
            "uncertainties",
            0.0,
            1.0,
            0.05,
        )
        for k in _DETECTION
    ]
    return fields


def field_key(f: FormField) -> str:
    """Return the widget key of a field (stable across scenarios with the same zones)."""
    return "sc:" + f.dotted


def get_path(data: Mapping[str, Any], path: Path_, default: Any = None) -> Any:
    """Return the value at ``path`` in nested mappings, or ``default`` when absent."""
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return default
        node = node[part]
    return node


def set_path(data: Mapping[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    """Return a deep copy of ``data`` with ``value`` at ``path`` (mappings made as needed)."""
    out = copy.deepcopy(dict(data))
    node = out
    for part in path[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = node[part] = {}
        node = nxt
    node[path[-1]] = value
    return out


def apply_values(
    data: Mapping[str, Any], fields: list[FormField], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Return ``data`` with the widget ``values`` (by field key) that differ written in.

    Unchanged values are left alone so that an untouched form keeps the scenario's digest
    (a device entry the file did not have is not added just because a widget shows it).
    """
    out = copy.deepcopy(dict(data))
    for f in fields:
        key = field_key(f)
        if key in values and values[key] != get_path(out, f.path, f.default):
            out = set_path(out, f.path, values[key])
    return out


def problems_for(f: FormField, problems: list[str]) -> list[str]:
    """Return the validation problems that name this field's path."""
    return [p for p in problems if p.split(":", 1)[0] == f.dotted]


def _show(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def range_problems(
    base: Mapping[str, Any], fields: list[FormField], values: Mapping[str, Any]
) -> list[str]:
    """Problems for typed values outside the range a field offers (by field path).

    The widgets take any number so that a value typed out of range reaches the page
    (a bounded widget would only turn red and keep the old value); it is then refused
    here, beside its field, and the draft does not count as valid. A value the
    scenario file itself holds is accepted even outside the offer.
    """
    out = []
    for f in fields:
        key = field_key(f)
        if f.kind not in ("int", "float") or key not in values:
            continue
        value = values[key]
        if value is None:
            out.append(f"{f.dotted}: a number is required (the field is empty)")
            continue
        if value == get_path(base, f.path, f.default):
            continue
        low = -math.inf if f.low is None else f.low
        high = math.inf if f.high is None else f.high
        if not (low <= value <= high) or (isinstance(value, float) and not math.isfinite(value)):
            span = (
                f"{_show(f.low)} to {_show(f.high)}"
                if f.high is not None
                else f"at least {_show(f.low)}"
            )
            out.append(f"{f.dotted}: {_show(value)} is outside the range of this field, {span}")
    return out
