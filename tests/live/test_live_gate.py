"""The live composition root drives the same core with another clock; sim.* devices read."""

from __future__ import annotations

import json

from core.gate import GatePass, OpenBarrier
from core.trace import Recorder
from ftz_live import WallClock, build_live_gate, make_device
from ftz_live.runtime import simulated_gate
from ftz_spec import parse_scenario
from ftz_spec.gates import scenario_gates
from twin.twin_fixtures import scenario_data


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _gate(params=None):
    records = []
    clock = FakeClock()
    scenario = parse_scenario(scenario_data())
    if params is None:
        gate = simulated_gate(scenario, "z1/g1", Recorder([records.append]), clock)
    else:
        assembly = scenario_gates(scenario)["z1/g1"]
        gate = build_live_gate(
            assembly,
            lambda plan: make_device(plan, "z1/g1", params.get(plan.name, {})),
            Recorder([records.append]),
            clock,
        )
        for dev in gate.devices():
            dev.configure() and dev.activate()
    return gate, clock, records


def test_a_sim_camera_in_a_live_gate_reads_the_plate_its_arrival_implies_and_the_barrier_opens():
    gate, clock, records = _gate()
    lane = "z1/g1/lane1"
    assert gate.truck_arrived(lane, "c1", GatePass("HF1", "沪A12345")) == []
    clock.t += 1.0  # the simulated camera's latency (0.5 s) has passed
    commands = gate.step()
    assert OpenBarrier(lane, "c1") in commands
    assert gate.actuators[lane]["barrier"].opened == 1
    assert records[-1].attrs["outcome"] == "pass"


def test_a_sim_camera_driven_by_a_recorded_feed_reads_what_was_recorded(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"case_id": "c2", "device": "plate_camera", "value": "沪B77777"}))
    gate, clock, records = _gate({"plate_camera": {"feed": str(feed), "latency_s": 0.2}})
    lane = "z1/g1/lane2"
    gate.truck_arrived(lane, "c2", GatePass("HF2", "沪A12345"))
    clock.t += 1.0
    gate.step()
    assert gate.actuators[lane]["barrier"].opened == 0
    assert records[-1].attrs["reasons"] == "plate_mismatch"


def test_a_passage_the_recorded_feed_holds_nothing_for_times_out_and_fails_closed(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("")
    gate, clock, records = _gate({"plate_camera": {"feed": str(feed)}})
    lane = "z1/g1/lane1"
    gate.truck_arrived(lane, "c3", GatePass("HF3", "沪A12345"))
    clock.t += 500.0
    gate.step()
    gate.tick()
    [camera] = gate.sensors[lane]
    assert camera.not_in_feed == 1 and gate.actuators[lane]["barrier"].opened == 0
    assert records[-1].attrs["reasons"] == "missing_reading:plate_camera"


def test_wall_clock_starts_near_zero_and_never_goes_back():
    clock = WallClock()
    a, b = clock(), clock()
    assert 0.0 <= a <= b < 5.0


def test_shutdown_finalizes_every_device():
    gate, _, _ = _gate()
    gate.shutdown()
    assert {d.state.value for d in gate.devices()} == {"finalized"}
