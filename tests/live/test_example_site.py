"""The shipped example site works as shipped: no var/, run as root, mosquitto's password file."""

from __future__ import annotations

import json
import os
import pwd
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from hardware_models.mqtt import MqttSettings, bus_for
from tests.live.stack import BIN, EXAMPLE, ROOT, wait_for
from tests.protocols import services

pytestmark = pytest.mark.service


def _broker_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ftz-shipped-", dir="/tmp"))
    folder.chmod(0o755)
    return folder


def _make_files(site: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BIN / "python", ROOT / "conf/mosquitto/make_broker_files.py", site, out],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )


def _health(port: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
        return json.loads(r.read())


def test_the_example_site_serves_as_shipped_from_a_folder_without_var_and_stops_cleanly():
    services.need("mosquitto_passwd")
    folder = _broker_folder()
    env = {
        k: str(services.free_port())
        for k in ("FTZ_MQTT_PORT", "FTZ_HEALTH_PORT", "FTZ_CAMERA_PORT")
    }
    try:
        made = _make_files(EXAMPLE, folder / "broker", env)
        assert made.returncode == 0, made.stderr
        mosquitto = subprocess.Popen(
            [services.need(services.MOSQUITTO), "-c", str(folder / "broker" / "mosquitto.conf")]
        )
        services.wait_port(int(env["FTZ_MQTT_PORT"]))
        secrets = dict(
            line.split("=", 1) for line in (folder / "broker/secrets.env").read_text().splitlines()
        )
        cwd = folder / "fresh"  # no var/ here: the service makes what it needs
        cwd.mkdir()
        proc = subprocess.Popen(
            [BIN / "ftztwin", "serve-gate", "--site", str(EXAMPLE)],
            cwd=cwd,
            env={**os.environ, **env, **secrets},
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            h = wait_for(lambda: _try(lambda: _health(env["FTZ_HEALTH_PORT"])), 30, "health")

            def started():
                x = _health(env["FTZ_HEALTH_PORT"])
                return x if x["mqtt_connected"] and "starting" not in x["not_ready"] else None

            h = wait_for(started, 15, "started and connected")
            assert h["ledger"]["reachable"] and len(h["devices"]) == 18
            missing = [d for d, v in h["devices"].items() if v["state"] != "active"]
            if not Path("/dev/ttyUSB0").exists():  # the shipped serial ports are not on this host
                assert sorted(missing) == [
                    "yangshan_port/gate_2L_01/weighbridge-1",
                    "yangshan_port/gate_2L_01/weighbridge-2",
                ]
                assert h["ready"] is False and h["not_ready"] == [
                    f"devices not active: {', '.join(sorted(missing))}"
                ]
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            mosquitto.terminate()
            mosquitto.wait(10)
        assert proc.returncode == 0 and "Traceback" not in err
        logs = [json.loads(x) for x in err.splitlines() if x.startswith("{")]
        assert logs[-1]["msg"] == "gate service stopped"
        assert (cwd / "var" / "ledger.sqlite").exists() and (cwd / "var" / "trace.csv").exists()
    finally:
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def _try(fn):
    try:
        return fn()
    except OSError:
        return None


@pytest.mark.skipif(os.geteuid() != 0, reason="the case of a root user")
def test_as_root_the_broker_files_belong_to_the_mosquitto_user_who_reads_the_0600_password_file():
    services.need("mosquitto_passwd")
    folder = _broker_folder()
    env = {"FTZ_MQTT_PORT": str(services.free_port())}
    try:
        made = _make_files(EXAMPLE, folder / "broker", env)
        assert made.returncode == 0, made.stderr
        broker = folder / "broker"
        uid = pwd.getpwnam("mosquitto").pw_uid
        for name in ("passwd", "acl", "mosquitto.conf"):
            st = (broker / name).stat()
            assert (st.st_uid, st.st_mode & 0o777) == (uid, 0o600), name
        assert "user mosquitto" in (broker / "mosquitto.conf").read_text()
        mosquitto = subprocess.Popen(
            [services.need(services.MOSQUITTO), "-c", str(broker / "mosquitto.conf")]
        )
        try:
            services.wait_port(int(env["FTZ_MQTT_PORT"]))
            secrets = dict(
                line.split("=", 1) for line in (broker / "secrets.env").read_text().splitlines()
            )
            port = int(env["FTZ_MQTT_PORT"])
            good = MqttSettings(
                "127.0.0.1",
                port,
                "gate-service",
                secrets["FTZ_MQTT_PASSWORD_GATE_SERVICE"],
                connect_timeout_s=5,
            )
            bad = MqttSettings("127.0.0.1", port, "gate-service", "wrong", connect_timeout_s=2)
            assert bus_for(good).acquire()  # mosquitto, now user 'mosquitto', read the file
            bus_for(good).release()
            assert not bus_for(bad).acquire()
        finally:
            mosquitto.terminate()
            mosquitto.wait(10)
    finally:
        subprocess.run(["rm", "-rf", str(folder)], check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="the case of a root user")
def test_as_root_a_broker_folder_mosquitto_cannot_enter_is_refused_with_the_reason(tmp_path):
    services.need("mosquitto_passwd")
    made = _make_files(EXAMPLE, tmp_path / "broker", {})  # pytest's folders are mode 0700
    assert made.returncode == 2 and "Traceback" not in made.stderr
    assert "mosquitto runs as 'mosquitto' and cannot enter" in made.stderr
