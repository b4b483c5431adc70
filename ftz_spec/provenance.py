"""Provenance: the source of every effective parameter of a scenario (参数出处).

A source may be written beside a value (``inspection_bays: {value: 8, source: {…}}``, or a
``source:`` key inside any mapping, which then covers every number under it) or in the
scenario's ``sources:`` map by path (``site.staff_pools[*].availability: {…}``). The
loader lifts inline sources into the map before validation (:func:`lift_inline`), so a
validated scenario has one ``sources`` map and one canonical YAML however it was written.

A value takes the most specific source whose path names it. A value that no file sets
takes the source of the model's default (``default_sources.yaml``), provided the default
is still the one that source documents. A source given in a base file stops covering a
value that a file extending it sets again: a variant that changes a number without
saying why leaves that number unmarked rather than borrowing its base's source.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from core.gate.readings import ACTUATOR_KINDS
from ftz_spec.assembly import effective_tolerances
from ftz_spec.base import FieldPathError
from ftz_spec.dists import Fixed
from ftz_spec.leaves import MISSING, Leaf, LeafIndex, matches, walk
from ftz_spec.paths import PathSyntaxError, Step, parse_path
from ftz_spec.source import Source
from ftz_spec.uncertain import DeviceUncertainty, Uncertainties
from hardware_models.sim import PUBLISHED_SENSOR_PARAMS

__all__ = [
    "DEFAULT_SOURCES_PATH",
    "NOT_INPUTS",
    "Parameter",
    "assign",
    "check_sources",
    "default_sources",
    "is_parameter",
    "leaves_of",
    "lift_inline",
    "lookup",
    "parameters",
    "specificity",
]

DEFAULT_SOURCES_PATH = Path(__file__).with_name("default_sources.yaml")

# Numbers that are not inputs of the system the twin models, with the reason.
NOT_INPUTS: dict[str, str] = {
    "run": "how the experiment is run (horizon, warm-up, replications, seed)",
    "site.zones[*].lat": "map position: drawn, never simulated",
    "site.zones[*].lon": "map position: drawn, never simulated",
    "site.places[*].lat": "map position: drawn, never simulated",
    "site.places[*].lon": "map position: drawn, never simulated",
}
_NOT_INPUTS = tuple(parse_path(p, wildcards=True) for p in NOT_INPUTS)
_SECTIONS = ("site", "uncertainties", "levers", "run")


@functools.cache
def _published_devices() -> dict[str, DeviceUncertainty]:
    """The published device figures the twin uses for a kind a scenario does not list."""
    out: dict[str, DeviceUncertainty] = {}
    for kind, p in PUBLISHED_SENSOR_PARAMS.items():
        latency = getattr(p.latency_s, "value", None)
        out[kind.value] = DeviceUncertainty(
            latency_s=Fixed(value=latency) if latency is not None else Fixed(value=0.5),
            misread_rate=p.misread_rate, miss_rate=p.miss_rate, noise_sd=p.noise_sd,
            mttf_h=p.mttf_h, mttr_min=p.mttr_min, stuck_share=p.stuck_share,
        )  # fmt: skip
    return out


def leaves_of(scenario: Any) -> list[Leaf]:
    """Every value of the scenario, defaults and implicit device figures included.

    A device kind at a gate that ``uncertainties.devices`` does not list runs on the
    published figures (``hardware_models.sim.published``), and a tolerance a gate leaves
    unset is its line preset's (:func:`ftz_spec.assembly.effective_tolerances`); those
    appear as implicit leaves, so the figures the twin really uses are all listed.
    """
    published = _published_devices()
    defaults: dict[str, Any] = {"uncertainties": Uncertainties(devices=published)}
    out: list[Leaf] = []
    for name in _SECTIONS:
        leaves = walk(getattr(scenario, name), defaults.get(name, MISSING), name)
        out += _preset_tolerances(scenario, leaves) if name == "site" else leaves
    listed = {str(getattr(k, "value", k)) for k in scenario.uncertainties.devices}
    used = sorted(
        {
            d.kind.value
            for g in scenario.site.gates
            for d in g.devices
            if d.kind not in ACTUATOR_KINDS and d.kind.value not in listed
        }
    )
    for kind in used:
        if kind in published:
            device = published[kind]
            out += [
                replace(leaf, implicit=True)
                for leaf in walk(device, device, f"uncertainties.devices.{kind}")
            ]
    return out


def _preset_tolerances(scenario: Any, leaves: list[Leaf]) -> list[Leaf]:
    """Unset gate tolerances (``None``) as the preset figures the gate decides by."""
    effective: dict[int, dict[str, float]] = {}
    out = []
    for leaf in leaves:
        steps = leaf.steps
        if (
            leaf.value is None
            and len(steps) == 5
            and steps[1].key == "gates"
            and steps[3].key == "tolerances"
        ):
            i = int(steps[2].key)
            if i not in effective:
                effective[i] = effective_tolerances(scenario.site.gates[i])
            figure = effective[i][str(steps[4].key)]
            leaf = replace(leaf, value=figure, default=figure, implicit=True)
        out.append(leaf)
    return out


def is_parameter(leaf: Leaf) -> bool:
    """Whether a leaf is an input number that needs a source (not a map position or run setting)."""
    return leaf.numeric and not any(matches(p, leaf) for p in _NOT_INPUTS)


def specificity(pattern: Sequence[Step]) -> tuple[int, int]:
    """Longer patterns, then patterns with fewer wildcards, are more specific."""
    exact = sum(1 for s in pattern if s.kind not in ("any_key", "any_item"))
    return (len(pattern), exact)


def lookup(leaf: Leaf, entries: Sequence[tuple[str, tuple[Step, ...]]]) -> str | None:
    """Return the key of the most specific entry naming ``leaf`` (ties: the smaller key)."""
    best: tuple[tuple[int, int], str] | None = None
    for text, pattern in entries:
        if matches(pattern, leaf):
            rank = specificity(pattern)
            if best is None or rank > best[0] or (rank == best[0] and text < best[1]):
                best = (rank, text)
    return None if best is None else best[1]


def assign(entries: Sequence[tuple[str, tuple[Step, ...]]], index: LeafIndex) -> dict[str, str]:
    """For every leaf some entry names, the key :func:`lookup` would give (leaf path → key)."""
    best: dict[str, tuple[tuple[int, int], str]] = {}
    for text, pattern in entries:
        rank = specificity(pattern)
        for leaf in index.matching(pattern):
            have = best.get(leaf.path)
            if have is None or rank > have[0] or (rank == have[0] and text < have[1]):
                best[leaf.path] = (rank, text)
    return {path: key for path, (_, key) in best.items()}


@dataclass(frozen=True)
class _Documented:
    default: Any
    source: Source


@functools.cache
def default_sources() -> dict[str, _Documented]:
    """The sources of the models' defaults, each with the default value it documents."""
    raw = yaml.safe_load(DEFAULT_SOURCES_PATH.read_text(encoding="utf-8")) or {}
    out: dict[str, _Documented] = {}
    for text, entry in raw.items():
        parse_path(text, wildcards=True)
        out[text] = _Documented(entry["default"], Source.model_validate(entry["source"]))
    return out


