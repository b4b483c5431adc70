"""One passage over TLS: certificates from tools/make-certs.sh, the broker's TLS listener."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from tests.live.stack import EXAMPLE, PASS, ROOT, Stack, truck
from tests.protocols import services

pytestmark = pytest.mark.service


def test_a_passage_over_tls_opens_the_barrier_and_a_client_without_the_ca_is_refused():
    services.need("openssl")
    certs = Path(tempfile.mkdtemp(prefix="ftz-certs-", dir="/tmp"))
    try:
        subprocess.run([ROOT / "tools" / "make-certs.sh", certs], check=True, capture_output=True)
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["mqtt"]["ca_file"] = str(certs / "ca.crt")
        site = certs / "site.yaml"
        site.write_text(yaml.safe_dump(data, allow_unicode=True))
        tls = ("--cafile", str(certs / "ca.crt"))
        with Stack(site, broker_args=("--certs", str(certs)), client_args=tls) as s:
            conf = (s.broker_dir / "mosquitto.conf").read_text()
            assert f"listener {s.env['FTZ_MQTT_PORT']}\n" in conf and "cafile" in conf
            assert "127.0.0.1" not in conf.split("listener", 1)[1].split("\n", 1)[0]
            assert s.health()["mqtt_connected"]  # the service verified the broker's certificate
            s.register(PASS)
            s.play("TLS1", truck(), pass_id="HF0001")
            assert s.decision("TLS1")["outcome"] == "pass" and s.opens() == 1
            plain = subprocess.run(
                [
                    "mosquitto_pub",
                    "-p",
                    s.env["FTZ_MQTT_PORT"],
                    "-u",
                    "monitor",
                    "-P",
                    "x",
                    "-t",
                    "t",
                    "-m",
                    "m",
                ],
                capture_output=True,
                timeout=20,
            )
            assert plain.returncode != 0  # no TLS, no connection
    finally:
        subprocess.run(["rm", "-rf", str(certs)], check=False)
