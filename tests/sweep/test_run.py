"""Sweeps: a table with CIs, byte-identical for the same file and seed, resumable."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from ftztwin.cli import main
from ftztwin.sweep import DaskBackend, ProcessBackend, SerialBackend, load_sweep, run_sweep
from tests.sweep.conftest import CountingBackend


def _sweep(sweep_file, out, backend, **kw):
    spec, base = load_sweep(sweep_file)
    return run_sweep(spec, base, str(sweep_file), out, backend, progress=False, **kw)


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_table_has_one_row_per_point_and_output_with_a_confidence_interval(sweep_file, tmp_path):
    outcome = _sweep(sweep_file, tmp_path / "out", SerialBackend())
    rows = _rows(outcome.csv)
    assert outcome.points == 4  # 2 headcounts x 2 traffic levels
    assert len(rows) == 4 * 3
    assert list(rows[0]) == [
        "point_key", "point", "site.staff_pools[id=officers].count",
        "uncertainties.traffic_scale", "kpi", "mean", "ci95_low", "ci95_high", "half_width",
        "replications",
    ]  # fmt: skip
    for r in rows:
        assert float(r["ci95_low"]) <= float(r["mean"]) <= float(r["ci95_high"])
        assert r["replications"] == "3"
    assert [r["point_key"] for r in rows] == sorted(r["point_key"] for r in rows)


def test_parquet_table_holds_the_same_rows_as_the_csv(sweep_file, tmp_path):
    outcome = _sweep(sweep_file, tmp_path / "out", SerialBackend())
    frame = pd.read_parquet(outcome.parquet)
    rows = _rows(outcome.csv)
    assert len(frame) == len(rows)
    assert frame["site.staff_pools[id=officers].count"].dtype == "int64"
    assert list(frame["point_key"]) == [r["point_key"] for r in rows]
    assert frame["mean"].round(9).tolist() == [float(r["mean"]) for r in rows]


@pytest.mark.slow
def test_same_sweep_file_and_seed_give_byte_identical_csv_on_any_backend(sweep_file, tmp_path):
    a = _sweep(sweep_file, tmp_path / "a", SerialBackend())
    b = _sweep(sweep_file, tmp_path / "b", ProcessBackend(2))
    c = _sweep(sweep_file, tmp_path / "c", SerialBackend(), seed=123)
    assert a.csv.read_bytes() == b.csv.read_bytes()
    assert a.csv.read_bytes() != c.csv.read_bytes()


@pytest.mark.slow
@pytest.mark.xdist_group("dask")
def test_sweep_on_dask_writes_the_same_bytes_as_serial(sweep_file, tmp_path, dask_scheduler):
    a = _sweep(sweep_file, tmp_path / "a", SerialBackend())
    b = _sweep(sweep_file, tmp_path / "b", DaskBackend(scheduler=dask_scheduler))
    assert a.csv.read_bytes() == b.csv.read_bytes()


def test_interrupted_sweep_resumes_without_redoing_finished_points(sweep_file, tmp_path):
    whole = _sweep(sweep_file, tmp_path / "whole", SerialBackend())
    out = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):  # interrupted during the third point
        _sweep(sweep_file, out, CountingBackend(interrupt_after=7))
    log = out / "tiny_sweep" / "points.jsonl"
    assert len(log.read_text().splitlines()) == 2
    again = CountingBackend()
    resumed = _sweep(sweep_file, out, again)
    assert resumed.resumed == 2
    assert len(again.tasks) == 2 * 3  # only the two unfinished points, three replications each
    assert resumed.csv.read_bytes() == whole.csv.read_bytes()
    nothing_left = CountingBackend()
    _sweep(sweep_file, out, nothing_left)
    assert nothing_left.tasks == []


def test_a_log_line_cut_short_is_ignored_and_its_point_reruns(sweep_file, tmp_path):
    whole = _sweep(sweep_file, tmp_path / "whole", SerialBackend())
    log = whole.folder / "points.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    log.write_text(lines[0] + lines[1][: len(lines[1]) // 2])  # killed while writing
    again = CountingBackend()
    resumed = _sweep(sweep_file, tmp_path / "whole", again)
    assert len(again.tasks) == 3 * 3
    assert resumed.csv.read_bytes() == whole.csv.read_bytes()


def test_fresh_sweep_reruns_every_point(sweep_file, tmp_path):
    _sweep(sweep_file, tmp_path / "o", SerialBackend())
    again = CountingBackend()
    _sweep(sweep_file, tmp_path / "o", again, fresh=True)
    assert len(again.tasks) == 4 * 3


def test_cli_sweep_writes_csv_and_parquet_and_reports_them(sweep_file, tmp_path, capsys):
    code = main(["sweep", str(sweep_file), "--backend", "serial", "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 0
    assert "4 points x 3 replications (0 resumed, 12 replications run on serial)" in out
    assert (tmp_path / "o" / "tiny_sweep" / "results.parquet").exists()
