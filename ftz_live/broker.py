"""A private mosquitto on a free loopback port, for HIL runs and benchmarks."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MOSQUITTO", "PrivateBroker", "free_port"]

MOSQUITTO = "/usr/sbin/mosquitto"


def free_port() -> int:
    """Return a TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PrivateBroker:
    """A mosquitto process listening on ``127.0.0.1:port`` (anonymous, no persistence)."""

    port: int
    proc: subprocess.Popen[bytes]
    folder: Path

    @classmethod
    def start(cls, exe: str = MOSQUITTO, timeout_s: float = 10.0) -> PrivateBroker:
        """Start it; raises FileNotFoundError without mosquitto, RuntimeError if it fails."""
        if not (os.access(exe, os.X_OK) or shutil.which(exe)):
            raise FileNotFoundError(f"{exe} not found (apt-get install mosquitto)")
        folder = Path(tempfile.mkdtemp(prefix="ftz-mosquitto-"))
        port = free_port()
        lines = [
            f"listener {port} 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "set_tcp_nodelay true",
            "log_dest none",
            "max_queued_messages 1000000",
            "max_inflight_messages 0",
        ]
        if os.geteuid() == 0:
            lines.append("user root")  # as root mosquitto would drop to a user without access
        (folder / "mosquitto.conf").write_text("\n".join(lines) + "\n")
        proc = subprocess.Popen(
            [exe, "-c", str(folder / "mosquitto.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                return cls(port, proc, folder)
            if proc.poll() is not None:
                break
            time.sleep(0.02)
        proc.kill()
        raise RuntimeError(f"mosquitto did not start on 127.0.0.1:{port}")

    def stop(self) -> None:
        """Stop it and remove its folder."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.folder, ignore_errors=True)
