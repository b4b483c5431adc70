"""A live gate: real (or simulated) devices, a clock, the core's controller.

The loop is the ros2_control one: read every sensor with the current time, feed what
arrived to the controller, write the commands it returns to the actuators, record the
same trace records the twin records. A lane may have any number of sensors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.gate import (
    Command,
    DeviceKind,
    GateController,
    GatePass,
    OpenBarrier,
    PostGatePassage,
    Reading,
    ReadingReceived,
    RecordDecision,
    RequestScan,
    ShowOnDisplay,
    Tick,
    TruckArrived,
    event_for,
)
from core.gate.messages import Event
from core.trace import Lifecycle, Recorder
from ftz_live.clock import WallClock
from ftz_spec import Scenario
from hardware_models import create_device, driver_spec

__all__ = ["LiveGate", "build_live_gate", "lane_devices"]

PassageSink = Callable[[PostGatePassage], None]
DecisionSink = Callable[[RecordDecision], None]


@dataclass
class LiveGate:
    """One gate running on a live clock.

    Attributes:
        ref: ``<zone>/<gate>``.
        controller: The core's controller (anything with ``handle(event, now)``).
        sensors: Lane → its sensors.
        actuators: Lane → device kind → actuator (barrier, display board).
        recorder: Where trace records go.
        clock: The live clock (seconds).
        on_passage: Receives every ledger posting (the ledger sink).
        on_decision: Receives every decision (published for monitoring).
    """

    ref: str
    controller: Any
    sensors: dict[str, list[Any]]
    actuators: dict[str, dict[DeviceKind, Any]]
    recorder: Recorder
    clock: Callable[[], float] = field(default_factory=WallClock)
    on_passage: PassageSink | None = None
    on_decision: DecisionSink | None = None
    actuator_faults: int = 0
    # Readings that came before their truck was announced (the camera fires as the truck
    # rolls in, the lane PC announces it a moment later): held for the lane's next
    # arrival, within the policy's early-reading window, instead of being dropped.
    early: dict[str, list[Reading]] = field(default_factory=dict)

    def truck_arrived(
        self, lane: str, case_id: str, gate_pass: GatePass | None, now: float | None = None
    ) -> list[Command]:
        """Announce a truck in ``lane`` (from the lane PC) and act on the result."""
        now = self.clock() if now is None else now
        self.recorder.emit(
            case_id, "gate_check", Lifecycle.START, f"{self.ref}/lanes", now, {"lane": lane}
        )
        commands = self.handle(TruckArrived(lane, case_id, gate_pass), now)
        for reading in self.early.pop(lane, []):
            if lane in self.controller.pending_lanes:
                commands += self.handle(ReadingReceived(lane, reading), now)
        return commands

    def step(self, now: float | None = None) -> list[Command]:
        """Read every sensor once at ``now`` (the clock's time by default), decide, act."""
        now = self.clock() if now is None else now
        commands: list[Command] = []
        window = getattr(getattr(self.controller, "policy", None), "early_reading_s", 10.0)
        for lane, sensors in self.sensors.items():
            for sensor in sensors:
                for result in sensor.read(now):
                    if isinstance(result, Reading) and lane not in self.controller.pending_lanes:
                        held = [r for r in self.early.get(lane, []) if now - r.time_s <= window]
                        self.early[lane] = [*held[-15:], result]
                        continue
                    commands += self.handle(event_for(lane, result), now)
        return commands

    def tick(self, now: float | None = None) -> list[Command]:
        """Let the controller decide passages that waited too long (fail closed)."""
        now = self.clock() if now is None else now
        return self.handle(Tick(), now)

    def handle(self, event: Event, now: float) -> list[Command]:
        """Feed one event to the controller and carry out what it returns."""
        return self._act(self.controller.handle(event, now), now)

    def _act(self, commands: list[Command], now: float) -> list[Command]:
        for cmd in commands:
            if isinstance(cmd, OpenBarrier | ShowOnDisplay):
                kind = (
                    DeviceKind.BARRIER if isinstance(cmd, OpenBarrier) else DeviceKind.DISPLAY_BOARD
                )
                device = self.actuators.get(cmd.lane, {}).get(kind)
                fault = None if device is None else device.write(cmd, now)
                if fault is not None:
                    self.actuator_faults += 1
                    case = cmd.case_id if isinstance(cmd, OpenBarrier) else ""
                    self.recorder.emit(
                        case,
                        f"{kind.value}_fault",
                        Lifecycle.STOP,
                        cmd.lane,
                        now,
                        {"code": fault.code},
                    )
            elif isinstance(cmd, RequestScan):
                for sensor in self.sensors.get(cmd.lane, ()):
                    if sensor.kind is DeviceKind.H986_SCANNER:
                        sensor.request(cmd, now)
            elif isinstance(cmd, RecordDecision):
                d = cmd.decision
                attrs = {"outcome": d.outcome.value, "reasons": ";".join(d.reasons)}
                self.recorder.emit(
                    d.case_id, "gate_check", Lifecycle.STOP, f"{self.ref}/lanes", now, attrs
                )
                if self.on_decision is not None:
                    self.on_decision(cmd)
            elif isinstance(cmd, PostGatePassage) and self.on_passage is not None:
                self.on_passage(cmd)
        return commands

    def devices(self) -> list[Any]:
        """Every device of the gate."""
        out = [s for sensors in self.sensors.values() for s in sensors]
        return out + [a for acts in self.actuators.values() for a in acts.values()]

    def shutdown(self) -> None:
        """Finalize every device."""
        for dev in self.devices():
            dev.finalize()


def lane_devices(
    gate: Any,
    params: Callable[[str, int], dict[str, Any]] | None = None,
    seed: int = 0,
) -> tuple[dict[str, list[Any]], dict[str, dict[DeviceKind, Any]]]:
    """Build (unconfigured) every device of every lane of ``gate``.

    Device ids are ``<zone>/<gate>/<device>-<lane>``, as in the twin. Simulated
    drivers get their own random streams from ``seed``; real drivers get
    ``params(device_id, lane)`` (their connection settings from the site file).
    """
    sensors: dict[str, list[Any]] = {}
    actuators: dict[str, dict[DeviceKind, Any]] = {}
    for n in range(1, gate.lanes + 1):
        lane = f"{gate.ref}/lane{n}"
        sensors[lane], actuators[lane] = [], {}
        for i, dev in enumerate(gate.devices):
            kwargs: dict[str, Any] = {}
            if driver_spec(dev.driver).simulated:
                kwargs["rng"] = np.random.default_rng([seed, n, i])
            elif params is not None:
                kwargs.update(params(dev.id, n))
            device = create_device(dev.driver, f"{gate.ref}/{dev.id}-{n}", **kwargs)
            if dev.kind in (DeviceKind.BARRIER, DeviceKind.DISPLAY_BOARD):
                actuators[lane][dev.kind] = device
            else:
                sensors[lane].append(device)
    return sensors, actuators


def build_live_gate(
    scenario: Scenario,
    gate_ref: str,
    recorder: Recorder,
    clock: Callable[[], float] | None = None,
    seed: int = 0,
) -> LiveGate:
    """Wire one gate of ``scenario``'s site to the drivers its devices name, activated."""
    gate = scenario.site.gate(gate_ref)
    sensors, actuators = lane_devices(gate, seed=seed)
    live = LiveGate(
        gate.ref, GateController(gate.ref), sensors, actuators, recorder, clock or WallClock()
    )
    for device in live.devices():
        device.configure()
        device.activate()
    return live