def _documented_at(entry: _Documented, pattern: tuple[Step, ...], leaf: Leaf) -> Any:
    """The documented default of ``leaf``, found below the entry's path."""
    node = entry.default
    for step in leaf.steps[len(pattern) :]:
        key = step.key
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return node


@dataclass(frozen=True)
class Parameter:
    """One effective parameter and where its value comes from.

    Attributes:
        leaf: The value, its path and its model default.
        source: Its source, or None when it is unmarked.
        via: ``scenario`` (the scenario's sources), ``default`` (the source of the
            model's default) or ``""`` (unmarked).
        key: The path of the source entry that named it.
    """

    leaf: Leaf
    source: Source | None
    via: str
    key: str

    @property
    def unmarked(self) -> bool:
        """Whether no source vouches for the value."""
        return self.source is None


def parameters(scenario: Any) -> list[Parameter]:
    """Every effective parameter of ``scenario`` with its source (None when unmarked)."""
    entries = [(t, parse_path(t, wildcards=True)) for t in scenario.sources]
    registry = default_sources()
    documented = dict((t, parse_path(t, wildcards=True)) for t in registry)
    params = [leaf for leaf in leaves_of(scenario) if is_parameter(leaf)]
    index = LeafIndex(params)
    named = assign(entries, index)
    by_default = assign(list(documented.items()), index)
    out: list[Parameter] = []
    for leaf in params:
        key = named.get(leaf.path)
        if key is not None:
            out.append(Parameter(leaf, scenario.sources[key], "scenario", key))
            continue
        key = by_default.get(leaf.path) if leaf.at_default else None
        if key is not None:
            pattern = documented[key]
            entry = registry[key]
            if _documented_at(entry, pattern, leaf) == leaf.value:
                out.append(Parameter(leaf, entry.source, "default", key))
                continue
        out.append(Parameter(leaf, None, "", ""))
    return out


def check_sources(scenario: Any) -> None:
    """Every key of ``scenario.sources`` must be a path that names at least one parameter.

    Raises:
        FieldPathError: A key is malformed or names no parameter.
    """
    if not scenario.sources:
        return
    index = LeafIndex([leaf for leaf in leaves_of(scenario) if is_parameter(leaf)])
    for text in scenario.sources:
        try:
            pattern = parse_path(text, wildcards=True)
        except PathSyntaxError as exc:
            raise FieldPathError(("sources", text), text, str(exc)) from None
        if not index.matching(pattern):
            raise FieldPathError(("sources", text), text, "names no parameter of the scenario")


def _item_label(item: Any, index: int, id_list: bool) -> str:
    if id_list and "zone" in item:
        return f"[zone={item['zone']},id={item['id']}]"
    return f"[id={item['id']}]" if id_list else f"[{index}]"


def lift_inline(data: Any, path: str = "") -> tuple[Any, dict[str, Any]]:
    """Return ``data`` without inline sources, and those sources by path.

    ``{value: X, source: S}`` becomes ``X``; any other mapping with a ``source`` key
    loses the key, whose source then covers the mapping's path.
    """
    found: dict[str, Any] = {}
    if isinstance(data, dict):
        if path and set(data) == {"value", "source"}:
            found[path] = data["source"]
            inner, more = lift_inline(data["value"], path)
            return inner, {**found, **more}
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "source" and path:
                found[path] = value
                continue
            if not path and key == "sources":
                out[key] = value
                continue
            out[key], more = lift_inline(value, f"{path}.{key}" if path else str(key))
            found.update(more)
        return out, found
    if isinstance(data, list):
        id_list = bool(data) and all(isinstance(v, dict) and "id" in v for v in data)
        items = []
        for i, item in enumerate(data):
            label = _item_label(item, i, id_list)
            lifted, more = lift_inline(item, path + label)
            items.append(lifted)
            found.update(more)
        return items, found
    return data, found
