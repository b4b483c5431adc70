"""Compliance measurement from the random stratum (随机布控 as a survey).

Random-control selections are a probability sample within each credit class, so the
share of violations they find estimates each class's true non-compliance rate without
the selection bias of risk-targeted inspections; weighting by each class's volume gives
the overall rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.risk.model import CreditClass

__all__ = ["ComplianceEstimate", "ComplianceMeter"]

_Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class ComplianceEstimate:
    """Estimated non-compliance rate of one credit class, or of all.

    Attributes:
        assessed: Declarations assessed.
        sampled: Random-stratum declarations with an inspection result.
        violations: Violations found among them.
        rate: Estimated non-compliance rate (NaN without a sample).
        low: Lower bound of the 95 % Wilson interval.
        high: Upper bound of the 95 % Wilson interval.
    """

    assessed: int
    sampled: int
    violations: int
    rate: float
    low: float
    high: float


def _wilson(k: int, n: int) -> tuple[float, float, float]:
    if n == 0:
        return math.nan, 0.0, 1.0
    p = k / n
    z2 = _Z95 * _Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


class ComplianceMeter:
    """Counts per credit class: assessed, random-stratum results and violations."""

    def __init__(self) -> None:
        """Start with zero counts."""
        self._assessed = dict.fromkeys(CreditClass, 0)
        self._sampled = dict.fromkeys(CreditClass, 0)
        self._violations = dict.fromkeys(CreditClass, 0)

    def count_assessed(self, credit_class: CreditClass) -> None:
        """Count one assessed declaration."""
        self._assessed[credit_class] += 1

    def count_result(self, credit_class: CreditClass, violation: bool) -> None:
        """Count one random-stratum inspection result."""
        self._sampled[credit_class] += 1
        self._violations[credit_class] += violation

    def by_class(self) -> dict[CreditClass, ComplianceEstimate]:
        """Return the estimate of every credit class."""
        out = {}
        for c in CreditClass:
            rate, low, high = _wilson(self._violations[c], self._sampled[c])
            out[c] = ComplianceEstimate(
                self._assessed[c], self._sampled[c], self._violations[c], rate, low, high
            )
        return out

    def overall(self) -> ComplianceEstimate:
        """Return the volume-weighted estimate over the classes that have a sample.

        The interval combines the classes' Wilson half-widths in quadrature, weighted by
        volume: a normal approximation, good once each class has a few dozen results.
        """
        per = [e for e in self.by_class().values() if e.sampled and e.assessed]
        assessed = sum(e.assessed for e in per)
        if not assessed:
            return ComplianceEstimate(sum(self._assessed.values()), 0, 0, math.nan, 0.0, 1.0)
        rate = sum(e.assessed * e.rate for e in per) / assessed
        half = math.sqrt(sum((e.assessed / assessed * (e.high - e.low) / 2) ** 2 for e in per))
        return ComplianceEstimate(
            sum(self._assessed.values()),
            sum(e.sampled for e in per),
            sum(e.violations for e in per),
            rate,
            max(0.0, rate - half),
            min(1.0, rate + half),
        )
