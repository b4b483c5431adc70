"""Small helpers shared by the benchmark modules.

A benchmark module ``benchmarks/bench_<area>.py`` defines ``run() -> list[Result]``.
Figures are reported as rates and, wherever a reference can be measured in the same
run, as a ratio to it: the machine is shared and noisy, ratios travel better than
absolute numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    """One measured figure.

    Attributes:
        name: What was measured, e.g. ``risk.assess_per_s``.
        value: The figure.
        unit: Its unit, e.g. ``1/s`` or ``ms``.
        target: The figure the issue asks for, if any.
        higher_is_better: Direction of ``target``.
        note: Anything a reader needs (reference used, sizes).
        extra: Further numbers (ratios, percentiles).
    """

    name: str
    value: float
    unit: str
    target: float | None = None
    higher_is_better: bool = True
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["meets_target"] = self.meets_target
        return d


def best_rate(fn: Callable[[], int], repeats: int = 5) -> float:
    """Run ``fn`` (which returns how many operations it did) and return the best ops/s."""
    best = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = fn()
        dt = time.perf_counter() - t0
        best = max(best, n / dt if dt > 0 else float("inf"))
    return best


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0–100) of ``values`` by nearest rank."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return s[k]
