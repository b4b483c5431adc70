"""Parsers are total: bad bytes give a counted rejection, never an exception out of a driver."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from core.gate import DeviceKind
from ftz_live.codec import decode_command, decode_gate_pass
from hardware_models.mqtt import MqttPlateCamera
from hardware_models.real import decode_value, encode_value
from hardware_models.security import Envelope, encode_envelope, parse_envelope
from hardware_models.serial import SerialToledoWeighbridge, encode_frame, parse_frame, split_frames
from hardware_models.serial.toledo import ToledoFrame

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KEY = b"k" * 32


@given(st.binary(max_size=300))
def test_envelope_parser_turns_any_bytes_into_an_envelope_or_a_reason(raw):
    out = parse_envelope(raw)
    assert isinstance(out, Envelope) or out.startswith("malformed:")


@given(
    st.dictionaries(
        st.sampled_from(["v", "device", "seq", "ts", "status", "value", "conf", "mac"]), JSON
    )
)
def test_envelope_parser_is_total_on_any_json_object(obj):
    out = parse_envelope(json.dumps(obj).encode())
    assert isinstance(out, Envelope | str)


@given(
    st.text(min_size=1, max_size=12), st.integers(0, 2**40), st.floats(0, 2e9), st.integers(0, 150)
)
def test_any_changed_byte_of_a_signed_message_breaks_it_or_its_signature(plate, seq, ts, pos):
    from hardware_models.security import GuardPolicy, MessageGuard

    raw = bytearray(encode_envelope("z/g/cam-1", seq, ts, "ok", plate, 0.9, KEY))
    guard = MessageGuard("z/g/cam-1", GuardPolicy(KEY, float("inf"), float("inf")))
    good = parse_envelope(bytes(raw))
    assert isinstance(good, Envelope) and guard.check(good, ts) == ""
    i = pos % len(raw)
    raw[i] = (raw[i] + 1) % 256
    bad = parse_envelope(bytes(raw))
    fresh = MessageGuard("z/g/cam-1", GuardPolicy(KEY, float("inf"), float("inf")))
    assert (
        isinstance(bad, str) or fresh.check(bad, ts) != "" or bad.signed_bytes == good.signed_bytes
    )


@given(st.sampled_from(list(DeviceKind)), JSON)
def test_value_decoder_is_total_for_every_kind(kind, value):
    decoded = decode_value(kind, value)
    if decoded is not None:
        assert decode_value(kind, json.loads(json.dumps(encode_value(decoded)))) == decoded


@given(st.binary(min_size=0, max_size=40))
def test_toledo_parser_turns_any_bytes_into_a_frame_or_a_reason(raw):
    for with_checksum in (True, False):
        out = parse_frame(raw, with_checksum)
        assert isinstance(out, ToledoFrame | str)


@given(st.floats(0, 9_999_990), st.floats(0, 99_990), st.booleans(), st.booleans(), st.booleans())
def test_toledo_frames_round_trip_to_10_kg(gross, tare, motion, oor, power_up):
    f = parse_frame(encode_frame(gross, tare, motion=motion, out_of_range=oor, power_up=power_up))
    assert isinstance(f, ToledoFrame)
    assert abs(f.gross_kg - gross) <= 5.0 + 1e-6 and abs(f.tare_kg - tare) <= 5.0 + 1e-6
    assert (f.motion, f.out_of_range, f.power_up) == (motion, oor, power_up)


@given(st.lists(st.binary(max_size=30), max_size=6), st.integers(1, 20))
def test_split_frames_finds_every_frame_between_garbage_however_the_stream_is_cut(garbage, cut):
    frame = encode_frame(31_250.0)
    stream = b"".join(g.replace(b"\x02", b"") + frame for g in garbage) or frame
    found, rest = [], b""
    for i in range(0, len(stream), cut):
        frames, rest, _ = split_frames(rest + stream[i : i + cut])
        found += frames
    assert found == [frame] * max(1, len(garbage))


@settings(max_examples=300)
@given(st.binary(max_size=40))
def test_weighbridge_driver_counts_bad_frames_and_never_raises(raw):
    dev = SerialToledoWeighbridge("z/g/wb-1", clock=lambda: 1.0)
    dev.on_frame(raw)
    assert dev.counters.accepted + dev.counters.rejected() == 1


@settings(max_examples=300)
@given(st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_mqtt_driver_counts_any_payload_and_never_raises(raw):
    dev = MqttPlateCamera("z/g/cam-1", clock=lambda: 1.0)
    dev.configure = lambda: True  # no broker needed: the handler alone is under test
    dev._on_message(raw)
    assert dev.counters.accepted + dev.counters.rejected() == 1
    assert all(r.device_id == "z/g/cam-1" for r in dev.read(1e18))


@given(JSON)
def test_gate_pass_and_command_decoders_are_total(value):
    decode_gate_pass(value)
    decode_command(value)
