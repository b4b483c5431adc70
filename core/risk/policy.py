"""Tunable rules of the risk engine: lanes, random control, learning, credit, capacity.

Defaults follow the anchors named in the issue: ASYCUDA's selectivity (expected rate per
lane filled red → yellow → blue, criteria with a selection rate and a cap on hits without
selection) and China's credit-class rules (企业信用管理): the average inspection rate of
advanced-certified enterprises ≤ 20 % and of general-certified ≤ 50 % of the
general-credit average; dishonest enterprises ≥ 80 % — kept on the total rate by
:mod:`core.risk.credit`, and checked against random control here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.risk.capacity import CapacityPolicy
from core.risk.credit import CreditRule
from core.risk.errors import PolicyError
from core.risk.model import INSPECTION_LANES, CreditClass, Direction, Lane

__all__ = [
    "FILL_ORDER",
    "LanePlan",
    "LearningPolicy",
    "RandomControlPolicy",
    "RiskPolicy",
]

# ASYCUDA fills red first, then yellow, then blue; the scan lane sits between red and yellow.
FILL_ORDER: tuple[Lane, ...] = (Lane.PHYSICAL, Lane.SCAN, Lane.DOCUMENTARY, Lane.POST_AUDIT)
_DAY_S = 86_400.0


def _check_unit(where: str, x: float) -> None:
    if not 0.0 <= x <= 1.0:
        raise PolicyError(f"{where}: {x:g} outside [0, 1]")


@dataclass(frozen=True, slots=True)
class LanePlan:
    """Expected lane rates and selection criteria for one zone and direction.

    Attributes:
        expected_rates: Lane → share of declarations it should take, matched to the
            examination capacity (e.g. physical 0.03 = 3 %). Sums to ≤ 1.
        criteria: Lane → score (estimated violation probability) at or above which a
            declaration hits the lane's criterion.
        criteria_selection_rate: Share of criteria hits actually selected (ASYCUDA's
            criterion percentage), in [0, 1].
        max_hits_without_selection: After this many consecutive unselected hits of a
            lane's criterion the next hit is selected, so a low percentage never means
            "never".
        capacity_factor: A criteria hit is re-routed to the next lane once its lane runs
            above ``expected rate × capacity_factor`` (≥ 1).
        top_up_pool_factor: Top-up considers the riskiest ``expected rate × factor`` of
            recent declarations, so targeted and random selections that already used
            part of the capacity do not leave the lane under-filled (≥ 1).
        top_up: Whether to fill lanes up to their expected rates at all; without it,
            only controls, criteria and random control select, and expected rates act as
            capacity ceilings for criteria.
    """

    expected_rates: Mapping[Lane, float] = field(
        default_factory=lambda: {
            Lane.PHYSICAL: 0.03,
            Lane.SCAN: 0.05,
            Lane.DOCUMENTARY: 0.10,
            Lane.POST_AUDIT: 0.05,
        }
    )
    criteria: Mapping[Lane, float] = field(
        default_factory=lambda: {Lane.PHYSICAL: 0.5, Lane.SCAN: 0.3, Lane.DOCUMENTARY: 0.15}
    )
    criteria_selection_rate: float = 1.0
    max_hits_without_selection: int = 10
    capacity_factor: float = 1.5
    top_up_pool_factor: float = 1.25
    top_up: bool = True

    def __post_init__(self) -> None:
        """Validate the plan.

        Raises:
            PolicyError: A rate or threshold outside [0, 1], rates summing above 1, a
                rate for automatic release, or a factor below 1.
        """
        for lane, rate in self.expected_rates.items():
            if lane is Lane.AUTO_RELEASE:
                raise PolicyError("expected_rates.auto_release: the remainder; do not set it")
            _check_unit(f"expected_rates.{lane.label}", rate)
        if sum(self.expected_rates.values()) > 1.0 + 1e-9:
            raise PolicyError(f"expected_rates: sum {sum(self.expected_rates.values()):g} > 1")
        for lane, threshold in self.criteria.items():
            _check_unit(f"criteria.{lane.label}", threshold)
        _check_unit("criteria_selection_rate", self.criteria_selection_rate)
        if self.max_hits_without_selection < 1:
            raise PolicyError(f"max_hits_without_selection: {self.max_hits_without_selection} < 1")
        for name in ("capacity_factor", "top_up_pool_factor"):
            if getattr(self, name) < 1.0:
                raise PolicyError(f"{name}: {getattr(self, name):g} < 1")


_DEFAULT_RATIOS = MappingProxyType(
    {
        CreditClass.ADVANCED_CERTIFIED: 0.2,
        CreditClass.GENERAL_CERTIFIED: 0.5,
        CreditClass.GENERAL_CREDIT: 1.0,
    }
)


@dataclass(frozen=True, slots=True)
class RandomControlPolicy:
    """Random control (随机布控) by enterprise credit class (企业信用等级).

    Attributes:
        general_credit_rate: Random-control rate of general-credit enterprises.
        ratios: Credit class → rate as a share of ``general_credit_rate`` (advanced
            ≤ 0.2, general-certified ≤ 0.5 under the credit rules).
        dishonest_rate: Rate for dishonest enterprises (失信企业, ≥ 0.8 under the rules).
        lane: Lane a random selection is sent to.
        minimum_share: Share of each class's rate that is the statutory minimum: a draw
            below ``rate × minimum_share`` is never deferred by capacity-aware
            selection; draws above it may be when inspection is saturated.
    """

    general_credit_rate: float = 0.03
    ratios: Mapping[CreditClass, float] = field(default_factory=lambda: _DEFAULT_RATIOS)
    dishonest_rate: float = 0.8
    lane: Lane = Lane.PHYSICAL
    minimum_share: float = 0.5

    def __post_init__(self) -> None:
        """Validate the rates.

        Raises:
            PolicyError: A rate outside [0, 1], or a better credit class given a higher
                ratio than a worse one (the rules must never penalise good credit).
        """
        _check_unit("random.general_credit_rate", self.general_credit_rate)
        _check_unit("random.dishonest_rate", self.dishonest_rate)
        _check_unit("random.minimum_share", self.minimum_share)
        for cls, ratio in self.ratios.items():
            _check_unit(f"random.ratios.{cls.value}", ratio)
        adv = self.ratios.get(CreditClass.ADVANCED_CERTIFIED, 0.2)
        gen = self.ratios.get(CreditClass.GENERAL_CERTIFIED, 0.5)
        if not adv <= gen <= 1.0:
            raise PolicyError(
                f"random.ratios: advanced_certified {adv:g} ≤ general_certified {gen:g} ≤ 1 "
                "is required"
            )

    def rate(self, credit_class: CreditClass) -> float:
        """Return the random-control rate for ``credit_class``."""
        if credit_class is CreditClass.DISHONEST:
            return self.dishonest_rate
        return self.general_credit_rate * self.ratios.get(credit_class, 1.0)


@dataclass(frozen=True, slots=True)
class LearningPolicy:
    """How inspection results feed the table (闭合管理回路).

    Attributes:
        half_life_s: Age in seconds at which a result weighs half (default 90 days).
        max_learned_values: Bound on attribute values learned beyond the table's own.
        random_stratum_only: Learn only from random-control results: unbiased but slow;
            the default learns from every result, as targeting research does, and keeps
            the random share for exploration and compliance measurement.
    """

    half_life_s: float = 90 * _DAY_S
    max_learned_values: int = 200_000
    random_stratum_only: bool = False

    def __post_init__(self) -> None:
        """Validate the settings.

        Raises:
            PolicyError: A non-positive half-life or bound.
        """
        if not self.half_life_s > 0:
            raise PolicyError(f"learning.half_life_s: {self.half_life_s:g} must be > 0")
        if self.max_learned_values < 0:
            raise PolicyError(f"learning.max_learned_values: {self.max_learned_values} < 0")


@dataclass(frozen=True, slots=True)
class RiskPolicy:
    """Every tunable rule of the engine.

    Attributes:
        default_plan: Lane plan where no specific plan is set.
        plans: ``(zone, direction)`` → plan; zone ``"*"`` matches every zone.
        random: Random-control rules.
        learning: Closed-loop learning rules.
        credit_rule: Bounds on each credit class's total inspection rate, kept by
            balancing selections; random rates it can never meet are refused.
        capacity: Capacity-aware selection (off by default: selection is then a
            function of the declarations alone).
        rate_horizon: Declarations over which running lane rates are averaged
            (exponentially weighted) per zone and direction.
        score_window: Recent scores kept per zone and direction for top-up thresholds.
        recalibrate_every: Declarations between two recomputations of the thresholds.
    """

    default_plan: LanePlan = field(default_factory=LanePlan)
    plans: Mapping[tuple[str, Direction], LanePlan] = field(default_factory=dict)
    random: RandomControlPolicy = field(default_factory=RandomControlPolicy)
    learning: LearningPolicy = field(default_factory=LearningPolicy)
    credit_rule: CreditRule = field(default_factory=CreditRule)
    capacity: CapacityPolicy = field(default_factory=CapacityPolicy)
    rate_horizon: int = 5_000
    score_window: int = 4_096
    recalibrate_every: int = 256

    def __post_init__(self) -> None:
        """Validate the window sizes and that the credit rule can be met.

        Raises:
            PolicyError: A window or horizon below its minimum, or random-control rates
                the credit rule can never meet (naming the class and the ratio).
        """
        if self.rate_horizon < 10 or self.score_window < 32 or self.recalibrate_every < 1:
            raise PolicyError(
                f"rate_horizon {self.rate_horizon} (≥ 10), score_window {self.score_window} "
                f"(≥ 32), recalibrate_every {self.recalibrate_every} (≥ 1)"
            )
        if self.random.lane in INSPECTION_LANES:
            self.credit_rule.check_random(self.random.ratios, self.random.dishonest_rate)

    def least_general_credit_rate(self) -> float:
        """The general-credit inspection rate the policy guarantees: its random-control rate.

        Random draws are never demoted and general credit has no ceiling, so this is a
        lower bound; the credit rule starts from it before any declaration is seen.
        """
        return self.random.general_credit_rate if self.random.lane in INSPECTION_LANES else 0.0

    def plan_for(self, zone: str, direction: Direction) -> LanePlan:
        """Return the lane plan governing ``zone`` and ``direction``."""
        return (
            self.plans.get((zone, direction))
            or self.plans.get(("*", direction))
            or self.default_plan
        )
