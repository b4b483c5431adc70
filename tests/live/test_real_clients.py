"""Scripted passages with real clients: the barrier opens for a valid truck and stays down
for each mismatch of the plan's reads (plate, e-plate, IC card, container number and check
digit, seal, weight, GPS track)."""

from __future__ import annotations

import time

import pytest
import yaml

from tests.live.stack import EXAMPLE, PASS, Stack, track, truck, wait_for

pytestmark = pytest.mark.service

MISMATCHES = [
    ("plate", {"plate_camera": "沪B77777"}, "plate_mismatch"),
    (
        "e-plate",
        {"e_plate_reader": {"tag_id": "EP9999", "plate": "沪A12345"}},
        "eplate_not_on_pass",
    ),
    ("IC card", {"ic_card_reader": "IC0000001"}, "ic_card_mismatch"),
    ("container number", {"container_ocr": "MSKU1234565"}, "container_not_on_pass"),
    ("container check digit", {"container_ocr": "CSQU3054384"}, "container_check_digit_invalid"),
    ("seal id", {"e_seal_reader": {"seal_id": "ES999", "intact": True}}, "seal_wrong"),
    ("seal tampered", {"e_seal_reader": {"seal_id": "ES001", "intact": False}}, "seal_tampered"),
    ("weight", {"weighbridge": 41000.0}, "weight_out_of_tolerance"),
    ("GPS track", {"gps_track": track(offset_m=2000.0)}, "gps_deviation"),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # The example site, its gate deciding a passage still missing a reading after 3 s.
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["site"]["gates"][0]["tolerances"]["max_passage_s"] = 3.0
    site = tmp_path_factory.mktemp("site") / "site.yaml"
    site.write_text(yaml.safe_dump(data, allow_unicode=True))
    with Stack(site) as s:
        status, body = s.register(PASS)
        assert status == 201 and body["registered"] == "HF0001"
        yield s


def test_a_valid_truck_played_by_real_clients_opens_the_modbus_barrier(stack):
    before = stack.opens()
    stack.play("OK1", truck())
    d = stack.decision("OK1")
    assert (d["outcome"], d["reasons"]) == ("pass", ["all_checks_passed"])
    assert len(d["readings"]) == 7  # every device of the second-line lane was used
    assert stack.opens() == before + 1


@pytest.mark.parametrize(("what", "changes", "reason"), MISMATCHES, ids=[m[0] for m in MISMATCHES])
def test_each_mismatch_of_the_plans_reads_keeps_the_barrier_down(stack, what, changes, reason):
    before = stack.opens()
    case = f"BAD-{what.replace(' ', '_')}"
    stack.play(case, truck(**changes))
    d = stack.decision(case)
    assert d["outcome"] != "pass" and reason in d["reasons"], d
    assert stack.opens() == before  # the PLC received no OPEN


def test_every_real_client_passage_is_counted_and_none_opened_wrongly(stack):
    h = stack.health()
    decided = sum(h["decisions"].values())
    assert decided == len(stack.decisions) and h["decisions"].get("pass", 0) == stack.opens()


def test_a_seal_reported_after_its_truck_was_decided_is_discarded_and_never_judges_the_next(stack):
    status, _ = stack.register({**PASS, "pass_id": "HF-A"})
    assert status == 201
    read_at = time.time()
    stack.arrive("A", "HF-A")
    bad = truck(weighbridge=41000.0)
    stack.camera(bad["plate_camera"])
    for name in ("e_plate_reader", "ic_card_reader", "container_ocr", "gps_track"):
        stack.pub(name, bad[name])
    stack.weigh(bad["weighbridge"])  # 41 t against 29.3 t declared; the seal reader is silent
    a = stack.decision("A")
    assert a["reasons"] == ["missing_reading:e_seal_reader"] and a["outcome"] != "pass"
    stack.pub("e_seal_reader", {"seal_id": "ES001", "intact": False}, ts=read_at + 0.5)  # at last
    wait_for(lambda: stack.health()["discarded_readings"].get("late_reading"), 5, "late count")
    before = stack.opens()
    stack.play("B", truck())
    b = stack.decision("B")
    assert (b["outcome"], b["reasons"]) == ("pass", ["all_checks_passed"])
    assert "e_seal_reader-1" in {dev.rsplit("/", 1)[1] for dev, _ in b["readings"]}
    assert stack.opens() == before + 1
    [line] = [x for x in stack.log() if x["msg"] == "reading discarded"]
    assert line["reason"] == "late_reading" and line["device"].endswith("e_seal_reader-1")
