"""The report's figures, as PNG bytes (matplotlib's object API: no global state, no window).

Each function takes the run's results and summaries and returns PNG bytes, so the
markdown report can link them and the HTML report can embed them.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from twin.catalogue import CATALOGUE, qualifier_label
from twin.experiment import ReplicationResult
from twin.stats import Interval
from twin.warmup import WarmupEstimate

__all__ = [
    "plot_clearance",
    "plot_credit_classes",
    "plot_queues",
    "plot_utilisation",
    "plot_warmup",
    "png",
]

_BLUE, _ORANGE, _GREY = "#2c7fb8", "#d95f0e", "#969696"
_CREDIT = ("advanced_certified", "general_certified", "general_credit", "dishonest")
_ROLES = ("support", "risk_analysis", "audit", "it", "document_review", "gate", "inspection")


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def plot_clearance(results: Sequence[ReplicationResult], summary: Mapping[str, Interval]) -> bytes:
    """Clearance-time distribution over every replication (log minutes), censored shown."""
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    done: dict[float, float] = {}
    cens: dict[float, float] = {}
    for r in results:
        for lo, _hi, d, c in r.detail.clearance_bins if r.detail else ():
            edge = 10 ** (math.floor(math.log10(max(lo, 0.01)) * 10) / 10)  # tenth-decade bins
            done[edge] = done.get(edge, 0) + d
            cens[edge] = cens.get(edge, 0) + c
    if done or cens:
        xs = sorted(set(done) | set(cens))
        widths = [x * (10**0.1 - 1) for x in xs]
        ax.bar(xs, [done.get(x, 0) for x in xs], widths, align="edge", color=_BLUE, label="cleared")
        ax.bar(xs, [cens.get(x, 0) for x in xs], widths, align="edge", color=_ORANGE,
               bottom=[done.get(x, 0) for x in xs], label="unfinished (time so far)")  # fmt: skip
        ax.set_xscale("log")
    for kpi, name, style in (("clearance_time_min_mean", "mean", "-"),
                             ("clearance_time_min_p50", "median", "--"),
                             ("clearance_time_min_p95", "p95", ":")):  # fmt: skip
        iv = summary.get(kpi)
        if iv is not None and iv.mean > 0:
            ax.axvline(iv.mean, color="black", linestyle=style, label=f"{name} {iv.mean:.3g} min")
    ax.set_xlabel("clearance time per truck (min, log scale)")
    ax.set_ylabel("trucks (all replications)")
    ax.set_title("Clearance-time distribution")
    ax.legend(fontsize=8)
    return png(fig)


def plot_queues(
    results: Sequence[ReplicationResult], warmup_h: float, horizon_h: float, top: int = 8
) -> bytes:
    """Mean number waiting per resource over time (replication mean), the busiest ``top``."""
    fig = Figure(figsize=(7.5, 3.8))
    ax = fig.subplots()
    details = [r.detail for r in results if r.detail is not None]
    levels: dict[str, np.ndarray] = {}
    if details:
        bin_h = details[0].queue_bin_h
        for res in sorted({k for d in details for k in d.queues}):
            rows = [np.asarray(d.queues.get(res, ())) for d in details]
            n = max(len(x) for x in rows)
            padded = np.array([np.pad(x, (0, n - len(x))) for x in rows])
            levels[res] = padded.mean(axis=0)
        busiest = sorted(levels, key=lambda k: -float(levels[k].mean()))[:top]
        for res in busiest:
            y = levels[res]
            ax.plot(np.arange(len(y)) * bin_h + bin_h / 2, y, label=res, linewidth=1.2)
    ax.axvline(warmup_h, color=_GREY, linestyle="--", label="end of warm-up")
    ax.axvline(horizon_h, color=_GREY, linestyle=":", label="horizon (arrivals stop)")
    ax.set_xlabel("simulated time (h)")
    ax.set_ylabel("waiting (mean over replications)")
    ax.set_title("Where work waits over time")
    ax.legend(fontsize=7, ncol=2)
    return png(fig)


def _bars(ax: object, labels: list[str], ivs: list[Interval], scale: float) -> None:
    means = np.array([iv.mean * scale for iv in ivs])
    lo = np.array([0 if math.isnan(iv.low) else (iv.mean - iv.low) * scale for iv in ivs])
    hi = np.array([0 if math.isnan(iv.high) else (iv.high - iv.mean) * scale for iv in ivs])
    ax.bar(labels, means, yerr=np.vstack([lo, hi]), color=_BLUE, capsize=4)  # type: ignore[attr-defined]
    ax.tick_params(axis="x", rotation=25, labelsize=8)  # type: ignore[attr-defined]


def plot_utilisation(summary: Mapping[str, Interval]) -> bytes:
    """Staff utilisation by role with 95% intervals (bounded to 0–100 %)."""
    fig = Figure(figsize=(7.5, 3.4))
    ax = fig.subplots()
    roles = [r for r in _ROLES if f"utilisation[role={r}]" in summary]
    _bars(ax, [qualifier_label(f"role={r}")[0] for r in roles],
          [summary[f"utilisation[role={r}]"] for r in roles], 100.0)  # fmt: skip
    ax.set_ylim(0, 100)
    ax.set_ylabel(f"{CATALOGUE['utilisation'].name_en} (%)")
    ax.set_title("Staff utilisation by role (95% CI)")
    return png(fig)


def plot_credit_classes(summary: Mapping[str, Interval]) -> bytes:
    """Inspection rate by enterprise credit class with Wilson intervals (log scale)."""
    fig = Figure(figsize=(7.5, 3.4))
    ax = fig.subplots()
    classes = [c for c in _CREDIT if f"inspection_rate[credit={c}]" in summary]
    ivs = [summary[f"inspection_rate[credit={c}]"] for c in classes]
    _bars(ax, [qualifier_label(f"credit={c}")[0] for c in classes], ivs, 100.0)
    if any(iv.mean > 0 for iv in ivs):
        ax.set_yscale("log")
    ax.set_ylabel("inspection rate (%)")
    ax.set_title("Inspection rate by credit class (95% CI)")
    return png(fig)


def plot_warmup(estimates: Sequence[WarmupEstimate], used_h: float) -> bytes:
    """Each series' batch means (over replications) with MSER-5's cut and the warm-up used."""
    shown = [e for e in estimates if e.means]
    fig = Figure(figsize=(7.5, 2.2 * max(1, len(shown))))
    axes = fig.subplots(max(1, len(shown)), 1, squeeze=False)[:, 0]
    for ax, est in zip(axes, shown, strict=False):
        ax.plot(est.ends_h, est.means, color=_BLUE, linewidth=0.6)
        if not math.isnan(est.warmup_h):
            ax.axvline(est.warmup_h, color=_ORANGE, label=f"MSER-5: {est.warmup_h:.1f} h")
        ax.axvline(used_h, color="black", linestyle="--", label=f"warm-up used: {used_h:g} h")
        ax.set_title(f"{est.kpi} — {est.verdict(used_h)}", fontsize=9)
        ax.set_ylabel("min")
        ax.legend(fontsize=7)
    axes[-1].set_xlabel("arrival time of the batch's last observation (h)")
    return png(fig)
