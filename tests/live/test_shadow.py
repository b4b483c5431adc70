"""Shadow mode (影子运行): a live decision altered on purpose is flagged, and only that one."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import threading
from dataclasses import replace

import pytest
import yaml

from core.gate import Outcome, RecordDecision
from ftz_live.config import load_live_site
from ftz_live.service import GateService
from tests.live.stack import BIN, EXAMPLE, GATE, PASS, Stack, truck, wait_for
from tests.protocols import services

pytestmark = pytest.mark.service


class AlteringController:
    """The live gate's controller, with the decision of one case altered on the way out."""

    def __init__(self, inner, case_id):
        self.inner, self.case_id, self.policy = inner, case_id, inner.policy

    @property
    def pending_lanes(self):
        return self.inner.pending_lanes

    @property
    def pending(self):
        return self.inner.pending

    def handle(self, event, now):
        out = []
        for cmd in self.inner.handle(event, now):
            if isinstance(cmd, RecordDecision) and cmd.decision.case_id == self.case_id:
                forged = replace(cmd.decision, outcome=Outcome.PASS, reasons=("all_checks_passed",))
                cmd = RecordDecision(forged)
            out.append(cmd)
        return out


def test_shadow_mode_flags_the_one_live_decision_altered_on_purpose_and_no_other(
    monkeypatch, tmp_path
):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["site"]["gates"][0]["tolerances"]["max_passage_s"] = 2.0  # a timeout to agree on
    site = tmp_path / "site.yaml"
    site.write_text(yaml.safe_dump(data, allow_unicode=True))
    with Stack(site, run_service=False) as s:
        for name, value in {**s.env, **s.secrets}.items():
            monkeypatch.setenv(name, value)
        svc = GateService(load_live_site(site))
        gate = svc.gates[GATE]
        gate.controller = AlteringController(gate.controller, "S2")
        loop = threading.Thread(target=svc.run, daemon=True)
        shadow_port = str(services.free_port())
        out = s.home / "shadow.csv"
        svc.start()
        loop.start()
        shadow = subprocess.Popen(
            [
                BIN / "ftztwin",
                "shadow",
                "--site",
                str(site),
                "--out",
                str(out),
                "--health-port",
                shadow_port,
                "--grace-s",
                "2",
            ],
            env={**os.environ, **s.env, **s.secrets},
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for(lambda: _try(lambda: s.health(shadow_port)["ready"]), 30, "shadow ready")
            wait_for(lambda: svc.snapshot()["ready"], 30, "service ready")
            s.watch_decisions()
            s.play("S1", truck())
            s.play("S2", truck(plate_camera="沪B77777"))  # manual post, altered to a pass
            s.play("S3", truck())
            s.play("S4", truck(weighbridge=41000.0))
            s.register({**PASS, "pass_id": "HF-S5"})
            s.arrive("S5", "HF-S5")  # no device answers: both sides time out on a tick
            assert [s.decision(c)["outcome"] for c in ("S1", "S2", "S3", "S4", "S5")] == [
                "pass",
                "pass",
                "pass",
                "inspection",
                "manual_post",
            ]
            h = wait_for(lambda: (x := s.health(shadow_port))["compared"] == 5 and x, 10)
            assert h["disagreements"] == 1 and h["journal_gaps"] == 0
        finally:
            shadow.send_signal(signal.SIGTERM)
            _, err = shadow.communicate(timeout=30)
            svc.stop()
            loop.join(10)
            svc.shutdown()
        assert shadow.returncode == 0
        with out.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert [(r["case_id"], r["live_outcome"], r["shadow_outcome"]) for r in rows] == [
            ("S2", "pass", "manual_post")
        ]
        assert rows[0]["gate"] == GATE and rows[0]["live_reasons"] == "all_checks_passed"
        assert rows[0]["shadow_reasons"] == "plate_mismatch;eplate_plate_mismatch"
        lines = [json.loads(x) for x in err.splitlines() if x.startswith("{")]
        [flag] = [x for x in lines if x["msg"] == "shadow disagrees"]
        assert (flag["case"], flag["live_reasons"], flag["shadow_reasons"]) == (
            "S2",
            ["all_checks_passed"],
            ["plate_mismatch", "eplate_plate_mismatch"],
        )


def _try(fn):
    try:
        return fn()
    except OSError:
        return None
