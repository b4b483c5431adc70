"""Paired replications on common random numbers, and the interval of their difference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ftz_spec import Scenario
from tests.twin.helpers import variant
from twin.experiment import run_experiment
from twin.stats import Interval, mean_ci


def runs(scenario: Scenario, reps: int) -> list[dict[str, float]]:
    """KPIs of replications 0..reps-1 (the same trucks in every scenario of a pair)."""
    return [r.kpis for r in run_experiment(scenario, reps, workers=1)]


def difference(a: Sequence[dict[str, float]], b: Sequence[dict[str, float]], key: str) -> Interval:
    """Mean of ``b[key] - a[key]`` over paired replications, with its 95 % interval."""
    return mean_ci([y[key] - x[key] for x, y in zip(a, b, strict=True)])


def excludes_zero(iv: Interval) -> bool:
    """Whether the interval lies wholly on one side of zero."""
    return iv.low > 0 or iv.high < 0


def pair_variant(name: str, horizon_h: float, warmup_h: float, **overrides: Any) -> Scenario:
    """A shortened shipped scenario (see :func:`tests.twin.helpers.variant`)."""
    return variant(name, horizon_h=horizon_h, warmup_h=warmup_h, **overrides)
