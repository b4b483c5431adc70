"""Every fit a log allows: arrivals, service and waiting durations, devices.

Each fitted number is a :class:`Estimate` at a scenario path, with a 95% interval and a
simultaneous one. The simultaneous intervals hold together: with *k* numbers fitted,
each is a 1 − 0.05/k interval (Bonferroni), so all of them cover their true values with
at least 95% probability — the claim "every parameter was recovered" needs that, since
among sixty 95% intervals about three miss by chance alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ftz_spec import Scenario
from ftztwin.calibrate.estimands import estimands
from ftztwin.calibrate.families import MIN_OBSERVATIONS, Fit, as_dist, fit_families, intervals
from ftztwin.calibrate.instances import arrivals, device_reads, instances
from ftztwin.calibrate.logs import ObservedLog
from ftztwin.calibrate.profiles import ArrivalFit, fit_arrivals

__all__ = ["DistFit", "Estimate", "LogFit", "estimates_frame", "fit_log"]

LEVEL = 0.95
_MEASURED = ("weighbridge", "radiation_portal", "gps_track")


@dataclass(frozen=True)
class Estimate:
    """One fitted number.

    Attributes:
        path: Where it goes in the scenario (``uncertainties.times.scan_s.mode``).
        value: The estimate.
        interval: Its 95% interval.
        simultaneous: Its interval at the simultaneous level of the whole calibration.
        n: Observations behind it.
        method: How it was estimated.
    """

    path: str
    value: float
    interval: tuple[float, float]
    simultaneous: tuple[float, float]
    n: int
    method: str


@dataclass
class DistFit:
    """A duration's fitted distribution (for a time or a device latency)."""

    path: str
    what: str
    unit_s: float
    sample: np.ndarray  # in the field's unit
    fits: list[Fit]

    @property
    def chosen(self) -> Fit:
        """The best-AIC family a scenario can hold."""
        return next(f for f in self.fits if f.representable)

    @property
    def best(self) -> Fit:
        """The best-AIC family of all candidates."""
        return self.fits[0]

    def as_dist(self) -> dict[str, Any]:
        """The chosen family as scenario data."""
        return as_dist(self.chosen)


@dataclass
class LogFit:
    """What one log gave."""

    estimates: list[Estimate] = field(default_factory=list)
    dists: list[DistFit] = field(default_factory=list)
    arrivals: ArrivalFit | None = None
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> summary
    skipped: list[str] = field(default_factory=list)  # what the log could not fit, and why
    level: float = LEVEL

    @property
    def simultaneous_level(self) -> float:
        """The per-number level that makes the set of intervals hold together at 95%."""
        return 1.0 - (1.0 - self.level) / max(len(self.estimates), 1)


def _log_interval(value: float, se: float, z: float) -> tuple[float, float]:
    return (value * math.exp(-z * se), value * math.exp(z * se))


def _binomial(k: int, n: int, level: float) -> tuple[float, float]:
    """Clopper–Pearson interval of a proportion."""
    a = 1.0 - level
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


class _Pending:
    """Estimates whose simultaneous intervals wait for the final count of numbers."""

    def __init__(self) -> None:
        self.items: list[tuple[str, float, Any, int, str]] = []

    def add(self, path: str, value: float, interval_at: Any, n: int, method: str) -> None:
        self.items.append((path, float(value), interval_at, n, method))

    def resolve(self, level: float) -> list[Estimate]:
        k = max(len(self.items), 1)
        sim = 1.0 - (1.0 - level) / k
        return [
            Estimate(path, value, at(level), at(sim), n, method)
            for path, value, at, n, method in self.items
        ]


def _fit_dist(
    pending: _Pending, out: LogFit, path: str, what: str, unit: float, x: np.ndarray
) -> None:
    if len(x) < MIN_OBSERVATIONS:
        out.skipped.append(f"{path}: {len(x)} observations of {what}; {MIN_OBSERVATIONS} needed")
        return
    sample = x / unit
    fits = fit_families(sample)
    dist = DistFit(path, what, unit, sample, fits)
    out.dists.append(dist)
    chosen = dist.chosen
    cache: dict[float, dict[str, tuple[float, float]]] = {}

    def at(name: str) -> Any:
        def interval(level: float) -> tuple[float, float]:
            if level not in cache:
                cache[level] = intervals(chosen, sample, (level,))[0]
            return cache[level][name]

        return interval

    method = (
        "every observation equal"
        if chosen.family == "fixed"
        else f"{chosen.family} by maximum likelihood, chosen by AIC"
    )
    for name, value in chosen.params.items():
        pending.add(f"{path}.{name}", value, at(name), len(sample), method)


