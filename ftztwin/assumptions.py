"""Tables of a scenario's inputs and their sources: ``ftztwin provenance`` and every report.

The listing is one row per effective parameter (value, model default where the value
differs from it, source); the assumptions table of a report groups the parameters by
the source entry that vouches for them, so a planner reads what is assumed, planned,
published or calibrated in one screen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from ftz_spec import Scenario, digest
from ftz_spec.leaves import MISSING
from ftz_spec.provenance import Parameter, parameters

__all__ = [
    "ORDER",
    "assumptions_markdown",
    "assumptions_rows",
    "format_value",
    "provenance_csv",
    "provenance_markdown",
    "provenance_text",
    "source_cells",
]

# Order of the assumptions table: what needs attention first.
ORDER = ("unmarked", "calibrated", "assumption", "published", "plan")
_HEADER = ("path", "value", "model default", "source", "from", "reference", "note")


def format_value(value: Any) -> str:
    """A value as a short text (numbers in ``g`` format, ``none`` for None, ``—`` missing)."""
    if value is MISSING:
        return "—"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def source_cells(p: Parameter) -> tuple[str, str, str, str]:
    """Kind (or ``UNMARKED``), where the source came from, its reference and its note."""
    if p.source is None:
        return ("UNMARKED", "", "", "")
    via = "model default" if p.via == "default" else p.key
    ref = "" if p.source.kind == "assumption" else p.source.reference
    note = p.source.note
    if p.source.interval is not None:
        lo, hi = p.source.interval
        note = f"{note} [interval {lo:.4g} … {hi:.4g}]".strip()
    return (p.source.kind, via, ref, note)


def _rows(params: Sequence[Parameter]) -> list[tuple[str, ...]]:
    rows = []
    for p in params:
        leaf = p.leaf
        default = "" if leaf.at_default or leaf.default is MISSING else format_value(leaf.default)
        path = leaf.path + (" (implicit)" if leaf.implicit else "")
        rows.append((path, format_value(leaf.value), default, *source_cells(p)))
    return rows


def _summary(scenario: Scenario, params: Sequence[Parameter]) -> str:
    unmarked = sum(p.unmarked for p in params)
    return (
        f"scenario {scenario.name} (sha256 {digest(scenario)[:12]}…): "
        f"{len(params)} parameters, {unmarked} unmarked"
    )


def provenance_text(scenario: Scenario, only_unmarked: bool = False) -> str:
    """An aligned text table of every parameter with its value and source."""
    params = parameters(scenario)
    shown = [p for p in params if p.unmarked] if only_unmarked else params
    rows = [_HEADER, *_rows(shown)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADER) - 1)]
    lines = [
        "  ".join(f"{c:<{w}}" for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in rows
    ]
    return _summary(scenario, params) + "\n" + "\n".join(line.rstrip() for line in lines)


def provenance_csv(scenario: Scenario) -> str:
    """The same listing as CSV (one row per parameter)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_HEADER)
    writer.writerows(_rows(parameters(scenario)))
    return buf.getvalue()


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def provenance_markdown(scenario: Scenario) -> str:
    """The same listing as a markdown table."""
    params = parameters(scenario)
    out = [_summary(scenario, params), "", "| " + " | ".join(_HEADER) + " |"]
    out.append("|" + "---|" * len(_HEADER))
    out += ["| " + " | ".join(_md(c) for c in r) + " |" for r in _rows(params)]
    return "\n".join(out)


def _values(group: Sequence[Parameter]) -> str:
    if len(group) <= 3:
        return "; ".join(f"`{p.leaf.path}` = {format_value(p.leaf.value)}" for p in group)
    nums = [p.leaf.value for p in group if isinstance(p.leaf.value, int | float)]
    span = f", {format_value(min(nums))} … {format_value(max(nums))}" if nums else ""
    return f"`{group[0].key}`: {len(group)} values{span}"


def assumptions_rows(scenario: Scenario) -> tuple[str, list[tuple[str, str, str]]]:
    """The assumptions table as data: an intro line and (kind, source, values) rows.

    Parameters are grouped by the source that vouches for them; unmarked parameters come
    first, then calibrated, assumed, published and planned ones.
    """
    params = parameters(scenario)
    groups: dict[tuple[str, str], list[Parameter]] = {}
    for p in params:
        key = ("unmarked", p.leaf.path) if p.source is None else (p.via, p.key)
        groups.setdefault(key, []).append(p)

    def rank(item: tuple[tuple[str, str], list[Parameter]]) -> tuple[int, str]:
        first = item[1][0]
        kind = "unmarked" if first.source is None else first.source.kind
        return (ORDER.index(kind), item[0][1])

    intro = (
        f"{len(params)} parameters, {sum(p.unmarked for p in params)} unmarked "
        "(`ftztwin provenance` lists each one)."
    )
    rows = []
    for _, group in sorted(groups.items(), key=rank):
        kind, via, ref, note = source_cells(group[0])
        where = "model default" if via == "model default" else ""
        text = "; ".join(t for t in (ref, note, where) if t) or "—"
        rows.append((kind, text, _values(group)))
    return intro, rows


def assumptions_markdown(scenario: Scenario) -> str:
    """The assumptions table of a report (Markdown): see :func:`assumptions_rows`."""
    intro, rows = assumptions_rows(scenario)
    lines = [
        "## Inputs and their sources",
        "",
        intro,
        "",
        "| kind | source | values |",
        "|---|---|---|",
    ]
    lines += [f"| {kind} | {_md(text)} | {_md(values)} |" for kind, text, values in rows]
    return "\n".join(lines) + "\n"
