"""The twin's exception root."""

from __future__ import annotations

__all__ = ["KpiNotProduced", "TwinError"]


class TwinError(Exception):
    """Root of the errors the twin raises on purpose."""


class KpiNotProduced(TwinError):
    """A KPI was asked for that no replication of the scenario produces.

    Attributes:
        kpi: The KPI id asked for.
        known: KPI ids the replications did produce (for suggestions).
    """

    def __init__(self, kpi: str, known: list[str]) -> None:
        self.kpi = kpi
        self.known = known
        super().__init__(f"no replication produced KPI {kpi!r}")
