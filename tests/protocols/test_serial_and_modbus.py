"""The weighbridge over a socat pty and the barrier over Modbus TCP, against real peers."""

from __future__ import annotations

import time

import pytest

from core.gate import OpenBarrier
from hardware_models.modbus import BarrierPlc, ModbusBarrier
from hardware_models.serial import SerialToledoWeighbridge, ToledoIndicator, encode_frame
from tests.protocols import services
from tests.protocols.fakes import FakeClock, wait_handled

pytestmark = pytest.mark.service


def test_weighbridge_reads_one_stable_weight_per_truck_and_resyncs_after_garbage(pty_pair):
    clock = FakeClock()
    dev = SerialToledoWeighbridge("z1/g1/weighbridge-1", port=pty_pair.a, clock=clock)
    assert dev.configure() and dev.activate()
    indicator = ToledoIndicator(pty_pair.b)
    try:
        clock.t = 10.0
        indicator.weigh(31_250.0)
        indicator.write_raw(
            b"\x00garbage\x02\x7f" + encode_frame(31_250.0)[:5]
        )  # noise and a torn frame
        indicator.send(31_250.0)  # the truck still stands there: no second reading
        assert dev.wait_posted(1)
        wait_handled(dev, 6)
        clock.t = 20.0
        indicator.weigh(18_400.0)
        assert dev.wait_posted(2)
        assert [(r.value, r.time_s) for r in dev.read(30.0)] == [(31_250.0, 10.0), (18_400.0, 20.0)]
        assert dev.counters.rejected() >= 1
    finally:
        indicator.close()
        dev.finalize()


def test_barrier_only_writes_the_plc_and_never_reads_it():
    plc = BarrierPlc().start()
    try:
        dev = ModbusBarrier("z1/g1/barrier-1", port=plc.port, register=4)
        assert dev.configure() and dev.activate()
        for _ in range(3):
            assert dev.write(OpenBarrier("z1/g1/lane1", "c1"), 1.0) is None
        assert plc.opens[4] == 3 and dict(plc.functions) == {16: 3}  # write multiple, no reads
        dev.finalize()
    finally:
        plc.stop()


def test_an_unreachable_plc_is_a_device_down_fault_not_an_exception():
    dev = ModbusBarrier("z1/g1/barrier-1", port=services.free_port(), timeout_s=0.2)
    assert dev.configure() and dev.activate()
    t0 = time.monotonic()
    fault = dev.write(OpenBarrier("z1/g1/lane1", "c1"), 5.0)
    assert fault is not None and fault.code == "device_down" and dev.state.value == "faulted"
    assert time.monotonic() - t0 < 3.0
    dev.finalize()
