"""The live composition root drives the same core with another clock."""

from __future__ import annotations

from core.gate import GatePass, OpenBarrier
from core.trace import Recorder
from ftz_live import WallClock, build_live_gate
from ftz_spec import parse_scenario
from twin.twin_fixtures import scenario_data


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _gate():
    records = []
    clock = FakeClock()
    gate = build_live_gate(
        parse_scenario(scenario_data()), "z1/g1", Recorder([records.append]), clock
    )
    return gate, clock, records


def test_live_gate_opens_the_barrier_when_the_camera_reads_the_pass_plate():
    gate, clock, records = _gate()
    lane = "z1/g1/lane1"
    assert gate.truck_arrived(lane, "c1", GatePass("HF1", "沪A12345")) == []
    [camera] = gate.sensors[lane]
    camera.present("沪A12345", clock())
    clock.t += 1.0
    commands = gate.step()
    assert OpenBarrier(lane, "c1") in commands
    assert gate.actuators[lane]["barrier"].opened == 1
    assert records[-1].attrs["outcome"] == "pass"


def test_live_gate_diverts_on_a_wrong_plate_and_keeps_the_barrier_shut():
    gate, clock, records = _gate()
    lane = "z1/g1/lane2"
    gate.truck_arrived(lane, "c2", GatePass("HF2", "沪A12345"))
    [camera] = gate.sensors[lane]
    camera.present("沪B77777", clock())
    clock.t += 1.0
    gate.step()
    assert gate.actuators[lane]["barrier"].opened == 0
    assert records[-1].attrs["reasons"] == "plate_mismatch"


def test_a_passage_still_missing_its_reading_is_decided_on_tick_and_fails_closed():
    gate, clock, records = _gate()
    lane = "z1/g1/lane1"
    gate.truck_arrived(lane, "c3", GatePass("HF3", "沪A12345"))
    clock.t += 500.0
    gate.tick()
    assert gate.actuators[lane]["barrier"].opened == 0
    assert records[-1].attrs["outcome"] == "manual_post"


def test_wall_clock_starts_near_zero_and_never_goes_back():
    clock = WallClock()
    a, b = clock(), clock()
    assert 0.0 <= a <= b < 5.0


def test_shutdown_finalizes_every_device():
    gate, _, _ = _gate()
    gate.shutdown()
    assert {d.state.value for d in gate.devices()} == {"finalized"}
