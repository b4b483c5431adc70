"""ftztwin forecast: the twin starts from the snapshot, what-ifs are paired, output is reproducible."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ftz_spec import load_scenario
from ftz_spec.snapshot import parse_snapshot
from ftztwin.cli import main
from ftztwin.cli_forecast import forecast_csv
from twin.forecast import apply_levers, parse_lever, run_forecast
from twin.initial_state import fork_from_snapshot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "conf" / "snapshot_example.json"
SCENARIO = ROOT / "scenarios" / "reform_2014.yaml"
GATE = "yangshan_port/gate_2L_01"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


def snapshot(queued: int = 0):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["gates"][GATE]["queued"] = [{"case_id": f"q{i}"} for i in range(queued)]
    return parse_snapshot(doc)


def test_trucks_queued_in_the_snapshot_are_at_the_gate_in_the_first_forecast_hour(scenario):
    empty = run_forecast(scenario, fork_from_snapshot(snapshot(0), scenario), 1, 3, pipeline_h=1)
    full = run_forecast(scenario, fork_from_snapshot(snapshot(60), scenario), 1, 3, pipeline_h=1)
    assert full.placed["trucks"] == 60 and empty.placed["trucks"] == 0
    assert full.row("trucks_at_gate", GATE, 0).p05 > empty.row("trucks_at_gate", GATE, 0).p95
    # Another gate does not see them.
    other = "waigaoqiao_ftz/gate_1L_01"
    assert full.row("trucks_at_gate", other, 0).mean == empty.row("trucks_at_gate", other, 0).mean


def test_the_same_snapshot_and_seed_give_the_same_forecast_byte_for_byte(scenario):
    fork = fork_from_snapshot(snapshot(5), scenario)
    a = forecast_csv(run_forecast(scenario, fork, 1, 2, pipeline_h=0.5))
    b = forecast_csv(run_forecast(scenario, fork, 1, 2, pipeline_h=0.5))
    assert a == b


def test_a_gate_out_of_service_from_now_lengthens_its_queue_paired_with_do_nothing(scenario):
    fork = fork_from_snapshot(snapshot(0), scenario)
    fc = run_forecast(scenario, fork, 1, 2, [parse_lever(f"outage.{GATE}=1")], pipeline_h=0.5)
    row = fc.row("trucks_at_gate", GATE, 0)
    assert row.diff_mean is not None and row.diff_mean > 1.0
    assert row.action_mean == pytest.approx(row.mean + row.diff_mean)
    # Common random numbers: a gate the lever does not touch starts the same in both arms.
    assert fc.row("trucks_at_gate", "pudong_airport/gate_1L_01", 0).diff_mean == pytest.approx(
        0, abs=0.02
    )


def test_five_more_inspectors_from_now_is_a_relative_lever_on_the_pool(scenario):
    fork = fork_from_snapshot(snapshot(0), scenario)
    before = next(p.count for p in scenario.site.staff_pools if p.id == "insp_ys")
    after = apply_levers(scenario, fork, [parse_lever("site.staff_pools[id=insp_ys].count=+5")])
    assert next(p.count for p in after.site.staff_pools if p.id == "insp_ys") == before + 5
    h986 = apply_levers(scenario, fork, [parse_lever("outage.yangshan_port/h986=2")])
    window = h986.uncertainties.outages[-1]
    assert (window.from_h, window.to_h) == (fork.start_s / 3600, fork.start_s / 3600 + 2)


@pytest.mark.parametrize(
    ("lever", "message"),
    [
        ("nonsense", "expected PATH=VALUE"),
        ("site.nowhere=3", "--lever: site.nowhere: unknown key (got 3)"),
        ("outage.atlantis/h986=2", "unknown resource 'atlantis/h986'"),
        ("outage.yangshan_port/h986=-1", "hours out of service"),
        ("site.staff_pools[id=insp_ys].count=+many", "relative change must be a number"),
        ("site.staff_pools[id=insp_ys].count=-500", "--lever:"),
    ],
)
def test_a_bad_lever_exits_2_naming_the_lever(lever, message, capsys):
    code = main(["forecast", str(SCENARIO), "--from", str(EXAMPLE), "--horizon-h", "1",
                 "--replications", "1", "--lever", lever])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.slow
def test_a_newcomer_forecasts_four_hours_from_the_shipped_snapshot_with_the_installed_cli(tmp_path):
    cli = ROOT / ".venv" / "bin" / "ftztwin"
    shipped = tmp_path / "conf"
    shipped.mkdir()
    (shipped / "snapshot_example.json").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    done = subprocess.run(
        [cli, "forecast", "scenarios/reform_2014.yaml", "--from", "conf/snapshot_example.json",
         "--horizon-h", "4", "--replications", "2"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "trucks at the gate" in done.stdout and "Tue 17:00" in done.stdout
    rows = (tmp_path / "out/reform_2014_forecast/forecast.csv").read_text().splitlines()
    gates = {r.split(",")[3] for r in rows[1:] if r.split(",")[2] == "trucks_at_gate"}
    assert len(gates) == 8 and len([r for r in rows if ",trucks_at_gate," in r]) == 8 * 4


def test_faulted_lane_devices_go_down_at_the_fork_and_an_unknown_device_is_counted(scenario):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    cameras = [
        i for i, d in doc["devices"].items() if d["gate"] == GATE and d["kind"] == "plate_camera"
    ]
    for i in cameras:
        doc["devices"][i] |= {"state": "faulted", "fault": "device_down", "down_s": 600.0}
    doc["devices"][f"{GATE}/radar-9"] = {"gate": GATE, "kind": "plate_camera", "state": "faulted"}
    fork = fork_from_snapshot(parse_snapshot(doc), scenario)
    fc = run_forecast(scenario, fork, 1, 1, pipeline_h=0.5)
    # The cameras and the Yangshan H986 of the shipped snapshot; the made-up device is counted.
    assert fc.placed["faults"] == len(cameras) + 1 and fc.placed["faults_unknown"] == 1


@pytest.mark.slow
def test_the_installed_cli_forecasts_the_same_bytes_on_two_workers_as_on_one(tmp_path):
    cli = ROOT / ".venv" / "bin" / "ftztwin"
    out = {}
    for workers in ("1", "2"):
        done = subprocess.run(
            [cli, "forecast", str(SCENARIO), "--from", str(EXAMPLE), "--horizon-h", "1",
             "--replications", "3", "--pipeline-h", "0.5", "--workers", workers,
             "--lever", f"outage.{GATE}=1", "--out", str(tmp_path / workers)],
            cwd=tmp_path, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        out[workers] = (tmp_path / workers / "reform_2014_forecast" / "forecast.csv").read_bytes()
    assert out["1"] == out["2"] and b"trucks_at_gate" in out["1"]


def test_a_forecast_on_no_workers_exits_2_naming_the_option(capsys):
    code = main(["forecast", str(SCENARIO), "--from", str(EXAMPLE), "--horizon-h", "1",
                 "--workers", "0"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "--workers: 1 to 64 (got 0)" in err and "Traceback" not in err


@pytest.mark.slow
def test_a_forecast_whose_reader_left_keeps_its_files_and_prints_no_traceback(tmp_path):
    # As with `ftztwin forecast … | head`: the reader is gone before the table is printed.
    cli = ROOT / ".venv" / "bin" / "ftztwin"
    proc = subprocess.Popen(
        [cli, "forecast", SCENARIO, "--from", EXAMPLE, "--horizon-h", "1", "--replications", "2",
         "--pipeline-h", "0.5", "--out", tmp_path],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=600) == 141, err  # 128 + SIGPIPE, as a shell tool ends
    assert "Traceback" not in err
    assert (tmp_path / "reform_2014_forecast" / "forecast.csv").read_text().count("\n") > 8
