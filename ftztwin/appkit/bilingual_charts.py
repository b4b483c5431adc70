"""Charts of the Compare and Run pages with their text in English and Chinese (PNG).

Matplotlib draws Chinese only with a CJK font; the project installs WenQuanYi Micro Hei
(``fonts-wqy-microhei`` in tools/apt-packages.txt) and every figure here is drawn with
it as the fallback of the default font, glyph by glyph. Where the font is missing the
Chinese words are left out (never drawn as empty boxes) and :data:`CJK_FONT` is None.
Figures are :class:`matplotlib.figure.Figure` objects (no pyplot: sessions share a
process) and are returned as PNG bytes drawn under the font settings.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ftztwin.appkit.compare import format_number, kpi_label
from twin.catalogue import describe, is_known
from twin.stats import Interval

__all__ = [
    "CJK_FONT",
    "clearance_png",
    "comparison_png",
    "credit_png",
    "paired_diffs_png",
    "queues_png",
    "text",
    "utilisation_png",
]

_CANDIDATES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "SimHei")
_CJK = re.compile(r"\s*[\u3000-\u9fff\uff00-\uffef、，：（）]+")


def _find_cjk() -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in _CANDIDATES if n in names), None)


CJK_FONT = _find_cjk()


def text(s: str) -> str:
    """``s`` as a chart can draw it: unchanged with a CJK font, else its English only."""
    return s if CJK_FONT else _CJK.sub("", s).strip()


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def _rc() -> dict[str, object]:
    family = ["DejaVu Sans", CJK_FONT] if CJK_FONT else ["DejaVu Sans"]
    return {"font.family": family, "axes.unicode_minus": False}


def _scale(kpi: str) -> tuple[float, str]:
    if not is_known(kpi):
        return 1.0, ""
    d = describe(kpi)
    return d.info.scale, d.unit


def _err(mean: pd.Series, low: pd.Series, high: pd.Series) -> np.ndarray:
    lo = (mean - low).fillna(0).clip(lower=0)
    hi = (high - mean).fillna(0).clip(lower=0)
    return np.vstack([lo.to_numpy(), hi.to_numpy()])


def _readable(v: float, _pos: object = None) -> str:
    return format_number(v)  # 1,300 rather than 1.3e+03 on an axis


def comparison_png(long: pd.DataFrame, kpi: str, labels: Sequence[str] | None = None) -> bytes:
    """One KPI's mean with its 95% interval and n for each compared scenario (PNG)."""
    rows = long[long["kpi"] == kpi]
    scale, unit = _scale(kpi)
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7, 3.4))
        ax = fig.subplots()
        x = np.arange(len(rows))
        mean = rows["mean"] * scale
        err = _err(rows["mean"], rows["ci95_low"], rows["ci95_high"]) * scale
        ax.bar(x, mean, yerr=err, capsize=4, color="#3182bd")
        names = list(labels) if labels is not None else list(rows["scenario"])
        ticks = [f"{n}\nn = {k}" for n, k in zip(names, rows["n"], strict=True)]
        ax.set_xticks(x, ticks, fontsize=8)
        for xi, m in zip(x, mean, strict=True):
            if not math.isnan(m):  # beside the bar's top, clear of its error bar
                ax.annotate(format_number(m), (xi, m), ha="left", va="bottom", fontsize=8,
                            xytext=(6, 2), textcoords="offset points")  # fmt: skip
        ax.set_ylabel(text(f"{unit} 单位") if unit else "")
        ax.yaxis.set_major_formatter(FuncFormatter(_readable))
        ax.set_title(text(f"{kpi_label(kpi)}\nmean, 95% CI 均值与95%置信区间"), fontsize=9)
        fig.tight_layout()
        return _png(fig)


def paired_diffs_png(diffs: pd.DataFrame, kpi: str, labels: Sequence[str] | None = None) -> bytes:
    """Paired differences from the reference with 95% intervals and n (forest plot, PNG)."""
    scale, unit = _scale(kpi)
    unit = "pp" if unit == "%" else unit
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7, 1.2 + 0.6 * max(len(diffs), 1)))
        ax = fig.subplots()
        y = np.arange(len(diffs))
        err = _err(diffs["diff"], diffs["ci95_low"], diffs["ci95_high"]) * scale
        ax.errorbar(diffs["diff"] * scale, y, xerr=err, fmt="o", capsize=4, color="#de2d26")
        ax.axvline(0, color="#888", linewidth=1)
        names = list(labels) if labels is not None else list(diffs["scenario"])
        ax.set_yticks(y, [f"{n} (n = {k})" for n, k in zip(names, diffs["n"], strict=True)],
                      fontsize=8)  # fmt: skip
        ax.set_xlabel(text(f"difference 差值 ({unit})" if unit else "difference 差值"))
        ax.xaxis.set_major_formatter(FuncFormatter(_readable))
        ax.set_title(
            text(f"{kpi_label(kpi)}\npaired difference vs reference 与参照的配对差 (95% CI)"),
            fontsize=9,
        )
        fig.tight_layout()
        return _png(fig)


