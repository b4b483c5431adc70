"""Charts of the Compare and Run pages with their text in English and Chinese.

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
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ftztwin.appkit.compare import format_number, kpi_label
from twin.catalogue import describe, is_known

__all__ = ["CJK_FONT", "comparison_png", "paired_diffs_png", "text"]

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
            if not math.isnan(m):
                ax.annotate(format_number(m), (xi, m), ha="center", va="bottom", fontsize=8,
                            xytext=(0, 2), textcoords="offset points")  # fmt: skip
        ax.set_ylabel(text(f"{unit} 单位") if unit else "")
        ax.yaxis.set_major_formatter(FuncFormatter(_readable))
        ax.set_title(text(f"{kpi_label(kpi)}: mean, 95% CI 均值与95%置信区间"), fontsize=9)
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
            text(f"{kpi_label(kpi)}: paired difference vs reference 与参照的配对差 (95% CI)"),
            fontsize=9,
        )
        fig.tight_layout()
        return _png(fig)
