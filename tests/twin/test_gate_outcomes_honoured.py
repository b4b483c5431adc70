"""The twin honours its gates: INSPECTION is inspected, REJECT is turned back; downtime counts.

Property over seeded fault runs: devices that fail, misread and weigh badly make the
gate controller send trucks to inspection; whatever the seed, no such truck leaves the
case released without a physical inspection after its gate check, and no rejected truck
is released. Device downtime is counted while it lasts, not only once repaired.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.trace import Lifecycle, Recorder
from hardware_models.sim import FailureProcess
from tests.twin.helpers import variant
from twin.model import Twin

_FAULTY = {
    kind: {"mttf_h": 1.0, "mttr_min": 45.0, "misread_rate": 0.15, "miss_rate": 0.05}
    for kind in ("plate_camera", "e_plate_reader", "ic_card_reader", "container_ocr")
}
_FAULTY["weighbridge"] = {"noise_sd": 3_000.0, "mttf_h": 2.0, "mttr_min": 30.0}
_FAULTY["e_seal_reader"] = {"misread_rate": 0.2, "mttf_h": 2.0}


def _fault_run(seed: int, horizon_h: float = 8.0):
    scenario = variant(
        horizon_h=horizon_h,
        warmup_h=1.0,
        run={"seed": seed},
        uncertainties={"devices": _FAULTY, "traffic_scale": 0.4},
    )
    records = []
    twin = Twin(scenario, 0, Recorder([records.append]))
    twin.run()
    return twin, records


def _violations(records) -> tuple[int, int, list[str]]:
    gate_stops = defaultdict(list)
    inspections = defaultdict(list)
    stops = {}
    for r in records:
        if r.activity == "gate_check" and r.lifecycle is Lifecycle.STOP:
            gate_stops[r.case_id].append((r.time_s, r.attrs["outcome"], r.attrs["reasons"]))
        elif r.activity == "physical_inspection" and r.lifecycle is Lifecycle.START:
            inspections[r.case_id].append(r.time_s)
        elif r.activity == "clearance" and r.lifecycle is Lifecycle.STOP:
            stops[r.case_id] = r
    ordered = rejected = 0
    bad: list[str] = []
    for cid, checks in gate_stops.items():
        if cid not in stops:  # still on its way at the horizon
            continue
        for t, outcome, reasons in checks:
            if outcome == "inspection":
                ordered += 1
                lane_only = all(x.startswith("risk_lane:") for x in reasons.split(";") if x)
                if not lane_only and not any(s >= t for s in inspections[cid]):
                    bad.append(f"{cid}: sent to inspection at {t} ({reasons}), not inspected")
            if outcome == "reject":
                rejected += 1
                if stops[cid].attrs["released"] or stops[cid].attrs["outcome"] != "reject":
                    bad.append(f"{cid}: rejected at {t}, released")
    return ordered, rejected, bad


@settings(max_examples=6, deadline=None, database=None)
@given(st.integers(0, 2**31))
def test_a_truck_the_gate_sends_to_inspection_is_inspected_and_a_rejected_one_never_released(
    seed,
):
    _twin, records = _fault_run(seed)
    ordered, _rejected, bad = _violations(records)
    assert ordered > 0, "the fault run sent nobody to inspection: the property says nothing"
    assert bad == []


def test_device_downtime_counts_a_failure_still_in_progress():
    process = FailureProcess(np.random.default_rng(1), mttf_h=0.1, mttr_min=1e6)
    started = process._down_from
    assert process.downtime_s == 0.0
    assert process.downtime_at(started + 3600.0) == 3600.0  # down, not repaired yet
    never = FailureProcess(np.random.default_rng(1), mttf_h=None, mttr_min=30.0)
    assert never.downtime_at(1e9) == 0.0


def test_a_run_whose_devices_are_all_down_reports_their_downtime():
    down = {k: {"mttf_h": 0.02, "mttr_min": 1e7} for k in _FAULTY}  # down within a minute
    scenario = variant(horizon_h=4.0, warmup_h=1.0, uncertainties={"devices": down})
    twin = Twin(scenario, 0, Recorder([]))
    twin.run()
    devices = [
        d
        for g in twin.world.gates.values()
        for lane in g.sensors.values()
        for d in lane.values()
        if d.kind.value in down
    ]
    kpi = twin.extra_kpis()["device_downtime_h"]
    assert kpi > 0.9 * 4.0 * len(devices)  # every one of them down for (almost) all 4 h
