"""Real protocol peers for the tests: mosquitto, a pymodbus PLC, socat pty pairs.

Started lazily, once per pytest worker process (xdist-safe: free ports, temp dirs),
and stopped at exit. A missing binary skips the test with the reason, except under
``CI=true``, where it fails: CI installs them (tools/apt-packages.txt).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ftz_live.broker import MOSQUITTO, PrivateBroker, free_port
from hardware_models.modbus import BarrierPlc
from hardware_models.mqtt import MqttSettings


def need(binary: str) -> str:
    """Return the path of ``binary``; skip without it, or fail under CI=true."""
    path = binary if os.path.isabs(binary) and os.access(binary, os.X_OK) else shutil.which(binary)
    if path:
        return path
    msg = f"{binary} is not installed (make test installs it: tools/apt-packages.txt)"
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def wait_port(port: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class Broker(PrivateBroker):
    """A running mosquitto with the tests' extras (auth, TLS listener, more ports)."""

    extra: dict[str, int] = field(default_factory=dict)  # more listeners: name -> port

    def settings(self, username: str | None = None, password: str | None = None) -> MqttSettings:
        return MqttSettings("127.0.0.1", self.port, username, password, connect_timeout_s=5.0)


def start_mosquitto(
    extra_conf: str = "", anonymous: bool = True, files: dict[str, str] | None = None
) -> Broker:
    """Start mosquitto on a free loopback port with a temporary config.

    ``extra_conf`` may use ``{dir}`` for the temp folder and ``{port2}`` for a second
    free port (e.g. a TLS listener); ``files`` are written into the folder first.
    """
    exe = need(MOSQUITTO)
    folder = Path(tempfile.mkdtemp(prefix="mosq-"))
    for name, text in (files or {}).items():
        (folder / name).write_text(text)
    port, port2 = free_port(), free_port()
    conf = [
        "per_listener_settings true" if extra_conf else "",
        f"listener {port} 127.0.0.1",
        f"allow_anonymous {'true' if anonymous else 'false'}",
        "persistence false",
        "set_tcp_nodelay true",
        "log_dest stderr",
        "log_type error",
        "max_queued_messages 100000",
    ]
    if os.geteuid() == 0:
        conf.append("user root")  # keep root so the temp files stay readable
    conf.append(extra_conf.format(dir=folder, port2=port2))
    (folder / "mosquitto.conf").write_text("\n".join(conf) + "\n")
    proc = subprocess.Popen(
        [exe, "-c", str(folder / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "mosquitto.log", "wb"),  # noqa: SIM115 - closed with the process
    )
    try:
        wait_port(port)
    except RuntimeError:
        proc.kill()
        raise RuntimeError((folder / "mosquitto.log").read_text()) from None
    return Broker(port, proc, folder, {"port2": port2})


_broker: Broker | None = None
_plc: BarrierPlc | None = None


def broker() -> Broker:
    """The worker's shared anonymous loopback broker."""
    global _broker
    if _broker is None or _broker.proc.poll() is not None:
        _broker = start_mosquitto()
        atexit.register(_broker.stop)
    return _broker


def plc() -> BarrierPlc:
    """The worker's shared barrier PLC (pymodbus server on a thread)."""
    global _plc
    if _plc is None:
        _plc = BarrierPlc().start()
        atexit.register(_plc.stop)
    return _plc


@dataclass
class PtyPair:
    """Two linked pseudo-terminals made by socat."""

    a: str
    b: str
    proc: subprocess.Popen[bytes]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)


def pty_pair() -> PtyPair:
    """Start ``socat -d -d pty,raw,echo=0 pty,raw,echo=0`` and return both ends."""
    exe = need("socat")
    proc = subprocess.Popen(
        [exe, "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    paths: list[str] = []
    deadline = time.monotonic() + 10
    while len(paths) < 2 and time.monotonic() < deadline:
        line = proc.stderr.readline().decode()
        m = re.search(r"PTY is (\S+)", line)
        if m:
            paths.append(m.group(1))
        if "starting data transfer loop" in line or not line:
            break
    if len(paths) < 2:
        proc.kill()
        raise RuntimeError("socat did not report two ptys")
    return PtyPair(paths[0], paths[1], proc)
