"""Fitting a duration's distribution: candidate families by maximum likelihood, chosen by AIC.

The families a scenario can hold (``fixed``, ``exponential``, ``lognormal``,
``triangular``, ``uniform``) are the candidates that can be written; ``gamma`` and
``weibull`` are fitted as well, so the report can say when a family the scenario cannot
express would have fitted clearly better. Goodness of fit is the Kolmogorov–Smirnov and
Cramér–von Mises statistics against the fitted distribution; their p-values treat the
parameters as known, so they are optimistic (a low one is a real misfit).

Intervals are for the parameters as the scenario writes them (mean and sd, or low,
mode and high …): exact for the exponential mean, the delta method for the log-normal,
order statistics for the uniform, and a parametric bootstrap for the triangular, whose
bounds are not regular maximum-likelihood parameters.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats

__all__ = ["MIN_OBSERVATIONS", "REPRESENTABLE", "Fit", "as_dist", "fit_families", "intervals"]

MIN_OBSERVATIONS = 30
REPRESENTABLE = ("fixed", "exponential", "lognormal", "triangular", "uniform")
_BOOTSTRAP = 200


@dataclass(frozen=True)
class Fit:
    """One family fitted to a sample.

    Attributes:
        family: The family's name.
        params: Its parameters as a scenario writes them (``mean``/``sd``, ``low``/``mode``
            /``high`` …); gamma and weibull in scipy's ``shape``/``scale``.
        loglik: The maximised log-likelihood.
        k: Number of fitted parameters.
        ks: Kolmogorov–Smirnov statistic and its p-value.
        cvm: Cramér–von Mises statistic and its p-value.
    """

    family: str
    params: dict[str, float]
    loglik: float
    k: int
    ks: tuple[float, float] = (math.nan, math.nan)
    cvm: tuple[float, float] = (math.nan, math.nan)
    frozen: Any = field(default=None, repr=False, compare=False)  # the scipy distribution
    spread: tuple[float, float] | None = None  # a fixed value: the sample's min and max

    @property
    def aic(self) -> float:
        """Akaike's information criterion, 2k − 2 log L."""
        return 2 * self.k - 2 * self.loglik

    @property
    def representable(self) -> bool:
        """Whether a scenario can hold this family."""
        return self.family in REPRESENTABLE


def _triangular_loglik(x: np.ndarray, a: float, b: float) -> tuple[float, float]:
    """Profile log-likelihood over the mode (which the MLE puts on a data point)."""
    if not a < x[0] or not b > x[-1]:
        return -math.inf, float(x[0])
    la, lb = np.log(x - a), np.log(b - x)
    n = len(x)
    r = np.arange(n)
    left = np.concatenate(([0.0], np.cumsum(la)[:-1])) - r * la
    right = (lb.sum() - np.cumsum(lb)) - (n - 1 - r) * lb
    best = int(np.argmax(left + right))
    return float(n * math.log(2.0) - n * math.log(b - a) + left[best] + right[best]), float(x[best])


def _fit_triangular(x: np.ndarray) -> tuple[float, float, float, float]:
    xs = np.sort(x)
    lo, hi = float(xs[0]), float(xs[-1])
    span = max(hi - lo, 1e-12)

    def neg(u: np.ndarray) -> float:
        return -_triangular_loglik(xs, lo - span * math.exp(u[0]), hi + span * math.exp(u[1]))[0]

    res = optimize.minimize(neg, np.array([-3.0, -3.0]), method="Nelder-Mead",
                            options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 400})  # fmt: skip
    a, b = lo - span * math.exp(res.x[0]), hi + span * math.exp(res.x[1])
    ll, c = _triangular_loglik(xs, a, b)
    return a, c, b, ll


