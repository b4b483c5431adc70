"""A live gate: real (or simulated) devices, the wall clock, the core's controller.

The loop is the ros2_control one: read every sensor with the current time, feed what
arrived to the controller, write the commands it returns to the actuators, record the
same trace records the twin records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.gate import (
    Command,
    DeviceFault,
    FaultReported,
    GateController,
    GatePass,
    OpenBarrier,
    ReadingReceived,
    RecordDecision,
    TruckArrived,
)
from core.trace import Lifecycle
from ftztwin.scenario import Scenario
from hardware_models import create_device, driver_spec
from live.clock import WallClock
from twin.recorder import Recorder

__all__ = ["LiveGate", "build_live_gate"]


@dataclass
class LiveGate:
    """One gate running on the wall clock."""

    ref: str
    controller: GateController
    sensors: dict[str, Any]  # lane -> sensor
    actuators: dict[str, Any]  # lane -> barrier
    recorder: Recorder
    clock: Callable[[], float] = field(default_factory=WallClock)

    def truck_arrived(self, lane: str, case_id: str, gate_pass: GatePass | None) -> list[Command]:
        """Announce a truck in ``lane`` (e.g. from the IC-card reader) and act on the result."""
        now = self.clock()
        self.recorder.emit(
            case_id, "gate_check", Lifecycle.START, f"{self.ref}/lanes", now, {"lane": lane}
        )
        return self._act(self.controller.handle(TruckArrived(lane, case_id, gate_pass), now), now)

    def step(self) -> list[Command]:
        """Read every sensor once, decide, and carry out the commands."""
        now = self.clock()
        commands: list[Command] = []
        for lane, sensor in self.sensors.items():
            for result in sensor.read(now):
                event = (
                    FaultReported(lane, result)
                    if isinstance(result, DeviceFault)
                    else ReadingReceived(lane, result)
                )
                commands += self._act(self.controller.handle(event, now), now)
        return commands

    def _act(self, commands: list[Command], now: float) -> list[Command]:
        for cmd in commands:
            if isinstance(cmd, OpenBarrier):
                fault = self.actuators[cmd.lane].write(cmd, now)
                if fault is not None:
                    self.recorder.emit(
                        cmd.case_id,
                        "barrier_fault",
                        Lifecycle.STOP,
                        cmd.lane,
                        now,
                        {"code": fault.code},
                    )
            elif isinstance(cmd, RecordDecision):
                d = cmd.decision
                self.recorder.emit(
                    d.case_id,
                    "gate_check",
                    Lifecycle.STOP,
                    f"{self.ref}/lanes",
                    now,
                    {"outcome": d.outcome.value, "reasons": ";".join(d.reasons)},
                )
        return commands

    def shutdown(self) -> None:
        """Finalize every device."""
        for dev in (*self.sensors.values(), *self.actuators.values()):
            dev.finalize()


def build_live_gate(
    scenario: Scenario,
    gate_ref: str,
    recorder: Recorder,
    clock: Callable[[], float] | None = None,
    seed: int = 0,
) -> LiveGate:
    """Wire one gate of ``scenario``'s site to the drivers its devices name.

    Simulated drivers get their own random streams from ``seed``; real drivers (later)
    get their connection settings from the site file.
    """
    gate = scenario.site.gate(gate_ref)
    sensors: dict[str, Any] = {}
    actuators: dict[str, Any] = {}
    for n in range(1, gate.lanes + 1):
        lane = f"{gate.ref}/lane{n}"
        for i, dev in enumerate(gate.devices):
            kwargs: dict[str, Any] = {}
            if driver_spec(dev.driver).simulated:
                kwargs["rng"] = np.random.default_rng([seed, n, i])
            device = create_device(dev.driver, f"{gate.ref}/{dev.id}-{n}", **kwargs)
            device.configure()
            device.activate()
            (actuators if dev.kind.value == "barrier" else sensors)[lane] = device
    return LiveGate(
        gate.ref, GateController(gate.ref), sensors, actuators, recorder, clock or WallClock()
    )
