"""Hostile target expressions and device frames: a value or a counted rejection, never a raise.

Targets go through ``parse_target`` (what ``ftztwin staff --target`` calls); frames
through each parser and the drivers that count what they reject: the envelope, the
Toledo serial frame, the Modbus register write, the MQTT sensor, the lane PC's arrival
receiver, and the HTTP push over a real socket, which must answer every body with 202
or 400 and a reason.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import queue
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftz_live.inputs import ArrivalReceiver
from ftztwin.staffing import StaffingError, parse_target
from hardware_models.http.camera import HttpPlateCamera
from hardware_models.modbus import parse_command
from hardware_models.mqtt import MqttPlateCamera
from hardware_models.security import Envelope, parse_envelope
from hardware_models.security.envelope import STATUSES
from hardware_models.serial import SerialToledoWeighbridge, parse_frame
from hardware_models.serial.toledo import ToledoFrame
from tests.fuzz.bounds import Tally, bounded
from tests.fuzz.strategies import envelope_bytes, target_text, toledo_bytes
from tests.protocols import services

EXAMPLES = int(os.environ.get("FTZ_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
_KPI = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\[[A-Za-z0-9_/=.,:-]+\])*")


def _target(text: str):
    try:
        return parse_target(text)
    except StaffingError as exc:
        message = str(exc)
        assert message.startswith("--target: expected") or "limit" in message, message
        assert "column" in message and "^" in message, message
        return None


def sane_target(t) -> str:
    if not _KPI.fullmatch(t.kpi) or t.op not in ("<=", ">="):
        return f"kpi or op not of the grammar: {t!r}"
    if not math.isfinite(t.value) or abs(t.value) > 1e12:
        return f"value without bound: {t.value!r}"
    if parse_target(str(t)) != t and parse_target(f"{t.kpi}{t.op}{t.value!r}") != t:
        return f"does not read back: {t!r}"
    return ""


def test_hostile_target_expressions_are_refused_with_a_caret_or_accepted_sane():
    tally = Tally("target expressions")

    @FUZZ
    @given(target_text())
    def one(text: str) -> None:
        bounded(tally, repr(text), lambda: _target(text), sane_target, cpu_s=1.0)

    one()
    tally.report()
    assert tally.tried >= min(EXAMPLES, 2_000) * 0.95, tally
    assert tally.clean, tally.examples


def _sane_envelope(env) -> str:
    ok = (
        isinstance(env, Envelope)
        and isinstance(env.device, str)
        and env.status in STATUSES
        and isinstance(env.seq, int)
        and 0 <= env.seq < 2**63
        and math.isfinite(env.ts)
        and 0.0 <= env.conf <= 1.0
    )
    return "" if ok else f"envelope out of its contract: {env!r}"[:300]


def _sane_frame(f) -> str:
    ok = isinstance(f, ToledoFrame) and all(
        math.isfinite(x) and abs(x) < 1e8 for x in (f.gross_kg, f.tare_kg)
    )
    return "" if ok else f"frame out of its contract: {f!r}"


def test_hostile_device_frames_give_a_value_or_a_counted_rejection():
    tally = Tally("device frames")
    cam = MqttPlateCamera("z/g/cam-1", clock=lambda: 1.0, check_replay=False)
    wb = SerialToledoWeighbridge("z/g/wb-1", clock=lambda: 1.0)
    lane_pc = ArrivalReceiver("z/g", queue.Queue(), lambda: 1.0, check_replay=False)

    def envelope(raw: bytes):
        out = parse_envelope(raw)
        assert isinstance(out, Envelope) or out.startswith("malformed:"), out
        before = cam.counters.accepted + cam.counters.rejected()
        cam._on_message(raw)  # the MQTT handler: counts it once, never raises
        assert cam.counters.accepted + cam.counters.rejected() == before + 1
        before = lane_pc.counters.accepted + lane_pc.counters.rejected()
        lane_pc.on_raw(raw)
        assert lane_pc.counters.accepted + lane_pc.counters.rejected() == before + 1
        return out if isinstance(out, Envelope) else None

    def toledo(raw: bytes):
        out = parse_frame(raw)
        assert isinstance(out, ToledoFrame | str), out
        before = wb.counters.accepted + wb.counters.rejected()
        wb.on_frame(raw)
        assert wb.counters.accepted + wb.counters.rejected() == before + 1
        return out if isinstance(out, ToledoFrame) else None

    @FUZZ
    @given(
        envelope_bytes() | toledo_bytes(),
        st.lists(st.integers(-(2**20), 2**20) | st.floats() | st.text(max_size=3), max_size=4),
    )
    def one(raw: bytes, registers: list) -> None:
        bounded(tally, repr(raw[:200]), lambda: envelope(raw), _sane_envelope, cpu_s=1.0)
        bounded(tally, repr(raw[:200]), lambda: toledo(raw), _sane_frame, cpu_s=1.0)
        cmd = parse_command(registers)
        ok = cmd is None or (len(registers) == 2 and all(0 <= v < 65_536 for v in cmd))
        tally.tried += 1
        if not ok:
            tally.failed("nonsense_accepted", f"registers {registers!r} -> {cmd!r}")
        cam.read(1e18)  # keep the inbox small
        lane_pc.out.queue.clear()

    one()
    tally.report()
    assert tally.tried >= min(EXAMPLES, 2_000) * 0.95, tally
    assert tally.clean, tally.examples


def test_the_http_push_answers_every_hostile_body_with_202_or_400_and_a_counted_reason():
    tally = Tally("http push")
    port = services.free_port()
    cam = HttpPlateCamera("z/g/cam-1", port=port, clock=lambda: 1.0, check_replay=False)
    assert cam.configure() and cam.activate()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def push(raw: bytes):
        before = cam.counters.accepted + cam.counters.rejected()
        conn.request("POST", "/v1/dev/z/g/cam-1/reading", body=raw)
        resp = conn.getresponse()
        body = json.loads(resp.read())
        if len(raw) > 16_384:
            assert resp.status == 413, resp.status
            return None
        assert (resp.status, body["accepted"]) in ((202, True), (400, False)), (resp.status, body)
        assert resp.status == 202 or body["reason"], body
        assert cam.counters.accepted + cam.counters.rejected() == before + 1
        return None

    try:

        @settings(FUZZ, max_examples=max(EXAMPLES // 5, 50))
        @given(envelope_bytes())
        def one(raw: bytes) -> None:
            bounded(tally, repr(raw[:200]), lambda: push(raw), lambda _v: "", cpu_s=2.0)
            cam.read(1e18)

        one()
    finally:
        conn.close()
        cam.finalize()
    tally.report()
    assert tally.clean, tally.examples
