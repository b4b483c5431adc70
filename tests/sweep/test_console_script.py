"""The Dask sweep works as a user runs it: the installed command, from any folder.

A Dask worker puts its scratch folder (which holds a ``storage/`` folder) on its import
path; a project package of the same name was shadowed there and the sweep failed. Run
from a folder that is not the project's, with no PYTHONPATH and with decoy folders named
like common packages, the Dask sweep must give the serial sweep's bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL
from tests.sweep.conftest import SWEEP

FTZTWIN = Path(sys.executable).with_name("ftztwin")


def _sweep(cwd: Path, backend: str) -> bytes:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(FTZTWIN), "sweep", "tiny_sweep.yaml", "--backend", backend, "--workers", "2",
         "--out", f"out_{backend}"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return (cwd / f"out_{backend}" / "tiny_sweep" / "results.csv").read_bytes()


@pytest.mark.slow
@pytest.mark.xdist_group("dask")
def test_dask_sweep_from_any_folder_through_the_console_script_equals_serial(tmp_path):
    for decoy in ("storage", "live", "scenario", "spec"):
        (tmp_path / decoy).mkdir()
        (tmp_path / decoy / "__init__.py").write_text("raise ImportError('decoy shadowed')\n")
    (tmp_path / "tiny.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "tiny_sweep.yaml").write_text(SWEEP, encoding="utf-8")
    assert _sweep(tmp_path, "dask") == _sweep(tmp_path, "serial")
