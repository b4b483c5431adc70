"""One truck through one gate, end to end; the trace reads like the procedure."""

from __future__ import annotations

from decimal import Decimal

from core.gate import GatePass
from core.ledger import (
    BondedList,
    Direction,
    GatePassFiling,
    ListLine,
    PassItem,
    PostedBy,
    PosterKind,
    WriteOffMode,
)
from core.trace import Lifecycle, Recorder
from ftz_spec import parse_scenario
from twin.experiment import run_replication
from twin.gate_process import truck_through_gate
from twin.model import Twin
from twin.twin_fixtures import scenario_data


def _twin(intelligent: bool, **kw):
    records = []
    scenario = parse_scenario(scenario_data(intelligent=intelligent, **kw))
    twin = Twin(scenario, 0, Recorder([records.append]))
    return twin, records


def _truck(twin: Twin, plate_on_pass: str, real_plate: str):
    """A truck on gate pass HF1, issued and approved in the twin's ledger beforehand.

    The twin's gates reserve the pass in the ledger before the barrier opens (an unknown
    pass keeps it down), so the pass is filed as the customs system would send it.
    """
    from twin.gate_process import Truck

    link = twin.world.ledger
    acc = link._book(next(iter(link._agents.values())), "z1")
    by = PostedBy(PosterKind.ENTERPRISE, "e1")
    lst = BondedList(
        "L1",
        acc,
        Direction.EXPORT,
        WriteOffMode.D,
        (ListLine(1, Decimal(2), "kg"),),
        by,
        with_declaration=False,
    )
    filing = GatePassFiling("HF1", plate_on_pass, (PassItem("L1", 1, Decimal(2)),))
    link.ledger.declare_shipment(lst, filing, 0.0)
    return Truck("t1", real_plate, GatePass("HF1", plate_on_pass), 10.0, 100.0, 300.0)


def test_matching_truck_passes_an_intelligent_gate_in_its_service_time():
    twin, records = _twin(True)
    twin.env.process(
        truck_through_gate(twin.env, twin.sites[0], _truck(twin, "沪A12345", "沪A12345"), twin.rec)
    )
    twin.env.run(until=3600)
    trace = [(r.activity, r.lifecycle.value, r.time_s) for r in records]
    assert trace == [
        ("clearance", "START", 0.0),
        ("gate_queue", "WAIT_START", 0.0),
        ("gate_queue", "WAIT_STOP", 0.0),
        ("gate_check", "START", 0.0),
        ("gate_check", "STOP", 10.0),
        ("clearance", "STOP", 10.0),
    ]
    assert records[-1].attrs["outcome"] == "pass"
    assert twin.sites[0].barriers["z1/g1/lane1"].opened == 1


def test_truck_with_another_plate_is_diverted_to_a_manual_post_and_never_opens_the_barrier():
    twin, records = _twin(True)
    twin.env.process(
        truck_through_gate(twin.env, twin.sites[0], _truck(twin, "沪A12345", "沪A99999"), twin.rec)
    )
    twin.env.run(until=3600)
    assert [(r.activity, r.lifecycle.value) for r in records][-5:] == [
        ("manual_post", "WAIT_START"),
        ("manual_post", "WAIT_STOP"),
        ("manual_post", "START"),
        ("manual_post", "STOP"),
        ("clearance", "STOP"),
    ]
    check = next(r for r in records if r.activity == "gate_check" and r.lifecycle is Lifecycle.STOP)
    assert (check.attrs["outcome"], check.attrs["reasons"]) == ("manual_post", "plate_mismatch")
    assert twin.sites[0].barriers["z1/g1/lane1"].opened == 0
    assert records[-1].time_s == 10.0 + 300.0


def test_manual_gate_uses_an_officer_for_the_check():
    twin, records = _twin(False)
    twin.env.process(
        truck_through_gate(twin.env, twin.sites[0], _truck(twin, "沪A12345", "沪A12345"), twin.rec)
    )
    twin.env.run(until=3600)
    assert ("manual_check", "staff/officers") in {(r.activity, r.resource) for r in records}
    assert records[-1].time_s == 100.0


def test_failed_camera_fails_closed():
    twin, records = _twin(True, miss_rate=1.0)
    twin.env.process(
        truck_through_gate(twin.env, twin.sites[0], _truck(twin, "沪A12345", "沪A12345"), twin.rec)
    )
    twin.env.run(until=3600)
    check = next(r for r in records if r.activity == "gate_check" and r.lifecycle is Lifecycle.STOP)
    assert check.attrs["outcome"] == "manual_post"
    assert check.attrs["reasons"] == "device_fault:no_read"


def test_zero_violation_rate_and_perfect_cameras_give_no_seizures_and_no_diversions():
    data = scenario_data(intelligent=True, mismatch=0.0, all_auto=False)
    data["uncertainties"]["enterprises"]["violation_scale"] = 0.0
    k = run_replication(parse_scenario(data), 0).kpis
    assert k["trucks_cleared"] > 50 and k["inspection_rate"] > 0
    assert k["violations"] == 0 and k["violations_caught"] == 0 and k["hit_rate"] == 0.0
    assert k["diverted_share"] == 0.0


def test_intelligent_gates_shorten_clearance_against_manual_gates():
    manual = run_replication(parse_scenario(scenario_data(intelligent=False)), 0).kpis
    smart = run_replication(parse_scenario(scenario_data(intelligent=True)), 0).kpis
    assert smart["clearance_time_min_mean"] < manual["clearance_time_min_mean"]
    assert smart["utilisation[role=gate]"] < manual["utilisation[role=gate]"]
