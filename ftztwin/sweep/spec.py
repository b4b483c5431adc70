"""Sweep files: which scenario, which factors, which design, how many replications.

A sweep file is YAML (``safe_load`` only), validated by a frozen model that forbids
unknown keys; every problem names the file, the field path and the bad value, like a
scenario file's. Example (``scenarios/sweeps/yangshan_inspection.yaml``)::

    name: yangshan_inspection
    scenario: ../reform_2014.yaml        # relative to this file
    fixed:                               # set on every point (paths as for factors)
      run.horizon_h: 12
      run.warmup_h: 2
    design: grid                         # or lhs (then samples: n)
    replications: 5
    levers:
      site.staff_pools[id=insp_ys].count: [30, 45, 75]
      levers.h986.yangshan_port: [1, 2]
    uncertainties:
      uncertainties.traffic_scale: {low: 0.8, high: 1.2, levels: 3}
    outputs:                             # KPIs in the table (default: all)
      - clearance_time_min_p95
      - utilisation[role=inspection]     # in a [flow, list] such names need quotes

A factor is a list of levels or a range ``{low, high}`` with ``levels: n`` for a grid
and ``integer: true`` for headcounts.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, NonNegativeInt, PositiveInt, ValidationError, model_validator

from ftz_spec import Scenario, digest, load_scenario, parse_scenario
from ftz_spec.base import FieldPathError, Ident, Model
from ftz_spec.bounded_yaml import YamlLimitError, load_yaml_file, show, show_text
from ftz_spec.errors import ScenarioError
from ftz_spec.loader import describe_validation_error
from ftz_spec.models import MAX_REPLICATIONS
from ftztwin.sweep.design import Factor, Point, full_grid, latin_hypercube
from ftztwin.sweep.errors import SweepError
from ftztwin.sweep.paths import PathSyntaxError, apply, parse_path

__all__ = [
    "DEFAULT_MAX_POINTS",
    "ResolvedPoint",
    "SweepSpec",
    "load_sweep",
    "point_key",
    "resolve_points",
]

# Points a sweep may have unless --max-points says more. Every point is a validated
# scenario held in memory before anything runs, and runs its replications: a thousand
# points of five replications is already days of work on a workstation.
DEFAULT_MAX_POINTS = 1_000

_SCALAR = (bool, int, float, str)


def _factor(group: str, path: str, value: Any) -> Factor:
    where = (group, path)
    try:
        parse_path(path)
    except PathSyntaxError as exc:
        raise FieldPathError(where, path, str(exc)) from None
    if isinstance(value, list):
        if not value or not all(isinstance(v, _SCALAR) for v in value):
            raise FieldPathError(where, value, "expected a non-empty list of plain values")
        return Factor(path, group, levels=tuple(value))
    if not isinstance(value, dict) or not {"low", "high"} <= set(value):
        raise FieldPathError(where, value, "expected a list of levels or {low, high}")
    extra = set(value) - {"low", "high", "levels", "integer"}
    if extra:
        raise FieldPathError((*where, sorted(extra)[0]), value, "unknown key")
    low, high, steps = value["low"], value["high"], value.get("levels")
    numbers_ok = all(
        isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
        for x in (low, high)
    )
    if not numbers_ok or low > high:
        raise FieldPathError(where, value, "low and high must be finite numbers with low <= high")
    if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool) or steps < 1):
        raise FieldPathError((*where, "levels"), steps, "expected a whole number >= 1")
    integer = value.get("integer", False)
    if not isinstance(integer, bool):
        raise FieldPathError((*where, "integer"), integer, "expected true or false")
    return Factor(path, group, low=float(low), high=float(high), steps=steps, integer=integer)


class SweepSpec(Model):
    """A validated sweep file."""

    name: Ident
    description: str = ""
    scenario: str = Field(description="Scenario file, relative to the sweep file")
    design: Literal["grid", "lhs"] = "grid"
    samples: PositiveInt | None = Field(default=None, description="Points of a Latin hypercube")
    seed: NonNegativeInt = Field(default=0, description="Seed of the Latin hypercube's sampling")
    replications: PositiveInt = Field(default=5, le=MAX_REPLICATIONS)
    fixed: dict[str, Any] = Field(default_factory=dict, description="path: value on every point")
    levers: dict[str, Any] = Field(default_factory=dict)
    uncertainties: dict[str, Any] = Field(default_factory=dict)
    outputs: tuple[str, ...] = Field(default=(), description="KPIs in the table; () = all")

    @model_validator(mode="after")
    def _factors_valid(self) -> SweepSpec:
        for path in self.fixed:
            try:
                parse_path(path)
            except PathSyntaxError as exc:
                raise FieldPathError(("fixed", path), path, str(exc)) from None
        factors = self.factors()
        if not factors:
            raise FieldPathError(("levers",), {}, "a sweep needs at least one factor")
        if set(self.levers) & set(self.uncertainties):
            both = sorted(set(self.levers) & set(self.uncertainties))[0]
            raise FieldPathError(("uncertainties", both), both, "factor also listed in levers")
        if self.design == "lhs" and self.samples is None:
            raise FieldPathError(("samples",), None, "a Latin hypercube needs samples: n")
        if self.design == "grid":
            for f in factors:
                if f.levels is None and f.steps is None:
                    raise FieldPathError(
                        (f.group, f.path), None, "a range in a grid needs levels: n"
                    )
        return self

    def factors(self) -> list[Factor]:
        """Levers first, then uncertainties, each in file order."""
        return [_factor("levers", p, v) for p, v in self.levers.items()] + [
            _factor("uncertainties", p, v) for p, v in self.uncertainties.items()
        ]

    def size(self) -> int:
        """The number of design points, computed without building any of them."""
        if self.design == "lhs":
            assert self.samples is not None
            return self.samples
        # Stops multiplying once past any limit: a 1,000 x 1,000 x ... grid is refused
        # by the count alone, never enumerated.
        n = 1
        for f in self.factors():
            n *= len(f.levels) if f.levels is not None else (f.steps or 1)
            if n > 10**12:
                return n
        return n

    def check_size(self, max_points: int, source: str) -> None:
        """Refuse a design of more than ``max_points`` points before anything is built.

        Raises:
            SweepError: The design is larger.
        """
        n = self.size()
        if n > max_points:
            what = "samples" if self.design == "lhs" else "design"
            shown = f"{n:,}" if n <= 10**12 else "more than 10^12"
            raise SweepError(
                source,
                [
                    f"{what}: {shown} points, over the limit of {max_points:,} "
                    "(raise it with --max-points N)"
                ],
            )

    def points(self) -> list[Point]:
        """The design's points, in design order."""
        if self.design == "grid":
            return full_grid(self.factors())
        assert self.samples is not None
        return latin_hypercube(self.factors(), self.samples, self.seed)


