"""Differences between two resolved scenarios, path by path, with both values and sources.

``ftztwin diff A B`` prints them; :func:`diff_scenarios` returns them as records for any
other view (the app's compare page). Both scenarios are compared as the twin sees them:
after ``extends:`` merging, defaults and the implicit device figures included. A value
that is the same in both but vouched for by another source is a difference too: a
calibration that confirms a guess changes what the number rests on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Literal

from ftz_spec import Scenario, digest
from ftz_spec.leaves import MISSING, Leaf
from ftz_spec.provenance import is_parameter, leaves_of, parameters
from ftz_spec.source import Source
from ftztwin.assumptions import format_value

__all__ = ["HEADER", "Change", "Difference", "diff_csv", "diff_rows", "diff_scenarios", "diff_text"]

Change = Literal["changed", "only_in_a", "only_in_b", "source"]


@dataclass(frozen=True)
class Difference:
    """One path whose value or source differs.

    Attributes:
        path: The canonical path, e.g. ``site.staff_pools[id=insp_ys].count``.
        change: ``changed`` (values differ), ``only_in_a`` / ``only_in_b`` (the path
            exists in one scenario only) or ``source`` (same value, other source).
        a: The value in A (:data:`ftz_spec.leaves.MISSING` if absent).
        b: The value in B.
        source_a: The source of A's value (None when unmarked or not a parameter).
        source_b: The source of B's value.
        parameter: Whether the path is an input number (else a switch, a name …).
    """

    path: str
    change: Change
    a: Any
    b: Any
    source_a: Source | None
    source_b: Source | None
    parameter: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain data for a table or JSON (missing values as None, sources as dicts)."""
        return {
            "path": self.path,
            "change": self.change,
            "a": None if self.a is MISSING else self.a,
            "b": None if self.b is MISSING else self.b,
            "source_a": None if self.source_a is None else self.source_a.model_dump(mode="json"),
            "source_b": None if self.source_b is None else self.source_b.model_dump(mode="json"),
            "parameter": self.parameter,
        }


def _index(scenario: Scenario) -> tuple[dict[str, Leaf], dict[str, Source | None]]:
    leaves = {leaf.path: leaf for leaf in leaves_of(scenario)}
    sources = {p.leaf.path: p.source for p in parameters(scenario)}
    return leaves, sources


def diff_scenarios(a: Scenario, b: Scenario, values_only: bool = False) -> list[Difference]:
    """Return every path where ``a`` and ``b`` differ, in A's order then B's new paths.

    Args:
        a: The reference scenario.
        b: The scenario compared with it.
        values_only: Leave out paths whose values agree and only the sources differ.
    """
    la, sa = _index(a)
    lb, sb = _index(b)
    out: list[Difference] = []
    for path in [*la, *(p for p in lb if p not in la)]:
        x, y = la.get(path), lb.get(path)
        va = MISSING if x is None else x.value
        vb = MISSING if y is None else y.value
        src_a, src_b = sa.get(path), sb.get(path)
        if x is None:
            change: Change = "only_in_b"
        elif y is None:
            change = "only_in_a"
        elif va != vb:
            change = "changed"
        elif src_a != src_b and not values_only:
            change = "source"
        else:
            continue
        leaf = x or y
        assert leaf is not None
        out.append(Difference(path, change, va, vb, src_a, src_b, is_parameter(leaf)))
    return out


def _src(source: Source | None, parameter: bool) -> str:
    if source is None:
        return "UNMARKED" if parameter else ""
    return source.kind if source.kind == "assumption" else f"{source.kind} {source.reference}"


def _rows(diffs: list[Difference]) -> list[tuple[str, ...]]:
    return [
        (
            d.path,
            d.change,
            format_value(d.a),
            format_value(d.b),
            _src(d.source_a, d.parameter and d.a is not MISSING),
            _src(d.source_b, d.parameter and d.b is not MISSING),
        )
        for d in diffs
    ]


HEADER = ("path", "change", "A", "B", "source A", "source B")


def diff_rows(a: Scenario, b: Scenario, values_only: bool = False) -> list[tuple[str, ...]]:
    """The differences as text cells under :data:`HEADER` (what the CLI and the app show).

    A parameter without a source shows ``UNMARKED``; a value only one side has shows
    ``—`` on the other.
    """
    return _rows(diff_scenarios(a, b, values_only))


def diff_text(a: Scenario, b: Scenario, values_only: bool = False) -> str:
    """An aligned text table of the differences, under a line naming both scenarios."""
    diffs = diff_scenarios(a, b, values_only)
    head = (
        f"A: {a.name} (sha256 {digest(a)[:12]}…)  B: {b.name} (sha256 {digest(b)[:12]}…)  "
        f"{len(diffs)} differences"
    )
    if not diffs:
        return head
    rows = [HEADER, *_rows(diffs)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return head + "\n" + "\n".join(lines)


def diff_csv(a: Scenario, b: Scenario, values_only: bool = False) -> str:
    """The differences as CSV."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(diff_rows(a, b, values_only))
    return buf.getvalue()
