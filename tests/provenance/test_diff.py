"""``ftztwin diff``: two resolved scenarios compared path by path, values and sources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ftz_spec import load_scenario
from ftztwin.diff import diff_scenarios
from tests.conftest import SCENARIOS

FTZTWIN = Path(sys.executable).with_name("ftztwin")
BASE, REFORM = SCENARIOS / "baseline_2013.yaml", SCENARIOS / "reform_2014.yaml"


def test_baseline_against_reform_lists_staffing_levers_and_h986_with_both_sources():
    diffs = {d.path: d for d in diff_scenarios(load_scenario(BASE), load_scenario(REFORM))}
    support = diffs["site.staff_pools[id=support].count"]
    assert (support.change, support.a, support.b) == ("changed", 35, 20)
    assert support.source_a.kind == support.source_b.kind == "plan"
    h986 = diffs["levers.h986.yangshan_port"]
    assert (h986.a, h986.b, h986.source_a.kind, h986.source_b.kind) == (0, 2, "plan", "assumption")
    assert diffs["levers.paperless"].change == "changed" and not diffs["levers.paperless"].parameter
    only = diffs["levers.risk_policy.lanes.expected_rates.physical"]
    assert (only.change, only.a) == ("only_in_a", 0.04)
    assert "uncertainties.times.scan_s.mode" not in diffs


def test_a_scenario_has_no_difference_with_itself():
    s = load_scenario(REFORM)
    assert diff_scenarios(s, s) == []


def test_the_same_value_on_another_source_is_a_difference_unless_values_only(write_yaml):
    a = write_yaml("a.yaml", f"extends: {REFORM}\nname: a\n")
    b = write_yaml(
        "b.yaml",
        f"extends: {REFORM}\nname: b\nsources:\n"
        "  uncertainties.times.auto_check_s: {kind: calibrated, file: log.csv, sha256: "
        + "a" * 64
        + "}\n",
    )
    sa, sb = load_scenario(a), load_scenario(b)
    diffs = diff_scenarios(sa, sb)
    assert {d.path for d in diffs} == {
        "uncertainties.times.auto_check_s.mean",
        "uncertainties.times.auto_check_s.sd",
    }
    assert {d.change for d in diffs} == {"source"}
    assert diff_scenarios(sa, sb, values_only=True) == []


def test_differences_are_plain_data_for_other_views():
    diffs = diff_scenarios(load_scenario(BASE), load_scenario(REFORM))
    rows = json.loads(json.dumps([d.as_dict() for d in diffs]))
    row = next(r for r in rows if r["path"] == "site.staff_pools[id=support].count")
    assert row["a"] == 35 and row["b"] == 20 and row["source_a"]["section"] == "三(一)3"


def test_the_diff_command_prints_each_path_with_both_values_and_sources(tmp_path):
    done = subprocess.run(
        [str(FTZTWIN), "diff", str(BASE), str(REFORM)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    head, *rows = done.stdout.splitlines()
    assert head.startswith("A: baseline_2013 (sha256 ") and "B: reform_2014" in head
    support = next(r for r in rows if r.startswith("site.staff_pools[id=support].count"))
    assert support.split()[1:4] == ["changed", "35", "20"] and "plan 三(一)3" in support
    bad = subprocess.run([str(FTZTWIN), "diff", str(BASE), str(tmp_path / "nope.yaml")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert bad.returncode == 2 and "nope.yaml: file not found" in bad.stderr
    assert "Traceback" not in bad.stderr
