"""``ftztwin calibrate``: from a scenario and observed data to a calibrated overlay and a report.

1. Read the log; hold a share of the trucks out by a hash of their id.
2. Fit arrivals, durations and devices on the rest (:mod:`ftztwin.calibrate.fit`).
3. Write the overlay (``extends:`` the input) with calibrated sources and load it back
   through the loader, so what is reported is what a user will run.
4. With ``--kpis``, search the bounded unknowns on top of it (:mod:`.kpifit`).
5. Run the calibrated twin against the held-out trucks (:mod:`.validation`).
6. Write ``calibration.md`` (with figures) and ``calibration.json``.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftz_spec import Scenario, load_scenario
from ftz_spec.loader import load_values
from ftz_spec.paths import get_path, parse_path
from ftz_spec.source import Source
from ftztwin.calibrate.fit import Estimate, LogFit, fit_log
from ftztwin.calibrate.kpifit import KpiFit, calibrate_kpis, read_kpi_file
from ftztwin.calibrate.logs import ObservedLog, read_log
from ftztwin.calibrate.overlay import nest, overlay_text, whole_node
from ftztwin.calibrate.report import report_json, report_markdown, write_figures
from ftztwin.calibrate.validation import (
    KpiCheck,
    held_out,
    observed_kpis,
    simulated_kpis,
    validate,
    verdict,
)

__all__ = ["CalibrationResult", "calibrate"]


@dataclass
class CalibrationResult:
    """Where the results are, and the figures a caller checks."""

    overlay: Path
    report: Path
    scenario: Scenario
    fit: LogFit | None = None
    kpi: KpiFit | None = None
    checks: list[KpiCheck] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [f"calibrated scenario {self.scenario.name}"]
        if self.fit is not None:
            lines.append(f"  {len(self.fit.estimates)} numbers fitted from the log")
            lines += [f"  not fitted: {s}" for s in self.fit.skipped]
        if self.kpi is not None:
            for path, (v, (lo, hi), _) in self.kpi.estimates.items():
                lines.append(f"  {path} = {v:.4g} (95% {lo:.4g} … {hi:.4g}) from the KPIs")
        if self.checks:
            v = verdict(self.checks)
            word = "consistent" if v.passed else "NOT consistent"
            lines.append(
                f"  held-out KPIs inside their simultaneous prediction intervals: {v.inside}/"
                f"{v.kpis}; outside their 95% intervals: {v.outside_95} (a right model: at "
                f"most {v.allowed_95}): {word} with the held-out trucks"
            )
        return "\n".join(lines)


def _sig(x: float) -> float:
    return float(f"{x:.7g}") if math.isfinite(x) else x


def _source(e: Estimate, file: str, sha: str, k: int) -> Source:
    lo, hi = e.interval
    return Source(
        kind="calibrated",
        file=file,
        sha256=sha,
        interval=(_sig(e.simultaneous[0]), _sig(e.simultaneous[1])),
        note=f"{e.method}; n = {e.n}; 95% interval [{lo:.4g}, {hi:.4g}]; the interval given "
        f"is simultaneous over the {k} numbers fitted (Bonferroni)",
    )


def _log_values(
    fit: LogFit, log: ObservedLog, before: Scenario
) -> tuple[dict[str, Any], dict[str, Source]]:
    """Overlay values (by path) and sources from a log fit."""
    k = len(fit.estimates)
    by_path = {e.path: e for e in fit.estimates}
    sources = {e.path: _source(e, str(log.path), log.sha256, k) for e in fit.estimates}
    values: dict[str, Any] = {}
    for e in fit.estimates:
        if e.path.startswith("uncertainties.flows["):
            values[e.path] = _sig(e.value)
    for name in ("hourly_profile", "weekly_profile"):
        prof = [
            by_path.get(f"uncertainties.{name}[{i}]") for i in range(24 if name[0] == "h" else 7)
        ]
        if all(prof):
            values[f"uncertainties.{name}"] = [_sig(p.value) for p in prof if p]
    dists = {d.path: {k2: (_sig(v) if isinstance(v, float) else v) for k2, v in d.as_dist().items()}
             for d in fit.dists}  # fmt: skip
    for path, dist in dists.items():
        if path.startswith("uncertainties.times."):
            values[path] = dist
    for kind in sorted(
        {e.path.split(".")[2] for e in fit.estimates if e.path.startswith("uncertainties.devices.")}
    ):
        node = f"uncertainties.devices.{kind}"
        fitted: dict[str, Any] = {}
        if f"{node}.latency_s" in dists:
            fitted["latency_s"] = dists[f"{node}.latency_s"]
        for name in ("miss_rate", "misread_rate", "noise_sd"):
            if f"{node}.{name}" in by_path:
                fitted[name] = _sig(by_path[f"{node}.{name}"].value)
        block, carried = whole_node(before, node, fitted)
        values[node] = block
        sources.update(carried)
    return values, sources


def _kpi_values(kpi: KpiFit, current: Scenario) -> tuple[dict[str, Any], dict[str, Source]]:
    """Overlay values for the KPI unknowns: a distribution's parameter sets its whole dist."""
    values: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    dump = current.model_dump(mode="json")
    for path, src in kpi.sources().items():
        parent, _, leaf = path.rpartition(".")
        node = get_path(dump, parse_path(parent)) if parent else None
        value = _sig(kpi.estimates[path][0])
        if isinstance(node, dict) and "dist" in node:
            block, carried = whole_node(current, parent, {leaf: value})
            values[parent] = block
            sources.update(carried)
        else:
            values[path] = value
        sources[path] = src
    return values, sources


