"""No shipped scenario has an unmarked number; model defaults are documented and visible."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core.gate import GatePolicy
from ftz_spec import load_scenario, parse_scenario
from ftz_spec.leaves import MISSING
from ftz_spec.paths import parse_path
from ftz_spec.provenance import default_sources, is_parameter, leaves_of, lookup, parameters
from hardware_models import known_drivers
from tests.conftest import MINIMAL, SCENARIOS

FTZTWIN = Path(sys.executable).with_name("ftztwin")


def _unmarked(path):
    return [p.leaf.path for p in parameters(load_scenario(path)) if p.unmarked]


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_no_shipped_scenario_has_an_unmarked_parameter(path):
    assert _unmarked(path) == []


def test_the_plan_is_not_cited_for_the_h986_counts_it_does_not_give():
    base = load_scenario(SCENARIOS / "base.yaml")
    kinds = {p.source.kind for p in parameters(base) if p.leaf.path.startswith("levers.h986.")}
    assert kinds == {"assumption"}


def test_a_value_that_overrides_a_model_default_shows_the_default_it_replaces():
    params = {p.leaf.path: p for p in parameters(load_scenario(SCENARIOS / "base.yaml"))}
    for path, value, default in (
        ("uncertainties.times.doc_review_min.mean", 3.5, 12.0),
        ("uncertainties.times.doc_review_paperless_min.mean", 2.0, 6.0),
        ("uncertainties.times.approval_level_min.mean", 10.0, 15.0),
        ("uncertainties.times.physical_inspection_min.mean", 45.0, 60.0),
        ("uncertainties.approval_share", 0.02, 0.05),
    ):
        leaf = params[path].leaf
        assert (leaf.value, leaf.default, leaf.at_default) == (value, default, False)
        assert params[path].via == "scenario"


def _every_device_kind() -> dict:
    """MINIMAL with one simulated device of every sensor kind at its gate."""
    data = yaml.safe_load(MINIMAL)
    devices = []
    for name in known_drivers():
        if name.startswith("sim."):
            kind = name.removeprefix("sim.")
            devices.append({"id": kind, "kind": kind, "driver": name})
    data["site"]["gates"][0]["devices"] = devices
    data["site"]["roads"] = [{"a": "z1", "b": "market", "km": 5}]
    return data


def test_every_documented_default_is_the_model_default_it_documents():
    leaves = [
        leaf for leaf in leaves_of(parse_scenario(_every_device_kind())) if is_parameter(leaf)
    ]
    registry = default_sources()
    entries = [(t, parse_path(t, wildcards=True)) for t in registry]
    used = set()
    for leaf in leaves:
        if leaf.default is MISSING:
            continue
        key = lookup(leaf, entries)
        assert key is not None, f"{leaf.path}: a model default without a documented source"
        used.add(key)
        node = registry[key].default
        for step in leaf.steps[len(dict(entries)[key]) :]:
            node = node[step.key]
        assert node == leaf.default, f"{key} documents {node!r}; the model says {leaf.default!r}"
    assert used == set(registry), f"entries that document nothing: {set(registry) - used}"


def test_every_number_left_at_its_model_default_has_a_documented_source():
    scenario = parse_scenario(_every_device_kind())
    missing = [p.leaf.path for p in parameters(scenario) if p.unmarked and p.leaf.at_default]
    assert missing == []


def test_a_listed_device_kind_that_drops_a_published_figure_shows_it_unmarked():
    data = _every_device_kind()
    data["uncertainties"]["devices"] = {"weighbridge": {"misread_rate": 0.01}}
    params = {p.leaf.path: p for p in parameters(parse_scenario(data))}
    noise = params["uncertainties.devices.weighbridge.noise_sd"]
    assert (noise.leaf.value, noise.leaf.default, noise.unmarked) == (0.0, 20.0, True)


def test_device_kinds_the_scenario_does_not_list_appear_with_the_published_figures():
    params = {p.leaf.path: p for p in parameters(load_scenario(SCENARIOS / "reform_2014.yaml"))}
    noise = params["uncertainties.devices.weighbridge.noise_sd"]
    assert noise.leaf.implicit and noise.leaf.value == 20.0 and noise.via == "default"
    assert params["uncertainties.devices.container_ocr.misread_rate"].leaf.value == 0.03


def test_map_positions_and_run_settings_are_not_parameters():
    leaves = {leaf.path: leaf for leaf in leaves_of(load_scenario(SCENARIOS / "base.yaml"))}
    assert not is_parameter(leaves["site.zones[id=yangshan_port].lat"])
    assert not is_parameter(leaves["run.seed"])
    assert is_parameter(leaves["site.zones[id=yangshan_port].inspection_bays"])


def _ftztwin(*args, cwd):
    return subprocess.run(
        [str(FTZTWIN), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_provenance_command_lists_values_sources_and_unmarked_ones(tmp_path):
    variant = tmp_path / "v.yaml"
    variant.write_text(
        f"extends: {SCENARIOS / 'reform_2014.yaml'}\nname: v\n"
        "site:\n  staff_pools: [{id: insp_ys, count: 90}]\n",
        encoding="utf-8",
    )
    done = _ftztwin("provenance", str(variant), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("parameters, 1 unmarked")
    row = next(line for line in lines if line.startswith("site.staff_pools[id=insp_ys].count"))
    assert "90" in row and "UNMARKED" in row
    review = next(
        line for line in lines if line.startswith("uncertainties.times.doc_review_min.mean")
    )
    assert "3.5" in review and "12" in review and "assumption" in review
    strict = _ftztwin("provenance", str(variant), "--strict", "--unmarked", cwd=tmp_path)
    assert strict.returncode == 1
    assert len(strict.stdout.splitlines()) == 3  # the summary, the header, the one unmarked value
    assert (
        _ftztwin("provenance", str(SCENARIOS / "base.yaml"), "--strict", cwd=tmp_path).returncode
        == 0
    )


def test_a_run_report_carries_the_assumptions_table(tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(MINIMAL, encoding="utf-8")
    done = _ftztwin("run", str(scenario), "--out", str(tmp_path / "out"), "--replications", "1",
                    "--no-event-log", "--workers", "1", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "out" / "tiny" / "report.md").read_text(encoding="utf-8")
    assert "## Inputs and their sources" in report
    assert "| UNMARKED |" in report  # MINIMAL gives no source for its lanes and flows
    assert "| assumption | flat traffic over the hours of a day; model default |" in report


def test_a_staffing_report_carries_the_assumptions_table(tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(MINIMAL, encoding="utf-8")
    done = _ftztwin("staff", str(scenario), "--target", "wait_min_p95[staff/officers]<=30",
                    "--backend", "serial", "--min-reps", "2", "--max-reps", "2",
                    "--out", str(tmp_path / "out"), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "out" / "tiny" / "staffing.md").read_text(encoding="utf-8")
    assert "## Inputs and their sources" in report
    assert "| UNMARKED |" in report


def test_an_unset_gate_tolerance_is_listed_as_the_preset_figure_the_gate_decides_by(tmp_path):
    gate = "site.gates[zone=yangshan_port,id=gate_2L_01].tolerances"
    params = {p.leaf.path: p for p in parameters(load_scenario(SCENARIOS / "base.yaml"))}
    preset = GatePolicy.second_line()
    for name, figure in (("weight_tolerance_pct", preset.weight_tolerance_pct),
                         ("max_passage_s", preset.max_passage_s),
                         ("track_max_gap_s", preset.track.max_gap_s)):  # fmt: skip
        p = params[f"{gate}.{name}"]
        assert (p.leaf.value, p.leaf.implicit, p.via) == (figure, True, "default")
    # Set by a file, the figure is the file's and needs its own source.
    variant = tmp_path / "v.yaml"
    variant.write_text(
        f"extends: {SCENARIOS / 'base.yaml'}\nname: v\nsite:\n  gates:\n"
        "    - {id: gate_2L_01, zone: yangshan_port, line: second, lanes: 4,\n"
        "       tolerances: {weight_tolerance_pct: 5.0}}\n",
        encoding="utf-8",
    )
    own = {p.leaf.path: p for p in parameters(load_scenario(variant))}
    assert own[f"{gate}.weight_tolerance_pct"].leaf.value == 5.0
    assert own[f"{gate}.weight_tolerance_pct"].unmarked
    assert own[f"{gate}.max_passage_s"].via == "default"
