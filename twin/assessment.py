"""What a planner needs to trust a run, in one object read by the CLI, reports and app.

:func:`assess` turns a scenario and its replications into summaries within bounds, the
unfinished share, the warm-up check (MSER-5 on the run's own series), the replication
justification, and every warning — set-up warnings before the run, unfinished trucks
above the threshold, stalled resources, a precision not reached, a warm-up MSER-5
contradicts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ftz_spec import Scenario
from twin.catalogue import HEADLINE
from twin.experiment import PrecisionRun, ReplicationResult
from twin.readable import format_number, format_value
from twin.stats import Interval, replications_for
from twin.summary import summarise, summarise_kpi
from twin.warmup import WarmupEstimate, default_warmup_kpis, estimate_warmup

__all__ = ["PRECISION_KPIS", "Assessment", "RunWarning", "assess", "warmup_check"]

# The KPIs whose precision the report justifies the replications by.
PRECISION_KPIS = ("clearance_time_min_mean", "clearance_time_min_p95", "inspection_rate")


@dataclass(frozen=True)
class RunWarning:
    """A named warning of a run (``unfinished_share``, ``stalled_resource`` …)."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


@dataclass(frozen=True)
class Assessment:
    """A run judged for trust.

    Attributes:
        scenario: The scenario that ran.
        results: Its replications, in index order.
        summary: Every KPI with its interval (catalogue rules: bounds, Wilson, n/a).
        warmup: MSER-5 estimates for the run's warm-up series (empty without detail).
        warmup_verdict: ``agrees``, ``contradicts``, ``undetermined`` or ``not checked``.
        precision: The sequential procedure, when the replications were chosen by it.
        warnings: Every warning, set-up ones first.
    """

    scenario: Scenario
    results: list[ReplicationResult]
    summary: dict[str, Interval]
    warmup: list[WarmupEstimate] = field(default_factory=list)
    warmup_verdict: str = "not checked"
    precision: PrecisionRun | None = None
    warnings: list[RunWarning] = field(default_factory=list)

    @property
    def unfinished_share(self) -> Interval:
        """Share of the counted trucks still in the system when runs stopped."""
        return self.summary["unfinished_share"]

    def headline(self) -> list[str]:
        """Headline KPIs this run has, in headline order."""
        return [k for k in HEADLINE if k in self.summary]

    def relative_precision(
        self, kpis: Sequence[str] = PRECISION_KPIS
    ) -> dict[str, tuple[float, int | None]]:
        """KPI → (relative half-width, replications a ±5% target would take)."""
        out = {}
        for k in kpis:
            iv = self.summary.get(k)
            if iv is not None:
                out[k] = (iv.relative_half_width, replications_for(iv, 0.05))
        return out


def warmup_check(
    scenario: Scenario, results: Sequence[ReplicationResult], kpis: Sequence[str] | None = None
) -> tuple[list[WarmupEstimate], str]:
    """MSER-5 on the run's series and the overall verdict on ``scenario.run.warmup_h``.

    The verdict is ``contradicts`` if MSER-5 asks a longer warm-up for any series with
    enough data, ``agrees`` if it agrees for all that it can judge, else ``undetermined``.
    """
    details = [r.detail for r in results if r.detail is not None]
    if not details:
        return [], "not checked"
    names = list(kpis) if kpis is not None else default_warmup_kpis(scenario)
    estimates = [estimate_warmup(k, [d.series[k] for d in details if k in d.series]) for k in names]
    verdicts = [e.verdict(scenario.run.warmup_h) for e in estimates]
    if "contradicts" in verdicts:
        overall = "contradicts"
    elif "agrees" in verdicts and "undetermined" not in verdicts:
        overall = "agrees"
    else:
        overall = "undetermined"
    return estimates, overall


def _run_warnings(scenario: Scenario, summary: dict[str, Interval]) -> list[RunWarning]:
    out = []
    run = scenario.run
    share = summary.get("unfinished_share")
    if share is not None and not math.isnan(share.mean) and share.mean > run.unfinished_warning:
        out.append(RunWarning(
            "unfinished_share",
            f"{format_value('unfinished_share', share.mean)} of the counted trucks never finished "
            f"(threshold {format_value('unfinished_share', run.unfinished_warning)}): their clearance "
            "times are censored, so means are lower bounds; see unfinished_cases by resource",
        ))  # fmt: skip
    for k, iv in sorted(summary.items()):
        if k.startswith("longest_stall_h[") and iv.mean >= run.stall_warning_h:
            out.append(RunWarning(
                "stalled_resource",
                f"{k[16:-1]} had work waiting and took no one into service for "
                f"{format_number(iv.mean)} h on average (threshold {run.stall_warning_h:g} h)",
            ))  # fmt: skip
    return out


def assess(
    scenario: Scenario,
    results: Sequence[ReplicationResult],
    precision: PrecisionRun | None = None,
    warmup_kpis: Sequence[str] | None = None,
) -> Assessment:
    """Judge a run: summaries, warm-up check, replication justification, warnings."""
    results = sorted(results, key=lambda r: r.replication)
    summary = summarise(results)
    warnings = [RunWarning(w.code, f"{w.path}: {w.message}") for w in scenario.warnings()]
    warnings += _run_warnings(scenario, summary)
    estimates, verdict = warmup_check(scenario, results, warmup_kpis)
    if verdict == "contradicts":
        longer = max(
            e.warmup_h for e in estimates if e.verdict(scenario.run.warmup_h) == "contradicts"
        )
        warnings.append(RunWarning(
            "warmup_too_short",
            f"MSER-5 asks for a warm-up of {format_number(longer)} h, the run used "
            f"{scenario.run.warmup_h:g} h: early, unsettled trucks are counted",
        ))  # fmt: skip
    unsettled = [e.kpi for e in estimates if e.verdict(scenario.run.warmup_h) == "undetermined"]
    if unsettled:
        warnings.append(RunWarning(
            "warmup_undetermined",
            f"MSER-5 finds no warm-up within the {scenario.run.horizon_h:g} h horizon for "
            f"{', '.join(unsettled)}: these series have not settled (they trend, or the run "
            "is too short); read their KPIs as averages over a system still changing",
        ))  # fmt: skip
    if precision is not None and not precision.reached:
        worst = ", ".join(
            f"{k} ±{iv.relative_half_width:.1%}" for k, iv in precision.intervals.items()
        )
        warnings.append(RunWarning(
            "precision_not_reached",
            f"relative half-width {precision.precision:.0%} not reached within "
            f"{precision.max_replications} replications ({worst})",
        ))  # fmt: skip
    for k in PRECISION_KPIS:
        summary.setdefault(k, summarise_kpi(results, k))
    return Assessment(scenario, list(results), summary, estimates, verdict, precision, warnings)
