"""A bad log or KPI file gets one clear line per problem: file, row, field, value; exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftztwin.cli import main
from tests.calibration.conftest import ftztwin
from tests.conftest import MINIMAL

TRACE_HEADER = "case_id,activity,lifecycle,resource,time_s,attrs\n"
SITE_HEADER = "truck,flow,activity,resource,arrival,start,departure,outcome\n"
GOOD_SITE_ROW = "T1,out,clearance,z1,2013-03-04T08:00:00+08:00,,2013-03-04T08:10:00+08:00,\n"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def _calibrate(tmp_path, scenario, capsys, *extra):
    code = main(["calibrate", str(scenario), "--out", str(tmp_path / "cal"), "--no-plots", *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


LOGS = {
    "time_not_a_number": (
        TRACE_HEADER
        + 'out#1,clearance,START,z1,0.0,"{""flow"": ""second_line_export""}"\nout#1,gate_check,START,z1/g1/lanes,abc,\n',
        "row 3, field time_s: expected seconds >= 0 (got 'abc')",
    ),
    "negative_time": (
        TRACE_HEADER + "out#1,clearance,START,z1,-5,\n",
        "row 2, field time_s: expected seconds >= 0 (got '-5')",
    ),
    "bad_lifecycle": (
        TRACE_HEADER + "out#1,clearance,BEGIN,z1,1.0,\n",
        "row 2, field lifecycle: expected one of START, STOP, WAIT_START, WAIT_STOP (got 'BEGIN')",
    ),
    "attrs_not_json": (
        TRACE_HEADER + "out#1,clearance,START,z1,1.0,flow=x\n",
        "row 2, field attrs: expected a JSON object or nothing (got 'flow=x')",
    ),
    "flow_not_in_scenario": (
        TRACE_HEADER + "zz#1,clearance,START,z1,1.0,\n",
        "row 2, field case_id: the flow 'zz' is not a flow of scenario tiny (got 'zz#1')",
    ),
    "header_only": (TRACE_HEADER, "no usable rows: no truck arrives (no clearance START record)"),
    "empty_file": ("", "no usable rows: the file is empty"),
    "unknown_header": ("when,what\n1,2\n", "header: neither the twin's event log"),
    "wrong_field_count": (
        TRACE_HEADER + "a,b,c\nd,e,f,g,h,i,j,k\n",
        "malformed CSV: Error tokenizing data",
    ),
    "site_departure_before_start": (
        SITE_HEADER + "T1,out,clearance,z1,2013-03-04T08:00:00+08:00,,2013-03-04T07:00:00+08:00,\n",
        "row 2, field departure: earlier than the start (got '2013-03-04T07:00:00+08:00')",
    ),
    "site_bad_time": (
        SITE_HEADER + "T1,out,clearance,z1,2013-13-04T08:00:00+08:00,,2013-03-04T09:00:00+08:00,\n",
        "row 2, field arrival: not an ISO 8601 time such as 2013-03-04T08:15:02+08:00 (got '2013-13-04T08:00:00+08:00')",
    ),
    "site_unknown_flow": (
        SITE_HEADER
        + "T1,nope,clearance,z1,2013-03-04T08:00:00+08:00,,2013-03-04T08:10:00+08:00,\n",
        "row 2, field flow: not a flow of scenario tiny (got 'nope')",
    ),
    "site_unknown_resource": (
        SITE_HEADER
        + GOOD_SITE_ROW
        + "T1,,doc_review,staff/nobody,2013-03-04T08:00:00+08:00,,2013-03-04T08:05:00+08:00,\n",
        "row 3, field resource: not a resource of scenario tiny",
    ),
    "site_bad_reading_outcome": (
        SITE_HEADER
        + GOOD_SITE_ROW
        + "T1,,read:plate_camera,z1/g1/plate_camera-1,2013-03-04T08:00:00+08:00,,2013-03-04T08:00:01+08:00,fine\n",
        "row 3, field outcome: a reading's outcome is one of ok, misread, no_read, down, blank (got 'fine')",
    ),
    "site_mixed_offsets": (
        SITE_HEADER
        + GOOD_SITE_ROW
        + "T2,out,clearance,z1,2013-03-04T09:00:00,,2013-03-04T09:10:00+08:00,\n",
        "row 3, field arrival: times with and without a UTC offset are mixed (got '2013-03-04T09:00:00')",
    ),
    "site_unknown_column": (
        "truck,activity,resource,arrival,departure,colour\n",
        "header: unknown column (got 'colour')",
    ),
    "site_header_only": (SITE_HEADER, "no usable rows: a header and nothing else"),
    "site_no_clearance_row": (
        SITE_HEADER
        + "T1,,doc_review,staff/docs,2013-03-04T08:00:00+08:00,,2013-03-04T08:05:00+08:00,\n",
        "no usable rows: no clearance row gives a truck's arrival",
    ),
}


@pytest.mark.parametrize("case", sorted(LOGS))
def test_a_bad_log_names_the_file_row_field_and_value_and_exits_2(case, tmp_path, scenario, capsys):
    text, expected = LOGS[case]
    log = tmp_path / "log.csv"
    log.write_text(text, encoding="utf-8")
    code, err = _calibrate(tmp_path, scenario, capsys, "--log", str(log))
    assert code == 2
    assert f"error: {log}: {expected}" in err


def test_a_missing_log_is_named(tmp_path, scenario, capsys):
    code, err = _calibrate(tmp_path, scenario, capsys, "--log", str(tmp_path / "nope.csv"))
    assert (code, f"{tmp_path / 'nope.csv'}: file not found" in err) == (2, True)


def test_many_bad_rows_are_counted_not_all_printed(tmp_path, scenario, capsys):
    log = tmp_path / "log.csv"
    log.write_text(
        TRACE_HEADER + "".join(f"out#{i},clearance,START,z1,x{i},\n" for i in range(500))
    )
    code, err = _calibrate(tmp_path, scenario, capsys, "--log", str(log))
    assert code == 2
    assert len(err.splitlines()) == 13 and err.splitlines()[-1].endswith("… and 8 more problems")


KPIS = {
    "malformed_yaml": ("kpis: [unclosed\n", "malformed YAML"),
    "unknown_key": (
        "kpis: {throughput_per_h: {value: 10}}\nunknowns: {uncertainties.traffic_scale: {low: 0.5, high: 2}}\ncolour: red\n",
        "colour: unknown key (got 'red')",
    ),
    "negative_se": (
        "kpis: {throughput_per_h: {value: 10, se: -1}}\nunknowns: {uncertainties.traffic_scale: {low: 0.5, high: 2}}\n",
        "kpis.throughput_per_h.se: Input should be greater than or equal to 0 (got -1)",
    ),
    "no_unknowns": (
        "kpis: {throughput_per_h: {value: 10}}\nunknowns: {}\n",
        "unknowns: Dictionary should have at least 1 item",
    ),
    "unknown_path": (
        "kpis: {throughput_per_h: {value: 10}}\nunknowns: {uncertainties.nope: {low: 0, high: 1}}\n",
        "unknowns['uncertainties.nope']: no field 'nope' at uncertainties (got 'uncertainties.nope')",
    ),
    "not_a_number": (
        "kpis: {throughput_per_h: {value: 10}}\nunknowns: {levers.paperless: {low: 0, high: 1}}\n",
        "unknowns['levers.paperless']: not a number of the scenario (got True)",
    ),
    "bounds_reversed": (
        "kpis: {throughput_per_h: {value: 10}}\nunknowns: {uncertainties.traffic_scale: {low: 2, high: 1}}\n",
        "unknowns['uncertainties.traffic_scale'].high: must be above low=2.0 (got 1.0)",
    ),
}


@pytest.mark.parametrize("case", sorted(KPIS))
def test_a_bad_kpi_file_names_the_file_field_and_value_and_exits_2(
    case, tmp_path, scenario, capsys
):
    text, expected = KPIS[case]
    kpis = tmp_path / "kpis.yaml"
    kpis.write_text(text, encoding="utf-8")
    code, err = _calibrate(tmp_path, scenario, capsys, "--kpis", str(kpis))
    assert code == 2
    assert f"error: {kpis}: {expected}" in err


def test_a_kpi_the_twin_does_not_compute_is_named(tmp_path, scenario, capsys):
    kpis = tmp_path / "kpis.yaml"
    kpis.write_text(
        "kpis: {'wait_min_mean[staff/nobody]': {value: 3}}\n"
        "unknowns: {uncertainties.traffic_scale: {low: 0.5, high: 2}}\nreplications: 1\nhorizon_h: 2\nwarmup_h: 0.5\n"
    )
    code, err = _calibrate(tmp_path, scenario, capsys, "--kpis", str(kpis))
    assert code == 2
    assert f"{kpis}: kpis['wait_min_mean[staff/nobody]']: the twin gives no such KPI" in err


def test_calibrate_without_a_log_or_kpis_is_refused(tmp_path, scenario, capsys):
    code, err = _calibrate(tmp_path, scenario, capsys)
    assert code == 2 and "give an event log (--log), observed KPIs (--kpis) or both" in err


def test_the_installed_command_exits_2_without_a_traceback(tmp_path, scenario):
    log = tmp_path / "log.csv"
    log.write_text(TRACE_HEADER + "out#1,clearance,BEGIN,z1,1.0,\n", encoding="utf-8")
    done = ftztwin("calibrate", str(scenario), "--log", str(log), cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {log}: row 2, field lifecycle")
    assert "Traceback" not in done.stderr
    bad_share = ftztwin(
        "calibrate", str(scenario), "--log", str(log), "--holdout", "1.5", cwd=tmp_path
    )
    assert bad_share.returncode == 2 and "must be >= 0 and < 1, got 1.5" in bad_share.stderr