def load_sweep(
    path: str | Path, max_points: int = DEFAULT_MAX_POINTS
) -> tuple[SweepSpec, Scenario]:
    """Read and validate the sweep file at ``path`` and load its scenario.

    The size of the design is checked before any point is built.

    Raises:
        SweepError: The sweep file is missing, malformed, past a limit of
            :mod:`ftz_spec.bounded_yaml`, invalid, or its design has more than
            ``max_points`` points.
        ScenarioError: Its scenario file is.
    """
    path = Path(path)
    where = str(path)
    try:
        data = load_yaml_file(path)
    except FileNotFoundError:
        raise SweepError(where, ["file not found"]) from None
    except YamlLimitError as exc:
        raise SweepError(where, [exc.problem]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SweepError(where, [f"cannot read file: {show_text(str(exc))}"]) from None
    if not isinstance(data, dict):
        raise SweepError(where, [f"(top level): expected a mapping, got {type(data).__name__}"])
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise SweepError(where, [describe_validation_error(e) for e in exc.errors()]) from None
    spec.check_size(max_points, where)
    return spec, load_scenario(path.parent / spec.scenario)


def point_key(scenario: Scenario, replications: int) -> str:
    """The key of a point: a digest of its resolved scenario and its replication count."""
    text = f"{digest(scenario)}\nreplications={replications}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class ResolvedPoint:
    """A design point with its resolved scenario and key."""

    index: int
    key: str
    values: dict[str, Any]
    scenario: Scenario


def resolve_points(
    spec: SweepSpec, base: Scenario, source: str, seed: int | None = None
) -> list[ResolvedPoint]:
    """Build and validate every point's scenario before anything runs.

    Points whose scenarios coincide (a Latin hypercube over few levels) are kept once.

    Raises:
        SweepError: A path leads nowhere, or a point's scenario does not validate.
    """
    data = base.model_dump(mode="json")
    fixed = dict(spec.fixed)
    if seed is not None:
        fixed["run.seed"] = seed
    out: list[ResolvedPoint] = []
    seen: set[str] = set()
    for i, values in enumerate(spec.points()):
        label = show_text(", ".join(f"{p}={show(v)}" for p, v in values.items()))
        try:
            scenario = parse_scenario(apply(data, {**fixed, **values}), base.name)
        except PathSyntaxError as exc:
            raise SweepError(source, [f"point {i} ({label}): {exc}"]) from None
        except ScenarioError as exc:
            raise SweepError(source, [f"point {i} ({label}): {p}" for p in exc.problems]) from None
        key = point_key(scenario, spec.replications)
        if key not in seen:
            seen.add(key)
            out.append(ResolvedPoint(index=i, key=key, values=values, scenario=scenario))
    return out
