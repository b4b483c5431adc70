"""The contract every sensor implementation of a kind passes (subclassed per kind)."""

from __future__ import annotations

import numpy as np

from core.gate import DeviceFault, DeviceKind, Reading
from hardware_models import PORT_OF_KIND, LifecycleState
from tests.hardware.contracts import SensorCase

S = LifecycleState
DEVICE_ID = "yangshan_port/gate_2L_01/dev-1"


def active(case: SensorCase, mode: str = "perfect", seed: int = 1):
    dev = case.make(DEVICE_ID, np.random.default_rng(seed), mode)
    assert dev.configure() and dev.activate()
    return dev


def readings(results) -> list[Reading]:
    assert all(isinstance(r, Reading | DeviceFault) for r in results)
    return [r for r in results if isinstance(r, Reading)]


def faults(results) -> list[DeviceFault]:
    return [r for r in results if isinstance(r, DeviceFault)]


class SensorContract:
    kind: DeviceKind

    def test_is_a_port_of_its_kind_with_the_id_it_was_given(self, case: SensorCase):
        dev = case.make(DEVICE_ID, np.random.default_rng(0), "perfect")
        assert isinstance(dev, PORT_OF_KIND[self.kind])
        assert dev.kind is self.kind and dev.device_id == DEVICE_ID

    def test_lifecycle_goes_unconfigured_inactive_active_inactive_finalized(self, case):
        dev = case.make(DEVICE_ID, np.random.default_rng(0), "perfect")
        trail = [dev.state]
        for step in (dev.configure, dev.activate, dev.deactivate, dev.activate, dev.finalize):
            assert step() is True
            trail.append(dev.state)
        assert trail == [S.UNCONFIGURED, S.INACTIVE, S.ACTIVE, S.INACTIVE, S.ACTIVE, S.FINALIZED]

    def test_disallowed_transitions_return_false_and_keep_the_state(self, case):
        dev = case.make(DEVICE_ID, np.random.default_rng(0), "perfect")
        assert dev.activate() is False and dev.state is S.UNCONFIGURED
        assert dev.deactivate() is False and dev.state is S.UNCONFIGURED
        dev.configure()
        assert dev.configure() is False and dev.state is S.INACTIVE
        dev.finalize()
        assert not (dev.configure() or dev.activate()) and dev.state is S.FINALIZED

    def test_perfect_device_reads_the_truth_once_after_its_latency(self, case):
        dev = active(case)
        ready = case.stimulate(dev, case.truth, 100.0)
        assert ready >= 100.0
        if ready > 100.0:
            assert dev.read(100.0) == []
        got = readings(dev.read(ready))
        assert [r.value for r in got] == case.expected(case.truth)
        assert {(r.device_id, r.kind, r.time_s) for r in got} == {(DEVICE_ID, self.kind, ready)}
        assert all(0.0 <= r.confidence <= 1.0 for r in got)
        assert dev.read(ready + 1.0) == []

    def test_sequence_numbers_strictly_increase(self, case):
        dev = active(case)
        seqs = []
        for i, truth in enumerate((case.truth, case.other_truth, case.truth)):
            ready = case.stimulate(dev, truth, 1000.0 * i)
            seqs += [r.seq for r in readings(dev.read(ready))]
        assert seqs == sorted(set(seqs)) and len(seqs) >= 3

    def test_inactive_device_answers_with_a_fault_never_an_exception(self, case):
        dev = case.make(DEVICE_ID, np.random.default_rng(0), "perfect")
        dev.configure()
        ready = case.stimulate(dev, case.truth, 5.0)
        [fault] = dev.read(ready)
        assert isinstance(fault, DeviceFault) and fault.code == "not_active"
        assert fault.device_id == DEVICE_ID and fault.kind is self.kind

    def test_a_miss_is_a_no_read_fault(self, case):
        dev = active(case, "miss")
        got = dev.read(case.stimulate(dev, case.truth, 5.0))
        assert readings(got) == [] and {f.code for f in faults(got)} == {"no_read"}

    def test_a_misread_differs_from_the_truth(self, case):
        dev = active(case, "misread")
        got = readings(dev.read(case.stimulate(dev, case.truth, 5.0)))
        assert got and [r.value for r in got] != case.expected(case.truth)

    def test_failed_device_reports_device_down_is_faulted_and_recovers_after_repair(self, case):
        dev = active(case, "down")
        t, seen_down = 0.0, False
        while t < 3600.0 and not seen_down:
            t += 1.0
            got = dev.read(case.stimulate(dev, case.truth, t))
            seen_down = any(f.code == "device_down" for f in faults(got))
        assert seen_down and dev.state is S.FAULTED
        deadline = t + 600.0  # far beyond the mean repair time of 3 s
        while dev.state is S.FAULTED and t < deadline:
            t += 1.0
            dev.read(t)
        assert dev.state is S.ACTIVE

    def test_stuck_device_keeps_answering_with_the_last_value_it_read(self, case):
        dev = active(case, "stuck")
        first = [r.value for r in readings(dev.read(case.stimulate(dev, case.truth, 0.0)))]
        later = readings(dev.read(case.stimulate(dev, case.other_truth, 3600.0)))
        assert later and later[0].value == first[0]
        assert dev.state is S.ACTIVE  # a stuck device does not know it is stuck

    def test_same_seed_gives_the_same_results(self, case):
        runs = []
        for _ in range(2):
            dev = active(case, "misread", seed=42)
            runs.append(dev.read(case.stimulate(dev, case.truth, 1.0)))
        assert runs[0] == runs[1]

    def test_latency_and_failures_do_not_depend_on_the_misread_rate(self, case):
        times = []
        for mode in ("perfect", "misread"):
            dev = active(case, mode, seed=7)
            times.append([case.stimulate(dev, case.truth, 10.0 * i) for i in range(5)])
        assert times[0] == times[1]
