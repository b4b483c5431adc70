"""Set-ups that cannot work, found before any simulation object exists.

A scenario whose work would wait for ever — an inspection that needs two officers where
never two are on duty, a flow whose documents no one on duty can review — is refused with
a validation error naming the pool. A set-up that works but silently drops or delays work
(a pool nobody is ever on duty in, fewer than two inspectors in some hours, no audit
staff) gets a named warning that the CLI, the report and the app show.

Routing is :func:`ftz_spec.site.serving_pool`, the same function the twin uses, so what is
checked here is what the twin will do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ftz_spec.base import FieldPathError
from ftz_spec.site import (
    HOURS_PER_WEEK,
    Site,
    StaffPool,
    StaffRole,
    hour_label,
    pools_for,
    serving_pool,
)

__all__ = ["FIELD_NEEDS", "SetupWarning", "check_staffing", "staffing_warnings"]

# Roles every zone with traffic needs, and what they do there.
FIELD_NEEDS: dict[StaffRole, str] = {
    StaffRole.GATE: "manual checks and diversions at its gates",
    StaffRole.DOCUMENT_REVIEW: "declaration review, approvals and write-off",
    StaffRole.INSPECTION: "scans and physical inspections",
}
# Area-wide roles: without them this work is not done by anyone.
_CENTRAL_WORK: dict[StaffRole, str] = {
    StaffRole.RISK_ANALYSIS: "analysis of inspection feedback",
    StaffRole.AUDIT: "post-clearance audits",
    StaffRole.SUPPORT: "support work",
    StaffRole.IT: "device maintenance",
}
_TEAM = 2  # a physical inspection takes two officers (查验 by two)


@dataclass(frozen=True)
class SetupWarning:
    """A set-up that runs but drops or delays work: shown before every run.

    Attributes:
        code: Stable name of the kind of warning (``pool_never_on_duty`` …).
        path: Field path of the setting to look at (``site.staff_pools[3].count``).
        message: What happens, in words.
    """

    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


def _index(site: Site, pool: StaffPool) -> int:
    return next(i for i, p in enumerate(site.staff_pools) if p.id == pool.id)


def _zones_with_traffic(site: Site, flow_zones: Iterable[str]) -> list[str]:
    return sorted({g.zone for g in site.gates} | set(flow_zones))


def check_staffing(site: Site, flow_zones: Iterable[str]) -> None:
    """Refuse a set-up in which some work could never be served.

    Args:
        site: The validated site.
        flow_zones: Zones that flows clear in (origin and destination zones).

    Raises:
        FieldPathError: A zone needs a role that no pool on duty serves, or physical
            inspections there never find two officers on duty.
    """
    for zone in _zones_with_traffic(site, flow_zones):
        for role, work in FIELD_NEEDS.items():
            candidates = pools_for(site.staff_pools, role, zone)
            if not candidates:
                raise FieldPathError(
                    ("site", "staff_pools"), zone, f"no {role.value} staff pool serves zone"
                )
            pool = serving_pool(site.staff_pools, role, zone)
            if pool is None:
                empty = candidates[0]
                raise FieldPathError(
                    ("site", "staff_pools", _index(site, empty), "count"),
                    empty.count,
                    f"{zone} needs {role.value} staff for {work}, but pool "
                    f"{empty.describe()} has nobody on duty in any hour and no other pool "
                    "serves the zone",
                )
            if role is StaffRole.INSPECTION and max(pool.duty_week()) < _TEAM:
                raise FieldPathError(
                    ("site", "staff_pools", _index(site, pool), "count"),
                    pool.count,
                    f"physical inspections in {zone} need {_TEAM} officers, but pool "
                    f"{pool.describe()} never has {_TEAM} on duty: they would wait for ever",
                )


def staffing_warnings(site: Site, flow_zones: Iterable[str]) -> list[SetupWarning]:
    """Named warnings for staffing that works but drops or delays work (see module doc)."""
    out: list[SetupWarning] = []
    zones = _zones_with_traffic(site, flow_zones)
    serving = {
        (role, zone): serving_pool(site.staff_pools, role, zone)
        for zone in zones
        for role in FIELD_NEEDS
    }
    for i, pool in enumerate(site.staff_pools):
        if max(pool.duty_week()) > 0:
            continue
        instead = sorted(
            f"{zone} to {other.id}"
            for (role, zone), other in serving.items()
            if role is pool.role
            and other is not None
            and pool in pools_for(site.staff_pools, role, zone)
        )
        where = f"; its work goes elsewhere ({', '.join(instead)})" if instead else ""
        out.append(
            SetupWarning(
                "pool_never_on_duty",
                f"site.staff_pools[{i}].count",
                f"pool {pool.describe()} has nobody on duty in any hour{where}",
            )
        )
    for zone in zones:
        pool = serving[(StaffRole.INSPECTION, zone)]
        if pool is None:
            continue
        short = [h for h, n in enumerate(pool.duty_week()) if n < _TEAM]
        if short and len(short) < HOURS_PER_WEEK:
            out.append(
                SetupWarning(
                    "inspection_team_short",
                    f"site.staff_pools[{_index(site, pool)}].count",
                    f"fewer than {_TEAM} inspectors of pool {pool.id} on duty in {len(short)} "
                    f"of {HOURS_PER_WEEK} hours a week (first: {hour_label(short[0])}); "
                    f"physical inspections in {zone} wait until {_TEAM} are",
                )
            )
    for role, work in _CENTRAL_WORK.items():
        if serving_pool(site.staff_pools, role, None) is None:
            out.append(
                SetupWarning(
                    "no_area_wide_pool",
                    "site.staff_pools",
                    f"no area-wide {role.value} pool with anyone on duty: no one does the {work}",
                )
            )
    return out
