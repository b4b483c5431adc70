"""docs/live-walkthrough.md works as written: a test runs its own commands."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.live.walkthrough import DOC, free_ports, home, run_script, shell_blocks
from tests.protocols import services

pytestmark = pytest.mark.service


def test_the_walkthrough_opens_the_barrier_for_the_truck_it_plays_using_only_its_own_commands():
    for tool in ("mosquitto", "mosquitto_pub", "mosquitto_sub", "socat", "curl"):
        services.need(tool)
    blocks = shell_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    folder = home()
    try:
        code, out, err = run_script("\n".join(blocks), {"FTZ_HOME": str(folder), **free_ports()})
        assert code == 0, f"stdout:\n{out}\nstderr:\n{err}"
        decision = json.loads((folder / "decision.json").read_text())["decision"]
        assert decision["outcome"] == "pass" and decision["case_id"] == "T0001"
        assert {dev.rsplit("/", 1)[1] for dev, _ in decision["readings"]} == {
            "plate_camera-1",
            "e_plate_reader-1",
            "ic_card_reader-1",
            "container_ocr-1",
            "weighbridge-1",
            "e_seal_reader-1",
            "gps_track-1",
        }
        opens = [json.loads(x) for x in (folder / "plc.log").read_text().splitlines()[1:]]
        assert [(o["command"], o["register"]) for o in opens] == [("OPEN", 0)]
        log = [json.loads(x) for x in (folder / "service.log").read_text().splitlines()]
        assert log[-1]["msg"] == "gate service stopped"  # stopped cleanly on SIGTERM
        trace = (folder / "trace.csv").read_text().splitlines()
        assert trace[0].endswith(",wall_time") and len(trace) == 3
    finally:
        shutil.rmtree(folder, ignore_errors=True)