def clearance_png(times: pd.DataFrame, summary: Mapping[str, Interval]) -> bytes:
    """Histogram of clearance times (log scale) with the mean, median and 95th percentile."""
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7, 3.6))
        ax = fig.subplots()
        minutes = times["minutes"].clip(lower=0.05) if len(times) else pd.Series([], dtype=float)
        if len(minutes):
            bins = np.logspace(math.log10(0.05), math.log10(max(minutes.max(), 1.0)), 40)
            ax.hist(minutes, bins=bins, color="#2c7fb8", alpha=0.8)
            ax.set_xscale("log")
        for kpi, name, style in (
            ("clearance_time_min_mean", "mean 均值", "-"),
            ("clearance_time_min_p50", "median 中位数", "--"),
            ("clearance_time_min_p95", "p95 95%分位", ":"),
        ):
            iv = summary.get(kpi)
            if iv is not None and not math.isnan(iv.mean) and iv.mean > 0:
                ax.axvline(iv.mean, color="#d95f0e", linestyle=style,
                           label=text(f"{name} {format_number(iv.mean)} min (n = {iv.n})"))  # fmt: skip
        ax.xaxis.set_major_formatter(FuncFormatter(_readable))
        ax.set_xlabel(text("clearance time per truck 单车通关时间 (min, log scale)"))
        ax.set_ylabel(text("trucks 车辆 (replication 1)"))
        ax.set_title(text("Clearance-time distribution 通关时间分布"))
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
        fig.tight_layout()
        return _png(fig)


def queues_png(queues: pd.DataFrame) -> bytes:
    """Longest gate queue per 10 minutes, one line per gate."""
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7, 3.6))
        ax = fig.subplots()
        for gate in queues.columns:
            ax.step(queues.index, queues[gate], where="post", label=gate, linewidth=1)
        ax.set_xlabel(text("simulated time 仿真时间 (h)"))
        ax.set_ylabel(text("trucks waiting 排队车辆 (max per 10 min)"))
        ax.set_title(text("Queue over time per gate 各卡口排队"))
        if len(queues.columns):
            ax.legend(fontsize=6, ncol=2)
        fig.tight_layout()
        return _png(fig)


def utilisation_png(util: pd.DataFrame, n: int) -> bytes:
    """Staff utilisation per role with 95% intervals (within 0..100 %)."""
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7, 3.2))
        ax = fig.subplots()
        y = np.arange(len(util))
        ax.barh(y, util["mean"] * 100, xerr=_err(util["mean"], util["low"], util["high"]) * 100,
                color="#41ab5d", capsize=3)  # fmt: skip
        ax.set_yticks(y, [text(str(label)) for label in util["label"]], fontsize=8)
        ax.set_xlim(0, 100)
        ax.set_xlabel(text(f"utilisation 利用率 (%), 95% CI, n = {n}"))
        ax.set_title(text("Staff utilisation per role 各岗位人员利用率"))
        fig.tight_layout()
        return _png(fig)


def credit_png(frame: pd.DataFrame) -> bytes:
    """Inspection rate (with its interval) and hit rate by enterprise credit class."""
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7, 3.4))
        ax = fig.subplots()
        x = np.arange(len(frame))
        err = _err(frame["inspection_rate"], frame["low"], frame["high"]) * 100
        ax.bar(x - 0.2, frame["inspection_rate"] * 100, 0.4, yerr=err, capsize=3,
               label=text("inspection rate 查验率 (95% CI)"), color="#756bb1")  # fmt: skip
        ax.bar(x + 0.2, frame["hit_rate"].fillna(0) * 100, 0.4, label=text("hit rate 查获率"),
               color="#e6550d")  # fmt: skip
        ax.set_xticks(x, [text(str(label)) for label in frame["label"]], fontsize=7)
        ax.set_ylim(0, 100)
        ax.set_ylabel("%")
        ax.set_title(text("Inspection and hit rates by credit class 按信用等级的查验率与查获率"))
        ax.legend(fontsize=8)
        fig.tight_layout()
        return _png(fig)
