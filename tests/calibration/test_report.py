"""The calibration report: tables, fit plots, validation, sources; from a site-format log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.calibration.conftest import TRUTH, ftztwin

pytestmark = pytest.mark.slow


def test_a_site_log_calibrates_into_an_overlay_and_a_report_with_fit_plots(tmp_path: Path):
    two_days = tmp_path / "two_days.yaml"
    two_days.write_text(f"extends: {TRUTH}\nname: two_days\nrun: {{horizon_h: 48, warmup_h: 8}}\n")
    done = ftztwin("observe", str(two_days), "--out", "site.csv", "--format", "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    header = (tmp_path / "site.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("truck,activity,resource,arrival,departure,flow,lane,start")
    done = ftztwin("calibrate", str(two_days), "--log", "site.csv", "--out", "cal",
                   "--validation-replications", "2", "--workers", "1", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    cal = tmp_path / "cal"
    report = (cal / "calibration.md").read_text(encoding="utf-8")
    for section in ("## Fitted from the log", "### Arrivals", "### Durations", "### Devices",
                    "## Validation on the held-out trucks", "## Inputs and their sources"):  # fmt: skip
        assert section in report
    assert "uncertainties.weekly_profile: the log does not cover it; kept" in report
    figures = sorted(p.name for p in (cal / "figures").glob("*.png"))
    assert "arrivals.png" in figures and "uncertainties_times_scan_s.png" in figures
    for name in figures:
        assert f"](figures/{name})" in report
        assert (cal / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    overlay = cal / "two_days_calibrated.yaml"
    assert ftztwin("validate", str(overlay), cwd=tmp_path).returncode == 0
    listing = ftztwin("provenance", str(overlay), cwd=tmp_path).stdout
    row = next(
        line for line in listing.splitlines() if line.startswith("uncertainties.times.scan_s.low")
    )
    assert "calibrated" in row and "site.csv (sha256 " in row
