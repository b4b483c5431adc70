"""The simulation composition root: wires the core to simulated devices and SimPy's clock.

Nothing here decides anything: the gate controller and the risk engine of :mod:`core`
do. This module only builds the world of one replication from a validated scenario
(resources, staff, devices, enterprises, engines) and starts its processes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator
from typing import Any

import mesa
import simpy

from core.gate import DeviceKind
from core.gate.readings import ACTUATOR_KINDS
from core.risk import RiskEngine
from core.trace import Recorder
from ftz_spec import Scenario, StaffRole
from ftz_spec.assembly import DevicePlan, GateAssembly
from ftz_spec.gates import scenario_gates
from ftz_spec.risk import risk_setup
from hardware_models import create_device
from hardware_models.sim import PUBLISHED_SENSOR_PARAMS, SimSensorParams
from twin import collector
from twin.arrivals import arrivals
from twin.audit_office import AuditOffice
from twin.cases import new_case
from twin.clearance import clearance
from twin.enterprises import EnterpriseModel
from twin.gate_process import GateSite
from twin.ledger_link import LedgerLink
from twin.mechanism_kpis import mechanism_kpis
from twin.monitoring import start_zone_monitoring
from twin.rng import Streams
from twin.staff import PriorityResource, Staff, staff_seconds
from twin.targeting import AnalystDesk
from twin.topology import build_topology
from twin.workload import daily_round
from twin.world import World

__all__ = ["Twin", "resource_capacity_s", "resource_groups"]


def resource_capacity_s(scenario: Scenario) -> dict[str, float]:
    """Server-seconds each recorded resource offers in the observation window."""
    lo, hi = scenario.run.warmup_h * 3600.0, scenario.run.horizon_h * 3600.0
    window = hi - lo
    caps: dict[str, float] = {}
    for gate in scenario.site.gates:
        caps[f"{gate.ref}/lanes"] = gate.lanes * window
    for zone in scenario.site.zones:
        caps[f"{zone.id}/inspection_bays"] = zone.inspection_bays * window
        if scenario.levers.h986.get(zone.id, 0):
            caps[f"{zone.id}/h986"] = scenario.levers.h986[zone.id] * window
    for pool in scenario.site.staff_pools:
        caps[f"staff/{pool.id}"] = staff_seconds(pool, lo, hi)
    return caps


def resource_groups(scenario: Scenario) -> dict[str, str]:
    """Staff resource → role, for utilisation per role."""
    return {f"staff/{p.id}": p.role.value for p in scenario.site.staff_pools}


class Twin:
    """One replication of the twin, ready to run."""

    def __init__(
        self,
        scenario: Scenario,
        replication: int,
        recorder: Recorder,
        risk: RiskEngine | None = None,
        controller_factory: Callable[[GateAssembly], Any] | None = None,
        start_s: float = 0.0,
        keep_closed_ledger: bool = False,
    ) -> None:
        """Build the world of ``replication`` of ``scenario``; records go to ``recorder``.

        Every gate is built by the one gate assembly (:mod:`ftz_spec.assembly`).
        ``controller_factory(assembly)`` supplies each gate's controller; by default the
        assembly's own (the core's :class:`GateController` in this process).
        Hardware-in-the-loop runs pass a factory whose controllers forward every event to
        a live gate service, which assembles the same gate.
        ``start_s`` starts the clock there (a forecast forked from a snapshot,
        :mod:`twin.initial_state`): rosters and arrival profiles read the absolute time.
        ``keep_closed_ledger`` keeps written-off shipments in the ledger (for tests that
        audit the whole ledger after a run); by default only open state is kept.
        """
        self._controller_factory = controller_factory
        self.open_cases = 0  # clearance processes not yet finished
        self.end_s = 0.0  # when the run stopped (seconds), set by run()
        self._emptied: simpy.Event | None = None
        env = simpy.Environment(initial_time=start_s)
        streams = Streams(scenario.run.seed, replication)
        if risk is None:
            setup = risk_setup(scenario)
            risk = RiskEngine(
                setup.table,
                setup.policy,
                seed=scenario.run.seed * 1000 + replication,
                controls=setup.controls,
            )
        staff = Staff(env, scenario.site.staff_pools)
        levers = scenario.levers
        unc = scenario.uncertainties
        enterprises = EnterpriseModel(
            unc.enterprises,
            streams.get("enterprises"),
            levers.batch_share,
            sum(f.trucks_per_day for f in unc.flows) * unc.traffic_scale,
        )
        self.world = World(
            scenario=scenario,
            env=env,
            streams=streams,
            rec=recorder,
            staff=staff,
            risk=risk,
            enterprises=enterprises,
            topology=build_topology(scenario),
            gates={},
            h986={z: PriorityResource(env, capacity=n) for z, n in levers.h986.items() if n > 0},
            bays={
                z.id: simpy.Resource(env, capacity=z.inspection_bays) for z in scenario.site.zones
            },
            pairing={p.id: simpy.Resource(env, capacity=1) for p in scenario.site.staff_pools},
            ledger=LedgerLink(enterprises, risk, keep_closed_ledger),
        )
        self.world.desk = AnalystDesk(self.world)
        self.world.office = AuditOffice(self.world)
        for ref, assembly in scenario_gates(scenario).items():
            self.world.gates[ref] = self._build_site(assembly)

    # The walking-skeleton tests and the live runtime address these directly.
    @property
    def env(self) -> simpy.Environment:
        """The SimPy environment."""
        return self.world.env

    @property
    def rec(self) -> Recorder:
        """The recorder."""
        return self.world.rec

    @property
    def sites(self) -> list[GateSite]:
        """The gates, in scenario order."""
        return list(self.world.gates.values())

    def _build_site(self, assembly: GateAssembly) -> GateSite:
        w = self.world
        lanes = simpy.Store(w.env)
        for lane in assembly.lanes:
            lanes.put(lane.lane)
        sensors, actuators = assembly.build(self._device)
        barriers = {
            lane: a[DeviceKind.BARRIER] for lane, a in actuators.items() if DeviceKind.BARRIER in a
        }
        zone = assembly.ref.split("/", 1)[0]
        officers = w.unit(StaffRole.GATE, zone)
        factory = self._controller_factory
        return GateSite(
            ref=assembly.ref,
            lanes=lanes,
            barriers=barriers,
            officers=officers.resource,
            officers_name=officers.name,
            controller=assembly.controller() if factory is None else factory(assembly),
            intelligent=assembly.intelligent,
            sensors=sensors,
            max_passage_s=assembly.policy.max_passage_s,
            on_passage=lambda cmd, now: w.ledger.passage(cmd, now),
            passes=w.ledger,
            officer_ids={lane.lane: lane.sensors[0].device_id for lane in assembly.lanes}
            if not assembly.intelligent
            else {},
        )

    def _device(self, plan: DevicePlan) -> Any:
        """Create, configure and activate one simulated device on its own random stream.

        The officer of a manual gate is a staff process of the twin, not a device: None.
        """
        if not plan.driver:
            return None
        w = self.world
        kwargs: dict[str, Any] = {"rng": w.streams.get(f"device/{plan.device_id}")}
        if plan.kind not in ACTUATOR_KINDS:
            u = w.scenario.uncertainties.devices.get(plan.kind)
            kwargs["params"] = (
                PUBLISHED_SENSOR_PARAMS.get(plan.kind, SimSensorParams())
                if u is None
                else SimSensorParams(
                    latency_s=u.latency_s, misread_rate=u.misread_rate, miss_rate=u.miss_rate,
                    noise_sd=u.noise_sd, mttf_h=u.mttf_h, mttr_min=u.mttr_min, stuck_share=u.stuck_share,
                )
            )  # fmt: skip
        device = create_device(plan.driver, plan.device_id, **kwargs)
        device.configure()
        device.activate()
        return device

    def run(self, progress: Callable[[float], None] | None = None) -> None:
        """Run to the horizon, then drain if the run type says so.

        Arrivals stop at ``run.horizon_h``. A ``steady_state`` run goes on until every
        truck has left or ``run.drain_cap_h`` has passed; a ``terminating`` run stops at
        the horizon. ``progress`` receives simulated seconds up to the horizon.
        """
        w = self.world
        horizon = w.scenario.run.horizon_h * 3600.0
        for flow in w.scenario.uncertainties.flows:
            cases = w.streams.get(f"cases/{flow.id}")

            def start(n: int, flow: Any = flow, cases: Any = cases) -> None:
                case = new_case(w.scenario, flow, n, cases, w.enterprises)
                self.open_cases += 1
                w.env.process(clearance(w, case)).callbacks.append(self._case_left)

            w.env.process(
                arrivals(
                    w.env, w.scenario, flow, w.streams.get(f"arrivals/{flow.id}"), start, horizon
                )
            )
        w.env.process(daily_round(w))
        w.desk.start()
        w.office.start()
        start_zone_monitoring(w)
        for outage in w.scenario.uncertainties.outages:
            w.env.process(self._outage(outage))
        if progress is not None:
            w.env.process(self._ticker(progress, horizon))
        w.env.process(collector.sweeper(w.env))  # last: the model's event order is kept
        # What is built now (scenario, site, books, engines, imported modules) lives for
        # the whole run: frozen, a pass of the collector does not rescan it. Unfrozen at
        # the end, so the next replication's collector can free it.
        gc.freeze()
        try:
            with collector.paused():
                w.env.run(until=horizon)
                if w.scenario.run.drains and self.open_cases:
                    self._emptied = w.env.event()
                    cap = w.env.timeout(w.scenario.run.drain_cap_h * 3600.0)
                    w.env.run(until=w.env.any_of([self._emptied, cap]))
        finally:
            gc.unfreeze()
        self.end_s = float(w.env.now)
        # The outbox is delivered once a simulated minute; what the last minute wrote
        # reaches its consumers when the run ends, so nothing stays behind in the store.
        w.ledger.deliver(self.end_s, force=True)
        # Mesa numbers agents per model in a class-level dict that holds every model ever
        # built; without this each replication's 400 enterprises outlive it in the process
        # (the app, sweep workers, a long test session).
        getattr(mesa.Agent, "_ids", {}).pop(w.enterprises, None)

    def _case_left(self, _event: Any) -> None:
        self.open_cases -= 1
        if self.open_cases == 0 and self._emptied is not None and not self._emptied.triggered:
            self._emptied.succeed()

    def _outage(self, outage: Any) -> Generator[Any, Any, None]:
        """Take a scanner (all units) or a gate (all lanes) out of service for a window."""
        w = self.world
        _, _, what = outage.resource.partition("/")
        # Outage windows are on the scenario clock, which a forked run starts late.
        yield w.env.timeout(max(0.0, outage.from_h * 3600.0 - w.env.now))
        duration = max(0.0, outage.to_h * 3600.0 - w.env.now)
        if duration <= 0:
            return
        if what == "h986":
            # A broken scanner is not waited for: scan selections are opened instead.
            w.down.add(outage.resource)
            yield w.env.timeout(duration)
            w.down.discard(outage.resource)
        elif outage.resource in w.gates:
            site = w.gates[outage.resource]
            taken = []
            for _ in range(len(site.sensors)):
                taken.append((yield site.lanes.get()))
            yield w.env.timeout(duration)
            for lane in taken:
                site.lanes.put(lane)

    def _ticker(
        self, progress: Callable[[float], None], horizon: float
    ) -> Generator[Any, Any, None]:
        step = max(horizon / 100.0, 1.0)
        env = self.world.env
        while env.now < horizon:
            dt = min(step, horizon - env.now)
            yield env.timeout(dt)
            progress(dt)

    def extra_kpis(self) -> dict[str, float]:
        """KPIs that are not about cases: device downtime, enterprise dynamics, audits."""
        w = self.world
        down = sum(  # up to now: a device still down at the end counts too
            d.downtime_at(w.env.now) if hasattr(d, "downtime_at") else getattr(d, "downtime_s", 0.0)
            for g in w.gates.values()
            for lane in g.sensors.values()
            for d in lane.values()
        )
        c = w.counters
        est = w.risk.compliance_estimate()
        return {
            "run_end_h": self.end_s / 3600.0,
            "drain_h": max(0.0, self.end_s - w.scenario.run.horizon_h * 3600.0) / 3600.0,
            "device_downtime_h": down / 3600.0,
            "batch_declarations": float(c.batch_declarations),
            "late_declarations": float(c.late_declarations),
            "post_audits": float(c.audits),
            "post_audit_findings": float(c.audit_findings),
            "revenue_recovered_cny": c.revenue_recovered_cny,
            "risk_feedback": float(c.feedback),
            "credit_class_changes": float(w.enterprises.class_changes),
            "violator_adaptations": float(w.enterprises.adaptations),
            **w.ledger.kpis(),
            "estimated_noncompliance": float(getattr(est, "rate", float("nan"))),
            **mechanism_kpis(w),
        }
