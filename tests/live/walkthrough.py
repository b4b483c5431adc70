"""Running the shell blocks of docs/live-walkthrough.md, as a reader would."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.protocols import services

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "live-walkthrough.md"


def shell_blocks(text: str) -> list[str]:
    """The ```sh blocks of a markdown text, in order."""
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)


def free_ports() -> dict[str, str]:
    return {
        name: str(services.free_port())
        for name in ("FTZ_MQTT_PORT", "FTZ_HEALTH_PORT", "FTZ_CAMERA_PORT", "FTZ_PLC_PORT")
    }


def home() -> Path:
    """A folder the mosquitto user can enter (pytest's tmp folders are 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="ftz-walk-", dir="/tmp"))
    folder.chmod(0o755)
    return folder


def run_script(script: str, env: dict[str, str], timeout_s: float = 120.0):
    """Run ``script`` in bash from the repository root; kill what it left behind."""
    proc = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env={**os.environ, **env, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        pid = Path(env["FTZ_HOME"]) / "broker" / "mosquitto.pid"
        if pid.exists():  # mosquitto -d left the process group
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid.read_text()), signal.SIGTERM)
    return proc.returncode, out.decode(), err.decode()
