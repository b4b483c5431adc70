"""`ftztwin run`, `warmup` and the reports, as a user runs them: the installed command, from another folder."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL

FTZTWIN = Path(sys.executable).with_name("ftztwin")


def _ftztwin(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(FTZTWIN), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(MINIMAL, encoding="utf-8")
    return tmp_path


def test_run_prints_readable_units_and_the_unfinished_share_and_writes_both_reports(tiny):
    done = _ftztwin(tiny, "run", "tiny.yaml", "--horizon-h", "3", "--warmup-h", "0.5",
                    "--replications", "2", "--workers", "1", "--out", "out")  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "Clearance time, mean 平均通关时间" in out and " min " in out
    assert "unfinished share:" in out and "warm-up 0.5 h; MSER-5" in out
    assert not re.search(r"\d\.\d+e[+-]\d", out)  # no 3.251e+04
    folder = tiny / "out" / "tiny"
    md = (folder / "report.md").read_text(encoding="utf-8")
    for section in ("## Headline", "## Every truck accounted for", "## Warm-up", "## Replications",
                    "## Figures", "## Every KPI"):  # fmt: skip
        assert section in md
    assert "Warm-up used: 0.5 h" in md and "MSER-5" in md
    assert "Share unfinished 未完成比例" in md
    for png in (
        "clearance.png",
        "queues.png",
        "utilisation.png",
        "credit_classes.png",
        "warmup.png",
    ):
        assert (folder / png).read_bytes()[:4] == b"\x89PNG"
        assert f"]({png})" in md
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 5
    assert not re.search(r"""(src|href)=["'](?!data:)""", html)  # self-contained
    with (folder / "kpi_summary.csv").open(encoding="utf-8") as fh:
        rows = {r["kpi"]: r for r in csv.DictReader(fh)}
    util = rows["utilisation[role=gate]"]
    assert 0.0 <= float(util["ci95_low"]) <= float(util["ci95_high"]) <= 1.0
    assert rows["inspection_rate"]["method"].startswith("wilson")


def test_precision_adds_replications_until_reached_and_chooses_the_same_count_on_any_workers(tiny):
    args = ["run", "tiny.yaml", "--horizon-h", "2", "--warmup-h", "0.5", "--precision", "0.05",
            "--kpi", "clearance_time_min_mean", "--min-replications", "3", "--max-replications", "12",
            "--no-event-log"]  # fmt: skip
    one = _ftztwin(tiny, *args, "--workers", "1", "--out", "one")
    two = _ftztwin(tiny, *args, "--workers", "2", "--out", "two")
    assert one.returncode == 0 and two.returncode == 0, one.stderr[-2000:] + two.stderr[-2000:]
    chosen = re.search(
        r"replications: (\d+) chosen for ±5% on clearance_time_min_mean \((\w+)", one.stdout
    )
    assert chosen, one.stdout
    n = int(chosen.group(1))
    assert 3 <= n <= 12
    a = (tiny / "one" / "tiny" / "kpis.csv").read_bytes()
    assert a == (tiny / "two" / "tiny" / "kpis.csv").read_bytes()
    assert a.count(b"\n") == n + 1
    with (tiny / "one" / "tiny" / "kpi_summary.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["kpi"] == "clearance_time_min_mean")
    half = (float(row["ci95_high"]) - float(row["ci95_low"])) / 2
    if chosen.group(2) == "reached":
        assert half <= 0.05 * float(row["mean"])
    else:
        assert n == 12 and "[precision_not_reached]" in one.stderr
    assert "## Replications" in (tiny / "one" / "tiny" / "report.md").read_text(encoding="utf-8")


def test_an_unknown_kpi_or_a_warmup_past_the_horizon_exits_2_with_a_clear_message(tiny):
    bad = _ftztwin(tiny, "run", "tiny.yaml", "--precision", "0.05", "--kpi", "clearance_time_mean")
    assert bad.returncode == 2
    assert "--kpi: unknown KPI (got 'clearance_time_mean'); did you mean" in bad.stderr
    assert "Traceback" not in bad.stderr
    late = _ftztwin(tiny, "run", "tiny.yaml", "--horizon-h", "2", "--warmup-h", "3")
    assert late.returncode == 2 and "run.warmup_h: warm-up must be shorter" in late.stderr
    assert not (tiny / "out").exists()


def test_warmup_applies_mser5_to_the_chosen_series_and_plots_them(tiny):
    done = _ftztwin(tiny, "warmup", "tiny.yaml", "--horizon-h", "6", "--replications", "3",
                    "--kpi", "clearance_time_min_mean", "--kpi", "wait_min_mean[z1/g1/lanes]",
                    "--workers", "1", "--out", "out")  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "MSER-5 warm-up (h)" in done.stdout and "wait_min_mean[z1/g1/lanes]" in done.stdout
    assert re.search(r"warm-up 0\.5 h: MSER-5 (agrees|contradicts|undetermined)", done.stdout)
    folder = tiny / "out" / "tiny_warmup"
    assert (folder / "warmup.png").read_bytes()[:4] == b"\x89PNG"
    lines = (folder / "warmup.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("series,mser5_warmup_h") and len(lines) == 3
