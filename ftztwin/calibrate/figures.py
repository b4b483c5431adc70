"""Fit plots of the calibration report: arrival profiles, and each duration's fit (PNG)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ftztwin.calibrate.fit import DistFit
from ftztwin.calibrate.profiles import ArrivalFit

__all__ = ["arrival_figure", "dist_figure", "figure_name"]


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")  # files, never a window
    import matplotlib.pyplot as plt

    return plt


def figure_name(path: str) -> str:
    """A file name for the figure of a scenario path."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", path).strip("_") + ".png"


def arrival_figure(fit: ArrivalFit, hourly: tuple[float, ...], weekly: tuple[float, ...],
                   out: Path) -> Path:  # fmt: skip
    """Hourly and weekly profiles: the input's, the fitted shared one (95%), each flow's."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    for ax, prof, given, n, label in (
        (axes[0], fit.hourly, hourly, 24, "hour of day"),
        (axes[1], fit.weekly, weekly, 7, "day of week (0 = Monday)"),
    ):
        x = np.arange(n)
        base = np.asarray(given) / np.mean(given)
        ax.plot(x, base, "k--", lw=1, label="scenario before")
        if prof is not None:
            values, se = prof
            ax.errorbar(x, values, yerr=[values - values * np.exp(-1.96 * se),
                                         values * np.exp(1.96 * se) - values],
                        fmt="o-", color="C0", ms=3, capsize=2, label="fitted, 95%")  # fmt: skip
            for flow, (h, d) in sorted(fit.per_flow.items()):
                ax.plot(x, h if n == 24 else d, lw=0.6, alpha=0.5, label=f"{flow}")
        ax.set_xlabel(label)
        ax.set_ylabel("relative rate (mean 1)")
    axes[0].legend(fontsize=6, ncol=2)
    fig.tight_layout()
    path = out / "arrivals.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def dist_figure(dist: DistFit, out: Path) -> Path:
    """Histogram with the fitted densities, and a Q–Q plot of the chosen family."""
    plt = _pyplot()
    fig, (ax, qq) = plt.subplots(1, 2, figsize=(9, 3.2))
    x = np.sort(dist.sample)
    chosen = dist.chosen
    if chosen.family == "fixed":
        ax.hist(x, bins=10, color="0.8")
        ax.set_title(f"{dist.path}\nfixed at {chosen.params['value']:.4g}", fontsize=8)
        qq.axis("off")
    else:
        ax.hist(x, bins=min(40, max(10, len(x) // 20)), density=True, color="0.8")
        grid = np.linspace(x[0], x[-1], 200)
        ax.plot(grid, chosen.frozen.pdf(grid), "C0", label=f"{chosen.family} (chosen)")
        if dist.best is not chosen:
            ax.plot(
                grid, dist.best.frozen.pdf(grid), "C3--", label=f"{dist.best.family} (best AIC)"
            )
        ax.legend(fontsize=7)
        ax.set_title(dist.path, fontsize=8)
        probs = (np.arange(1, len(x) + 1) - 0.5) / len(x)
        qq.plot(chosen.frozen.ppf(probs), x, ".", ms=2)
        qq.plot([x[0], x[-1]], [x[0], x[-1]], "k-", lw=0.7)
        qq.set_xlabel(f"{chosen.family} quantile")
        qq.set_ylabel("observed")
    fig.tight_layout()
    path = out / figure_name(dist.path)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
