"""What the engine returns and what flows back to it: decisions and inspection results."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.risk.kinds import ViolationKind
from core.risk.model import CreditClass, Direction, Lane
from core.risk.scorer import Contribution, FactorKey

__all__ = ["FactorShare", "InspectionResult", "RiskDecision", "SelectionBasis"]


class SelectionBasis(StrEnum):
    """Why a declaration got its lane; the strongest mechanism that fired."""

    TARGETED_CONTROL = "targeted_control"  # 布控指令
    CRITERIA = "criteria"  # score at or above a lane's criterion
    MAX_HITS_CAP = "max_hits_cap"  # criterion hit selected because of the cap
    REROUTED = "rerouted"  # criterion hit moved to another lane by capacity
    RANDOM_CONTROL = "random_control"  # 随机布控
    TOP_UP = "top_up"  # filled to the lane's expected rate, riskiest first
    CREDIT_RULE = "credit_rule"  # 企业信用管理: demoted under a ceiling or raised to the floor
    DEFERRED = "deferred"  # capacity-aware: moved to scan or post-clearance audit by load
    NONE = "none"  # nothing selected: automatic release


@dataclass(frozen=True, slots=True)
class FactorShare:
    """One factor's part in a score.

    Attributes:
        attribute: Attribute name, e.g. ``hs_chapter``.
        value: The declaration's value of it, e.g. ``93``.
        log_odds: Log-odds it adds to the base rate (negative lowers the risk).
        share: ``|log_odds|`` as a share of all factors' ``|log_odds|``, in [0, 1].
    """

    attribute: str
    value: str
    log_odds: float
    share: float


@dataclass(frozen=True, slots=True)
class RiskDecision:
    """The engine's decision on one declaration, with everything an auditor needs.

    Attributes:
        declaration_id: The declaration decided on.
        enterprise_id: Its enterprise.
        credit_class: Credit class applied (general credit for unknown enterprises).
        zone: Zone id.
        direction: Direction of the lane plan applied.
        lane: Lane assigned.
        basis: The mechanism that set the lane.
        score: Estimated violation probability in [0, 1].
        reasons: Every mechanism that fired, in words, e.g.
            ``random_control(随机布控): draw 0.0102 < rate 0.0300 (general_credit)``.
        contributions: ``(attribute, value, log_odds)`` of every factor scored.
        random_draw: The auditable random-control draw in [0, 1).
        random_rate: Random-control rate applied for the credit class.
        in_random_stratum: Whether the draw selected it (whatever else did too), so
            its result measures compliance without bias.
        control_id: The targeted control that selected it, or ``""``.
        time_s: When it was decided, in seconds.
        factor_keys: Attribute values to learn from; all goods lines, not only the
            riskiest.
        suspected_kind: The violation kind the selecting control names or the table's
            tagged factors point to (``""`` when none), so the officer knows what to
            look for.
        deferred_from: The lane a capacity-aware deferral moved it from, or None.
    """

    declaration_id: str
    enterprise_id: str
    credit_class: CreditClass
    zone: str
    direction: Direction
    lane: Lane
    basis: SelectionBasis
    score: float
    reasons: tuple[str, ...]
    contributions: tuple[Contribution, ...]
    random_draw: float
    random_rate: float
    in_random_stratum: bool
    control_id: str
    time_s: float
    factor_keys: tuple[FactorKey, ...]
    suspected_kind: str = ""
    deferred_from: Lane | None = None

    @property
    def explanation(self) -> tuple[FactorShare, ...]:
        """Factors with a non-zero part in the score, largest share first."""
        total = sum(abs(c[2]) for c in self.contributions)
        shares = [
            FactorShare(a, v, x, abs(x) / total) for a, v, x in self.contributions if x != 0.0
        ]
        return tuple(sorted(shares, key=lambda s: -s.share))

    @property
    def inspected(self) -> bool:
        """Whether the lane examines the goods (scan or physical inspection)."""
        return self.lane >= Lane.SCAN


@dataclass(frozen=True, slots=True)
class InspectionResult:
    """An inspection (or audit) outcome fed back into the table (closed loop).

    Attributes:
        decision: The decision that sent the declaration to inspection.
        violation_found: Whether a violation was found.
        kind: Kind of violation found, a :class:`ViolationKind` value; ``""`` when none.
        revenue_at_stake_cny: Duties and taxes at stake in CNY, ≥ 0.
    """

    decision: RiskDecision
    violation_found: bool
    kind: str = ""
    revenue_at_stake_cny: float = 0.0

    @property
    def violation_kind(self) -> ViolationKind | None:
        """The kind found, or None (``kind`` is checked by the engine on feedback)."""
        return ViolationKind(self.kind) if self.kind else None
