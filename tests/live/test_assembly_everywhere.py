"""One gate assembly: every shipped gate is built alike by the twin, HIL and the live service."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from core.gate import GatePolicy
from core.trace import Recorder
from ftz_live.config import LiveSiteError, load_live_site, parse_live_site
from ftz_live.service import GateService
from ftz_live.shadow import ShadowService
from ftz_spec import load_scenario
from ftz_spec.assembly import policy_differences
from ftztwin.cli import main
from ftztwin.hil_run import hil_site
from hardware_models.mqtt import MqttSettings
from twin.model import Twin

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.yaml"))
SITES = sorted((ROOT / "conf" / "sites").glob("*.yaml"))


def _policies_of_service(live, hil=False):
    svc = GateService(live, hil=hil)
    try:
        return {ref: g.controller.policy for ref, g in svc.gates.items()}, {
            ref: {lane: sorted(d.kind.value for d in devs) for lane, devs in g.sensors.items()}
            for ref, g in svc.gates.items()
        }
    finally:
        svc.ledger_sink.close()
        for g in svc.gates.values():
            g.shutdown()


def _assert_same(
    a: dict[str, GatePolicy], b: dict[str, GatePolicy], what: str, reserving: bool = False
):
    """Same policies; a live service (``reserving``) differs only in reserving first."""
    assert set(a) == set(b), what
    for ref in a:
        differ = dict(policy_differences(a[ref], b[ref]))
        assert differ == ({"reserve_before_open": (False, True)} if reserving else {}), what
        b_policy = b[ref].with_(reserve_before_open=False) if reserving else b[ref]
        assert dataclasses.asdict(a[ref]) == dataclasses.asdict(b_policy)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_gate_of_a_shipped_scenario_has_the_same_policy_and_sensors_in_twin_live_and_hil(
    path, tmp_path
):
    scenario = load_scenario(path)
    twin = Twin(scenario, 0, Recorder())
    in_twin = {ref: site.controller.policy for ref, site in twin.world.gates.items()}
    twin_sensors = {
        ref: {lane: sorted(k.value for k in devs) for lane, devs in site.sensors.items()}
        for ref, site in twin.world.gates.items()
    }
    live = parse_live_site(
        {"scenario": str(path), "ledger": "memory:", "passes": str(tmp_path / "p.jsonl")}
    )
    in_live, live_sensors = _policies_of_service(live)
    _assert_same(in_twin, in_live, f"{path.name}: twin vs live service", reserving=True)
    hil = parse_live_site(hil_site(scenario, 5020, MqttSettings(), 0, None))
    in_hil, _ = _policies_of_service(hil, hil=True)
    _assert_same(in_twin, in_hil, f"{path.name}: twin vs HIL service")
    if scenario.levers.intelligent_gates:  # at a manual gate the twin's officer is a person
        assert twin_sensors == live_sensors
    assert len(in_twin) == len(scenario.site.gates) == 8


@pytest.mark.parametrize("path", SITES, ids=lambda p: p.name)
def test_every_gate_of_a_shipped_site_has_the_same_policy_in_the_service_and_in_shadow_mode(
    path, tmp_path
):
    live = load_live_site(path)
    quiet = {"ledger": "memory:", "trace": None, "passes": str(tmp_path / "passes.jsonl")}
    in_live, _ = _policies_of_service(live.model_copy(update=quiet))
    shadow = ShadowService(live, MqttSettings(), tmp_path / "shadow.csv")
    try:
        in_shadow = {ref: ctl.policy for ref, ctl in shadow.controllers.items()}
    finally:
        shadow.shutdown()
    _assert_same(in_live, in_shadow, f"{path.name}: service vs shadow")


def test_the_full_second_line_policy_reads_every_device_of_the_example_site():
    live = load_live_site(ROOT / "conf/sites/example_site.yaml")
    [assembly] = live.assemblies().values()
    assert sorted(k.value for k in assembly.policy.required) == [
        "container_ocr",
        "e_plate_reader",
        "e_seal_reader",
        "gps_track",
        "ic_card_reader",
        "plate_camera",
        "weighbridge",
    ]


def test_validate_refuses_a_real_driver_in_a_scenario_naming_the_field(tmp_path, capsys):
    bad = tmp_path / "real.yaml"
    bad.write_text(
        "extends: " + str(ROOT / "scenarios/reform_2014.yaml") + "\nname: real\n"
        "site:\n  gates:\n    - {id: gate_2L_01, zone: yangshan_port, devices: "
        "[{id: plate_camera, kind: plate_camera, driver: mqtt.plate_camera}]}\n"
    )
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "site.gates[5].devices[0].driver" in err and "mqtt.plate_camera" in err
    assert "use sim.plate_camera" in err and "Traceback" not in err


def test_a_gate_with_two_devices_of_one_kind_is_refused_naming_the_second(tmp_path):
    data = load_live_site(ROOT / "conf/sites/example_site.yaml").model_dump(mode="json")
    devices = data["site"]["gates"][0]["devices"]
    devices.append({"id": "camera_b", "kind": "plate_camera", "driver": "mqtt.plate_camera"})
    with pytest.raises(LiveSiteError, match=r"site\.gates\[0\]\.devices\[9\]\.kind: a second"):
        parse_live_site(data)


def test_a_live_manual_gate_without_an_officer_terminal_is_refused():
    data = load_live_site(ROOT / "conf/sites/loopback_site.yaml").model_dump(mode="json")
    data["intelligent_gates"] = False
    with pytest.raises(LiveSiteError, match="officer terminal"):
        parse_live_site(data)
