"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The machine is shared (CI too): time is never the property under test. Without this a
# slow draw on a loaded core fails a health check that says nothing about the code.
settings.register_profile(
    "shared_machine",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("shared_machine")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a YAML text into tmp_path/<name> and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


MINIMAL = """
name: tiny
site:
  zones: [{id: z1, name: Zone one}]
  gates:
    - id: g1
      zone: z1
      line: second
      lanes: 2
      devices:
        - {id: plate_camera, kind: plate_camera, driver: sim.plate_camera}
        - {id: barrier, kind: barrier, driver: sim.barrier}
  staff_pools: [{id: officers, role: gate, zone: z1, count: 8}, {id: docs, role: document_review, count: 8},
    {id: inspectors, role: inspection, count: 8}]
  places: [{id: market, name: Market, kind: domestic}]
uncertainties:
  flows: [{id: out, kind: second_line_export, zone: z1, place: market, trucks_per_day: 720}]
  enterprises: {count: 30}
run: {horizon_h: 4, warmup_h: 0.5, replications: 2, seed: 7, event_log: all}
"""


@pytest.fixture
def minimal_yaml() -> str:
    """A small valid scenario text."""
    return MINIMAL
