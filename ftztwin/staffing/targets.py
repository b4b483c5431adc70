"""Service-level targets (``clearance_time_min_p95<=60``) and the staffing error root."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ftz_spec.errors import UserError
from ftztwin.staffing.target_grammar import TargetSyntaxError, parse_target_text
from twin.stats import Interval

__all__ = [
    "CLEARED_RATIO",
    "GUARD",
    "UNFINISHED_EXCESS",
    "UNFINISHED_GUARD",
    "StaffingError",
    "Target",
    "parse_target",
    "with_guard",
    "with_unfinished_guard",
]

# Trucks stuck behind a pool with nobody on duty never clear, so they never enter the
# clearance-time KPIs: a starved candidate would look fast. Every candidate is therefore
# also held to clear (nearly) as many trucks as the plan's staffing does on the same
# replication (common random numbers make the ratio a paired comparison).
# One truck in a hundred may still be on its way at the horizon; more means a queue that
# never empties. A user target on ``cleared_ratio`` replaces this one.
CLEARED_RATIO = "cleared_ratio"
GUARD = 0.99
# The joint search's guard counts every piece of work left undone at the horizon — cases
# not cleared and officer tasks still queued — beyond what an amply staffed run leaves on
# the same replication, per unit of work arrived: at most 1% more.
UNFINISHED_EXCESS = "unfinished_excess"
UNFINISHED_GUARD = 0.01


class StaffingError(UserError):
    """A staffing request that cannot be met or understood (bad target, unknown pool).

    Attributes:
        source: The argument or file the problem is in.
        problems: One line per problem, naming the bad value.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True)
class Target:
    """A bound on a KPI's mean over replications, e.g. ``clearance_time_min_p95 <= 60``."""

    kpi: str
    op: str  # "<=" or ">="
    value: float

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"

    def decide(self, iv: Interval) -> bool | None:
        """True when the whole 95% CI meets the bound, False when it all misses, else None."""
        if iv.n < 2 or math.isnan(iv.low) or math.isnan(iv.high):
            return None
        if self.op == "<=":
            return True if iv.high <= self.value else False if iv.low > self.value else None
        return True if iv.low >= self.value else False if iv.high < self.value else None


def parse_target(text: str) -> Target:
    """Parse ``KPI<=VALUE`` or ``KPI>=VALUE`` (grammar: :mod:`ftztwin.staffing.target_grammar`).

    Raises:
        StaffingError: The text is not of that form; the message shows where.
    """
    try:
        kpi, op, value = parse_target_text(text)
    except TargetSyntaxError as exc:  # the grammar's message shows where it went wrong
        raise StaffingError("--target", [str(exc)]) from None
    return Target(kpi, op, value)


def with_guard(targets: list[Target]) -> list[Target]:
    """``targets`` plus ``cleared_ratio >= 0.99`` unless they already bound ``cleared_ratio``."""
    if any(t.kpi == CLEARED_RATIO for t in targets):
        return list(targets)
    return [*targets, Target(CLEARED_RATIO, ">=", GUARD)]


def with_unfinished_guard(targets: list[Target]) -> list[Target]:
    """``targets`` plus ``unfinished_excess <= 0.01`` unless they already bound it."""
    if any(t.kpi == UNFINISHED_EXCESS for t in targets):
        return list(targets)
    return [*targets, Target(UNFINISHED_EXCESS, "<=", UNFINISHED_GUARD)]
