"""The worst inputs of the fuzz campaign of issue 20, kept: each gets a clear answer, fast.

Files go through the installed ``ftztwin`` run from another folder, as a user runs it:
exit code 2, one line naming the file and the limit, no traceback. Frames go through
the parser and the HTTP push over a real socket.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ftz_spec.bounded_yaml import show
from hardware_models.http.camera import HttpPlateCamera
from hardware_models.security import parse_envelope
from tests.conftest import MINIMAL
from tests.protocols import services

FTZTWIN = Path(sys.executable).with_name("ftztwin")


def _ftztwin(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FTZTWIN), *args], cwd=folder, capture_output=True, text=True, timeout=120
    )


def _laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\nname: tiny\ndescription: *a{levels - 1}\n"


SCENARIOS = {
    "nested_20000_deep": ("name: x\nsite: " + "[" * 20_000 + "]" * 20_000, "limit of 64 levels"),
    "alias_bomb": (_laughs(9), "values once aliases are expanded"),
    "self_alias": ("name: &a [*a]\n", "an alias refers to its own anchor"),
    "integer_5000_digits": ("name: x\nrun: {seed: " + "7" * 5_000 + "}\n", "limit of 30 digits"),
    "ten_megabytes": ("name: x\ndescription: " + "x" * 10_000_000 + "\n", "limit of 262,144 bytes"),
    "horizon_inf": (
        "run: {horizon_h: .inf, warmup_h: 1}",
        "run.horizon_h: Input should be a finite",
    ),
    "traffic_scale_inf": ("uncertainties: {traffic_scale: .inf}", "uncertainties.traffic_scale"),
    "trucks_1e40": (
        "uncertainties: {flows: [{id: out, kind: second_line_export, zone: z1, place: market, "
        "trucks_per_day: 1.0e+40}]}",
        "uncertainties.flows[0].trucks_per_day: Input should be less than or equal to 100000",
    ),
    "lanes_1e40": (
        "site: {gates: [{id: g1, zone: z1, lanes: 10000000000000000000000000000}]}",
        "site.gates[0].lanes: Input should be less than or equal to 64",
    ),
    "zero_staff_pool": (
        "site: {staff_pools: [{id: inspectors, count: 0}]}",
        "site.staff_pools[2].count: z1 needs inspection staff for scans and physical inspections",
    ),
    "lognormal_spread_overflows": (
        "uncertainties: {times: {scan_s: {dist: lognormal, mean: 1.0e-300, sd: 1.0e+6}}}",
        "sd may be at most 100 x mean",
    ),
}


@pytest.mark.parametrize("case", sorted(SCENARIOS))
def test_a_worst_case_scenario_file_is_refused_with_the_limit_and_exit_2(case, tmp_path):
    text, expected = SCENARIOS[case]
    (tmp_path / "base.yaml").write_text(MINIMAL, encoding="utf-8")
    overrides = not text.startswith(("name:", "a0:"))
    body = f"extends: base.yaml\n{text}\n" if overrides else text
    (tmp_path / "bad.yaml").write_text(body, encoding="utf-8")
    done = _ftztwin(tmp_path, "validate", "bad.yaml")
    assert done.returncode == 2, done.stderr[-500:]
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: bad.yaml: "), done.stderr[:300]
    assert expected in done.stderr, done.stderr[:500]
    assert all(len(line) < 600 for line in done.stderr.splitlines())


def test_an_extends_chain_1500_files_deep_is_refused_at_its_limit(tmp_path):
    (tmp_path / "s0.yaml").write_text(MINIMAL, encoding="utf-8")
    for i in range(1, 1_500):
        (tmp_path / f"s{i}.yaml").write_text(f"extends: s{i - 1}.yaml\n", encoding="utf-8")
    done = _ftztwin(tmp_path, "validate", "s1499.yaml")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "extends: chain deeper than the limit of 16 files" in done.stderr


def test_a_chain_within_the_limit_still_merges(tmp_path):
    (tmp_path / "s0.yaml").write_text(MINIMAL, encoding="utf-8")
    for i in range(1, 15):
        (tmp_path / f"s{i}.yaml").write_text(
            f"extends: s{i - 1}.yaml\nrun: {{seed: {i}}}\n", encoding="utf-8"
        )
    done = _ftztwin(tmp_path, "validate", "s14.yaml")
    assert done.returncode == 0, done.stderr


SWEEP_HEAD = "name: big\nscenario: base.yaml\n"
SWEEPS = {
    "lhs_1e8_samples": (
        SWEEP_HEAD + "design: lhs\nsamples: 100000000\n"
        "uncertainties: {uncertainties.traffic_scale: {low: 0.5, high: 1.5}}\n",
        "samples: 100,000,000 points, over the limit of 1,000 (raise it with --max-points N)",
    ),
    "grid_1000_x_1000": (
        SWEEP_HEAD + "levers:\n  'site.staff_pools[id=officers].count': {low: 1, high: 1000, "
        "levels: 1000, integer: true}\nuncertainties: {uncertainties.traffic_scale: "
        "{low: 0.5, high: 1.5, levels: 1000}}\n",
        "design: 1,000,000 points, over the limit of 1,000",
    ),
    "nested_sweep": (SWEEP_HEAD + "levers: " + "{a: " * 5_000 + "1" + "}" * 5_000, "64 levels"),
    "infinite_range": (
        SWEEP_HEAD + "uncertainties: {uncertainties.traffic_scale: {low: 0.5, high: .inf, "
        "levels: 2}}\n",
        "low and high must be finite numbers",
    ),
}


@pytest.mark.parametrize("case", sorted(SWEEPS))
def test_a_worst_case_sweep_is_refused_before_anything_is_built(case, tmp_path):
    text, expected = SWEEPS[case]
    (tmp_path / "base.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "sweep.yaml").write_text(text, encoding="utf-8")
    done = _ftztwin(tmp_path, "sweep", "sweep.yaml", "--backend", "serial")
    assert done.returncode == 2, done.stderr[-500:]
    assert "Traceback" not in done.stderr
    assert expected in done.stderr, done.stderr[:500]


def test_max_points_raises_the_limit_of_a_sweep(tmp_path):
    from ftztwin.sweep import load_sweep

    (tmp_path / "base.yaml").write_text(MINIMAL, encoding="utf-8")
    text, _ = SWEEPS["grid_1000_x_1000"]
    (tmp_path / "sweep.yaml").write_text(text, encoding="utf-8")
    spec, _base = load_sweep(tmp_path / "sweep.yaml", max_points=1_000_000)
    assert spec.size() == 1_000_000


def test_a_bad_target_expression_shows_where_it_went_wrong(tmp_path):
    (tmp_path / "s.yaml").write_text(MINIMAL, encoding="utf-8")
    done = _ftztwin(tmp_path, "staff", "s.yaml", "--target", "clearance_time_min_p95<=1.2.3")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert (
        lines[0] == "error: --target: expected the end of the target after the number at column 28"
    )
    assert lines[1].strip() == "clearance_time_min_p95<=1.2.3"
    assert lines[2].index("^") == lines[1].index("1.2.3") + 3


@pytest.mark.parametrize("status", ['["ok"]', '{"a": 1}'])
def test_an_envelope_whose_status_is_a_list_or_object_is_rejected_counted_and_answered_400(
    status,
):
    raw = f'{{"v": 1, "device": "z/g/cam-1", "seq": 1, "ts": 1.0, "status": {status}}}'.encode()
    assert parse_envelope(raw) == "malformed:status"
    port = services.free_port()
    cam = HttpPlateCamera("z/g/cam-1", port=port, clock=lambda: 1.0)
    assert cam.configure() and cam.activate()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/v1/dev/z/g/cam-1/reading", body=raw)
        resp = conn.getresponse()
        assert resp.status == 400
        assert json.loads(resp.read()) == {"accepted": False, "reason": "malformed:status"}
        conn.close()
    finally:
        cam.finalize()
    assert cam.counters.rejected("malformed") == 1


def test_a_message_shows_a_few_dozen_characters_of_an_expanded_alias_bomb_in_bounded_time():
    bomb: object = ["lol"] * 10
    for _ in range(9):
        bomb = [bomb] * 10  # 10^10 leaves once expanded
    text = show(bomb)
    assert len(text) <= 80 and text.startswith("[[")


@pytest.mark.parametrize("item_no", ["Infinity", "1e999"])
def test_an_arrival_whose_gate_pass_has_an_infinite_item_number_is_rejected_and_counted(item_no):
    import queue

    from ftz_live.inputs import ArrivalReceiver

    pass_ = f'{{"pass_id": "HF1", "plate": "A1", "items": [["L1", {item_no}, "1"]]}}'
    value = f'{{"lane": "z/g/lane1", "case_id": "c1", "gate_pass": {pass_}}}'
    raw = f'{{"v": 1, "device": "z/g/lane_pc", "seq": 1, "ts": 1.0, "value": {value}}}'
    lane_pc = ArrivalReceiver("z/g", queue.Queue(), lambda: 1.0)
    lane_pc.on_raw(raw.encode())
    assert lane_pc.counters.rejected("malformed") == 1 and lane_pc.out.empty()
