"""The world of one replication: every SimPy resource, the core's engines and the truth.

Built once by :class:`twin.model.Twin` (the simulation composition root); the processes
in :mod:`twin.clearance`, :mod:`twin.review`, :mod:`twin.inspection`, :mod:`twin.workload`,
the analysts' desk (:mod:`twin.targeting`) and the audit office (:mod:`twin.audit_office`)
only read and use it.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import simpy

from core.risk import RiskEngine
from core.trace import Lifecycle, Recorder
from ftz_spec import Scenario, StaffRole
from twin.enterprises import EnterpriseModel
from twin.gate_process import GateSite
from twin.ledger_link import LedgerLink
from twin.load import InspectionLoad
from twin.rng import Streams
from twin.staff import Staff, StaffUnit
from twin.topology import travel_time_min

if TYPE_CHECKING:
    from twin.audit_office import AuditOffice
    from twin.targeting import AnalystDesk

__all__ = ["Counters", "World", "staff_task"]


@dataclass
class Counters:
    """Tallies kept outside the trace because they are not about one case."""

    batch_declarations: int = 0
    late_declarations: int = 0
    audits: int = 0
    audit_findings: int = 0
    revenue_recovered_cny: float = 0.0
    feedback: int = 0
    ledger_rejections: int = 0


@dataclass
class World:
    """Everything of one replication."""

    scenario: Scenario
    env: simpy.Environment
    streams: Streams
    rec: Recorder
    staff: Staff
    risk: RiskEngine
    enterprises: EnterpriseModel
    topology: nx.Graph
    gates: dict[str, GateSite]
    h986: dict[str, simpy.PriorityResource]
    bays: dict[str, simpy.Resource]
    pairing: dict[str, simpy.Resource]
    ledger: LedgerLink
    counters: Counters = field(default_factory=Counters)
    batch_today: dict[tuple[str, str], list[float]] = field(
        default_factory=dict
    )  # (enterprise, zone)
    # enterprise → violation kind → [count, revenue] that clearance missed (for audit)
    missed: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)  # resources out of service, e.g. '<zone>/h986'
    load: InspectionLoad = field(default_factory=InspectionLoad)
    desk: AnalystDesk = field(default=None)  # type: ignore[assignment]  # set by the root
    office: AuditOffice = field(default=None)  # type: ignore[assignment]  # set by the root
    _drive: dict[tuple[str, str], float] = field(default_factory=dict)

    def drive_s(self, a: str, b: str) -> float:
        """Driving time in seconds from zone ``a`` to zone ``b`` (computed once per pair)."""
        t = self._drive.get((a, b))
        if t is None:
            t = self._drive[(a, b)] = travel_time_min(self.topology, a, b) * 60.0
        return t

    def unit(self, role: StaffRole, zone: str | None) -> StaffUnit:
        """Return the staff pool for ``role`` in ``zone``.

        Raises:
            LookupError: No pool serves the role there (scenario checks prevent this).
        """
        unit = self.staff.unit(role, zone)
        if unit is None:
            raise LookupError(f"no {role.value} staff for zone {zone}")
        return unit


def staff_task(
    w: World, unit: StaffUnit, activity: str, case_id: str, duration_s: float, priority: int = 0
) -> Generator[Any, Any, None]:
    """Have one officer of ``unit`` do ``activity`` for ``duration_s``, recording the wait."""
    rec, env = w.rec, w.env
    rec.emit(case_id, activity, Lifecycle.WAIT_START, unit.name, env.now)
    with unit.resource.request(priority=priority) as req:
        yield req
        rec.emit(case_id, activity, Lifecycle.WAIT_STOP, unit.name, env.now)
        rec.emit(case_id, activity, Lifecycle.START, unit.name, env.now)
        yield env.timeout(duration_s)
        rec.emit(case_id, activity, Lifecycle.STOP, unit.name, env.now)
