"""The calibration report: what was fitted, how well, and whether it predicts held-out data."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ftz_spec import Scenario, digest
from ftz_spec.provenance import leaves_of
from ftztwin.assumptions import assumptions_markdown, format_value
from ftztwin.calibrate.figures import arrival_figure, dist_figure, figure_name
from ftztwin.calibrate.fit import LogFit
from ftztwin.calibrate.kpifit import KpiFit
from ftztwin.calibrate.logs import ObservedLog
from ftztwin.calibrate.validation import KpiCheck, verdict

__all__ = ["report_json", "report_markdown", "write_figures"]


def _f(x: float) -> str:
    return "nan" if not math.isfinite(x) else f"{x:.4g}"


def _iv(iv: tuple[float, float]) -> str:
    return f"[{_f(iv[0])}, {_f(iv[1])}]"


def write_figures(out: Path, fit: LogFit, scenario: Scenario) -> None:
    """Write the fit plots into ``out`` (created)."""
    out.mkdir(parents=True, exist_ok=True)
    unc = scenario.uncertainties
    if fit.arrivals is not None:
        arrival_figure(fit.arrivals, unc.hourly_profile, unc.weekly_profile, out)
    for dist in fit.dists:
        dist_figure(dist, out)


def _log_section(log: ObservedLog, fit: LogFit, before: Scenario, holdout: float) -> list[str]:
    was = {leaf.path: leaf.value for leaf in leaves_of(before)}
    lines = [
        "## Fitted from the log",
        "",
        f"Log `{log.path}` ({log.format} format, sha256 `{log.sha256}`), "
        f"{len(log.flow_of)} trucks over {log.hours:g} h; {holdout:.0%} of the trucks held "
        f"out by a hash of their id. {len(fit.estimates)} numbers fitted; each interval is "
        f"95%, the simultaneous one {fit.simultaneous_level:.4%} per number (Bonferroni), so "
        "that all of them hold together at 95%.",
        "",
        "| path | before | fitted | 95% interval | simultaneous | n | method |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in fit.estimates:
        lines.append(
            f"| `{e.path}` | {format_value(was.get(e.path, '—'))} | {_f(e.value)} | "
            f"{_iv(e.interval)} | {_iv(e.simultaneous)} | {e.n} | {e.method} |"
        )
    if fit.skipped:
        lines += ["", "Not fitted:", "", *(f"- {s}" for s in fit.skipped)]
    return lines


def _arrival_section(fit: LogFit, plots: bool) -> list[str]:
    a = fit.arrivals
    if a is None:
        return []
    g2, df, p = a.homogeneity
    lines = ["", "### Arrivals", ""]
    if plots:
        lines += ["![arrival profiles](figures/arrivals.png)", ""]
    lines.append(
        f"Pearson dispersion {a.dispersion:.3g} (1 for Poisson counts; intervals are "
        "widened by it when above 1)."
    )
    if df:
        shared = "differ" if p < 0.01 else "are consistent with one shared profile"
        lines.append(
            f"Per-flow profiles against the shared one: G² = {g2:.1f} on {df} df, p = {p:.3g}: "
            f"the flows {shared}."
            + (
                " The scenario holds one profile for all flows, so the shared one is written; "
                "see the figure for each flow's."
                if p < 0.01
                else ""
            )
        )
    return lines


def _dist_section(fit: LogFit, plots: bool) -> list[str]:
    lines = [
        "",
        "### Durations",
        "",
        "Candidates by maximum likelihood, chosen by AIC among the families a scenario can "
        "hold; KS and Cramér–von Mises p-values treat the fitted parameters as known "
        "(optimistic).",
        "",
        "| path | from | n | chosen | parameters | best of all (ΔAIC) | KS D (p) | CvM W (p) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d in fit.dists:
        c, b = d.chosen, d.best
        params = ", ".join(f"{k} {_f(v)}" for k, v in c.params.items())
        best = "—" if b is c else f"{b.family} ({b.aic - c.aic:+.1f})"
        lines.append(
            f"| `{d.path}` | {d.what} | {len(d.sample)} | {c.family} | {params} | {best} | "
            f"{_f(c.ks[0])} ({_f(c.ks[1])}) | {_f(c.cvm[0])} ({_f(c.cvm[1])}) |"
        )
    if plots:
        lines += ["", *(f"![{d.path}](figures/{figure_name(d.path)})" for d in fit.dists)]
    return lines


def _device_section(fit: LogFit) -> list[str]:
    if not fit.devices:
        return []
    lines = [
        "",
        "### Devices",
        "",
        "| kind | readings | down | no read | misread |",
        "|---|---|---|---|---|",
    ]
    for kind, s in sorted(fit.devices.items()):
        lines.append(
            f"| {kind} | {s['readings']} | {s['down']} | {s['no_read']} | {s['misread']} |"
        )
    return lines


def _kpi_section(k: KpiFit) -> list[str]:
    lines = [
        "",
        "## Calibrated to observed KPIs",
        "",
        f"KPI file `{k.file}` (sha256 `{k.sha256}`); {k.evaluations} evaluations under common "
        f"random numbers; χ² = {k.chi2:.3g}; {k.message}",
        "",
        "| unknown | estimate | 95% interval | bounds |",
        "|---|---|---|---|",
    ]
    for path, (v, iv, b) in k.estimates.items():
        mark = " (at a bound: widen it)" if path in k.at_bound else ""
        lines.append(f"| `{path}` | {_f(v)}{mark} | {_iv(iv)} | {_iv(b)} |")
    lines += ["", "| KPI | observed | se | twin | twin se |", "|---|---|---|---|---|"]
    for name, (o, se, m, sse) in k.kpis.items():
        lines.append(f"| `{name}` | {_f(o)} | {_f(se)} | {_f(m)} | {_f(sse)} |")
    return lines


def _validation_section(checks: list[KpiCheck], replications: int) -> list[str]:
    if not checks:
        return []
    v = verdict(checks)
    lines = [
        "",
        "## Validation on the held-out trucks",
        "",
        f"The calibrated twin, {replications} replications over the log's window, its trucks "
        f"held out by the same hash: {v.inside} of {v.kpis} held-out KPIs inside their "
        f"simultaneous prediction intervals; {v.outside_95} outside their 95% intervals, "
        f"where a right model leaves at most {v.allowed_95} outside 95% of the time. "
        f"Verdict: **{'consistent' if v.passed else 'not consistent'}** with the held-out "
        "trucks.",
        "",
        "| KPI | held out | twin mean | 95% prediction | simultaneous | inside |",
        "|---|---|---|---|---|---|",
    ]
    for c in checks:
        mark = "yes" if c.inside_95 else ("95%: no" if c.inside else "**no**")
        lines.append(
            f"| `{c.kpi}` | {_f(c.observed)} | {_f(c.mean)} | {_iv(c.interval)} | "
            f"{_iv(c.simultaneous)} | {mark} |"
        )
    return lines


def report_markdown(
    calibrated: Scenario,
    before: Scenario,
    log: ObservedLog | None,
    fit: LogFit | None,
    kpi: KpiFit | None,
    checks: list[KpiCheck],
    holdout: float,
    replications: int,
    plots: bool,
) -> str:
    """The calibration report as markdown."""
    lines = [
        f"# Calibration of {before.name}",
        "",
        f"Calibrated scenario `{calibrated.name}` (sha256 `{digest(calibrated)}`), extending "
        f"`{before.name}` (sha256 `{digest(before)}`).",
        "",
    ]
    if log is not None and fit is not None:
        lines += _log_section(log, fit, before, holdout)
        lines += _arrival_section(fit, plots)
        lines += _dist_section(fit, plots)
        lines += _device_section(fit)
    if kpi is not None:
        lines += _kpi_section(kpi)
    lines += _validation_section(checks, replications)
    lines += ["", assumptions_markdown(calibrated)]
    return "\n".join(lines) + "\n"


def report_json(
    log: ObservedLog | None, fit: LogFit | None, kpi: KpiFit | None, checks: list[KpiCheck]
) -> str:
    """Every figure of the report as JSON (for scripts and tests)."""
    doc: dict[str, Any] = {}
    if log is not None and fit is not None:
        doc["log"] = {"path": str(log.path), "sha256": log.sha256, "format": log.format,
                      "trucks": len(log.flow_of), "hours": log.hours}  # fmt: skip
        doc["estimates"] = [
            {
                "path": e.path,
                "value": e.value,
                "interval": list(e.interval),
                "simultaneous": list(e.simultaneous),
                "n": e.n,
                "method": e.method,
            }
            for e in fit.estimates
        ]
        doc["distributions"] = [
            {
                "path": d.path,
                "chosen": d.chosen.family,
                "best": d.best.family,
                "n": len(d.sample),
                "candidates": [
                    {
                        "family": f.family,
                        "aic": f.aic,
                        "ks": list(f.ks),
                        "cvm": list(f.cvm),
                        "params": f.params,
                    }
                    for f in d.fits
                ],
            }
            for d in fit.dists
        ]
        doc["skipped"] = fit.skipped
        if fit.arrivals is not None:
            doc["arrivals"] = {"homogeneity": list(fit.arrivals.homogeneity),
                               "dispersion": fit.arrivals.dispersion}  # fmt: skip
    if kpi is not None:
        doc["kpi_calibration"] = {
            "file": kpi.file, "sha256": kpi.sha256, "evaluations": kpi.evaluations,
            "chi2": kpi.chi2, "message": kpi.message,
            "estimates": {p: {"value": v, "interval": list(iv), "bounds": list(b)}
                          for p, (v, iv, b) in kpi.estimates.items()},
            "kpis": {n: {"observed": o, "se": s, "twin": m, "twin_se": q}
                     for n, (o, s, m, q) in kpi.kpis.items()},
        }  # fmt: skip
    doc["validation"] = [
        {"kpi": c.kpi, "observed": c.observed, "simulated": c.simulated,
         "interval": list(c.interval), "simultaneous": list(c.simultaneous), "inside": c.inside,
         "inside_95": c.inside_95}
        for c in checks
    ]  # fmt: skip
    if checks:
        v = verdict(checks)
        doc["verdict"] = {"kpis": v.kpis, "inside": v.inside, "outside_95": v.outside_95,
                          "allowed_95": v.allowed_95, "passed": v.passed}  # fmt: skip
    return json.dumps(doc, indent=2, sort_keys=True, default=float) + "\n"
