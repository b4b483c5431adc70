"""Fixtures of the calibration tests: a site with known parameters and its observed log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).with_name("data")
TRUTH = DATA / "yangshan.yaml"
START = DATA / "wrong_start.yaml"
FTZTWIN = Path(sys.executable).with_name("ftztwin")


def ftztwin(*args: str, cwd: Path, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """Run the installed command from ``cwd`` (not the repository).

    The bound only stops a hung run: a week's calibration takes about 5 min of a free
    core, and on a machine shared by several suites the same run has taken over 10.
    """
    return subprocess.run(
        [str(FTZTWIN), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A week of the known site, observed by the twin with its device readings."""
    folder = tmp_path_factory.mktemp("observed")
    done = ftztwin("observe", str(TRUTH), "--out", str(folder / "obs.csv"), cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "obs.csv"
