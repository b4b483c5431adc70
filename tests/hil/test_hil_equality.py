"""Hardware in the loop: the live service in another process decides exactly as the twin does."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from core.trace import Lifecycle
from ftz_live.hil import service_device_id
from ftz_spec import parse_scenario
from ftztwin.hil_run import hil_site, run_hil
from twin.experiment import run_replication
from twin.twin_fixtures import scenario_data

pytestmark = pytest.mark.service


def _decisions(records):
    return [
        (r.case_id, r.attrs["outcome"], r.attrs["reasons"])
        for r in records
        if r.activity == "gate_check" and r.lifecycle is Lifecycle.STOP
    ]


def _scenario(intelligent: bool = True):
    data = scenario_data(
        intelligent=intelligent,
        trucks_per_h=60,
        horizon_h=1.3,
        mismatch=0.2,
        misread_rate=0.1,
        miss_rate=0.05,
    )
    return parse_scenario(data)


def _hil(scenario, broker, tmp_path):
    records = []
    import twin.experiment as experiment

    real = experiment.run_replication

    def with_sink(*args, **kwargs):
        kwargs["extra_sinks"] = [*(kwargs.get("extra_sinks") or []), records.append]
        return real(*args, **kwargs)

    experiment.run_replication = with_sink
    try:
        run = run_hil(scenario, 0, broker=broker.settings(), service_trace=tmp_path / "service.csv")
    finally:
        experiment.run_replication = real
    return run, records


@pytest.mark.slow
def test_hil_decisions_equal_in_process_decisions_for_the_same_scenario_and_seed(broker, tmp_path):
    scenario = _scenario()
    in_process = []
    run_replication(scenario, 0, extra_sinks=[in_process.append])
    run, hil_records = _hil(scenario, broker, tmp_path)

    expected = _decisions(in_process)
    assert len(expected) > 40 and len(set(o for _, o, _ in expected)) >= 2  # not a trivial run
    assert _decisions(hil_records) == expected
    assert run.service_exit_code == 0
    with open(tmp_path / "service.csv", encoding="utf-8") as fh:
        service = {
            (r["case_id"], json.loads(r["attrs"])["outcome"], json.loads(r["attrs"])["reasons"])
            for r in csv.DictReader(fh)
            if r["activity"] == "gate_check" and r["lifecycle"] == "STOP"
        }
    assert set(expected) <= service  # the service recorded the same decisions itself
    passes = Counter(outcome for _, outcome, _ in service)["pass"]
    assert run.barrier_opens == passes  # every barrier command crossed Modbus to the twin's PLC


@pytest.mark.slow
def test_hil_equality_holds_at_a_manual_gate_where_an_officer_reads_the_plate(broker, tmp_path):
    scenario = _scenario(intelligent=False)
    in_process = []
    run_replication(scenario, 0, extra_sinks=[in_process.append])
    _, hil_records = _hil(scenario, broker, tmp_path)
    assert _decisions(hil_records) == _decisions(in_process) and len(_decisions(in_process)) > 20


def test_hil_service_site_puts_sensors_on_mqtt_and_barriers_on_the_twins_plc():
    site = hil_site(_scenario(), 5020, _settings(), 8099, None)
    drivers = {d["id"]: d["driver"] for d in site["site"]["gates"][0]["devices"]}
    assert drivers == {
        "plate_camera": "mqtt.plate_camera",
        "barrier": "modbus.barrier",
        "officer": "mqtt.plate_camera",
    }
    lanes = site["params"]["z1/g1/barrier"]["per_lane"]
    assert lanes == {1: {"register": 0}, 2: {"register": 2}}


def test_gate_level_twin_devices_map_to_the_lane_terminal_of_the_service():
    assert service_device_id("z1/g1", "z1/g1/lane2", "z1/g1/officer") == "z1/g1/officer-2"
    assert (
        service_device_id("z1/g1", "z1/g1/lane2", "z1/g1/plate_camera-2") == "z1/g1/plate_camera-2"
    )


def _settings():
    from hardware_models.mqtt import MqttSettings

    return MqttSettings()