def _write_overlay(path: Path, input_path: Path, before: Scenario, values: dict[str, Any],
                   sources: dict[str, Source], what: str) -> Scenario:  # fmt: skip
    data = nest(values, load_values(input_path))
    name = f"{before.name}_calibrated"
    text = overlay_text(
        input_path, path, name, f"{before.name} calibrated to {what}", data, sources,
        f"Calibrated by `ftztwin calibrate` from {what}.\nEvery value set here has a "
        "calibrated source; see calibration.md beside this file.",
    )  # fmt: skip
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def calibrate(
    input_path: Path,
    before: Scenario,
    out: Path,
    log: Path | None = None,
    kpis: Path | None = None,
    holdout: float = 0.25,
    validation_replications: int = 10,
    workers: int | None = None,
    plots: bool = True,
) -> CalibrationResult:
    """Calibrate ``before`` (read from ``input_path``) to a log and/or KPIs; write to ``out``.

    Raises:
        CalibrationError: A bad log or KPI file (the message names file, row, field, value).
    """
    workers = workers or max(1, os.cpu_count() or 1)
    out.mkdir(parents=True, exist_ok=True)
    overlay = out / f"{before.name}_calibrated.yaml"
    observed = fit = kpi = None
    values: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    what = []
    current = before
    if log is not None:
        observed = read_log(log, before)
        train = {c for c in observed.flow_of if not held_out(c, holdout)}
        fit = fit_log(observed, before, train, 1.0 - holdout)
        values, sources = _log_values(fit, observed, before)
        what.append(f"the log {log}")
        current = _write_overlay(overlay, input_path, before, values, sources, " and ".join(what))
    if kpis is not None:
        spec = read_kpi_file(kpis, current)
        kpi = calibrate_kpis(current, spec, kpis)
        more, more_src = _kpi_values(kpi, current)
        values.update(more)
        sources.update(more_src)
        what.append(f"the KPIs {kpis}")
        current = _write_overlay(overlay, input_path, before, values, sources, " and ".join(what))
    checks: list[KpiCheck] = []
    if observed is not None and holdout > 0 and validation_replications > 0:
        obs = observed_kpis(observed, current, holdout)
        sims = simulated_kpis(current, observed, holdout, validation_replications, workers)
        checks = validate(obs, sims)
    figures = out / "figures"
    shutil.rmtree(figures, ignore_errors=True)
    if plots and fit is not None:
        write_figures(figures, fit, before)
    report = out / "calibration.md"
    report.write_text(report_markdown(current, before, observed, fit, kpi, checks, holdout,
                                      validation_replications, plots and fit is not None),
                      encoding="utf-8")  # fmt: skip
    (out / "calibration.json").write_text(report_json(observed, fit, kpi, checks), encoding="utf-8")
    return CalibrationResult(overlay, report, current, fit, kpi, checks)
