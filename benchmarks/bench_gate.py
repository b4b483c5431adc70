"""Gate controller throughput and decision latency, all readings present.

One passage = TruckArrived + one reading of each second-line device (plate OCR, e-plate,
IC card, container OCR, weighbridge, e-seal, GPS track of a Donghai Bridge transfer with
36 fixes) → the decision with its commands (record, open barrier, display, advance pass,
post to the ledger). The reference is a bare loop doing one dict update per event on the
same events, measured in the same run.
"""

from __future__ import annotations

import time
from decimal import Decimal

from benchmarks.harness import Result, best_rate, percentile
from core.gate import (
    DeviceKind,
    EPlateRead,
    GateController,
    GatePass,
    GatePassItem,
    GatePolicy,
    GeoPoint,
    OpenBarrier,
    Reading,
    ReadingReceived,
    SealRead,
    TransferRoute,
    TruckArrived,
)
from hardware_models.sim import track_along

K = DeviceKind
GATE = "yangshan_port/gate_2L_01"
LANE = f"{GATE}/lane1"
N = 20_000
ROUTE = (GeoPoint(0.0, 0.0), GeoPoint(20_000.0, 0.0), GeoPoint(32_000.0, 5_000.0))
TRACK = track_along(ROUTE, -2_100.0, 16.0, 60.0)


def _passages(n: int, t0: float) -> list[list[object]]:
    out = []
    for i in range(n):
        plate, now = f"沪A{i % 100000:05d}", t0 + i * 10.0
        gp = GatePass(
            f"HF{t0:.0f}-{i}",
            plate,
            e_plate_id=f"EP{i}",
            ic_card_id=f"IC{i}",
            items=(GatePassItem("QD1", 1, Decimal(10)),),
            container_numbers=("CSQU3054383",),
            seal_ids=(f"ES{i}",),
            vehicle_tare_kg=9_000.0,
            container_tare_kg=2_200.0,
            gross_weight_kg=20_000.0,
            transfer=TransferRoute(ROUTE, 300.0),
        )
        seq = int(t0) + i + 1
        values = [
            (K.PLATE_CAMERA, plate),
            (K.E_PLATE_READER, EPlateRead(f"EP{i}", plate)),
            (K.IC_CARD_READER, f"IC{i}"),
            (K.CONTAINER_OCR, "CSQU3054383"),
            (K.WEIGHBRIDGE, 31_230.0),
            (K.E_SEAL_READER, SealRead(f"ES{i}", True)),
            (K.GPS_TRACK, TRACK),
        ]
        events: list[object] = [TruckArrived(LANE, f"c{t0:.0f}-{i}", gp)]
        events += [
            ReadingReceived(LANE, Reading(f"{GATE}/{k.value}", k, v, 0.97, seq, now))
            for k, v in values
        ]
        out.append([now, *events])
    return out


def _run_controller(passages: list[list[object]], latencies: list[float] | None) -> int:
    ctl = GateController(GATE, GatePolicy.second_line())
    opened = 0
    clock = time.perf_counter
    for now, *events in passages:
        t = clock()
        for ev in events:
            for c in ctl.handle(ev, now):  # type: ignore[arg-type]
                opened += isinstance(c, OpenBarrier)
        if latencies is not None:
            latencies.append(clock() - t)
    assert opened == len(passages), "every benchmark passage must pass"
    return len(passages)


def _run_reference(passages: list[list[object]]) -> int:
    state: dict[str, object] = {}
    for _now, *events in passages:
        for ev in events:
            state[ev.lane] = ev  # type: ignore[attr-defined]
    return len(passages)


def run() -> list[Result]:
    batches = [_passages(N, 1e6 * (k + 1)) for k in range(5)]
    it = iter(batches)
    rate = best_rate(lambda: _run_controller(next(it), None), repeats=5)
    ref = best_rate(lambda: _run_reference(batches[0]), repeats=5)
    latencies: list[float] = []
    _run_controller(_passages(N, 9e6), latencies)
    p50, p99 = (percentile(latencies, q) * 1e3 for q in (50, 99))
    note = "all 7 second-line readings present, GPS track of 36 fixes"
    return [
        Result(
            "gate.decisions_per_s",
            rate,
            "1/s",
            target=10_000,
            note=note,
            extra={"ratio_to_dict_update_loop": rate / ref, "reference_per_s": ref},
        ),
        Result("gate.decision_latency_p50_ms", p50, "ms", note=note),
        Result(
            "gate.decision_latency_p99_ms", p99, "ms", target=1.0, higher_is_better=False, note=note
        ),
    ]
