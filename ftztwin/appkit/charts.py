"""Matplotlib figures of the app's frames, and PNG export.

Figures are built with :class:`matplotlib.figure.Figure`, not ``pyplot``: the app serves
several sessions from threads of one process and pyplot's global state is not meant
for that. Labels carry the Chinese terms customs users look for.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ftz_spec import Scenario
from twin.topology import build_topology, draw_map

__all__ = [
    "fig_flow",
    "fig_map",
    "fig_queues_now",
    "fig_staff_groups",
    "png_bytes",
]


# These figures keep their text English and the pages print the Chinese terms beside
# them; the bilingual figures (drawn with the CJK font) are in bilingual_charts.
_CJK = re.compile(r"\s*[\u3000-\u9fff\uff00-\uffef、，：（）]+")


def _en(labels: pd.Series) -> list[str]:
    return [_CJK.sub("", str(label)).strip() for label in labels]


def fig_map(scenario: Scenario, load: Mapping[str, float] | None = None) -> Figure:
    """The four zones, places and roads; gate and scanner load as circle sizes."""
    fig = Figure(figsize=(7, 6))
    ax = fig.subplots()
    draw_map(build_topology(scenario), load=dict(load or {}), ax=ax)
    for text in ax.texts:  # road names carry Chinese, which the font cannot draw
        text.set_text(_CJK.sub("", text.get_text()).strip())
    ax.set_title("Four zones — gate and scanner load")
    fig.tight_layout()
    return fig


def fig_queues_now(queues: pd.DataFrame, time_h: float) -> Figure:
    """Trucks queued at each gate at one moment of the replay."""
    fig = Figure(figsize=(7, 3))
    ax = fig.subplots()
    ax.barh(queues["gate"], queues["queued"], color="#fd8d3c")
    ax.set_xlabel("trucks queued")
    ax.set_title(f"Gate queues at {time_h:.2f} h")
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    return fig


def fig_staff_groups(groups: pd.DataFrame) -> Figure:
    """Share of staff per group beside the plan's 5 : 20 : 75."""
    fig = Figure(figsize=(6, 3))
    ax = fig.subplots()
    x = np.arange(len(groups))
    ax.bar(x - 0.2, groups["share_pct"], 0.4, label="this scenario", color="#2b8cbe")
    ax.bar(x + 0.2, groups["plan_pct"], 0.4, label="plan ≈ 5 : 20 : 75", color="#bdbdbd")
    ax.set_xticks(x, _en(groups["label"]), fontsize=8)
    ax.set_ylabel("% of staff")
    ax.set_title("Support : functional : field")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _stack(order: list[str], sizes: Mapping[str, float], gap: float) -> dict[str, float]:
    """Bottom edge of each node of a column, first node on top."""
    out, y = {}, 0.0
    for name in reversed(order):
        out[name] = y
        y += sizes[name] + gap
    return out


def fig_flow(links: pd.DataFrame) -> Figure:
    """Sankey of trucks: zone → clearance lane → how they left (band width = trucks)."""
    fig = Figure(figsize=(9, 4.8))
    ax = fig.subplots()
    ax.set_axis_off()
    if links.empty:
        ax.text(0.5, 0.5, "no trucks in this log", ha="center", va="center")
        return fig
    one, two = links[links["stage"] == 1], links[links["stage"] == 2]
    columns = [
        sorted(one["source"].unique()),
        list(one.groupby("target")["trucks"].sum().sort_values(ascending=False).index),
        list(two.groupby("target")["trucks"].sum().sort_values(ascending=False).index),
    ]
    total = float(one["trucks"].sum())
    gap = 0.03 * total
    size: list[dict[str, float]] = [
        one.groupby("source")["trucks"].sum().to_dict(),
        one.groupby("target")["trucks"].sum().to_dict(),
        two.groupby("target")["trucks"].sum().to_dict(),
    ]
    bottom = [_stack(col, size[i], gap) for i, col in enumerate(columns)]
    xs, width = (0.0, 1.0, 2.0), 0.06
    palette = ["#2b8cbe", "#41ab5d", "#fd8d3c", "#9e9ac8", "#e7298a", "#bdbdbd"]
    for i, col in enumerate(columns):
        for name in col:
            y0 = bottom[i][name]
            ax.add_patch(Rectangle((xs[i] - width / 2, y0), width, size[i][name], color="#444"))
            label = f"{_CJK.sub('', name).strip()} ({size[i][name]:,.0f})"
            ha, dx = ("right", -0.05) if i == 0 else ("left", 0.05)
            ax.text(xs[i] + dx, y0 + size[i][name] / 2, label, ha=ha, va="center", fontsize=7)
    t = np.linspace(0, 1, 30)
    ease = (1 - np.cos(np.pi * t)) / 2
    for stage, frame in ((0, one), (1, two)):
        out_y = {n: bottom[stage][n] + size[stage][n] for n in columns[stage]}
        in_y = {n: bottom[stage + 1][n] + size[stage + 1][n] for n in columns[stage + 1]}
        src_order = {n: k for k, n in enumerate(columns[stage])}
        dst_order = {n: k for k, n in enumerate(columns[stage + 1])}
        ordered = frame.assign(
            a=frame["source"].map(src_order), b=frame["target"].map(dst_order)
        ).sort_values(["a", "b"])
        for src, dst, n in ordered[["source", "target", "trucks"]].itertuples(index=False):
            top0, top1 = out_y[src], in_y[dst]
            out_y[src] -= n
            in_y[dst] -= n
            x = xs[stage] + width / 2 + t * (xs[stage + 1] - xs[stage] - width)
            upper = top0 + (top1 - top0) * ease
            colour = (
                palette[src_order[src] % len(palette)]
                if stage == 0
                else palette[(dst_order[dst] + 2) % len(palette)]
            )
            ax.fill_between(x, upper - n, upper, color=colour, alpha=0.45, linewidth=0)
    ax.set_xlim(-0.9, 2.9)
    ax.set_ylim(-gap, max(b[n] + size[i][n] for i, b in enumerate(bottom) for n in b) + gap)
    ax.set_title(f"How {total:,.0f} trucks went through: zone → clearance lane → gate", fontsize=9)
    fig.tight_layout()
    return fig


def png_bytes(fig: Figure) -> bytes:
    """Return the figure as PNG bytes (for download)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    return buf.getvalue()
