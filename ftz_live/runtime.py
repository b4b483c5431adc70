"""A live gate: the assembled controller, its devices, a clock, and the command executor.

The loop is the ros2_control one: read every sensor with the current time, feed what
arrived to the controller, carry out the commands it returns (:mod:`ftz_live.executor`),
record the same trace records the twin records. Which sensors a lane has and what the
controller requires come from the one gate assembly (:mod:`ftz_spec.assembly`); the
readings' passage is the controller's business (a reading before its truck's arrival is
held by the core, one after the decision is discarded and counted).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.gate import (
    Command,
    DeviceKind,
    GatePass,
    Tick,
    TruckArrived,
    event_for,
)
from core.gate.messages import Event
from core.gate.readings import ACTUATOR_KINDS
from core.trace import Lifecycle, Recorder
from ftz_live.clock import WallClock
from ftz_live.executor import CommandExecutor
from ftz_spec import Scenario
from ftz_spec.assembly import DevicePlan, GateAssembly
from ftz_spec.gates import scenario_gates
from hardware_models import DeviceParamsError, create_device, driver_spec
from hardware_models.sim import Fixed, SimActuatorParams, SimSensorParams
from hardware_models.sim.feed import FedSimSensor, RecordedFeed

__all__ = ["LiveGate", "build_live_gate", "make_device", "simulated_gate"]

_SIM_SENSOR = {"latency_s", "misread_rate", "miss_rate", "noise_sd", "mttf_h", "mttr_min"}
_SIM_SENSOR |= {"stuck_share"}
_SIM_ACTUATOR = {"act_time_s", "stuck_rate", "mttf_h", "mttr_min"}


@dataclass
class LiveGate:
    """One gate running on a live clock.

    Attributes:
        assembly: The gate as assembled (policy, lanes, devices).
        controller: The core's controller (anything with ``handle(event, now)``).
        sensors: Lane → the sensors read at every step.
        actuators: Lane → device kind → actuator (barrier, display board).
        executor: Carries out the controller's commands.
        recorder: Where trace records go.
        clock: The live clock (seconds).
        on_event: Told of every event before the controller handles it (the journal).
    """

    assembly: GateAssembly
    controller: Any
    sensors: dict[str, list[Any]]
    actuators: dict[str, dict[DeviceKind, Any]]
    executor: CommandExecutor
    recorder: Recorder
    clock: Callable[[], float]
    on_event: Callable[[Event, float], None] | None = None

    @property
    def ref(self) -> str:
        """``<zone>/<gate>``."""
        return self.assembly.ref

    def truck_arrived(
        self, lane: str, case_id: str, gate_pass: GatePass | None, now: float | None = None
    ) -> list[Command]:
        """Announce a truck in ``lane`` (from the lane PC) and act on the result."""
        now = self.clock() if now is None else now
        self.recorder.emit(
            case_id, "gate_check", Lifecycle.START, f"{self.ref}/lanes", now, {"lane": lane}
        )
        commands = self.handle(TruckArrived(lane, case_id, gate_pass), now)
        for sensor in self.sensors.get(lane, ()):
            if isinstance(sensor, FedSimSensor):  # a simulated device is shown the truck
                sensor.passage_started(case_id, gate_pass, now)
        return commands

    def step(self, now: float | None = None) -> list[Command]:
        """Read every sensor once at ``now`` (the clock's time by default), decide, act."""
        now = self.clock() if now is None else now
        commands: list[Command] = []
        for lane, sensors in self.sensors.items():
            for sensor in sensors:
                for result in sensor.read(now):
                    commands += self.handle(event_for(lane, result), now)
        return commands

    def tick(self, now: float | None = None) -> list[Command]:
        """Let the controller decide passages that waited too long (fail closed)."""
        now = self.clock() if now is None else now
        return self.handle(Tick(), now)

    def handle(self, event: Event, now: float) -> list[Command]:
        """Feed one event to the controller and carry out what it returns.

        ``on_event`` hears of every event first, except a tick that decides nothing: a
        controller in the same state decides nothing on it either, so the journal skips
        the idle ticks (one a second per gate).
        """
        tick = isinstance(event, Tick)
        if self.on_event is not None and not tick:
            self.on_event(event, now)
        commands: list[Command] = self.controller.handle(event, now)
        if self.on_event is not None and tick and commands:
            self.on_event(event, now)
        self.executor.carry_out(commands, now)
        return commands

    def devices(self) -> list[Any]:
        """Every device of the gate."""
        out = [s for sensors in self.sensors.values() for s in sensors]
        return out + [a for acts in self.actuators.values() for a in acts.values()]

    def shutdown(self) -> None:
        """Finalize every device."""
        for dev in self.devices():
            dev.finalize()


def _sim_params(plan: DevicePlan, params: Mapping[str, Any]) -> dict[str, Any]:
    allowed = _SIM_ACTUATOR if plan.kind in ACTUATOR_KINDS else _SIM_SENSOR
    unknown = sorted(set(params) - allowed - {"feed", "increment_kg"})
    if unknown:
        raise DeviceParamsError(
            f"params.{plan.device_id.rsplit('-', 1)[0]}: {unknown} are not parameters of "
            f"{plan.driver}; known: {sorted(allowed | {'feed'})}"
        )
    fields = {k: v for k, v in params.items() if k in allowed}
    if "latency_s" in fields:
        fields["latency_s"] = Fixed(float(fields["latency_s"]))
    cls = SimActuatorParams if plan.kind in ACTUATOR_KINDS else SimSensorParams
    return {"params": cls(**fields)}


def make_device(
    plan: DevicePlan,
    gate_ref: str,
    params: Mapping[str, Any],
    common: Mapping[str, Any] | None = None,
    seed: int = 0,
) -> Any:
    """Build the device ``plan`` names: its driver with the site's ``params``.

    A simulated sensor (``sim.*``) becomes a :class:`FedSimSensor`, shown each passage
    the truth its gate pass implies, or a recorded feed (``params.feed``); it draws from
    its own random stream (``seed``, lane, name). A real driver also gets ``common``
    (clock, broker, wake-up) and its connection settings.

    Raises:
        DeviceParamsError: A parameter the simulated model does not know, or a bad feed.
    """
    if not plan.driver:
        raise DeviceParamsError(
            f"{plan.device_id}: a manual gate needs an officer terminal in the live site "
            "(a device {id: officer, kind: plate_camera, driver: mqtt.plate_camera})"
        )
    if not driver_spec(plan.driver).simulated:
        return create_device(plan.driver, plan.device_id, **{**(common or {}), **params})
    rng = np.random.default_rng([seed, plan.number, zlib.crc32(plan.name.encode())])
    kwargs = _sim_params(plan, params)
    if "increment_kg" in params and plan.kind is DeviceKind.WEIGHBRIDGE:
        kwargs["increment_kg"] = float(params["increment_kg"])
    device = create_device(plan.driver, plan.device_id, rng=rng, **kwargs)
    if plan.kind in ACTUATOR_KINDS:
        return device
    feed = RecordedFeed.load(params["feed"]) if "feed" in params else None
    return FedSimSensor(device, plan.name, gate_ref, feed)


def build_live_gate(
    assembly: GateAssembly,
    make: Callable[[DevicePlan], Any],
    recorder: Recorder,
    clock: Callable[[], float] | None = None,
    reserve: bool = False,
    **sinks: Any,
) -> LiveGate:
    """Build one assembled gate's devices with ``make`` (unconfigured) and its executor.

    ``reserve``: the controller reserves each pass before it opens (the live service).
    ``sinks`` are the executor's (``on_decision``, ``on_passage``, ``on_discard``,
    ``on_hold``, ``on_reserve`` … see :class:`ftz_live.executor.CommandExecutor`).
    """
    by_kind, actuators = assembly.build(make)
    sensors = {lane: list(devs.values()) for lane, devs in by_kind.items()}
    scanners = {
        lane: devs[DeviceKind.H986_SCANNER]
        for lane, devs in by_kind.items()
        if DeviceKind.H986_SCANNER in devs
    }
    executor = CommandExecutor(assembly.ref, actuators, scanners, recorder, **sinks)
    return LiveGate(
        assembly,
        assembly.controller(reserve),
        sensors,
        actuators,
        executor,
        recorder,
        clock or WallClock(),
    )


def simulated_gate(
    scenario: Scenario, gate_ref: str, recorder: Recorder, clock: Callable[[], float], seed: int = 0
) -> LiveGate:
    """A scenario's gate on a live clock with its simulated devices, configured and active."""
    assembly = scenario_gates(scenario)[gate_ref]
    gate = build_live_gate(
        assembly, lambda plan: make_device(plan, gate_ref, {}, seed=seed), recorder, clock
    )
    for device in gate.devices():
        device.configure()
        device.activate()
    return gate
