"""The contract every actuator implementation of a kind passes (subclassed per kind)."""

from __future__ import annotations

import numpy as np

from core.gate import DeviceFault, DeviceKind, Tick
from hardware_models import PORT_OF_KIND, LifecycleState
from tests.hardware.contracts import ActuatorCase

S = LifecycleState
DEVICE_ID = "waigaoqiao_ftz/gate_2L_01/act-1"


def active(case: ActuatorCase, mode: str = "perfect"):
    dev = case.make(DEVICE_ID, np.random.default_rng(3), mode)
    assert dev.configure() and dev.activate()
    return dev


class ActuatorContract:
    kind: DeviceKind

    def test_is_a_port_of_its_kind_with_the_id_it_was_given(self, case: ActuatorCase):
        dev = case.make(DEVICE_ID, np.random.default_rng(0), "perfect")
        assert isinstance(dev, PORT_OF_KIND[self.kind])
        assert dev.kind is self.kind and dev.device_id == DEVICE_ID

    def test_lifecycle_goes_unconfigured_inactive_active_inactive_finalized(self, case):
        dev = case.make(DEVICE_ID, np.random.default_rng(0), "perfect")
        trail = [dev.state]
        for step in (dev.configure, dev.activate, dev.deactivate, dev.finalize):
            assert step() is True
            trail.append(dev.state)
        assert trail == [S.UNCONFIGURED, S.INACTIVE, S.ACTIVE, S.INACTIVE, S.FINALIZED]
        assert dev.activate() is False and dev.state is S.FINALIZED

    def test_carries_out_its_command(self, case):
        dev = active(case)
        before = case.effect(dev)
        assert dev.write(case.command, 1.0) is None
        assert case.effect(dev) != before

    def test_refuses_another_command_with_a_fault(self, case):
        fault = active(case).write(Tick(), 1.0)
        assert isinstance(fault, DeviceFault) and fault.code == "bad_command"

    def test_inactive_actuator_answers_with_a_fault_and_does_nothing(self, case):
        dev = case.make(DEVICE_ID, np.random.default_rng(0), "perfect")
        dev.configure()
        before = case.effect(dev)
        fault = dev.write(case.command, 1.0)
        assert isinstance(fault, DeviceFault) and fault.code == "not_active"
        assert case.effect(dev) == before

    def test_stuck_actuator_reports_stuck_and_does_nothing(self, case):
        dev = active(case, "stuck")
        before = case.effect(dev)
        assert dev.write(case.command, 1.0).code == "stuck"
        assert case.effect(dev) == before

    def test_failed_actuator_reports_device_down_and_recovers(self, case):
        dev = active(case, "down")
        t, fault = 0.0, None
        while t < 3600.0 and fault is None:
            t += 1.0
            fault = dev.write(case.command, t)
        assert fault is not None and fault.code == "device_down" and dev.state is S.FAULTED
        deadline = t + 600.0  # far beyond the mean repair time of 3 s
        while fault is not None and t < deadline:
            t += 1.0
            fault = dev.write(case.command, t)
        assert fault is None and dev.state is S.ACTIVE
