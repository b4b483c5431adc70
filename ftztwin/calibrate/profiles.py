"""Arrival rates per flow and profiles by hour of day and day of week: a Poisson model.

The twin's arrivals are a Poisson process whose rate for flow f in hour h of day d is
``trucks_per_day_f × traffic_scale / 24 × a_h × b_d``, with the hourly profile ``a`` and
the weekly profile ``b`` each of mean 1. Counted per flow, hour of day and day of week
over the hours the log covers, that is a log-linear Poisson model, fitted here by
iteratively reweighted least squares; intervals come from its information matrix
(inflated by the Pearson dispersion when the counts vary more than Poisson) by the
delta method. A scenario holds one profile for all flows, so the shared profile is what
is written; each flow's own profile is fitted too, and a likelihood-ratio test says
whether the flows share a profile at all.

A profile is fitted only where the log covers it: every hour of the day at least twice,
every day of the week for at least 12 hours; otherwise the scenario's own profile is
kept and said so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["ArrivalFit", "fit_arrivals"]

_MIN_HOUR_EXPOSURE_H = 2.0
_MIN_DAY_EXPOSURE_H = 12.0


@dataclass
class ArrivalFit:
    """Fitted arrival rates and profiles with their standard errors on the log scale.

    Attributes:
        rates: Flow id → (trucks per day, standard error of its log, arrivals counted).
        hourly: The 24 hourly factors (mean 1) and log standard errors, or None if kept.
        weekly: The 7 daily factors (mean 1) and log standard errors, or None if kept.
        per_flow: Flow id → its own (hourly, weekly) factors, for the report.
        homogeneity: Likelihood-ratio statistic, degrees of freedom and p-value of
            "every flow has the same profile".
        dispersion: Pearson χ² / degrees of freedom (1 for Poisson counts).
        exposure_h: Hours of observation by (day of week, hour of day).
    """

    rates: dict[str, tuple[float, float, int]]
    hourly: tuple[np.ndarray, np.ndarray] | None
    weekly: tuple[np.ndarray, np.ndarray] | None
    per_flow: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    homogeneity: tuple[float, int, float] = (math.nan, 0, math.nan)
    dispersion: float = 1.0
    exposure_h: np.ndarray = field(default_factory=lambda: np.zeros((7, 24)))
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)


def _exposure(start_s: float, end_s: float) -> np.ndarray:
    """Hours of observation in each (day of week, hour of day) cell."""
    out = np.zeros((7, 24))
    t = start_s
    while t < end_s:
        hour = math.floor(t / 3600.0)
        nxt = min((hour + 1) * 3600.0, end_s)
        out[(hour // 24) % 7, hour % 24] += (nxt - t) / 3600.0
        t = nxt
    return out


def _irls(
    y: np.ndarray, x: np.ndarray, offset: np.ndarray, beta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson log-linear fit by Newton steps: coefficients, their covariance, fitted means."""
    for _ in range(50):
        mu = np.exp(offset + x @ beta)
        w = mu
        z = (y - mu) / mu
        info = x.T @ (x * w[:, None])
        step = np.linalg.solve(info, x.T @ (w * z))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    mu = np.exp(offset + x @ beta)
    cov = np.linalg.inv(x.T @ (x * mu[:, None]))
    return beta, cov, mu


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.sum(term - (y - mu)))


def _design(flows: list[str], cells: pd.DataFrame, fit_h: bool, fit_d: bool) -> np.ndarray:
    cols = [(cells["flow"] == f).to_numpy(float) for f in flows]
    if fit_h:
        cols += [(cells["hour"] == h).to_numpy(float) for h in range(1, 24)]
    if fit_d:
        cols += [(cells["day"] == d).to_numpy(float) for d in range(1, 7)]
    return np.column_stack(cols)


