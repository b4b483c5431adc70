"""Replayed, stale, future, malformed, forged messages are rejected and counted, never raised."""

from __future__ import annotations

import itertools
import time

import pytest

from ftz_live.broker_acl import BrokerUser, acl_text, write_password_file
from hardware_models.http import HttpPlateCamera
from hardware_models.mqtt import MqttDevicePeer, MqttPlateCamera, MqttSettings, bus_for
from hardware_models.security import encode_envelope
from tests.protocols import services
from tests.protocols.fakes import FakeClock, post_event, wait_handled

pytestmark = pytest.mark.service
KEY = b"device-key-0123456789abcdef"
_prefixes = itertools.count()


@pytest.fixture
def camera(broker):
    """An active MQTT camera with a key and the peer that publishes as it."""
    prefix = f"sec{next(_prefixes)}"
    clock = FakeClock()
    clock.t = 1000.0
    dev = MqttPlateCamera(
        "z1/g1/plate_camera-1",
        clock=clock,
        mqtt=broker.settings(),
        prefix=prefix,
        hmac_key=KEY,
        max_age_s=30,
        max_future_s=5,
    )
    assert dev.configure() and dev.activate()
    peer = MqttDevicePeer(dev.device_id, broker.settings(), prefix, key=KEY)
    assert peer.open()
    yield dev, peer, clock
    peer.close()
    dev.finalize()


def _send(dev, peer, *messages):
    before = dev.counters.accepted + dev.counters.rejected()
    for m in messages:
        peer.publish_raw(m) if isinstance(m, bytes) else peer.publish(*m)
    wait_handled(dev, before + len(messages))


def test_replayed_mqtt_reading_is_rejected_and_counted(camera):
    dev, peer, _ = camera
    signed = encode_envelope(dev.device_id, 7, 1000.0, "ok", "沪A12345", 0.97, KEY)
    _send(dev, peer, signed, signed)
    assert dev.counters.accepted == 1 and dev.counters.rejected("replayed") == 1
    assert [r.value for r in dev.read(1000.0)] == ["沪A12345"]


def test_stale_and_future_readings_are_rejected_and_counted(camera):
    dev, peer, _ = camera
    _send(dev, peer, ("ok", 900.0, "沪A1"), ("ok", 1100.0, "沪A2"), ("ok", 999.0, "沪A3"))
    assert dev.counters.rejected("stale") == 1 and dev.counters.rejected("future") == 1
    assert [r.value for r in dev.read(1000.0)] == ["沪A3"]


def test_malformed_payloads_are_counted_and_the_driver_keeps_working(camera):
    dev, peer, _ = camera
    junk = [
        b"",
        b"\xff\xfe",
        b"[1,2]",
        b'{"v": 2}',
        b'{"v":1,"device":"z1/g1/plate_camera-1","seq":"x"}',
    ]
    _send(dev, peer, *junk, ("ok", 1000.0, "沪A12345"))
    assert dev.counters.rejected("malformed") == len(junk) and dev.counters.accepted == 1
    assert dev.state.value == "active" and len(dev.read(1000.0)) == 1


def test_reading_with_a_bad_hmac_is_rejected_and_a_good_one_accepted(camera):
    dev, peer, _ = camera
    forged = encode_envelope(dev.device_id, 5, 1000.0, "ok", "沪A99999", 0.97, b"wrong key")
    _send(dev, peer, forged, ("ok", 1000.0, "沪A12345"))
    assert dev.counters.rejected("bad_signature") == 1
    assert [r.value for r in dev.read(1000.0)] == ["沪A12345"]


def test_unsigned_reading_is_rejected_when_the_device_has_a_key(camera):
    dev, peer, _ = camera
    _send(dev, peer, encode_envelope(dev.device_id, 5, 1000.0, "ok", "沪A12345", 0.97))
    assert dev.counters.rejected("unsigned") == 1 and dev.read(1000.0) == []


def test_a_forged_huge_sequence_number_cannot_lock_out_the_device(camera):
    dev, peer, _ = camera
    forged = encode_envelope(dev.device_id, 2**62, 1000.0, "ok", "X", 0.97, b"attacker")
    _send(dev, peer, forged, ("ok", 1000.0, "沪A12345"))
    assert dev.counters.accepted == 1


def test_a_message_claiming_another_device_is_rejected(camera):
    dev, peer, _ = camera
    other = encode_envelope("z1/g1/plate_camera-2", 1, 1000.0, "ok", "沪A1", 0.97, KEY)
    _send(dev, peer, other)
    assert dev.counters.rejected("foreign_device") == 1


def test_http_camera_answers_400_with_the_reason_for_a_rejected_event():
    port = services.free_port()
    dev = HttpPlateCamera("z1/g1/plate_camera-1", port=port, clock=lambda: 50.0, hmac_key=KEY)
    assert dev.configure() and dev.activate()
    try:
        ok = encode_envelope(dev.device_id, 1, 50.0, "ok", "沪A12345", 0.97, KEY)
        assert post_event(port, dev.device_id, ok) == (202, {"accepted": True, "reason": ""})
        assert post_event(port, dev.device_id, ok)[1]["reason"] == "replayed"
        assert post_event(port, dev.device_id, b"{")[0] == 400
        assert post_event(port, "z1/g1/unknown-1", ok)[0] == 404
        assert [r.value for r in dev.read(50.0)] == ["沪A12345"]
    finally:
        dev.finalize()


def test_broker_acl_lets_a_device_publish_only_its_own_topic(tmp_path):
    services.need("mosquitto_passwd")
    users = [
        BrokerUser("gate-service", (), ("acl/v1/dev/+/+/+/reading",)),
        BrokerUser("z1/g1/cam-1", ("acl/v1/dev/z1/g1/cam-1/reading",), ()),
        BrokerUser("z1/g1/cam-2", ("acl/v1/dev/z1/g1/cam-2/reading",), ()),
    ]
    passwords = write_password_file(tmp_path / "passwd", users)
    files = {"acl": acl_text(users), "passwd": (tmp_path / "passwd").read_text()}
    broker = services.start_mosquitto(
        "password_file {dir}/passwd\nacl_file {dir}/acl", anonymous=False, files=files
    )
    try:
        service = MqttPlateCamera(
            "z1/g1/cam-1",
            mqtt=broker.settings("gate-service", passwords["gate-service"]),
            prefix="acl",
            clock=lambda: 10.0,
        )
        assert service.configure() and service.activate()
        honest = MqttDevicePeer(
            "z1/g1/cam-1", broker.settings("z1/g1/cam-1", passwords["z1/g1/cam-1"]), "acl"
        )
        intruder = MqttDevicePeer(
            "z1/g1/cam-1", broker.settings("z1/g1/cam-2", passwords["z1/g1/cam-2"]), "acl"
        )
        assert honest.open() and intruder.open()
        intruder.publish("ok", 10.0, "沪FAKE01", 0.99, seq=1)  # cam-2 may not write cam-1's topic
        honest.publish("ok", 10.0, "沪A12345", 0.97, seq=2)
        wait_handled(service, 1)
        time.sleep(0.2)  # give a wrongly delivered message the time to arrive
        assert [r.value for r in service.read(10.0)] == ["沪A12345"]
        assert not bus_for(
            MqttSettings("127.0.0.1", broker.port, "z1/g1/cam-1", "wrong", connect_timeout_s=1.0)
        ).acquire()
        honest.close(), intruder.close(), service.finalize()
    finally:
        broker.stop()