def _fit_arrivals(pending: _Pending, out: LogFit, log: ObservedLog, scenario: Scenario,
                  cases: set[str], thinning: float) -> None:  # fmt: skip
    unc = scenario.uncertainties
    arr = arrivals(log, cases)
    fit = fit_arrivals(arr, log.start_s, log.end_s, unc.hourly_profile, unc.weekly_profile,
                       unc.traffic_scale, thinning)  # fmt: skip
    out.arrivals = fit
    for flow, (rate, se, n) in fit.rates.items():
        pending.add(f"uncertainties.flows[id={flow}].trucks_per_day", rate,
                    lambda lv, r=rate, s=se: _log_interval(r, s, float(stats.norm.ppf((1 + lv) / 2))),
                    n, "Poisson log-linear model")  # fmt: skip
    for name, prof in (("hourly_profile", fit.hourly), ("weekly_profile", fit.weekly)):
        if prof is None:
            out.skipped.append(f"uncertainties.{name}: the log does not cover it; kept")
            continue
        # The twin normalises a profile to mean 1; written at the scenario's own scale, an
        # unchanged shape keeps its numbers.
        scale = float(np.mean(getattr(unc, name)))
        for i, (v, se) in enumerate(zip(prof[0] * scale, prof[1], strict=True)):
            pending.add(f"uncertainties.{name}[{i}]", v,
                        lambda lv, v=v, s=se: _log_interval(v, s, float(stats.norm.ppf((1 + lv) / 2))),
                        len(arr), "Poisson log-linear model")  # fmt: skip
    missing = sorted({f.id for f in unc.flows} - set(fit.rates))
    if missing:
        out.skipped.append(f"flows without arrivals in the log, kept: {', '.join(missing)}")


def _fit_devices(pending: _Pending, out: LogFit, log: ObservedLog, cases: set[str]) -> None:
    reads = device_reads(log, cases)
    if reads.empty:
        out.skipped.append("uncertainties.devices: the log has no device readings (read:<kind>)")
        return
    for kind, group in reads.groupby("kind"):
        base = f"uncertainties.devices.{kind}"
        o = group["outcome"]
        first = group[o != "down"].drop_duplicates(["case_id", "device"])
        _fit_dist(pending, out, f"{base}.latency_s", f"read:{kind} latency", 1.0,
                  first["latency_s"].to_numpy(dtype=float))  # fmt: skip
        n_miss, n_all = int((o == "no_read").sum()), int((o != "down").sum())
        n_bad, n_read = int((o == "misread").sum()), int(o.isin(("ok", "misread")).sum())
        out.devices[str(kind)] = {"readings": len(group), "down": int((o == "down").sum()),
                                  "no_read": n_miss, "misread": n_bad}  # fmt: skip
        if n_all:
            pending.add(f"{base}.miss_rate", n_miss / n_all,
                        lambda lv, k=n_miss, n=n_all: _binomial(k, n, lv), n_all,
                        "share of no_read, Clopper–Pearson")  # fmt: skip
        if n_read:
            pending.add(f"{base}.misread_rate", n_bad / n_read,
                        lambda lv, k=n_bad, n=n_read: _binomial(k, n, lv), n_read,
                        "share of misread among readings, Clopper–Pearson")  # fmt: skip
        err = group.loc[o == "ok", "error"].dropna().to_numpy(dtype=float)
        if kind in _MEASURED and len(err) >= MIN_OBSERVATIONS:
            sd, n = float(np.sqrt(np.mean(err**2))), len(err)
            pending.add(f"{base}.noise_sd", sd,
                        lambda lv, s=sd, n=n: (s * math.sqrt(n / stats.chi2.ppf((1 + lv) / 2, n)),
                                               s * math.sqrt(n / stats.chi2.ppf((1 - lv) / 2, n))),
                        n, "root mean square error of correct readings, χ²")  # fmt: skip


def fit_log(log: ObservedLog, scenario: Scenario, cases: set[str], thinning: float) -> LogFit:
    """Fit everything the training trucks ``cases`` of ``log`` allow.

    Args:
        log: The observed log.
        scenario: The scenario of the observed site (its levers say what activities measure).
        cases: The training trucks (the others are held out).
        thinning: Their share of all trucks, to scale arrival rates back up.
    """
    out = LogFit()
    pending = _Pending()
    _fit_arrivals(pending, out, log, scenario, cases, thinning)
    inst = instances(log, cases)
    for est in estimands(scenario):
        _fit_dist(pending, out, est.path, est.what, est.unit_s, est.sample(log, cases, inst))
    _fit_devices(pending, out, log, cases)
    out.estimates = pending.resolve(LEVEL)
    return out


def estimates_frame(fit: LogFit) -> pd.DataFrame:
    """The estimates as a table."""
    return pd.DataFrame(
        [
            {
                "path": e.path,
                "value": e.value,
                "low": e.interval[0],
                "high": e.interval[1],
                "sim_low": e.simultaneous[0],
                "sim_high": e.simultaneous[1],
                "n": e.n,
                "method": e.method,
            }
            for e in fit.estimates
        ]
    )