def _gof(x: np.ndarray, frozen: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    ks = stats.kstest(x, frozen.cdf)
    cvm = stats.cramervonmises(x, frozen.cdf)
    return (float(ks.statistic), float(ks.pvalue)), (float(cvm.statistic), float(cvm.pvalue))


def _candidates(x: np.ndarray) -> list[tuple[str, dict[str, float], Any, int]]:
    out: list[tuple[str, dict[str, float], Any, int]] = []
    mean = float(x.mean())
    out.append(("exponential", {"mean": mean}, stats.expon(scale=mean), 1))
    if np.all(x > 0):
        s, _, scale = stats.lognorm.fit(x, floc=0)
        m = scale * math.exp(s * s / 2)
        sd = m * math.sqrt(math.expm1(s * s))
        out.append(("lognormal", {"mean": m, "sd": sd}, stats.lognorm(s, scale=scale), 2))
        shape, _, gscale = stats.gamma.fit(x, floc=0)
        out.append(
            ("gamma", {"shape": shape, "scale": gscale}, stats.gamma(shape, scale=gscale), 2)
        )
        c, _, wscale = stats.weibull_min.fit(x, floc=0)
        out.append(
            ("weibull", {"shape": c, "scale": wscale}, stats.weibull_min(c, scale=wscale), 2)
        )
    a, mode, b, _ = _fit_triangular(x)
    if a >= 0:
        tri = stats.triang((mode - a) / (b - a), loc=a, scale=b - a)
        out.append(("triangular", {"low": a, "mode": mode, "high": b}, tri, 3))
    lo, hi = float(x.min()), float(x.max())
    out.append(("uniform", {"low": lo, "high": hi}, stats.uniform(loc=lo, scale=hi - lo), 2))
    return out


def _degenerate(x: np.ndarray) -> bool:
    return bool(np.ptp(x) <= 1e-9 * max(1.0, float(np.abs(x).max())))


def fit_families(x: np.ndarray) -> list[Fit]:
    """Fit every candidate family to ``x`` (seconds or any unit); best AIC first.

    A sample whose values are all equal is a ``fixed`` value and nothing else.

    Raises:
        ValueError: Fewer than :data:`MIN_OBSERVATIONS` values, or a negative one.
    """
    x = np.asarray(x, dtype=float)
    if len(x) < MIN_OBSERVATIONS:
        raise ValueError(f"{len(x)} observations; at least {MIN_OBSERVATIONS} are needed")
    if np.any(x < 0):
        raise ValueError("a duration below zero")
    if _degenerate(x):
        # Differences of clock times carry rounding: the value to 9 digits, the spread kept.
        value = float(f"{float(np.median(x)):.9g}")
        return [Fit("fixed", {"value": value}, 0.0, 0, spread=(float(x.min()), float(x.max())))]
    fits = []
    for name, params, frozen, k in _candidates(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            loglik = float(np.sum(frozen.logpdf(x)))
        if not math.isfinite(loglik):
            continue
        ks, cvm = _gof(x, frozen)
        fits.append(Fit(name, params, loglik, k, ks, cvm, frozen))
    return sorted(fits, key=lambda f: f.aic)


def as_dist(fit: Fit) -> dict[str, Any]:
    """The fitted family as a scenario distribution mapping (``{dist: lognormal, …}``)."""
    if not fit.representable:
        raise ValueError(f"a scenario cannot hold a {fit.family} distribution")
    return {"dist": fit.family, **{k: float(v) for k, v in fit.params.items()}}


def _seed(x: np.ndarray) -> int:
    return int.from_bytes(hashlib.blake2b(x.tobytes(), digest_size=8).digest(), "big")


def _bootstrap(fit: Fit, x: np.ndarray) -> dict[str, tuple[float, float]]:
    """Parametric bootstrap: per parameter, the bias-corrected centre and the spread."""
    rng = np.random.default_rng(_seed(x))
    n = len(x)
    draws: list[dict[str, float]] = []
    for _ in range(_BOOTSTRAP):
        y = fit.frozen.rvs(size=n, random_state=rng)
        if fit.family == "triangular":
            a, c, b, _ = _fit_triangular(y)
            draws.append({"low": a, "mode": c, "high": b})
        else:
            draws.append({"low": float(y.min()), "high": float(y.max())})
    out = {}
    for key, est in fit.params.items():
        vals = np.array([d[key] for d in draws])
        out[key] = (2 * est - float(vals.mean()), float(vals.std(ddof=1)))
    return out


def intervals(
    fit: Fit, x: np.ndarray, levels: Sequence[float] = (0.95,)
) -> list[dict[str, tuple[float, float]]]:
    """Two-sided intervals of each parameter of ``fit`` on the sample ``x``, one per level."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    p = fit.params
    boot = _bootstrap(fit, x) if fit.family in ("triangular", "uniform") else {}
    out = []
    for level in levels:
        alpha = 1.0 - level
        z = float(stats.norm.ppf(1 - alpha / 2))
        if fit.family == "fixed":
            lo, hi = fit.spread or (p["value"], p["value"])
            out.append({"value": (min(lo, p["value"]), max(hi, p["value"]))})
        elif fit.family == "exponential":
            total = 2 * n * p["mean"]
            out.append({"mean": (total / stats.chi2.ppf(1 - alpha / 2, 2 * n),
                                 total / stats.chi2.ppf(alpha / 2, 2 * n))})  # fmt: skip
        elif fit.family == "lognormal":
            out.append(_lognormal(p, n, z))
        elif boot:
            out.append({k: (c - z * sd, c + z * sd) for k, (c, sd) in boot.items()})
        else:
            out.append({})
    return out


def _lognormal(p: dict[str, float], n: int, z: float) -> dict[str, tuple[float, float]]:
    """Delta-method intervals of a log-normal's mean and sd (on the log scale)."""
    s2 = math.log1p((p["sd"] / p["mean"]) ** 2)
    s = math.sqrt(s2)
    var_mu, var_s = s2 / n, s2 / (2 * n)
    se_log_mean = math.sqrt(var_mu + s2 * var_s)
    d_sd = s + s * math.exp(s2) / math.expm1(s2)
    se_log_sd = math.sqrt(var_mu + d_sd**2 * var_s)
    return {
        "mean": (p["mean"] * math.exp(-z * se_log_mean), p["mean"] * math.exp(z * se_log_mean)),
        "sd": (p["sd"] * math.exp(-z * se_log_sd), p["sd"] * math.exp(z * se_log_sd)),
    }
