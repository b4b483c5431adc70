"""Fixtures for driving the app headless: a scratch scenario folder and short runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCENARIOS

# Short runs keep the whole app suite to seconds: 12 h, 2 h warm-up, 2 replications,
# and a third of the traffic (patched into the scratch copy of base.yaml).
SHORT_RUN = {
    "FTZTWIN_APP_HORIZON_H": "12",
    "FTZTWIN_APP_WARMUP_H": "2",
    "FTZTWIN_APP_REPLICATIONS": "2",
}
BROKEN = "broken.yaml"


def scratch_scenarios(folder: Path) -> Path:
    """Copy the shipped scenarios into ``folder`` with traffic at 0.3 and one broken file."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in SCENARIOS.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    base = folder / "base.yaml"
    text = base.read_text(encoding="utf-8")
    assert "  traffic_scale: 1.0\n" in text, "base.yaml changed: update the test fixture"
    base.write_text(text.replace("  traffic_scale: 1.0\n", "  traffic_scale: 0.3\n"), "utf-8")
    (folder / BROKEN).write_text(
        "extends: base.yaml\nname: broken\nlevers:\n  h986: {atlantis: 1}\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def scenario_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch scenario folder the app lists and saves into, with short run settings."""
    folder = scratch_scenarios(tmp_path / "scenarios")
    monkeypatch.setenv("FTZTWIN_SCENARIO_DIR", str(folder))
    for key, value in SHORT_RUN.items():
        monkeypatch.setenv(key, value)
    return folder


@pytest.fixture
def app(scenario_dir: Path):
    """The app, run once on its default page (the Scenario page)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def goto(at, page: str):
    """Show ``pages/<page>.py`` and check that nothing raised."""
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def errors(at) -> str:
    """All error messages on the page, as one text."""
    return "\n".join(e.value for e in at.error)


def metric(at, label_start: str) -> str:
    """The value of the KPI card whose label starts with ``label_start``."""
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def number(text: str) -> float:
    """The number at the start of a card's value (``'6.67 min'`` -> 6.67)."""
    return float(text.split()[0].rstrip("%").replace(",", ""))


def frame_with(at, column: str):
    """The first table on the page that has ``column``."""
    for d in at.dataframe:
        if column in d.value.columns:
            return d.value
    raise AssertionError(
        f"no table with a column {column!r}: {[list(d.value.columns) for d in at.dataframe]}"
    )


def in_bounds(low: float, high: float, bounds) -> bool:
    """Whether an interval lies within a KPI's physical bounds (None: unbounded)."""
    lo, hi = bounds
    return (lo is None or low >= lo - 1e-12) and (hi is None or high <= hi + 1e-12)
