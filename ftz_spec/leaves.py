"""Every value of a scenario as a leaf with a canonical path, its value and its model default.

The walk follows the pydantic models, not the YAML text, so it sees the values the twin
uses — defaults included — and knows which fields are numbers. List items are named by
what identifies them (``site.staff_pools[id=insp_ys].count``; ``[zone=…,id=…]`` where an
id repeats, as gate ids do across zones; a position where items have no id), in the path
syntax of :mod:`ftz_spec.paths`, so a leaf's path is also a valid sweep or source path.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ftz_spec.paths import Step

__all__ = ["MISSING", "Leaf", "LeafIndex", "LeafStep", "matches", "walk"]


class _Missing:
    """No model default: a required field, or a field of another distribution family."""

    def __repr__(self) -> str:
        return "—"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class LeafStep:
    """One step of a leaf's path: a key, or a list item (its position and its fields)."""

    key: str | int
    item: Mapping[str, str] | None = None  # a list item's scalar fields, for selectors
    label: str = ""  # how the step is written: ".key", "[id=x]", "[3]"


@dataclass(frozen=True)
class Leaf:
    """One value of a scenario.

    Attributes:
        path: The canonical path, e.g. ``uncertainties.times.scan_s.mode``.
        steps: The path as steps, for matching patterns against it.
        value: The value (plain JSON-like: float, int, bool, str or None).
        default: What the value is when no file sets it (:data:`MISSING` if nothing).
        numeric: Whether the value is a number (or a number that may be ``None``).
        implicit: Not in the scenario's data: a default the twin applies on its own
            (the published figures of a device kind the scenario does not list).
    """

    path: str
    steps: tuple[LeafStep, ...]
    value: Any
    default: Any
    numeric: bool
    implicit: bool = False

    @property
    def at_default(self) -> bool:
        """Whether the value is the model's default."""
        return self.default is not MISSING and _plain(self.default) == self.value


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _allows_number(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _allows_number(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_allows_number(a) for a in typing.get_args(annotation))
    return False


def _selectors(items: tuple[Any, ...]) -> list[tuple[str, dict[str, str]]]:
    """Label and scalar fields of each list item: by id, by zone and id, or by position."""
    fields = [
        {k: str(_plain(v)) for k, v in dict(it).items() if isinstance(_plain(v), str | int | float)}
        if isinstance(it, BaseModel)
        else {}
        for it in items
    ]
    ids = [f.get("id") for f in fields]
    if items and all(ids) and len(set(ids)) == len(ids):
        return [(f"[id={f['id']}]", f) for f in fields]
    pairs = [(f.get("zone"), f.get("id")) for f in fields]
    if items and all(a and b for a, b in pairs) and len(set(pairs)) == len(pairs):
        return [(f"[zone={f['zone']},id={f['id']}]", f) for f in fields]
    return [(f"[{i}]", f) for i, f in enumerate(fields)]


def _field_default(model: BaseModel, name: str, default_model: Any) -> Any:
    if isinstance(default_model, BaseModel) and type(default_model) is type(model):
        return getattr(default_model, name)
    info = type(model).model_fields[name]
    return MISSING if info.is_required() else info.get_default(call_default_factory=True)


def _walk(
    node: Any, default: Any, steps: tuple[LeafStep, ...], numeric: bool, path: str
) -> Iterator[Leaf]:
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            child_default = _field_default(node, name, default)
            yield from _walk(
                getattr(node, name),
                child_default,
                (*steps, LeafStep(name, None, f".{name}")),
                _allows_number(info.annotation),
                f"{path}.{name}" if path else name,
            )
    elif isinstance(node, Mapping):
        for key in sorted(node, key=lambda k: str(_plain(k))):
            k = str(_plain(key))
            sub = (
                default.get(key, default.get(k, MISSING))
                if isinstance(default, Mapping)
                else MISSING
            )
            yield from _walk(
                node[key], sub, (*steps, LeafStep(k, None, f".{k}")), True, f"{path}.{k}"
            )
    elif isinstance(node, tuple | list):
        labels = _selectors(tuple(node))
        same = isinstance(default, tuple | list) and len(default) == len(node)
        for i, (item, (label, fields)) in enumerate(zip(node, labels, strict=True)):
            sub = default[i] if same and not isinstance(item, BaseModel) else MISSING
            yield from _walk(item, sub, (*steps, LeafStep(i, fields, label)), numeric, path + label)
    else:
        value = _plain(node)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        yield Leaf(path, steps, value, default, is_number or (value is None and numeric))


def walk(model: BaseModel, default: Any = MISSING, prefix: str = "") -> list[Leaf]:
    """Return every leaf of ``model`` (defaults from its fields, or from ``default``)."""
    first = tuple(LeafStep(p, None, f".{p}") for p in prefix.split(".")) if prefix else ()
    return list(_walk(model, default, first, False, prefix))


def _step_matches(pattern: Step, leaf: LeafStep) -> bool:
    if pattern.kind == "any_key":
        return leaf.item is None
    if pattern.kind == "key":
        return leaf.item is None and leaf.key == pattern.value
    if leaf.item is None:
        return False
    if pattern.kind == "any_item":
        return True
    if pattern.kind == "index":
        return leaf.key == pattern.value
    assert isinstance(pattern.value, tuple)
    return all(leaf.item.get(k) == v for k, v in pattern.value)


def matches(pattern: tuple[Step, ...], leaf: Leaf) -> bool:
    """Whether ``pattern`` names ``leaf`` or a node above it."""
    if len(pattern) > len(leaf.steps):
        return False
    return all(_step_matches(p, s) for p, s in zip(pattern, leaf.steps, strict=False))


class LeafIndex:
    """Leaves grouped by their first two keys, so a pattern is matched against few of them."""

    def __init__(self, leaves: Sequence[Leaf]) -> None:
        self.leaves = list(leaves)
        self._by_head: dict[tuple[str | int, ...], list[Leaf]] = {}
        for leaf in self.leaves:
            self._by_head.setdefault(self._head(leaf.steps), []).append(leaf)

    @staticmethod
    def _head(steps: Sequence[Any]) -> tuple[str | int, ...]:
        return tuple(s.key for s in steps[:2])

    def matching(self, pattern: tuple[Step, ...]) -> list[Leaf]:
        """The leaves ``pattern`` names."""
        if len(pattern) >= 2 and all(s.kind == "key" for s in pattern[:2]):
            candidates = self._by_head.get(tuple(s.value for s in pattern[:2]), [])  # type: ignore[misc]
        else:
            candidates = self.leaves
        return [leaf for leaf in candidates if matches(pattern, leaf)]
