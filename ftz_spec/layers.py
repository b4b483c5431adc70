"""Sources across ``extends:`` layers: which source still vouches for which value.

Each file of an ``extends`` chain is a layer (the base first). A source written in layer
*i* vouches for a value only if no later layer set that value again: a variant that
changes a number without giving its source leaves the number unmarked. The result is
one ``sources`` map of the resolved scenario whose plain "most specific path wins"
lookup (:func:`ftz_spec.provenance.lookup`) gives, for every value, the source the layers
say — base patterns a variant partly overrode are narrowed to the values they still
cover, so the map needs no memory of the layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ftz_spec.leaves import Leaf, LeafIndex
from ftz_spec.paths import Step, parse_path
from ftz_spec.provenance import assign, is_parameter, leaves_of
from ftz_spec.source import Source

__all__ = [
    "Layer",
    "OrphanSourceError",
    "SourceClashError",
    "canonical_key",
    "resolve_layers",
    "written_by",
]

# (file, the values it sets, its sources by path; None retracts a base's source)
Layer = tuple[str, dict[str, Any], dict[str, Source | None]]


class OrphanSourceError(ValueError):
    """A source path of the top file that names no parameter of the resolved scenario."""

    def __init__(self, file: str, key: str) -> None:
        self.file = file
        self.key = key
        super().__init__(f"{file}: sources[{key!r}]: names no parameter of the scenario")


def written_by(raw: Any, leaf: Leaf) -> bool:
    """Whether a file's data ``raw`` sets ``leaf`` (or a list or mapping replacing it)."""
    node = raw
    for step in leaf.steps:
        if step.item is None:
            if not isinstance(node, dict):
                return not isinstance(node, list)
            match = [k for k in node if str(k) == step.key]
            if not match:
                return False
            node = node[match[0]]
            continue
        if not isinstance(node, list):
            return True  # a scalar or null replaced the whole list
        if not (node and all(isinstance(v, dict) and "id" in v for v in node)):
            return True  # lists without ids are replaced whole
        fields = step.item
        found = [
            v
            for v in node
            if str(v["id"]) == fields.get("id")
            and ("zone" not in v or str(v["zone"]) == fields.get("zone"))
        ]
        if not found:
            return False
        node = found[0]
    return True


class SourceClashError(ValueError):
    """Two paths of one file that name the same values."""

    def __init__(self, file: str, a: str, b: str) -> None:
        self.file = file
        super().__init__(f"{file}: sources[{b!r}]: names the same values as {a!r}")


def canonical_key(text: str, leaves: LeafIndex) -> str:
    """``text`` with each selector that picks one item written as that item's own label.

    ``uncertainties.flows[zone=z1,id=out]`` and ``uncertainties.flows[id=out]`` name the
    same flow; both become the leaf paths' spelling, so a scenario has one canonical text
    however its sources were written. Wildcards stay wildcards.
    """
    pattern = parse_path(text, wildcards=True)
    covered = leaves.matching(pattern)
    if not covered:
        return text
    parts = []
    for i, step in enumerate(pattern):
        labels = {leaf.steps[i].label for leaf in covered}
        if step.kind in ("match", "index") and len(labels) == 1:
            parts.append(labels.pop())
        else:
            parts.append(str(step))
    return "".join(parts).lstrip(".")


def _canonical_layers(layers: Sequence[Layer], leaves: LeafIndex) -> list[Layer]:
    out: list[Layer] = []
    for file, raw, srcs in layers:
        renamed: dict[str, Source | None] = {}
        first: dict[str, str] = {}
        for text, src in srcs.items():
            key = canonical_key(text, leaves)
            if key in renamed:
                raise SourceClashError(file, first[key], text)
            renamed[key], first[key] = src, text
        out.append((file, raw, renamed))
    return out


def _winners(
    index: LeafIndex,
    layers: Sequence[Layer],
    parsed: list[list[tuple[str, tuple[Step, ...]]]],
) -> dict[str, Source | None]:
    """The source each value takes: the latest layer naming it, if no later layer reset it."""
    named = [assign(entries, index) for entries in parsed]
    out: dict[str, Source | None] = {}
    for leaf in index.leaves:
        out[leaf.path] = None
        for i in reversed(range(len(layers))):
            key = named[i].get(leaf.path)
            if key is not None:
                later = any(written_by(raw, leaf) for _, raw, _ in layers[i + 1 :])
                out[leaf.path] = None if later else layers[i][2][key]
                break
    return out


def resolve_layers(layers: Sequence[Layer], scenario: Any) -> dict[str, Source]:
    """Return the ``sources`` map of the resolved scenario built from ``layers``.

    Raises:
        OrphanSourceError: A source of the top file names no parameter.
        SourceClashError: Two paths of one file name the same values.
    """
    index = LeafIndex([leaf for leaf in leaves_of(scenario) if is_parameter(leaf)])
    leaves = index.leaves
    layers = _canonical_layers(layers, index)
    parsed = [[(t, parse_path(t, wildcards=True)) for t in srcs] for _, _, srcs in layers]
    top_file, _, _ = layers[-1]
    for text, pattern in parsed[-1]:
        if not index.matching(pattern):
            raise OrphanSourceError(top_file, text)
    winner = _winners(index, layers, parsed)
    cand: dict[str, tuple[tuple[Step, ...], Source]] = {}
    for (_, _, srcs), entries in zip(layers, parsed, strict=True):
        for text, pattern in entries:
            src = srcs[text]
            if src is None:
                cand.pop(text, None)
            else:
                cand[text] = (pattern, src)
    while True:
        entries = [(t, p) for t, (p, _) in cand.items()]
        assigned = assign(entries, index)
        looked = {leaf.path: assigned.get(leaf.path) for leaf in leaves}
        wrong = [
            leaf
            for leaf in leaves
            if (cand[looked[leaf.path]][1] if looked[leaf.path] else None) != winner[leaf.path]
        ]
        if not wrong:
            break
        for key in {looked[leaf.path] for leaf in wrong} - {None}:
            _, src = cand.pop(str(key))
            for leaf in leaves:
                if looked[leaf.path] == key and winner[leaf.path] == src:
                    cand[leaf.path] = (parse_path(leaf.path), src)
        for leaf in wrong:
            src_or_none = winner[leaf.path]
            if src_or_none is not None:
                cand[leaf.path] = (parse_path(leaf.path), src_or_none)
    used = {k for k in looked.values() if k is not None}
    return {t: cand[t][1] for t in sorted(cand) if t in used}
