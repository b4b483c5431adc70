"""Dotted paths into a scenario's data: how a sweep factor, a source or a diff names a field.

Syntax: keys separated by dots; list items addressed by position (``[2]``) or by the
fields that identify them (``[id=insp_ys]``; ``[zone=yangshan_port,id=gate_2L_01]`` where
an id alone is not unique). Selecting by fields survives reordering of the file,
positions do not, and a selector must match exactly one item. Examples::

    uncertainties.traffic_scale
    levers.h986.yangshan_port
    site.staff_pools[id=insp_ys].count
    site.gates[zone=yangshan_port,id=gate_2L_01].lanes

A path may create a missing *last* key of a mapping (``levers.h986.pudong_airport`` when
Pudong has no H986 yet); every other step must exist, so typos fail loudly.

A *pattern* (``parse_path(text, wildcards=True)``) may also hold ``*`` for any mapping
key and ``[*]`` for any list item; the sources of a scenario name the values they vouch
for with patterns (``site.staff_pools[*].availability``). Patterns select, they never set.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["PathSyntaxError", "Step", "apply", "get_path", "parse_path", "set_path"]

_SEGMENT = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_]*|\*)(?P<sel>(\[[^\[\]]+\])*)")
_SELECTOR = re.compile(r"\[([^\[\]]+)\]")


class PathSyntaxError(ValueError):
    """A path that cannot be parsed or does not lead to a field (message says why)."""


@dataclass(frozen=True)
class Step:
    """One step of a path: a mapping key, a list position or a list item's id."""

    kind: str  # "key", "index", "match", or in patterns "any_key" / "any_item"
    value: str | int | tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        if self.kind == "any_key":
            return ".*"
        if self.kind == "any_item":
            return "[*]"
        if self.kind == "key":
            return f".{self.value}"
        if self.kind == "index":
            return f"[{self.value}]"
        assert isinstance(self.value, tuple)
        return "[" + ",".join(f"{k}={v}" for k, v in self.value) + "]"


def parse_path(text: str, wildcards: bool = False) -> tuple[Step, ...]:
    """Parse ``text`` into steps; with ``wildcards``, ``*`` and ``[*]`` are allowed.

    Raises:
        PathSyntaxError: The text is not a valid path (or pattern).
    """
    steps: list[Step] = []
    for part in text.split("."):
        m = _SEGMENT.fullmatch(part)
        if m is None or (m["key"] == "*" and not wildcards):
            raise PathSyntaxError(f"bad path segment {part!r} (expected key, key[n] or key[id=x])")
        steps.append(Step("any_key", "*") if m["key"] == "*" else Step("key", m["key"]))
        for sel in _SELECTOR.findall(m["sel"]):
            if sel == "*" and wildcards:
                steps.append(Step("any_item", "*"))
                continue
            if sel.isdigit():
                steps.append(Step("index", int(sel)))
                continue
            pairs = [p.partition("=") for p in sel.split(",")]
            if not all(k.strip() and eq and v.strip() for k, eq, v in pairs):
                raise PathSyntaxError(f"bad selector [{sel}] (expected [n] or [id=x])")
            steps.append(Step("match", tuple((k.strip(), v.strip()) for k, _, v in pairs)))
    return tuple(steps)


def _child(node: Any, step: Step, where: str) -> Any:
    if step.kind in ("any_key", "any_item"):
        raise PathSyntaxError(f"{where or '(top level)'}: a pattern ({step}) names no one field")
    if step.kind == "key":
        if not isinstance(node, dict) or step.value not in node:
            raise PathSyntaxError(f"no field {step.value!r} at {where or '(top level)'}")
        return node[step.value]
    if not isinstance(node, list):
        raise PathSyntaxError(f"{where} is not a list")
    if step.kind == "index":
        assert isinstance(step.value, int)
        if not 0 <= step.value < len(node):
            raise PathSyntaxError(f"{where} has no item [{step.value}] (it has {len(node)})")
        return node[step.value]
    assert isinstance(step.value, tuple)
    found = [
        item
        for item in node
        if isinstance(item, dict) and all(str(item.get(k)) == v for k, v in step.value)
    ]
    if len(found) == 1:
        return found[0]
    if found:
        raise PathSyntaxError(f"{where}{step} matches {len(found)} items; add a field, e.g. zone=")
    ids = ", ".join(str(i.get("id")) for i in node if isinstance(i, dict))
    raise PathSyntaxError(f"{where} has no item {step} (ids: {ids})")


def get_path(data: Any, path: tuple[Step, ...]) -> Any:
    """Return the value at ``path``.

    Raises:
        PathSyntaxError: A step does not exist.
    """
    node, where = data, ""
    for step in path:
        node = _child(node, step, where.lstrip("."))
        where += str(step)
    return node


def set_path(data: Any, path: tuple[Step, ...], value: Any) -> None:
    """Set the value at ``path`` in place (the last key of a mapping may be new).

    Raises:
        PathSyntaxError: A step before the last does not exist, or the last is not settable.
    """
    parent = get_path(data, path[:-1])
    last = path[-1]
    where = "".join(str(s) for s in path[:-1]).lstrip(".") or "(top level)"
    if last.kind == "key":
        if not isinstance(parent, dict):
            raise PathSyntaxError(f"{where} is not a mapping")
        parent[last.value] = value
        return
    target = _child(parent, last, where)
    index = (
        last.value
        if last.kind == "index"
        else next(i for i, item in enumerate(parent) if item is target)
    )
    parent[index] = value


def apply(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Return a deep copy of ``data`` with every ``path: value`` of ``values`` set, in order.

    Raises:
        PathSyntaxError: A path is malformed or leads nowhere.
    """
    out = copy.deepcopy(data)
    for text, value in values.items():
        set_path(out, parse_path(text), value)
    return out
