"""The live service's parts on their own: the journal, the pass register, the ledger sink."""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal

import pytest

from core.gate import (
    DeviceFault,
    DeviceKind,
    EPlateRead,
    FaultReported,
    GatePass,
    GatePassItem,
    PostGatePassage,
    Reading,
    ReadingReceived,
    ScanCompleted,
    ScanResult,
    Tick,
    TruckArrived,
)
from core.ledger import Ledger
from ftz_live.journal import decode_entry, encode_entry
from ftz_live.ledger_sink import LedgerSink
from ftz_live.passes import PassRegister
from ftz_stores import MemoryStore
from hardware_models.security import parse_envelope
from tests.live.stack import track

LANE = "z1/g1/lane1"
GP = GatePass("P1", "沪A12345", items=(GatePassItem("L1", 1, Decimal("2.5")),))


@pytest.mark.parametrize(
    "event",
    [
        TruckArrived(LANE, "c1", GP),
        TruckArrived(LANE, "c2", None),
        ReadingReceived(
            LANE,
            Reading(
                "z1/g1/e_plate-1",
                DeviceKind.E_PLATE_READER,
                EPlateRead("EP1", "沪A1"),
                0.9,
                7,
                3.5,
                "c1",
            ),
        ),
        FaultReported(
            LANE, DeviceFault("z1/g1/weighbridge-1", DeviceKind.WEIGHBRIDGE, "no_read", "x", 4.0)
        ),
        ScanCompleted(LANE, "c1", ScanResult.SUSPECT),
        Tick(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_event_fed_to_a_controller_crosses_the_journal_unchanged(event):
    assert decode_entry(encode_entry("z1/g1", 12, 99.25, event)) == ("z1/g1", 12, 99.25, event)


def test_a_gps_track_crosses_the_journal_unchanged():
    from hardware_models.real import decode_value

    value = decode_value(DeviceKind.GPS_TRACK, track())
    event = ReadingReceived(LANE, Reading("z1/g1/gps-1", DeviceKind.GPS_TRACK, value, 1.0, 1, 2.0))
    assert decode_entry(encode_entry("z1/g1", 1, 2.0, event))[3] == event


def test_a_message_that_is_not_a_journal_entry_decodes_to_nothing():
    assert decode_entry(b"{") is None and decode_entry(b'{"v": 1, "type": "reading"}') is None


def test_an_envelope_may_name_the_passage_its_reading_was_taken_for():
    env = parse_envelope(b'{"v":1,"device":"d","seq":1,"ts":1,"value":"x","case_id":"c7"}')
    assert not isinstance(env, str) and env.case_id == "c7"
    assert parse_envelope(b'{"v":1,"device":"d","seq":1,"ts":1,"value":"x","case_id":3}') == (
        "malformed:case_id"
    )


def test_registered_passes_are_kept_across_restarts_and_only_a_right_token_registers(tmp_path):
    reg = PassRegister(tmp_path / "passes.jsonl", token="s3cret")
    body = json.dumps({"pass_id": "P9", "plate": "沪A99999"}).encode()
    assert reg.http_post({}, body)[0] == 401
    assert reg.http_post({"authorization": "Bearer wrong"}, body)[0] == 401
    assert reg.http_post({"authorization": "Bearer s3cret"}, b"[1]")[0] == 400
    status, answer = reg.http_post({"authorization": "Bearer s3cret"}, body)
    assert (status, answer["registered"]) == (201, "P9")
    again = PassRegister(tmp_path / "passes.jsonl")
    assert again.get("P9") == GatePass("P9", "沪A99999") and again.get("P1") is None
    assert again.http_post({"authorization": "Bearer "}, body)[0] == 403  # no token: no door


def test_the_ledger_sink_keeps_postings_while_the_store_cannot_be_opened_and_writes_them_after():
    attempts = []
    ready = threading.Event()

    def opener():
        attempts.append(time.monotonic())
        if not ready.is_set():
            raise OSError("the database host does not answer")
        return Ledger(MemoryStore())

    sink = LedgerSink(opener)
    assert not sink.reachable and sink.error.startswith("OSError")
    sink(PostGatePassage("z1/g1", "P1", "c1", LANE, (), (), None, "k1", 1.0))
    time.sleep(0.4)
    assert sink.pending == 1 and sink.committed == 0
    ready.set()
    deadline = time.monotonic() + 10
    while sink.refused["UnknownDocument"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    sink.close()
    assert sink.reachable and sink.pending == 0 and len(attempts) >= 2
    assert sink.refused["UnknownDocument"] == 1  # it reached the store, which knows no such pass
