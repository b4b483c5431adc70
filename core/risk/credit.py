"""The credit-class rule (企业信用管理) as a constraint on the total inspection rate.

China's customs credit measures bound each class's *average inspection rate* — every
declaration whose goods are scanned or opened, whatever selected it — against the
general-credit (一般信用) average: advanced-certified (高级认证) at most 20 %, general-
certified (一般认证) at most 50 %, and dishonest (失信) enterprises at least 80 %.
Random control alone cannot keep those bounds: criteria and top-up follow the goods, so
a certified enterprise shipping risky goods would be inspected far more often.

:class:`CreditBalance` keeps running counts per period and answers, for each decision,
whether one more inspection of a certified class still fits its budget
(``inspected + 1 ≤ target × (assessed + 1)``) and whether a dishonest declaration must be
inspected to keep the floor (with a margin above it, as under the ceilings). The
reference rate is the general-credit rate of the period so far, blended with the
previous period's (or, at the start, the general-credit random-control rate, a lower
bound) so that a period's first hours do not swing the budget. Memory is fixed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.risk.errors import PolicyError
from core.risk.model import CreditClass

__all__ = ["STATUTORY_CEILINGS", "CreditBalance", "CreditRule"]

_DAY_S = 86_400.0

STATUTORY_CEILINGS: Mapping[CreditClass, float] = MappingProxyType(
    {CreditClass.ADVANCED_CERTIFIED: 0.2, CreditClass.GENERAL_CERTIFIED: 0.5}
)
_NAMES = {
    CreditClass.ADVANCED_CERTIFIED: "高级认证",
    CreditClass.GENERAL_CERTIFIED: "一般认证",
    CreditClass.GENERAL_CREDIT: "一般信用",
    CreditClass.DISHONEST: "失信",
}


@dataclass(frozen=True, slots=True)
class CreditRule:
    """Bounds on each credit class's average inspection rate, kept per period.

    Attributes:
        enforce: Whether the engine balances selections to keep the bounds (off only
            for what-if runs and test fixtures that must select nothing).
        ceilings: Class → highest average inspection rate as a share of the
            general-credit average (statutory: advanced 0.2, general-certified 0.5).
        dishonest_floor: Lowest average inspection rate of dishonest enterprises.
        period_s: Length of a balancing period in seconds (default one day).
        margin: Share kept free under each ceiling, in [0, 0.5), because the
            general-credit average still moves after a decision is taken; above the
            dishonest floor the same share of the room up to 1 is kept (0.8 → 0.82),
            because the rule is read over any stretch of time, not only from the
            start of a balancing period, and a class held exactly at its floor
            falls under it in every stretch that starts after a lucky hour.
        prior_declarations: Pseudo-declarations behind the reference rate carried
            from the previous period (or the policy's expectation at the start).
    """

    enforce: bool = True
    ceilings: Mapping[CreditClass, float] = field(default_factory=lambda: STATUTORY_CEILINGS)
    dishonest_floor: float = 0.8
    period_s: float = _DAY_S
    margin: float = 0.1
    prior_declarations: float = 100.0

    def __post_init__(self) -> None:
        """Validate the rule.

        Raises:
            PolicyError: A ceiling outside [0, 1] or set for general credit or dishonest,
                advanced above general-certified, a floor outside [0, 1], a
                non-positive period or prior, or a margin outside [0, 0.5).
        """
        for cls, x in self.ceilings.items():
            if cls in (CreditClass.GENERAL_CREDIT, CreditClass.DISHONEST):
                raise PolicyError(f"credit_rule.ceilings.{cls.value}: only certified classes")
            if not 0.0 <= x <= 1.0:
                raise PolicyError(f"credit_rule.ceilings.{cls.value}: {x:g} outside [0, 1]")
        adv = self.ceilings.get(CreditClass.ADVANCED_CERTIFIED, 1.0)
        gen = self.ceilings.get(CreditClass.GENERAL_CERTIFIED, 1.0)
        if adv > gen:
            raise PolicyError(
                f"credit_rule.ceilings: advanced_certified {adv:g} above general_certified "
                f"{gen:g} would penalise the better class"
            )
        if not 0.0 <= self.dishonest_floor <= 1.0:
            raise PolicyError(
                f"credit_rule.dishonest_floor: {self.dishonest_floor:g} outside [0, 1]"
            )
        if not self.period_s > 0 or not self.prior_declarations > 0:
            raise PolicyError(
                f"credit_rule: period_s {self.period_s:g} and prior_declarations "
                f"{self.prior_declarations:g} must be > 0"
            )
        if not 0.0 <= self.margin < 0.5:
            raise PolicyError(f"credit_rule.margin: {self.margin:g} outside [0, 0.5)")

    def check_random(self, ratios: Mapping[CreditClass, float], dishonest_rate: float) -> None:
        """Refuse random-control rates that the rule cannot meet.

        Random draws within the statutory minimum share are never demoted, and a random
        ratio above the ceiling is the policy's own intent contradicting the rule: both
        are refused rather than silently balanced away.

        Args:
            ratios: Class → random rate as a share of the general-credit random rate
                (a class not given counts 1.0).
            dishonest_rate: Random rate of dishonest enterprises.

        Raises:
            PolicyError: Naming the class, its ratio and the bound, e.g.
                ``random.ratios.advanced_certified: 0.9 above the credit rule's ceiling
                0.2 (高级认证 ≤ 0.2 × 一般信用)``.
        """
        if not self.enforce:
            return
        for cls, ceiling in self.ceilings.items():
            ratio = ratios.get(cls, 1.0)
            if ratio > ceiling + 1e-12:
                raise PolicyError(
                    f"random.ratios.{cls.value}: {ratio:g} above the credit rule's ceiling "
                    f"{ceiling:g} ({_NAMES[cls]} ≤ {ceiling:g} × 一般信用): the random rates "
                    "alone would break the rule"
                )
        if dishonest_rate < self.dishonest_floor - 1e-12:
            raise PolicyError(
                f"random.dishonest_rate: {dishonest_rate:g} below the credit rule's floor "
                f"{self.dishonest_floor:g} ({_NAMES[CreditClass.DISHONEST]} ≥ "
                f"{self.dishonest_floor:g})"
            )


class CreditBalance:
    """Running per-period counts and the rule's answer for the next decision."""

    __slots__ = ("_k", "_kp", "_n", "_period", "_ref_prior", "rule")

    def __init__(self, rule: CreditRule, expected_general_rate: float) -> None:
        """Start the first period.

        Args:
            rule: The credit rule.
            expected_general_rate: The general-credit inspection rate to assume before
                any declaration is seen; a lower bound (the random-control rate) keeps
                the first hours within the bounds.
        """
        self.rule = rule
        self._period = 0
        self._n = dict.fromkeys(CreditClass, 0)
        self._k = dict.fromkeys(CreditClass, 0)
        self._kp = dict.fromkeys(CreditClass, 0)  # of which within the random minimum
        self._ref_prior = min(max(expected_general_rate, 0.0), 1.0)

    def _roll(self, now: float) -> None:
        period = int(now // self.rule.period_s) if math.isfinite(now) else self._period
        if period > self._period:
            self._ref_prior = self.reference()
            self._period = period
            self._n = dict.fromkeys(CreditClass, 0)
            self._k = dict.fromkeys(CreditClass, 0)
            self._kp = dict.fromkeys(CreditClass, 0)

    def reference(self) -> float:
        """Return the general-credit average inspection rate the ceilings are taken of."""
        gc = CreditClass.GENERAL_CREDIT
        m = self.rule.prior_declarations
        return (self._k[gc] + self._ref_prior * m) / (self._n[gc] + m)

    def allows_inspection(
        self, credit_class: CreditClass, now: float, reserve: bool = True, protected: float = 0.0
    ) -> bool:
        """Whether one more inspection of ``credit_class`` keeps it under its ceiling.

        Args:
            credit_class: The class of the declaration.
            now: Current time in seconds.
            reserve: Keep the whole ``margin`` free (goods-driven selections do); without
                it, half the margin is kept (analysts' targeted controls and random draws
                above the minimum), as the reference may still fall.
            protected: The class's statutory random minimum rate, which no balancing may
                touch: the budget counts its expected draws, not the ones that came, so
                the minimum's luck does not starve or flood the rest.
        """
        self._roll(now)
        ceiling = self.rule.ceilings.get(credit_class)
        if ceiling is None:
            return True
        margin = self.rule.margin if reserve else self.rule.margin / 2
        target = ceiling * (1.0 - margin) * self.reference()
        n1 = self._n[credit_class] + 1
        others = self._k[credit_class] - self._kp[credit_class]
        return others + 1 + protected * n1 <= target * n1

    def floor_target(self) -> float:
        """Return the dishonest rate the balance aims at: the floor plus its margin."""
        floor = self.rule.dishonest_floor
        return floor + self.rule.margin * (1.0 - floor)

    def requires_inspection(self, credit_class: CreditClass, now: float) -> bool:
        """Whether a dishonest declaration left uninspected would take the class under its target."""
        self._roll(now)
        if credit_class is not CreditClass.DISHONEST:
            return False
        return self._k[credit_class] < self.floor_target() * (self._n[credit_class] + 1)

    def record(
        self, credit_class: CreditClass, inspected: bool, now: float, protected: bool = False
    ) -> None:
        """Count one decided declaration of ``credit_class``.

        Args:
            credit_class: Its class.
            inspected: Whether its lane scans or opens the goods.
            now: Current time in seconds.
            protected: Whether it is a draw within the statutory random minimum.
        """
        self._roll(now)
        self._n[credit_class] += 1
        self._k[credit_class] += inspected
        self._kp[credit_class] += inspected and protected

    def move(self, credit_class: CreditClass, was: bool, now_inspected: bool) -> None:
        """Count an officer's re-routing of a declaration already counted this period."""
        self._k[credit_class] = max(0, self._k[credit_class] + now_inspected - was)

    def rates(self) -> dict[CreditClass, float]:
        """Return each class's inspection rate in the current period (NaN when none)."""
        return {c: self._k[c] / self._n[c] if self._n[c] else math.nan for c in CreditClass}
