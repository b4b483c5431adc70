"""Forecasts from now: replications of the forked twin, intervals hour by hour, what-ifs.

:func:`run_forecast` runs ``replications`` forked replications (:mod:`twin.initial_state`)
of the do-nothing scenario and, with levers, of the action, each replication of the action
on the same random streams as its do-nothing twin (common random numbers), so the paired
difference shows the action's effect rather than the noise. Each row of the result is one
metric, resource and hour with the mean, the median and a 90 % prediction interval over the
replications (``p05``, ``p95``: what that hour will look like; see :func:`_q`) and, for an
action, the paired mean difference.

Levers (``--lever PATH=VALUE``):

* a scenario path of the sweep's syntax, set from now on
  (``site.staff_pools[id=insp_ys].count=+5``: a leading ``+``/``-`` adds to the value);
* ``outage.RESOURCE=HOURS``: ``RESOURCE`` (``<zone>/h986`` or ``<zone>/<gate>``) is out
  of service from now for ``HOURS`` hours (``outage.yangshan_port/h986=2``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import yaml

from ftz_spec import Scenario
from ftz_spec.errors import ScenarioError, UserError
from ftz_spec.loader import parse_scenario
from ftz_spec.paths import PathSyntaxError, get_path, parse_path, set_path
from twin.experiment import worker_pool
from twin.initial_state import Fork, forecast_replication

__all__ = [
    "Forecast",
    "ForecastRow",
    "Lever",
    "LeverError",
    "apply_levers",
    "parse_lever",
    "run_forecast",
]

_OUTAGE = "outage."
_MAX_LEVERS = 32


class LeverError(UserError):
    """A ``--lever`` that cannot be parsed or applied (names the lever and the value)."""


@dataclass(frozen=True)
class Lever:
    """One what-if change: a path and the value it gets (``relative``: added to the current)."""

    path: str
    value: Any
    relative: bool = False

    def __str__(self) -> str:
        return f"{self.path}={'+' if self.relative and self.value >= 0 else ''}{self.value}"


def parse_lever(text: str) -> Lever:
    """Parse ``PATH=VALUE``.

    Raises:
        LeverError: No ``=``, an empty path, or a relative value that is not a number.
    """
    depth, cut = 0, -1
    for i, ch in enumerate(text):  # the first '=' outside a selector ([id=insp_ys])
        depth += (ch == "[") - (ch == "]")
        if ch == "=" and depth == 0:
            cut = i
            break
    sep = cut >= 0
    path, raw = (text[:cut].strip(), text[cut + 1 :].strip()) if sep else (text, "")
    if not sep or not path or not raw:
        raise LeverError(f"--lever: expected PATH=VALUE (got {text!r})")
    relative = raw[0] in "+-" and not path.startswith(_OUTAGE)
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise LeverError(f"--lever {path}: not a value (got {raw!r})") from None
    if relative and not isinstance(value, int | float):
        raise LeverError(f"--lever {path}: a relative change must be a number (got {raw!r})")
    hours = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 168
    if path.startswith(_OUTAGE) and not hours:
        raise LeverError(f"--lever {path}: hours out of service, 0 to 168 (got {raw!r})")
    return Lever(path, value, relative)


def apply_levers(scenario: Scenario, fork: Fork, levers: Sequence[Lever]) -> Scenario:
    """``scenario`` with ``levers`` applied from the fork on.

    Raises:
        LeverError: A path that leads nowhere, an unknown resource, or a value the
            scenario refuses (the scenario's own message, with the lever).
    """
    if len(levers) > _MAX_LEVERS:
        raise LeverError(f"--lever: at most {_MAX_LEVERS} levers (got {len(levers)})")
    data = scenario.model_dump(mode="json")
    start_h = fork.start_s / 3600.0
    resources = {g.ref for g in scenario.site.gates} | {f"{z}/h986" for z in scenario.levers.h986}
    for lever in levers:
        if lever.path.startswith(_OUTAGE):
            res = lever.path.removeprefix(_OUTAGE)
            if res not in resources:
                raise LeverError(
                    f"--lever {lever.path}: unknown resource {res!r} "
                    f"(known: {', '.join(sorted(resources))})"
                )
            window = {"resource": res, "from_h": start_h, "to_h": start_h + float(lever.value)}
            data["uncertainties"]["outages"] = [*data["uncertainties"]["outages"], window]
            continue
        try:
            steps = parse_path(lever.path)
            value = lever.value
            if lever.relative:
                current = get_path(data, steps)
                if isinstance(current, bool) or not isinstance(current, int | float):
                    raise LeverError(
                        f"--lever {lever}: {lever.path} is not a number (got {current!r})"
                    )
                value = type(current)(current + lever.value)
            set_path(data, steps, value)
        except PathSyntaxError as exc:
            raise LeverError(f"--lever {lever.path}: {exc}") from None
    try:
        return parse_scenario(data, f"{scenario.name} with --lever {', '.join(map(str, levers))}")
    except ScenarioError as exc:
        raise LeverError("\n".join(f"--lever: {p}" for p in exc.problems)) from None


@dataclass(frozen=True)
class ForecastRow:
    """One metric at one resource in one hour from now."""

    metric: str
    resource: str
    hour: int
    mean: float
    p05: float
    p50: float
    p95: float
    action_mean: float | None = None
    action_p05: float | None = None
    action_p95: float | None = None
    diff_mean: float | None = None  # action minus do-nothing, paired by replication


@dataclass
class Forecast:
    """Every row of a forecast, and how it was made."""

    scenario: str
    start_s: float
    horizon_h: int
    replications: int
    levers: tuple[str, ...]
    arrival_scale: float
    rows: list[ForecastRow]
    placed: dict[str, int] = field(default_factory=dict)
    per_replication: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)

    def row(self, metric: str, resource: str, hour: int) -> ForecastRow:
        """The row of ``metric`` at ``resource`` in ``hour``.

        Raises:
            KeyError: No such row.
        """
        for r in self.rows:
            if (r.metric, r.resource, r.hour) == (metric, resource, hour):
                return r
        raise KeyError((metric, resource, hour))


def _q(values: list[float]) -> tuple[float, float, float, float]:
    """Mean, the 90 % prediction interval's ends, and the median of ``values``.

    The interval's ends are order statistics: with n replications the j-th smallest and
    largest, j = max(1, floor(0.05 (n + 1))), hold the next replication with probability
    (n + 1 - 2j) / (n + 1) whatever the distribution — at least 90 % from 19 on, 85 % with
    12. Sample quantiles of few replications would be too narrow.
    """
    a = np.sort(np.asarray(values, dtype=float))
    n = len(a)
    j = max(1, math.floor(0.05 * (n + 1)))
    return float(a.mean()), float(a[j - 1]), float(np.median(a)), float(a[n - j])


def run_forecast(
    scenario: Scenario,
    fork: Fork,
    horizon_h: int,
    replications: int,
    levers: Sequence[Lever] = (),
    pipeline_h: float = 2.0,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> Forecast:
    """Forecast ``horizon_h`` hours from ``fork`` over ``replications`` (and the action's).

    With ``workers`` > 1 the replications run on the twin's persistent worker pool
    (:func:`twin.experiment.worker_pool`); each depends only on its scenario, fork and
    index, so the forecast is the same, byte for byte, whatever the number of workers.

    Raises:
        LeverError: A lever cannot be applied.
    """
    action = apply_levers(scenario, fork, levers) if levers else None
    base_runs: list[dict[tuple[str, str, int], float]] = []
    act_runs: list[dict[tuple[str, str, int], float]] = []
    placed: dict[str, int] = {}
    variants = [scenario] if action is None else [scenario, action]
    pool = worker_pool(workers) if workers > 1 and replications * len(variants) > 1 else None
    # On a pool every replication is submitted at once; read back in order, so the
    # progress counts replications done and the rows do not depend on who finished first.
    pending = (
        [[pool.submit(forecast_replication, sc, fork, r, horizon_h, pipeline_h) for sc in variants]
         for r in range(replications)]
        if pool is not None else None
    )  # fmt: skip
    for r in range(replications):
        pair = (
            [f.result() for f in pending[r]]
            if pending is not None
            else [forecast_replication(sc, fork, r, horizon_h, pipeline_h) for sc in variants]
        )
        rows, placed = pair[0]
        base_runs.append(rows)
        if action is not None:
            act_runs.append(pair[1][0])
        if progress is not None:
            progress(r + 1)
    keys = sorted({k for run in base_runs + act_runs for k in run})
    out: list[ForecastRow] = []
    per: dict[tuple[str, str, int], list[float]] = {}
    for key in keys:
        base = [run.get(key, 0.0) for run in base_runs]
        per[key] = base
        mean, lo, mid, hi = _q(base)
        extra: dict[str, Any] = {}
        if act_runs:
            act = [run.get(key, 0.0) for run in act_runs]
            amean, alo, _, ahi = _q(act)
            diff = float(np.mean(np.subtract(act, base)))
            extra = {"action_mean": amean, "action_p05": alo, "action_p95": ahi, "diff_mean": diff}
        out.append(ForecastRow(key[0], key[1], key[2], mean, lo, mid, hi, **extra))
    return Forecast(
        scenario.name,
        fork.start_s,
        horizon_h,
        replications,
        tuple(map(str, levers)),
        fork.arrival_scale,
        out,
        placed,
        per,
    )


def clock_label(t_s: float) -> str:
    """``Tue 14:00`` for a time on the scenario clock (Monday 00:00 is 0)."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    day = int(t_s // 86_400) % 7
    sec = int(t_s % 86_400)
    return f"{days[day]} {sec // 3600:02d}:{sec % 3600 // 60:02d}"


def finite(x: float | None) -> bool:
    """Whether ``x`` is a finite number."""
    return x is not None and math.isfinite(x)
