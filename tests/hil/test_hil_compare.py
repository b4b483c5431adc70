"""HIL proves identity: reform 2014, all eight gates, every device kind, the serial weighbridge."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from core.gate import DiscardReading, GateController, RecordDecision
from ftz_spec import load_scenario, parse_scenario
from ftztwin.hil_run import compare_hil

pytestmark = [pytest.mark.service, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
REFORM = ROOT / "scenarios" / "reform_2014.yaml"
SENSORS = {"plate_camera", "e_plate", "ic_card", "container_ocr", "weighbridge", "e_seal", "gps"}


def _noisy_reform(hours: float):
    """reform_2014 with every device misreading, missing, failing and stuck now and then."""
    data = load_scenario(REFORM).model_dump(mode="json")
    data["run"].update(horizon_h=hours, warmup_h=0.0, replications=1)
    data["uncertainties"].update(traffic_scale=3.0, plate_mismatch_rate=0.05)
    for kind in ("plate_camera", "e_plate_reader", "ic_card_reader", "container_ocr",
                 "weighbridge", "e_seal_reader", "gps_track"):  # fmt: skip
        data["uncertainties"]["devices"][kind] = {
            "latency_s": {"dist": "lognormal", "mean": 1.0, "sd": 0.5},
            "misread_rate": 0.05,
            "miss_rate": 0.03,
            "noise_sd": {"weighbridge": 20.0, "gps_track": 10.0}.get(kind, 0.0),
            "mttf_h": 2.0,
            "mttr_min": 10,
            "stuck_share": 0.3,
        }
    return parse_scenario(data)


def test_run_hil_compare_on_reform_2014_over_two_hours_reports_no_difference(tmp_path):
    proc = subprocess.run(
        [
            ROOT / ".venv/bin/ftztwin",
            "run",
            "--hil",
            "--compare",
            REFORM,
            "--horizon-h",
            "2",
            "--warmup-h",
            "0",
            "--replications",
            "1",
            "--out",
            tmp_path / "out",
        ],
        cwd=tmp_path,  # from a folder of the user's, not the repository
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    m = re.search(
        r"compared (\d+) gate decisions in (\d+) command lists at 8 gates: (\d+) diff", proc.stderr
    )
    assert m is not None, proc.stderr
    decisions, lists, differences = map(int, m.groups())
    assert differences == 0 and decisions >= 150 and lists >= decisions


def test_hil_equals_the_twin_command_for_command_with_every_device_kind_failing_now_and_then():
    cmp = compare_hil(_noisy_reform(2.0), 0)
    assert cmp.differences == [] and cmp.decisions > 300
    decisions = [
        c.decision for _, cmds in cmp.run.commands for c in cmds if isinstance(c, RecordDecision)
    ]
    assert len(decisions) == cmp.decisions
    assert len(Counter(d.outcome for d in decisions)) >= 3  # pass, manual post, inspection
    used = {dev.rsplit("/", 1)[1].rsplit("-", 1)[0] for d in decisions for dev, _ in d.readings}
    assert used == SENSORS  # every sensor kind of the plan took part
    discarded = [c for _, cmds in cmp.run.commands for c in cmds if isinstance(c, DiscardReading)]
    assert {c.reason for c in discarded} == {"late_reading"}
    devices = cmp.run.service_health["devices"]
    serial = [v for d, v in devices.items() if "/weighbridge-" in d]
    assert len(serial) == 16 and sum(v["messages"]["accepted"] for v in serial) > 500  # frames
    assert cmp.run.barrier_opens == sum(d.outcome.value == "pass" for d in decisions)


def test_the_comparison_finds_a_gate_that_decides_differently():
    def lenient(assembly):  # the in-process gates accept any weight
        return GateController(assembly.ref, assembly.policy.with_(weight_tolerance_pct=1000.0))

    cmp = compare_hil(_noisy_reform(1.0), 0, in_process=lenient)
    assert cmp.differences
    _, local, remote = cmp.differences[0]
    [mine] = [c.decision for c in local[1] if isinstance(c, RecordDecision)]
    [theirs] = [c.decision for c in remote[1] if isinstance(c, RecordDecision)]
    assert (
        "weight_out_of_tolerance" in theirs.reasons
        and "weight_out_of_tolerance" not in mine.reasons
    )