def _factors(
    coef: np.ndarray, cov: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean-1 factors from reference-coded log coefficients, with their log-scale errors.

    Also returns the gradient of log(mean of the unnormalised factors), which the rates'
    errors need.
    """
    raw = np.exp(np.concatenate(([0.0], coef)))
    mean = raw.mean()
    grad_mean = raw[1:] / (n * mean)  # d log(mean raw) / d coef
    se = np.zeros(n)
    for i in range(n):
        g = -grad_mean.copy()
        if i > 0:
            g[i - 1] += 1.0
        se[i] = math.sqrt(max(float(g @ cov @ g), 0.0))
    return raw / mean, se, grad_mean


def _shape_fit(
    cells: pd.DataFrame, flows: list[str], base: np.ndarray, fit_h: bool, fit_d: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _design(flows, cells, fit_h, fit_d)
    y = cells["y"].to_numpy(float)
    beta = np.zeros(x.shape[1])
    for i in range(len(flows)):
        col = x[:, i] > 0
        beta[i] = math.log(max(y[col].sum(), 0.5) / np.exp(base[col]).sum())
    return _irls(y, x, base, beta)


def fit_arrivals(
    arrivals: pd.DataFrame,
    start_s: float,
    end_s: float,
    hourly: tuple[float, ...],
    weekly: tuple[float, ...],
    traffic_scale: float,
    thinning: float = 1.0,
) -> ArrivalFit:
    """Fit rates and profiles to arrival times (``flow``, ``time_s`` columns).

    Args:
        arrivals: One row per truck.
        start_s: Start of the observation window (s since Monday 00:00).
        end_s: Its end.
        hourly: The scenario's hourly profile, kept where the log cannot fit it.
        weekly: The scenario's weekly profile, likewise.
        traffic_scale: The scenario's multiplier; rates are given without it.
        thinning: Share of all trucks the arrivals are (1 − the held-out share).
    """
    exposure = _exposure(start_s, end_s)
    fit_h = bool(exposure.sum(axis=0).min() >= _MIN_HOUR_EXPOSURE_H)
    fit_d = bool(exposure.sum(axis=1).min() >= _MIN_DAY_EXPOSURE_H)
    a = arrivals[(arrivals["time_s"] >= start_s) & (arrivals["time_s"] < end_s)]
    hour = np.floor(a["time_s"].to_numpy() / 3600.0).astype(int)
    counted = pd.DataFrame(
        {"flow": a["flow"].to_numpy(), "day": (hour // 24) % 7, "hour": hour % 24}
    )
    flows = sorted(counted["flow"].unique())
    grid = pd.MultiIndex.from_product([flows, range(7), range(24)], names=["flow", "day", "hour"])
    cells = counted.value_counts(["flow", "day", "hour"]).reindex(grid, fill_value=0)
    cells = cells.rename("y").reset_index()
    cells["exposure"] = exposure[cells["day"], cells["hour"]]
    cells = cells[cells["exposure"] > 0].reset_index(drop=True)
    h_prof = np.asarray(hourly) / np.mean(hourly)
    w_prof = np.asarray(weekly) / np.mean(weekly)
    offset = np.log(cells["exposure"].to_numpy())
    if not fit_h:
        offset = offset + np.log(h_prof[cells["hour"]])
    if not fit_d:
        offset = offset + np.log(w_prof[cells["day"]])
    beta, cov, mu = _shape_fit(cells, flows, offset, fit_h, fit_d)
    y = cells["y"].to_numpy(float)
    dof = max(len(y) - len(beta), 1)
    phi = max(1.0, float(np.sum((y - mu) ** 2 / mu)) / dof)
    cov = cov * phi
    nf = len(flows)
    out_h = out_w = None
    grad = np.zeros(len(beta))
    if fit_h:
        sl = slice(nf, nf + 23)
        f_h, se_h, g_h = _factors(beta[sl], cov[sl, sl], 24)
        out_h, grad[sl] = (f_h, se_h), g_h
    if fit_d:
        sl = slice(nf + (23 if fit_h else 0), len(beta))
        f_d, se_d, g_d = _factors(beta[sl], cov[sl, sl], 7)
        out_w, grad[sl] = (f_d, se_d), g_d
    rates = {}
    raw_h = np.exp(np.concatenate(([0.0], beta[nf : nf + 23]))).mean() if fit_h else 1.0
    raw_d = np.exp(np.concatenate(([0.0], beta[len(beta) - 6 :]))).mean() if fit_d else 1.0
    for i, flow in enumerate(flows):
        g = grad.copy()
        g[i] += 1.0
        per_h = math.exp(beta[i]) * raw_h * raw_d
        per_day = per_h * 24.0 / traffic_scale / thinning
        se = math.sqrt(max(float(g @ cov @ g), 0.0))
        rates[flow] = (per_day, se, int(cells.loc[cells["flow"] == flow, "y"].sum()))
    result = ArrivalFit(rates, out_h, out_w, dispersion=phi, exposure_h=exposure, counts=cells)
    if nf > 1 and (fit_h or fit_d):
        _per_flow(result, cells, flows, offset, fit_h, fit_d, _deviance(y, mu))
    return result


def _per_flow(
    result: ArrivalFit,
    cells: pd.DataFrame,
    flows: list[str],
    offset: np.ndarray,
    fit_h: bool,
    fit_d: bool,
    common_deviance: float,
) -> None:
    """Each flow's own profile, and the test that all flows share one."""
    total = 0.0
    for flow in flows:
        mask = (cells["flow"] == flow).to_numpy()
        sub = cells[mask].reset_index(drop=True)
        b, c, m = _shape_fit(sub, [flow], offset[mask], fit_h, fit_d)
        total += _deviance(sub["y"].to_numpy(float), m)
        h = _factors(b[1:24], c[1:24, 1:24], 24)[0] if fit_h else np.ones(24)
        start = 24 if fit_h else 1
        d = _factors(b[start:], c[start:, start:], 7)[0] if fit_d else np.ones(7)
        result.per_flow[flow] = (h, d)
    df = (len(flows) - 1) * ((23 if fit_h else 0) + (6 if fit_d else 0))
    g2 = max(common_deviance - total, 0.0)
    result.homogeneity = (g2, df, float(stats.chi2.sf(g2, df)))
