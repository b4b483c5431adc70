"""Matplotlib figures of the app's frames, and PNG export.

Figures are built with :class:`matplotlib.figure.Figure`, not ``pyplot``: the app serves
several sessions from threads of one process and pyplot's global state is not meant
for that. Labels carry the Chinese terms customs users look for.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ftz_spec import Scenario
from twin.stats import Interval
from twin.topology import build_topology, draw_map

__all__ = [
    "fig_clearance_distribution",
    "fig_comparison",
    "fig_credit_classes",
    "fig_flow",
    "fig_map",
    "fig_paired_diffs",
    "fig_queue_over_time",
    "fig_queues_now",
    "fig_role_utilisation",
    "fig_staff_groups",
    "png_bytes",
]


# No CJK font is installed with matplotlib here (or in CI), so chart text stays English;
# the pages print the Chinese terms beside each chart.
_CJK = re.compile(r"\s*[\u3000-\u9fff\uff00-\uffef、，：（）]+")


def _en(labels: pd.Series) -> list[str]:
    return [_CJK.sub("", str(label)).strip() for label in labels]


def _err(mean: pd.Series, low: pd.Series, high: pd.Series) -> np.ndarray:
    lo = (mean - low).fillna(0).clip(lower=0)
    hi = (high - mean).fillna(0).clip(lower=0)
    return np.vstack([lo.to_numpy(), hi.to_numpy()])


def fig_clearance_distribution(times: pd.DataFrame, summary: Mapping[str, Interval]) -> Figure:
    """Histogram of clearance times (log scale) with the mean, median and 95th percentile."""
    fig = Figure(figsize=(7, 3.6))
    ax = fig.subplots()
    minutes = times["minutes"].clip(lower=0.05) if len(times) else pd.Series([], dtype=float)
    if len(minutes):
        bins = np.logspace(math.log10(0.05), math.log10(max(minutes.max(), 1.0)), 40)
        ax.hist(minutes, bins=bins, color="#2c7fb8", alpha=0.8)
        ax.set_xscale("log")
    for kpi, name, style in (
        ("clearance_time_min_mean", "mean", "-"),
        ("clearance_time_min_p50", "median", "--"),
        ("clearance_time_min_p95", "p95", ":"),
    ):
        iv = summary.get(kpi)
        if iv is not None and not math.isnan(iv.mean) and iv.mean > 0:
            ax.axvline(iv.mean, color="#d95f0e", linestyle=style, label=f"{name} {iv.mean:.3g} min")
    ax.set_xlabel("clearance time per truck (min, log scale)")
    ax.set_ylabel("trucks (replication 1)")
    ax.set_title("Clearance-time distribution")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def fig_queue_over_time(queues: pd.DataFrame) -> Figure:
    """Longest gate queue per 10 minutes, one line per gate."""
    fig = Figure(figsize=(7, 3.6))
    ax = fig.subplots()
    for gate in queues.columns:
        ax.step(queues.index, queues[gate], where="post", label=gate, linewidth=1)
    ax.set_xlabel("simulated time (h)")
    ax.set_ylabel("trucks waiting (max per bin)")
    ax.set_title("Queue over time per gate")
    if len(queues.columns):
        ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    return fig


def fig_role_utilisation(util: pd.DataFrame) -> Figure:
    """Staff utilisation per role with 95% confidence intervals."""
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    y = np.arange(len(util))
    ax.barh(y, util["mean"] * 100, xerr=_err(util["mean"], util["low"], util["high"]) * 100,
            color="#41ab5d", capsize=3)  # fmt: skip
    ax.set_yticks(y, _en(util["label"]), fontsize=8)
    ax.set_xlabel("utilisation (%) with 95% CI")
    ax.set_title("Staff utilisation per role")
    fig.tight_layout()
    return fig


def fig_credit_classes(frame: pd.DataFrame) -> Figure:
    """Inspection rate (with CI) and hit rate by enterprise credit class."""
    fig = Figure(figsize=(7, 3.4))
    ax = fig.subplots()
    x = np.arange(len(frame))
    err = _err(frame["inspection_rate"], frame["low"], frame["high"]) * 100
    ax.bar(x - 0.2, frame["inspection_rate"] * 100, 0.4, yerr=err, capsize=3,
           label="inspection rate (95% CI)", color="#756bb1")  # fmt: skip
    ax.bar(x + 0.2, frame["hit_rate"].fillna(0) * 100, 0.4, label="hit rate", color="#e6550d")
    ax.set_xticks(x, _en(frame["label"]), fontsize=7)
    ax.set_ylabel("%")
    ax.set_title("Inspection and hit rates by credit class")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def fig_comparison(long: pd.DataFrame, kpi: str) -> Figure:
    """One KPI's mean with 95% CI for each compared scenario."""
    rows = long[long["kpi"] == kpi]
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    x = np.arange(len(rows))
    ax.bar(x, rows["mean"], yerr=_err(rows["mean"], rows["ci95_low"], rows["ci95_high"]),
           capsize=4, color="#3182bd")  # fmt: skip
    ax.set_xticks(x, rows["scenario"], fontsize=8)
    ax.set_title(f"{kpi}: mean with 95% CI")
    fig.tight_layout()
    return fig


def fig_paired_diffs(diffs: pd.DataFrame, kpi: str) -> Figure:
    """Paired differences from the reference scenario with 95% CIs (a forest plot)."""
    fig = Figure(figsize=(7, 0.8 + 0.6 * max(len(diffs), 1)))
    ax = fig.subplots()
    y = np.arange(len(diffs))
    ax.errorbar(diffs["diff"], y, xerr=_err(diffs["diff"], diffs["ci95_low"], diffs["ci95_high"]),
                fmt="o", capsize=4, color="#de2d26")  # fmt: skip
    ax.axvline(0, color="#888", linewidth=1)
    ax.set_yticks(y, diffs["scenario"], fontsize=8)
    ax.set_title(f"Paired difference in {kpi} (vs reference), 95% CI")
    fig.tight_layout()
    return fig


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
