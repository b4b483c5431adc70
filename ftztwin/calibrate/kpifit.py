"""Calibration to observed KPIs: bounded unknowns searched under common random numbers.

When a site knows only aggregates (a mean wait per resource, a throughput), the unknown
inputs named in the KPI file are searched, each within its bounds, to bring the twin's
KPIs to the observed ones. Every evaluation runs the same replications (0 … R−1) with
the same seed, so two candidate values see the same trucks and the same draws (common
random numbers): differences between candidates are the inputs' doing, not noise, and
a finite-difference Jacobian means something. The search is scipy's bounded
trust-region least squares on residuals scaled by the observed figures' standard errors.
The intervals are the Gauss–Newton ones at the optimum, with each KPI's variance the
observed one plus the simulated mean's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, ValidationError
from scipy import optimize, stats

from ftz_spec import Scenario, parse_scenario
from ftz_spec.loader import describe_validation_error
from ftz_spec.paths import PathSyntaxError, apply, get_path, parse_path
from ftz_spec.source import Source
from ftztwin.calibrate.errors import KpiFileError
from ftztwin.calibrate.logs import file_sha256, show
from twin.experiment import run_replication

__all__ = ["KpiFit", "KpiSpec", "calibrate_kpis", "read_kpi_file"]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Observed(_Spec):
    """An observed KPI and the standard error of the figure."""

    value: float
    se: float = Field(default=0.0, ge=0.0, description="Standard error; 0: unknown")


class Unknown(_Spec):
    """A bounded unknown input."""

    low: float
    high: float


class KpiSpec(_Spec):
    """The ``--kpis`` file."""

    kpis: dict[str, Observed] = Field(min_length=1)
    unknowns: dict[str, Unknown] = Field(min_length=1)
    replications: PositiveInt = 4
    horizon_h: PositiveFloat | None = None
    warmup_h: float | None = Field(default=None, ge=0.0)
    source: str = Field(default="", description="Where the observed figures come from")


@dataclass
class KpiFit:
    """What the KPI calibration found.

    Attributes:
        estimates: Unknown path → (estimate, (low, high) 95% interval, bounds).
        kpis: KPI → (observed, its se, fitted mean, simulated se).
        evaluations: Simulation runs of R replications each.
        chi2: Sum of squared scaled residuals at the optimum.
        message: The optimiser's word on convergence.
    """

    estimates: dict[str, tuple[float, tuple[float, float], tuple[float, float]]]
    kpis: dict[str, tuple[float, float, float, float]]
    evaluations: int
    chi2: float
    message: str
    file: str = ""
    sha256: str = ""
    at_bound: list[str] = field(default_factory=list)
    observed_from: str = ""

    def sources(self) -> dict[str, Source]:
        """A calibrated source for each estimate."""
        out = {}
        for path, (_value, (lo, hi), _) in self.estimates.items():
            out[path] = Source(
                kind="calibrated",
                file=self.file,
                sha256=self.sha256,
                interval=(lo, hi),
                note=f"KPI calibration to {', '.join(self.kpis)} under common random numbers "
                f"(least squares, χ² = {self.chi2:.3g}); 95% interval"
                + (f"; observed: {self.observed_from}" if self.observed_from else ""),
            )
        return out


def read_kpi_file(path: Path, scenario: Scenario) -> KpiSpec:
    """Read and check a ``--kpis`` file against the scenario.

    Raises:
        KpiFileError: Missing, malformed, or naming unknowns the scenario does not have; the
            message names the field and the bad value.
    """
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KpiFileError(where, ["file not found"]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KpiFileError(where, [f"malformed YAML: {str(exc).splitlines()[0]}"]) from None
    try:
        spec = KpiSpec.model_validate(data)
    except ValidationError as exc:
        raise KpiFileError(where, [describe_validation_error(e) for e in exc.errors()]) from None
    problems = []
    dump = scenario.model_dump(mode="json")
    for text, u in spec.unknowns.items():
        label = f"unknowns[{text!r}]"
        try:
            value = get_path(dump, parse_path(text))
        except PathSyntaxError as exc:
            problems.append(f"{label}: {exc} (got {show(text)})")
            continue
        if not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(f"{label}: not a number of the scenario (got {show(value)})")
        if not u.low < u.high:
            problems.append(f"{label}.high: must be above low={u.low} (got {u.high})")
    if problems:
        raise KpiFileError(where, problems)
    return spec


class _Evaluator:
    """Runs the twin at candidate values, the same replications every time (CRN)."""

    def __init__(self, scenario: Scenario, spec: KpiSpec, file: str) -> None:
        data = scenario.model_dump(mode="json")
        if spec.horizon_h is not None:
            data["run"]["horizon_h"] = spec.horizon_h
        if spec.warmup_h is not None:
            data["run"]["warmup_h"] = spec.warmup_h
        data["run"]["event_log"] = "none"
        self.base = data
        self.spec = spec
        self.file = file
        self.paths = list(spec.unknowns)
        self.kpis = list(spec.kpis)
        self.cache: dict[tuple[float, ...], tuple[np.ndarray, np.ndarray]] = {}

    def scenario_at(self, x: np.ndarray) -> Scenario:
        values = {p: float(v) for p, v in zip(self.paths, x, strict=True)}
        return parse_scenario(apply(self.base, values), self.file)

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = tuple(round(float(v), 12) for v in x)
        if key not in self.cache:
            scenario = self.scenario_at(x)
            runs = [run_replication(scenario, r).kpis for r in range(self.spec.replications)]
            missing = [k for k in self.kpis if not all(k in run for run in runs)]
            if missing:
                some = ", ".join(sorted(runs[0])[:4])
                raise KpiFileError(
                    self.file,
                    [f"kpis[{k!r}]: the twin gives no such KPI for this scenario (e.g. {some})"
                     for k in missing],
                )  # fmt: skip
            values = np.array([[run[k] for k in self.kpis] for run in runs], dtype=float)
            mean = values.mean(axis=0)
            se = values.std(axis=0, ddof=1) / math.sqrt(len(runs)) if len(runs) > 1 else 0 * mean
            self.cache[key] = (mean, se)
        return self.cache[key]


def calibrate_kpis(scenario: Scenario, spec: KpiSpec, path: Path) -> KpiFit:
    """Search the unknowns of ``spec`` for the values that reproduce its KPIs."""
    ev = _Evaluator(scenario, spec, str(path))
    obs = np.array([spec.kpis[k].value for k in ev.kpis])
    se_obs = np.array([spec.kpis[k].se for k in ev.kpis])
    lo = np.array([spec.unknowns[p].low for p in ev.paths])
    hi = np.array([spec.unknowns[p].high for p in ev.paths])
    start = np.array([get_path(ev.base, parse_path(p)) for p in ev.paths], dtype=float)
    x0 = np.clip(start, lo + 0.01 * (hi - lo), hi - 0.01 * (hi - lo))
    _, se0 = ev(x0)
    # Scale: the observed figure's error; where none is given, 5% of the figure.
    scale = np.sqrt(se_obs**2 + se0**2)
    scale = np.where(scale > 0, scale, 0.05 * np.maximum(np.abs(obs), 1e-9))

    def residuals(x: np.ndarray) -> np.ndarray:
        return (ev(x)[0] - obs) / scale

    res = optimize.least_squares(residuals, x0, bounds=(lo, hi), x_scale=hi - lo,
                                 diff_step=0.02, xtol=2e-3, ftol=1e-3, max_nfev=40)  # fmt: skip
    x = res.x
    mean, se_sim = ev(x)
    sigma = np.sqrt(se_obs**2 + se_sim**2)
    sigma = np.where(sigma > 0, sigma, scale)
    # least_squares' Jacobian is taken at its solution (forward differences under CRN);
    # rescaled from the search's weights to the final variances.
    jac = res.jac * (scale / sigma)[:, None]
    try:
        cov = np.linalg.inv(jac.T @ jac)
    except np.linalg.LinAlgError:
        cov = np.full((len(x), len(x)), np.inf)
    z = float(stats.norm.ppf(0.975))
    half = z * np.sqrt(np.clip(np.diag(cov), 0, np.inf))
    fit = KpiFit(
        estimates={p: (float(v), (float(v - h), float(v + h)), (float(a), float(b)))
                   for p, v, h, a, b in zip(ev.paths, x, half, lo, hi, strict=True)},
        kpis={k: (float(o), float(s), float(m), float(q))
              for k, o, s, m, q in zip(ev.kpis, obs, se_obs, mean, se_sim, strict=True)},
        evaluations=len(ev.cache),
        chi2=float(np.sum(((mean - obs) / sigma) ** 2)),
        message=str(res.message),
        file=str(path),
        sha256=file_sha256(path),
        observed_from=spec.source,
        at_bound=[p for p, v, a, b in zip(ev.paths, x, lo, hi, strict=True)
                  if v - a < 1e-3 * (b - a) or b - v < 1e-3 * (b - a)],
    )  # fmt: skip
    return fit
