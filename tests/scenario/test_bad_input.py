"""Bad input gets one clear message naming file, field path and value; exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ftztwin.cli import main

CASES = {
    "unknown_key": ("run: {horizon_h: 4, colour: red}", "run.colour: unknown key (got 'red')"),
    "wrong_type": ("run: {horizon_h: lots}", "run.horizon_h: Input should be a valid number"),
    "negative_capacity": (
        "site: {gates: [{id: g1, lanes: -1}]}",
        "site.gates[0].lanes: Input should be greater than 0 (got -1)",
    ),
    "negative_time": (
        "uncertainties: {times: {auto_check_s: {dist: fixed, value: -3}}}",
        "uncertainties.times.auto_check_s.value: Input should be greater than or equal to 0 (got -3)",
    ),
    "probability_above_one": (
        "uncertainties: {plate_mismatch_rate: 1.5}",
        "uncertainties.plate_mismatch_rate: Input should be less than or equal to 1 (got 1.5)",
    ),
    "gate_in_undefined_zone": (
        "site: {gates: [{id: g2, zone: atlantis, line: second, lanes: 1}]}",
        "site.gates[1].zone: gate in an undefined zone (got 'atlantis')",
    ),
    "unknown_driver": (
        "site: {gates: [{id: g1, devices: [{id: plate_camera, driver: sim.crystal_ball}]}]}",
        "site.gates[0].devices[0].driver: unknown driver",
    ),
    "warmup_beyond_horizon": (
        "run: {horizon_h: 4, warmup_h: 5}",
        "run.warmup_h: warm-up must be shorter",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_scenario_names_file_field_path_and_value_and_exits_2(
    case, write_yaml, minimal_yaml, capsys
):
    override, expected = CASES[case]
    write_yaml("base.yaml", minimal_yaml)
    bad = write_yaml("bad.yaml", f"extends: base.yaml\n{override}\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: {expected}" in err
    assert "Traceback" not in err


def test_malformed_yaml_names_the_line(write_yaml, capsys):
    bad = write_yaml("bad.yaml", "name: x\nsite: [unclosed\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: malformed YAML: line 3" in err


def test_missing_extends_names_the_missing_file(write_yaml, capsys):
    bad = write_yaml("bad.yaml", "extends: nowhere.yaml\nname: x\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "nowhere.yaml: file not found (extends from" in err


def test_cyclic_extends_is_reported_with_the_cycle(write_yaml, capsys):
    write_yaml("a.yaml", "extends: b.yaml\nname: a\n")
    b = write_yaml("b.yaml", "extends: a.yaml\nname: b\n")
    assert main(["validate", str(b)]) == 2
    assert "cyclic extends (b.yaml -> a.yaml -> b.yaml)" in capsys.readouterr().err


def test_python_tags_are_refused_by_safe_load(write_yaml, capsys):
    bad = write_yaml("bad.yaml", "name: !!python/object/apply:os.system ['true']\n")
    assert main(["validate", str(bad)]) == 2
    assert "malformed YAML" in capsys.readouterr().err


def test_all_problems_of_a_file_are_listed(write_yaml, minimal_yaml, capsys):
    write_yaml("base.yaml", minimal_yaml)
    bad = write_yaml("bad.yaml", "extends: base.yaml\nrun: {seed: -1, replications: 0}\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "run.seed" in err and "run.replications" in err


def test_run_of_a_bad_scenario_writes_nothing(write_yaml, tmp_path, capsys):
    bad = write_yaml("bad.yaml", "name: x\nsite: {}\n")
    out = tmp_path / "out"
    assert main(["run", str(bad), "--out", str(out)]) == 2
    assert not out.exists()


def test_console_script_exits_2_without_traceback(write_yaml):
    bad = write_yaml("bad.yaml", "name: x\nbogus: 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "ftztwin.cli", "validate", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "bogus: unknown key" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_command_line_value_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "x.yaml", "--seed", "-4"])
    assert exc.value.code == 2
    assert "must be >= 0" in capsys.readouterr().err
