"""The simulation composition root: wires the core to simulated devices and SimPy's clock.

Nothing here decides anything: the gate controller from :mod:`core.gate` does. This
module only builds the world of one replication from a validated scenario and runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy

from core.gate import GateController, GatePass
from ftztwin.scenario import Scenario, StaffRole
from ftztwin.scenario.models import DeviceUncertainty, Gate
from hardware_models import create_device
from hardware_models.sim import SimSensorParams
from twin.gate_process import GateSite, Truck, truck_through_gate
from twin.recorder import Recorder
from twin.rng import Streams

__all__ = ["Twin", "resource_capacities"]

_PROVINCES = "沪苏浙皖鲁"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "0123456789"


def resource_capacities(scenario: Scenario) -> dict[str, int]:
    """Return the servers of every resource the twin records, by resource name."""
    caps: dict[str, int] = {}
    for gate in scenario.site.gates:
        caps[f"{gate.ref}/lanes"] = gate.lanes
        caps[f"{gate.zone}/staff/gate"] = scenario.site.staff(StaffRole.GATE, gate.zone)
    return caps


class Twin:
    """One replication of the twin, ready to run."""

    def __init__(self, scenario: Scenario, replication: int, recorder: Recorder) -> None:
        """Build the world of ``replication`` of ``scenario``; records go to ``recorder``."""
        self.scenario = scenario
        self.env = simpy.Environment()
        self.streams = Streams(scenario.run.seed, replication)
        self.rec = recorder
        self.sites: list[GateSite] = []
        officers: dict[str, simpy.Resource] = {}
        for gate in scenario.site.gates:
            if gate.zone not in officers:
                count = scenario.site.staff(StaffRole.GATE, gate.zone)
                officers[gate.zone] = simpy.Resource(self.env, capacity=max(count, 1))
            self.sites.append(self._build_site(gate, officers[gate.zone]))

    def _build_site(self, gate: Gate, officers: simpy.Resource) -> GateSite:
        lanes = simpy.Store(self.env)
        cameras: dict[str, Any] = {}
        barriers: dict[str, Any] = {}
        for n in range(1, gate.lanes + 1):
            lane = f"{gate.ref}/lane{n}"
            lanes.put(lane)
            for dev in gate.devices:
                device_id = f"{gate.ref}/{dev.id}-{n}"
                kwargs: dict[str, Any] = {"rng": self.streams.get(f"device/{device_id}")}
                if dev.kind.value in ("plate_camera",):
                    kwargs["params"] = _sensor_params(
                        self.scenario.uncertainties.devices.get(dev.kind, DeviceUncertainty())
                    )
                device = create_device(dev.driver, device_id, **kwargs)
                device.configure()
                device.activate()
                (cameras if dev.kind.value == "plate_camera" else barriers)[lane] = device
        return GateSite(
            ref=gate.ref,
            lanes=lanes,
            cameras=cameras,
            barriers=barriers,
            officers=officers,
            officers_name=f"{gate.zone}/staff/gate",
            controller=GateController(gate.ref),
            intelligent=self.scenario.levers.intelligent_gates,
        )

    def run(self, progress: Callable[[float], None] | None = None) -> None:
        """Run to the horizon; ``progress`` receives simulated seconds as they pass."""
        u = self.scenario.uncertainties
        for site in self.sites:
            rate = next((a.trucks_per_h for a in u.arrivals if a.gate == site.ref), 0.0)
            if rate > 0:
                self.env.process(self._arrivals(site, rate * u.traffic_scale))
        horizon = self.scenario.run.horizon_h * 3600.0
        if progress is not None:
            self.env.process(self._ticker(progress, horizon))
        self.env.run(until=horizon)

    def _ticker(
        self, progress: Callable[[float], None], horizon: float
    ) -> Generator[Any, Any, None]:
        step = max(horizon / 100.0, 1.0)
        while True:
            yield self.env.timeout(step)
            progress(step)

    def _arrivals(self, site: GateSite, per_h: float) -> Generator[Any, Any, None]:
        gaps = self.streams.get(f"arrivals/{site.ref}")
        trucks = self.streams.get(f"trucks/{site.ref}")
        n = 0
        while True:
            yield self.env.timeout(float(gaps.exponential(3600.0 / per_h)))
            n += 1
            truck = self._new_truck(f"{site.ref}#{n}", trucks)
            self.env.process(truck_through_gate(self.env, site, truck, self.rec))

    def _new_truck(self, case_id: str, rng: Any) -> Truck:
        """Draw a truck and its ground truth; a fixed number of draws per truck (CRN)."""
        u = self.scenario.uncertainties
        plate = (
            _PROVINCES[int(rng.integers(len(_PROVINCES)))]
            + _LETTERS[int(rng.integers(len(_LETTERS)))]
            + "".join(_DIGITS[int(d)] for d in rng.integers(10, size=5))
        )
        swapped = rng.random() < u.plate_mismatch_rate
        other = plate[:-1] + _DIGITS[(_DIGITS.index(plate[-1]) + 1 + int(rng.integers(9))) % 10]
        times = u.times
        return Truck(
            case_id=case_id,
            plate=other if swapped else plate,
            gate_pass=GatePass(pass_id=f"HF{case_id}", plate=plate),
            service_s=times.auto_check_s.sample(rng),
            manual_check_s=times.manual_check_s.sample(rng),
            manual_post_s=times.manual_post_s.sample(rng),
        )


def _sensor_params(u: DeviceUncertainty) -> SimSensorParams:
    return SimSensorParams(
        latency_s=u.latency_s,
        misread_rate=u.misread_rate,
        miss_rate=u.miss_rate,
        mttf_h=u.mttf_h,
        mttr_min=u.mttr_min,
    )
