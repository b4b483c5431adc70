"""The calibrated scenario as an overlay: ``extends:`` the input, sets what was fitted.

Values are written where a variant would write them (flows by id, a distribution whole,
a profile whole), each with a ``calibrated`` source naming the data file and its sha256
and carrying the simultaneous interval. A distribution whose family changes drops the
old family's keys with ``null``, where the input's files set them. A device kind the
input did not list is written with every field, the unfitted ones at the figures the
twin used and with the sources they had, so listing the kind changes nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ftz_spec import Scenario
from ftz_spec.paths import Step, parse_path
from ftz_spec.provenance import leaves_of, parameters
from ftz_spec.source import Source

__all__ = ["nest", "overlay_text", "whole_node"]


def _raw_at(raw: Any, steps: tuple[Step, ...]) -> Any:
    node = raw
    for step in steps:
        if step.kind == "key" and isinstance(node, dict):
            node = node.get(step.value)
        elif step.kind == "match" and isinstance(node, list):
            assert isinstance(step.value, tuple)
            fields = dict(step.value)
            node = next(
                (i for i in node if all(str(i.get(k)) == v for k, v in fields.items())), None
            )
        else:
            return None
    return node


def _with_nulls(new: Any, old: Any) -> Any:
    """``new``, with ``null`` for every key of ``old`` it no longer has (recursively)."""
    if not isinstance(new, dict) or not isinstance(old, dict):
        return new
    out = {k: _with_nulls(v, old.get(k)) for k, v in new.items()}
    out.update({k: None for k in old if k not in new})
    return out


def nest(values: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ``{path: value}`` into the nested data of a variant file.

    ``raw`` is what the input's files say (:func:`ftz_spec.loader.load_values`); it
    decides which keys of a replaced mapping need a ``null``.
    """
    root: dict[str, Any] = {}
    for path, value in values.items():
        steps = parse_path(path)
        node: Any = root
        for i, step in enumerate(steps):
            last = i == len(steps) - 1
            if step.kind == "key":
                key = str(step.value)
                if last:
                    node[key] = _with_nulls(value, _raw_at(raw, steps))
                else:
                    node = node.setdefault(key, [] if steps[i + 1].kind == "match" else {})
            elif step.kind == "match":
                assert isinstance(step.value, tuple)
                fields = dict(step.value)
                item = next(
                    (it for it in node if all(str(it.get(k)) == v for k, v in fields.items())),
                    None,
                )
                if item is None:
                    item = dict(fields)
                    node.append(item)
                node = item
            else:
                raise ValueError(f"{path}: an overlay sets lists whole, not by position")
    return root


def whole_node(
    scenario: Scenario, node: str, fitted: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Source]]:
    """A whole mapping (a device kind, a distribution): fitted fields, the rest as they were.

    Returns the mapping and the sources of the fields carried over unchanged (they are set
    again by the overlay, so they must bring their sources with them).
    """
    prefix = f"{node}."
    sources = {p.leaf.path: p.source for p in parameters(scenario)}
    block: dict[str, Any] = {}
    carried: dict[str, Source] = {}
    for leaf in leaves_of(scenario):
        if not leaf.path.startswith(prefix):
            continue
        rest = leaf.path[len(prefix) :]
        name = rest.split(".")[0]
        if name in fitted:
            continue
        if "." in rest:
            block.setdefault(name, {})[rest.split(".", 1)[1]] = leaf.value
        else:
            block[name] = leaf.value
        src = sources.get(leaf.path)
        if src is not None:
            carried[leaf.path] = src
    block.update(fitted)
    return block, carried


def overlay_text(
    input_path: Path,
    overlay_path: Path,
    name: str,
    description: str,
    data: dict[str, Any],
    sources: Mapping[str, Source],
    header: str,
) -> str:
    """The overlay file's text; it ``extends`` the input.

    The input is named by a path relative to the overlay when the two are near each other
    (they then move together), else by its absolute path.
    """
    target = input_path.resolve()
    base = os.path.relpath(target, overlay_path.resolve().parent)
    if base.split(os.sep)[:4] == [os.pardir] * 4:
        base = str(target)
    doc: dict[str, Any] = {"extends": base, "name": name, "description": description, **data}
    doc["sources"] = {k: sources[k].model_dump(mode="json") for k in sorted(sources)}
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body
