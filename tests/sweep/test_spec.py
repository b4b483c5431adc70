"""Sweep files: validated like scenario files; mistakes exit 2 naming file, field and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftztwin.cli import main
from ftztwin.sweep import SweepError, load_sweep, resolve_points
from tests.conftest import MINIMAL, ROOT

SHIPPED = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))


def _bad(tmp_path: Path, text: str) -> Path:
    (tmp_path / "tiny.yaml").write_text(MINIMAL, encoding="utf-8")
    path = tmp_path / "bad_sweep.yaml"
    path.write_text("name: bad\nscenario: tiny.yaml\n" + text, encoding="utf-8")
    return path


BAD = [
    ("replications: 3\nlevers: {run.seed: [1]}\ncolour: red\n", "colour: unknown key (got 'red')"),
    ("levers: {'site.staff_pools[id=nope].count': [1, 2]}\n", "no item [id=nope] (ids: officers, docs, inspectors)"),
    ("levers: {'site..x': [1]}\n", "levers['site..x']: bad path segment"),
    ("levers: {uncertainties.traffic_scale: {low: 2, high: 1, levels: 2}}\n", "low <= high (got {'low': 2, 'high': 1, 'levels': 2})"),
    ("levers: {uncertainties.traffic_scale: {low: 1, high: 2}}\n", "a range in a grid needs levels: n"),
    ("design: lhs\nlevers: {uncertainties.traffic_scale: {low: 1, high: 2}}\n", "samples: a Latin hypercube needs samples: n (got None)"),
    ("levers: {}\n", "a sweep needs at least one factor"),
    ("replications: 0\nlevers: {run.seed: [1]}\n", "replications: Input should be greater than 0 (got 0)"),
    ("levers: {'site.staff_pools[id=officers].count': [8, -1]}\n", "count=-1): site.staff_pools[0].count: Input should be greater than or equal to 0 (got -1)"),
    ("levers: {run.seed: [1]\n", "malformed YAML: line"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m[:30] for _, m in BAD])
def test_bad_sweep_file_exits_2_naming_file_field_and_value(tmp_path, capsys, text, message):
    path = _bad(tmp_path, text)
    assert main(["sweep", str(path), "--backend", "serial", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_sweep_file_exits_2(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.yaml"), "--backend", "serial"]) == 2
    assert "nope.yaml: file not found" in capsys.readouterr().err


def test_bad_scenario_behind_a_sweep_file_exits_2_naming_the_scenario(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nscenario: missing.yaml\nlevers: {run.seed: [1]}\n", encoding="utf-8")
    assert main(["sweep", str(path), "--backend", "serial"]) == 2
    assert "missing.yaml: file not found" in capsys.readouterr().err


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_sweep_files_validate_and_every_point_resolves(path):
    spec, base = load_sweep(path)
    points = resolve_points(spec, base, str(path))
    assert len(points) >= 2
    assert len({p.key for p in points}) == len(points)


def test_a_point_key_changes_with_the_seed_and_the_replications(sweep_file):
    spec, base = load_sweep(sweep_file)
    keys = {p.key for p in resolve_points(spec, base, "s")}
    other_seed = {p.key for p in resolve_points(spec, base, "s", seed=99)}
    more = spec.model_copy(update={"replications": 4})
    other_reps = {p.key for p in resolve_points(more, base, "s")}
    assert keys.isdisjoint(other_seed)
    assert keys.isdisjoint(other_reps)


def test_sweep_error_is_a_user_error():
    from ftz_spec.errors import UserError

    assert issubclass(SweepError, UserError)
