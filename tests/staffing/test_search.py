"""The optimiser: minimal staffing, monotone in the targets, reported against the plan."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ftz_spec import parse_scenario
from ftztwin.cli import main
from ftztwin.staffing import (
    Evaluator,
    StaffingError,
    Target,
    choose_pools,
    minimise_staff,
    parse_target,
    with_guard,
)
from ftztwin.sweep import SerialBackend
from tests.conftest import MINIMAL
from tests.staffing.conftest import FakeTwin

WAIT = "wait_min_p95[staff/officers]"


def _minimise(tiny, targets, pools=("officers",)):
    return minimise_staff(Evaluator(tiny, targets, FakeTwin()), list(pools))


TINY = parse_scenario(yaml.safe_load(MINIMAL), "tiny")


@settings(max_examples=25, deadline=None)
@given(st.floats(14.0, 60.0), st.floats(0.0, 30.0))
def test_stricter_target_never_needs_fewer_staff(loose, tighter_by):
    strict = max(loose - tighter_by, 13.0)
    a = _minimise(TINY, [Target(WAIT, "<=", loose)])
    b = _minimise(TINY, [Target(WAIT, "<=", strict)])
    assert b.counts["officers"] >= a.counts["officers"]


def test_found_staffing_is_minimal_one_fewer_in_any_adjusted_pool_fails(tiny):
    targets = [Target(f"wait_min_p95[staff/{p}]", "<=", 40.0) for p in ("officers", "docs")]
    ev = Evaluator(tiny, targets, FakeTwin())
    res = minimise_staff(ev, ["officers", "docs"])
    assert res.verdict.feasible
    assert res.counts["inspectors"] == 8  # not adjusted: kept at plan
    for pool in res.adjusted:
        assert not ev.check({**res.counts, pool: res.counts[pool] - 1}).feasible


def test_a_plan_short_of_the_target_is_grown_until_met(tiny):
    res = _minimise(tiny, [Target(WAIT, "<=", 9.0)])  # 120/8 = 15 at plan: needs >= 14
    assert not res.plan_verdict.feasible
    assert res.counts["officers"] > 8
    assert res.verdict.feasible


def test_a_target_out_of_reach_is_a_user_error(tiny):
    with pytest.raises(StaffingError, match="not met even with 4x"):
        _minimise(tiny, [Target(WAIT, "<=", 1.0)])


def test_default_pools_are_those_a_target_names_else_the_field_pools(tiny):
    assert choose_pools(tiny, None, ["wait_min_p95[staff/docs]"]) == ["docs"]
    assert choose_pools(tiny, None, ["clearance_time_min_p95"]) == [
        "officers",
        "docs",
        "inspectors",
    ]
    assert choose_pools(tiny, "gate,inspectors", []) == ["officers", "inspectors"]
    assert choose_pools(tiny, "field", []) == ["officers", "docs", "inspectors"]
    with pytest.raises(StaffingError, match="no pool, role or group 'pilots'"):
        choose_pools(tiny, "pilots", [])


def test_in_the_twin_a_stricter_target_never_needs_fewer_document_reviewers(tiny):
    data = tiny.model_dump(mode="json")
    data["site"]["staff_pools"][1]["count"] = 16  # docs: 3 on duty around the clock
    tiny = parse_scenario(data, "tiny")
    found = []
    with SerialBackend() as b:
        for bound in (40.0, 5.0):
            targets = with_guard([parse_target(f"wait_min_mean[staff/docs]<={bound}")])
            found.append(minimise_staff(Evaluator(tiny, targets, b, 5, 5, 10), ["docs"]))
    loose, strict = found
    assert loose.counts["docs"] < 16  # more reviewers than a loose target needs
    assert strict.counts["docs"] >= loose.counts["docs"]
    assert strict.verdict.intervals["wait_min_mean[staff/docs]"].high <= 5.0


def test_cli_staff_in_pool_mode_writes_a_report_and_exits_0(tiny_file, tmp_path, capsys):
    code = main([
        "staff", str(tiny_file), "--mode", "pool", "--target", "wait_min_p95[staff/officers]<=30",
        "--backend", "serial", "--min-reps", "3", "--max-reps", "3", "--out", str(tmp_path / "o"),
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "Mode **pool**" in out
    assert (tmp_path / "o" / "tiny" / "staffing.md").exists()
    assert (tmp_path / "o" / "tiny" / "staffing.csv").read_text().startswith("pool,role,zone")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "p95 < 60"], "expected KPI<=VALUE"),
        (["--target", "clearance_time_min_p59<=60"], "did you mean clearance_time_min_p95"),
        (
            ["--target", "clearance_time_min_p95<=60", "--pools", "pilots"],
            "no pool, role or group 'pilots'",
        ),
        (["--target", "clearance_time_min_p95<=60", "--alpha", "2"], "must lie between 0 and 1"),
    ],
)
def test_cli_staff_mistakes_exit_2_without_traceback(tiny_file, capsys, args, message):
    try:
        code = main(["staff", str(tiny_file), "--backend", "serial", *args])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
