"""Calibration to aggregate KPIs: two hidden service means recovered from mean waits.

The site's true review and inspection times are hidden; only its mean waits at the
review pool and at the inspection bays are known (from replications on a seed the
calibration never uses, with their standard errors). ``ftztwin calibrate --kpis`` starts
from wrong means and must find the true ones within its intervals.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from ftz_spec import load_scenario, parse_scenario
from ftz_spec.provenance import parameters
from tests.calibration.conftest import DATA, ftztwin
from twin.experiment import run_replication

pytestmark = pytest.mark.slow

HIDDEN = {
    "uncertainties.times.doc_review_paperless_min.mean": 5.0,
    "uncertainties.times.physical_inspection_min.mean": 50.0,
}
WAITS = ("wait_min_mean[staff/docs]", "wait_min_mean[z1/inspection_bays]")


def _observed_waits(n: int = 12) -> dict[str, dict[str, float]]:
    data = load_scenario(DATA / "kpi_probe.yaml").model_dump(mode="json")
    data["run"]["seed"] = 999  # the site's own randomness, not the calibration's
    site = parse_scenario(data)
    runs = [run_replication(site, r).kpis for r in range(n)]
    return {
        k: {
            "value": float(np.mean([r[k] for r in runs])),
            "se": float(np.std([r[k] for r in runs], ddof=1) / math.sqrt(n)),
        }
        for k in WAITS
    }


def test_kpi_calibration_recovers_two_hidden_service_means_from_mean_waits(tmp_path: Path):
    (tmp_path / "guess.yaml").write_text(
        f"extends: {DATA / 'kpi_probe.yaml'}\nname: guess\nuncertainties:\n  times:\n"
        "    doc_review_paperless_min: {dist: lognormal, mean: 3.5, sd: 2.0}\n"
        "    physical_inspection_min: {dist: lognormal, mean: 35.0, sd: 20.0}\n",
        encoding="utf-8",
    )
    kpis = tmp_path / "kpis.yaml"
    kpis.write_text(yaml.safe_dump({
        "kpis": _observed_waits(),
        "unknowns": {
            "uncertainties.times.doc_review_paperless_min.mean": {"low": 2.0, "high": 8.0},
            "uncertainties.times.physical_inspection_min.mean": {"low": 20.0, "high": 80.0},
        },
        "replications": 4,
        "source": "mean waits over 12 days of the site",
    }), encoding="utf-8")  # fmt: skip
    done = ftztwin("calibrate", "guess.yaml", "--kpis", "kpis.yaml", "--out", "cal", "--no-plots",
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    fit = json.loads((tmp_path / "cal" / "calibration.json").read_text())["kpi_calibration"]
    for path, truth in HIDDEN.items():
        est = fit["estimates"][path]
        lo, hi = est["interval"]
        assert lo <= truth <= hi, (path, est)
        assert abs(est["value"] - truth) / truth < 0.12, (path, est)
    scenario = load_scenario(tmp_path / "cal" / "guess_calibrated.yaml")
    sources = {p.leaf.path: p.source for p in parameters(scenario)}
    sha = hashlib.sha256(kpis.read_bytes()).hexdigest()
    for path in HIDDEN:
        assert (sources[path].kind, sources[path].file, sources[path].sha256) == (
            "calibrated",
            "kpis.yaml",
            sha,
        )
    assert scenario.uncertainties.times.doc_review_paperless_min.sd == 2.0  # the rest unchanged
