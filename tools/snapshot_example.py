"""Write conf/snapshot_example.json: the reform twin's gates on Tuesday 14:00, Yangshan's H986 down.

The shipped snapshot is the twin's own state (replication 0 of scenarios/reform_2014.yaml
run to Tuesday 14:00), with one change a newcomer's first forecast should show: the
Yangshan H986 scanner reported down half an hour ago (the issue's example). Run with
``.venv/bin/python tools/snapshot_example.py``; the output is byte-identical each time.
"""

from __future__ import annotations

import json
from pathlib import Path

from ftz_spec import load_scenario
from ftz_spec.snapshot import parse_snapshot
from twin.initial_state import snapshot_at

ROOT = Path(__file__).resolve().parent.parent
AT_S = 24 * 3600 + 14 * 3600  # Tuesday 14:00 on the scenario clock


def example_text() -> str:
    """The example snapshot's text, checked to read back."""
    scenario = load_scenario(ROOT / "scenarios" / "reform_2014.yaml")
    doc = snapshot_at(scenario, AT_S, 0, wall_clock="2014-12-02T06:00:00Z")  # 14:00 Shanghai
    doc["devices"]["yangshan_port/h986-1"] = {
        "gate": "yangshan_port",
        "kind": "h986_scanner",
        "state": "faulted",
        "fault": "device_down",
        "down_s": 1800.0,
    }
    parse_snapshot(doc, "conf/snapshot_example.json")  # what is shipped must read back
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    """Build, check and write the example snapshot."""
    (ROOT / "conf" / "snapshot_example.json").write_text(example_text(), encoding="utf-8")


if __name__ == "__main__":
    main()
