"""Set-ups that cannot work are refused before the run; ones that drop work are warned."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ftz_spec import load_scenario
from ftz_spec.errors import ScenarioError
from ftztwin.cli import main


def _variant(write_yaml, minimal_yaml, override: str):
    write_yaml("base.yaml", minimal_yaml)
    return write_yaml("bad.yaml", f"extends: base.yaml\n{override}\n")


REFUSED = {
    "a zero-staff pool that the zone's documents are routed to": (
        "site: {staff_pools: [{id: docs, count: 0}]}",
        "site.staff_pools[1].count: z1 needs document_review staff for declaration review, "
        "approvals and write-off, but pool docs (document_review, count 0",
    ),
    "a pool never on duty (2 officers x 0.9 x 40/168 rounds to 0)": (
        "site: {staff_pools: [{id: officers, count: 2}]}",
        "site.staff_pools[0].count: z1 needs gate staff",
    ),
    "fewer than two inspectors on duty in every hour": (
        "site: {staff_pools: [{id: inspectors, count: 6}]}",  # 6 x 0.9 x 40/168 -> 1
        "site.staff_pools[2].count: physical inspections in z1 need 2 officers, but pool "
        "inspectors (inspection, count 6, shifts, availability 0.9) never has 2 on duty",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_infeasible_staffing_is_a_validation_error_naming_the_pool(
    case, write_yaml, minimal_yaml, capsys
):
    override, expected = REFUSED[case]
    bad = _variant(write_yaml, minimal_yaml, override)
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: {expected}" in err
    assert "Traceback" not in err


def test_running_a_zero_staff_pool_exits_2_without_a_traceback(write_yaml, minimal_yaml, tmp_path):
    bad = _variant(write_yaml, minimal_yaml, "site: {staff_pools: [{id: inspectors, count: 0}]}")
    proc = subprocess.run(
        [sys.executable, "-m", "ftztwin.cli", "run", str(bad), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "inspection staff" in proc.stderr and "count 0" in proc.stderr
    assert "Traceback" not in proc.stderr and "LookupError" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_zero_pool_with_an_area_wide_pool_behind_it_is_warned_not_refused(
    write_yaml, minimal_yaml, capsys
):
    extra = "site: {staff_pools: [{id: docs_z1, role: document_review, zone: z1, count: 0}]}"
    path = _variant(write_yaml, minimal_yaml, extra)
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert "site.staff_pools[3].count: pool docs_z1 (document_review, count 0" in err
    assert "its work goes elsewhere (z1 to docs)" in err
    assert "[pool_never_on_duty]" in err


def test_inspectors_short_in_some_hours_are_a_named_warning(write_yaml, minimal_yaml, capsys):
    # An office roster: two on duty on weekday office hours, nobody otherwise.
    path = _variant(
        write_yaml,
        minimal_yaml,
        "site: {staff_pools: [{id: inspectors, count: 2, roster: office}]}",
    )
    warnings = load_scenario(path).warnings()
    codes = {w.code for w in warnings}
    assert "inspection_team_short" in codes
    (short,) = [w for w in warnings if w.code == "inspection_team_short"]
    assert short.path == "site.staff_pools[2].count"
    assert "in 123 of 168 hours a week (first: Mon 00:00)" in short.message
    assert main(["validate", str(path)]) == 0
    assert "[inspection_team_short]" in capsys.readouterr().err


def test_missing_area_wide_pools_are_warned_because_their_work_is_done_by_no_one(
    write_yaml, minimal_yaml
):
    path = _variant(write_yaml, minimal_yaml, "")
    messages = [w.message for w in load_scenario(path).warnings() if w.code == "no_area_wide_pool"]
    assert any("no one does the post-clearance audits" in m for m in messages)
    assert len(messages) == 4  # risk analysis, audit, support, IT


def test_the_shipped_scenarios_have_no_infeasible_staffing():
    from tests.conftest import SCENARIOS

    for path in sorted(SCENARIOS.glob("*.yaml")):
        if path.name == "scenario.schema.json":
            continue
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:  # pragma: no cover - the failure message
            pytest.fail(str(exc))
        assert scenario.warnings() == [], path
