"""A staffing candidate: every pool's headcount and, where chosen, its explicit shifts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ftz_spec import Scenario, StaffPool, parse_scenario
from ftz_spec.site import Shift

__all__ = ["Staffing", "apply_staffing", "plan_staffing", "with_shifts"]


@dataclass(frozen=True)
class Staffing:
    """Headcount per pool id, plus the shifts of the pools given an explicit roster.

    A pool without an entry in ``shifts`` keeps the roster the base scenario gives it.
    Hashable: the evaluator caches replications by it.
    """

    counts: tuple[tuple[str, int], ...]
    shifts: tuple[tuple[str, tuple[Shift, ...]], ...] = ()

    @classmethod
    def of(
        cls, counts: Mapping[str, int], shifts: Mapping[str, tuple[Shift, ...]] | None = None
    ) -> Staffing:
        """Build from mappings (sorted, so equal staffings compare equal)."""
        return cls(
            tuple(sorted((k, int(v)) for k, v in counts.items())),
            tuple(sorted((shifts or {}).items())),
        )

    @property
    def as_counts(self) -> dict[str, int]:
        """Headcount per pool id."""
        return dict(self.counts)

    @property
    def total(self) -> int:
        """Officers in all pools."""
        return sum(c for _, c in self.counts)

    def shifts_of(self, pool: str) -> tuple[Shift, ...] | None:
        """The explicit shifts this candidate gives ``pool`` (None: the base's roster)."""
        return dict(self.shifts).get(pool)

    def replace(self, pool: str, count: int, shifts: tuple[Shift, ...] | None = None) -> Staffing:
        """This staffing with ``pool`` at ``count`` (and, if given, on ``shifts``)."""
        new_shifts = dict(self.shifts)
        if shifts is not None:
            new_shifts[pool] = shifts
        return Staffing.of({**self.as_counts, pool: count}, new_shifts)


def plan_staffing(base: Scenario) -> Staffing:
    """The scenario's own staffing (the plan)."""
    return Staffing.of({p.id: p.count for p in base.site.staff_pools})


def with_shifts(pool: StaffPool, shifts: tuple[Shift, ...]) -> StaffPool:
    """``pool`` on ``shifts``, with the headcount that works them."""
    rostered = pool.model_copy(update={"shifts": shifts})
    return rostered.model_copy(update={"count": rostered.shift_headcount()})


def apply_staffing(base: Scenario, staffing: Staffing) -> Scenario:
    """The base scenario with the candidate's headcounts and shifts (validated anew).

    Raises:
        ftz_spec.errors.UserError: The result is not a valid scenario (e.g. a headcount
            below what its shifts need).
    """
    data = base.model_dump(mode="json")
    counts, shifts = staffing.as_counts, dict(staffing.shifts)
    pools = []
    for p in data["site"]["staff_pools"]:
        entry = {**p, "count": counts.get(p["id"], p["count"])}
        if p["id"] in shifts:
            entry["shifts"] = [s.model_dump(mode="json") for s in shifts[p["id"]]]
        pools.append(entry)
    data["site"] = {**data["site"], "staff_pools": pools}
    return parse_scenario(data, base.name)
