"""Experimental designs over factors: the full grid and the Latin hypercube.

A factor is a field of the scenario (named by a path, see :mod:`ftztwin.sweep.paths`)
with either a list of levels or a numeric range. A *point* is one setting of every
factor: ``{path: value}``.

* Full grid: every combination of levels (a range needs ``levels: n``, evenly spaced);
  the number of points is the product of the numbers of levels.
* Latin hypercube with ``n`` samples: each factor's range is cut into ``n`` equal strata
  and every stratum is used by exactly one point; which strata of different factors
  meet is random (seeded). A list of levels is sampled through its index, so each level
  is used ``n / k`` times (± 1).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Factor", "Point", "full_grid", "latin_hypercube", "lhs_unit"]

Point = dict[str, Any]


@dataclass(frozen=True)
class Factor:
    """One factor: a path and either ``levels`` or a range ``low``..``high``.

    Attributes:
        path: Where the value goes in the scenario, e.g. ``uncertainties.traffic_scale``.
        group: ``levers`` (chosen) or ``uncertainties`` (not controlled).
        levels: Discrete values, or None for a range.
        low: Lower end of the range.
        high: Upper end of the range.
        steps: Evenly spaced levels of the range in a full grid (None: not given).
        integer: Round sampled values to whole numbers (headcounts, scanners).
    """

    path: str
    group: str = "levers"
    levels: tuple[Any, ...] | None = None
    low: float = 0.0
    high: float = 1.0
    steps: int | None = None
    integer: bool = False

    def grid_levels(self) -> tuple[Any, ...]:
        """The factor's levels in a full grid (a range needs ``steps``)."""
        if self.levels is not None:
            return self.levels
        if self.steps is None:
            raise ValueError(f"range factor {self.path} needs 'levels: n' in a grid")
        values = np.linspace(self.low, self.high, self.steps) if self.steps > 1 else [self.low]
        return tuple(self._cast(float(v)) for v in values)

    def at(self, u: float) -> Any:
        """The factor's value at ``u`` in [0, 1): a position in its range or its levels."""
        if self.levels is not None:
            return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]
        return self._cast(self.low + u * (self.high - self.low))

    def _cast(self, value: float) -> Any:
        # Rounded to 12 significant digits so 0.1 + 0.2 style noise never reaches a CSV.
        return round(value) if self.integer else float(f"{value:.12g}")


def full_grid(factors: list[Factor]) -> list[Point]:
    """Every combination of the factors' levels, the last factor varying fastest."""
    levels = [f.grid_levels() for f in factors]
    return [
        {f.path: v for f, v in zip(factors, combo, strict=True)}
        for combo in itertools.product(*levels)
    ]


def lhs_unit(n: int, k: int, seed: int) -> np.ndarray:
    """A Latin hypercube of ``n`` points in ``[0, 1)^k``: column j hits each stratum once.

    Each column has its own stream (``[seed, j]``), so adding a factor never changes
    the values drawn for the ones before it.
    """
    out = np.empty((n, k))
    for j in range(k):
        rng = np.random.default_rng([seed, j])
        strata = rng.permutation(n)
        out[:, j] = (strata + rng.random(n)) / n
    return out


def latin_hypercube(factors: list[Factor], n: int, seed: int) -> list[Point]:
    """``n`` points of a Latin hypercube over ``factors`` (reproducible for ``seed``)."""
    unit = lhs_unit(n, len(factors), seed)
    # A list of levels is read at stratum centres: a random spot inside a stratum that
    # straddles two levels would unbalance how often each level is used.
    centres = (np.floor(unit * n) + 0.5) / n
    return [
        {
            f.path: f.at(float((unit if f.levels is None else centres)[i, j]))
            for j, f in enumerate(factors)
        }
        for i in range(n)
    ]
