"""Live service benchmarks over loopback MQTT and Modbus, with a private mosquitto.

1. Reading-to-barrier-command latency with the full second-line policy (二线管住: plate,
   e-plate, IC card, container, weighbridge, e-seal, GPS track): 100 gates, trucks
   arriving as a Poisson stream of 100 a second (one a second per gate), 10,000 trucks,
   so the p99 rests on 100 samples beyond it; the time from the last reading (the plate
   camera's) leaving the publisher to the PLC receiving OPEN, and the service's CPU time
   per passage. The same stream with plate-only gates (2,000 trucks) is the reference (a
   ratio travels better than a number).
   Both runs have the durable SQLite ledger in the path: each barrier command waits for
   its pass's reservation to be committed (intent before act).
2. Sustained passages per second with the durable SQLite ledger (WAL, synchronous=FULL,
   group commits): trucks offered as fast as the publisher can, over 100 gates × 4
   lanes (plate-only gates); a passage counts once reserved, commanded and posted, each
   step durable (two group-committed writes per passage).
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks.harness import Result, percentile
from core.ledger import (
    Ledger,
)

GATES = 100
# The second-line lane of the plan; the weighbridge on MQTT (a terminal that publishes
# final weights), as 100 serial lines would need 100 ptys on the benchmark machine.
FULL = {
    "e_plate_reader": ("mqtt.eplate_reader", {"tag_id": "EP{i}", "plate": "沪A{i:05d}"}),
    "ic_card_reader": ("mqtt.ic_card_reader", "IC{i}"),
    "container_ocr": ("mqtt.container_ocr", "CSQU3054383"),
    "weighbridge": ("mqtt.weighbridge", 29_310.0),
    "e_seal_reader": ("mqtt.eseal_reader", {"seal_id": "ES{i}", "intact": True}),
    "gps_track": ("mqtt.gps_track", {"points": [[t * 60, t * 960, 0] for t in range(32)]}),
}


def _value(template, i: int):
    if isinstance(template, str):
        return template.format(i=i)
    if isinstance(template, dict) and "points" not in template:
        return {k: _value(v, i) for k, v in template.items()}
    return template


def _pass(i: int, full: bool) -> dict:
    gp = {"pass_id": f"P{i}", "plate": f"沪A{i:05d}", "items": [["L1", 1, "1"]]}
    if full:
        gp.update(
            e_plate_id=f"EP{i}",
            ic_card_id=f"IC{i}",
            container_numbers=["CSQU3054383"],
            seal_ids=[f"ES{i}"],
            vehicle_tare_kg=15_000.0,
            container_tare_kg=3_800.0,
            gross_weight_kg=10_500.0,
            transfer={"waypoints": [[0, 0], [29760, 0]], "corridor_m": 500.0, "allowed_stops": []},
        )
    return gp


def _site(broker_port: int, plc_port: int, lanes: int, ledger: str, full: bool = False) -> dict:
    gates, params = [], {}
    extra = [{"id": n, "kind": _KIND[n], "driver": d} for n, (d, _) in FULL.items()] if full else []
    for g in range(GATES):
        gates.append({"id": f"g{g:03d}", "zone": "z1", "line": "second", "lanes": lanes, "devices": [
            {"id": "plate_camera", "kind": "plate_camera", "driver": "mqtt.plate_camera"},
            *extra,
            {"id": "barrier", "kind": "barrier", "driver": "modbus.barrier"},
        ]})  # fmt: skip
        per_lane = {n: {"register": 2 * (g * lanes + n - 1)} for n in range(1, lanes + 1)}
        params[f"z1/g{g:03d}/barrier"] = {
            "host": "127.0.0.1",
            "port": plc_port,
            "per_lane": per_lane,
        }
    return {
        "name": "bench_live",
        "site": {"zones": [{"id": "z1", "name": "Zone"}], "gates": gates},
        "mqtt": {"host": "127.0.0.1", "port": broker_port},
        "ledger": ledger,
        "health": {"port": 0},
        "params": params,
    }


def _file_passes(ledger: Ledger, n: int) -> None:
    """``n`` approved gate passes, one per truck, in the central pass state (lab book)."""
    from core.gate import GatePass
    from ftz_live.lab_ledger import register_lab_passes

    passes = [GatePass(f"P{i}", f"沪A{i:05d}") for i in range(n)]
    for i in range(0, n, 2000):
        register_lab_passes(ledger, passes[i : i + 2000], "z1", 0.0)


_KIND = {
    "e_plate_reader": "e_plate_reader",
    "ic_card_reader": "ic_card_reader",
    "container_ocr": "container_ocr",
    "weighbridge": "weighbridge",
    "e_seal_reader": "e_seal_reader",
    "gps_track": "gps_track",
}


class _Rig:
    """A private broker, a PLC, a gate service on a thread, and one peer per device."""

    def __init__(self, lanes: int, ledger: str, passes: int, full: bool = False) -> None:
        from ftz_live.broker import PrivateBroker
        from ftz_live.config import parse_live_site
        from ftz_live.service import GateService
        from hardware_models.modbus import BarrierPlc

        self.broker = PrivateBroker.start()
        self.plc = BarrierPlc(registers=2 * GATES * lanes + 2).start()
        self.lanes, self.full = lanes, full
        self.svc = GateService(
            parse_live_site(_site(self.broker.port, self.plc.port, lanes, ledger, full))
        )
        with self.svc.ledger_sink.reader() as ledger:  # not the writer's own connection
            _file_passes(ledger, passes)
        self.svc.start()
        self.loop = threading.Thread(target=self.svc.run, daemon=True)
        self.loop.start()
        from hardware_models.mqtt import MqttDevicePeer, MqttSettings, arrival_topic

        s = MqttSettings("127.0.0.1", self.broker.port)
        self.lane_pcs = [
            MqttDevicePeer(f"z1/g{g:03d}/lane_pc", s, topic=arrival_topic("ftz", f"z1/g{g:03d}"))
            for g in range(GATES)
        ]
        names = ["plate_camera", *(FULL if full else ())]
        self.devices = {
            (g, n, name): MqttDevicePeer(f"z1/g{g:03d}/{name}-{n}", s)
            for g in range(GATES)
            for n in range(1, lanes + 1)
            for name in names
        }
        for p in [*self.lane_pcs, *self.devices.values()]:
            p.open()

    def truck(self, i: int, g: int, n: int) -> float:
        """Publish truck ``i``'s arrival and readings; return the last reading's send time."""
        epoch = time.time()
        value = {
            "lane": f"z1/g{g:03d}/lane{n}",
            "case_id": f"c{i}",
            "gate_pass": _pass(i, self.full),
        }
        self.lane_pcs[g].publish("ok", epoch, value)
        if self.full:
            for name, (_, template) in FULL.items():
                reading = _value(template, i)
                if name == "gps_track":
                    from core.gate import Track, TrackPoint

                    reading = Track(tuple(TrackPoint(*p) for p in template["points"]))
                elif name == "e_plate_reader":
                    from core.gate import EPlateRead

                    reading = EPlateRead(reading["tag_id"], reading["plate"])
                elif name == "e_seal_reader":
                    from core.gate import SealRead

                    reading = SealRead(reading["seal_id"], True)
                self.devices[(g, n, name)].publish("ok", time.time(), reading, 0.97)
        sent = time.perf_counter()
        self.devices[(g, n, "plate_camera")].publish("ok", time.time(), f"沪A{i:05d}", 0.97)
        return sent

    def close(self) -> None:
        for p in [*self.lane_pcs, *self.devices.values()]:
            p.close()
        self.svc.stop()
        self.loop.join(10)
        self.svc.shutdown()
        self.plc.stop()
        self.broker.stop()


LATENCY_SAMPLES = 10_000
REFERENCE_SAMPLES = 2_000
TRUCKS_PER_S = 100.0  # over the 100 gates: 10,000 trucks in 100 s, the group about 2 min


def _latency(
    samples: int = LATENCY_SAMPLES, full: bool = True
) -> tuple[list[float], int, float, dict]:
    """100 gates, ``samples`` trucks at TRUCKS_PER_S (Poisson), one lane each.

    Returns the latencies (ms), the trucks without an OPEN, the CPU seconds of this
    process (the service and the publishers) per truck, and the service's decisions.
    """
    rate = TRUCKS_PER_S
    rng = np.random.default_rng(1)
    n = samples
    starts = np.cumsum(rng.exponential(1 / rate, n))
    tmp = tempfile.TemporaryDirectory()
    rig = _Rig(1, f"sqlite:{Path(tmp.name) / 'ledger.sqlite'}", n, full)
    sent: dict[int, float] = {}
    got: dict[int, float] = {}
    rig.plc.listeners.append(
        lambda reg, seq: got.setdefault(reg // 2 * 100_000 + seq, time.perf_counter())
    )
    counts = [0] * GATES
    try:
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        for i, at in enumerate(starts):
            time.sleep(max(0.0, t0 + at - time.perf_counter()))
            g = int(rng.integers(GATES))
            counts[g] += 1
            sent[g * 100_000 + counts[g]] = rig.truck(i, g, 1)
        time.sleep(1.0)
        cpu = (time.process_time() - cpu0) / n
        decisions = dict(rig.svc.visibility.outcomes)
    finally:
        rig.close()
        tmp.cleanup()
    lat = [(got[k] - sent[k]) * 1000 for k in sent if k in got]
    return lat, n - len(lat), cpu, decisions


def _throughput(trucks: int = 6000, lanes: int = 4) -> tuple[float, int, float]:
    """Each lane takes its next truck when its barrier opened (a lane holds one truck)."""
    import queue

    free: queue.Queue[int] = queue.Queue()
    with tempfile.TemporaryDirectory() as d:
        rig = _Rig(lanes, f"sqlite:{Path(d) / 'ledger.sqlite'}", trucks)
        rig.plc.listeners.append(lambda reg, seq: free.put(reg // 2))
        try:
            for lane in range(GATES * lanes):
                free.put(lane)
            t0 = time.perf_counter()
            for i in range(trucks):
                lane = free.get(timeout=30)
                rig.truck(i, lane // lanes, lane % lanes + 1)
            deadline = time.monotonic() + 120
            while rig.svc.ledger_sink.posted < trucks and time.monotonic() < deadline:
                time.sleep(0.005)
            elapsed = time.perf_counter() - t0
            done = rig.svc.ledger_sink.posted
            tx = rig.svc.ledger_sink.transactions
        finally:
            rig.close()
    return done / elapsed, trucks - done, done / tx if tx else 0.0


def _writer_only(passages: int = 6000) -> float:
    """The reference: reserve and post ``passages`` through the writer alone (no MQTT, no PLC)."""
    from core.gate import ReservePass
    from core.ledger import Ledger
    from ftz_live.ledger_sink import LedgerSink
    from ftz_stores.sqlite import SqliteStore

    with tempfile.TemporaryDirectory() as d:
        led = Ledger(SqliteStore(Path(d) / "ledger.sqlite"))
        _file_passes(led, passages)
        sink = LedgerSink(led)
        done = threading.Semaphore(0)
        t0 = time.perf_counter()
        for i in range(passages):
            cmd = ReservePass(
                f"z1/g000/lane{i}", f"c{i}", f"P{i}", f"沪A{i:05d}", "z1/g000", f"k{i}"
            )
            sink.reserve(cmd, "", lambda a: (sink.post(a.cmd.passage_id, 1.0), done.release()), 1.0)
        for _ in range(passages):
            done.acquire()
        while sink.posted < passages:
            time.sleep(0.002)
        rate = passages / (time.perf_counter() - t0)
        sink.close()
    return rate


def run() -> list[Result]:
    from ftz_live.broker import MOSQUITTO

    try:
        import os

        if not os.access(MOSQUITTO, os.X_OK):
            raise FileNotFoundError(MOSQUITTO)
    except FileNotFoundError:
        return [
            Result(
                "live.latency_p99_ms", float("nan"), "ms", note="skipped: mosquitto not installed"
            )
        ]
    logging.getLogger("ftz_live.ledger_sink").setLevel(logging.ERROR)
    logging.getLogger("ftztwin.live").setLevel(logging.WARNING)
    lat, lost, cpu, decisions = _latency(full=True)
    ref, ref_lost, ref_cpu, _ = _latency(REFERENCE_SAMPLES, full=False)
    rate, missing, per_tx = _throughput()
    writer_rate = _writer_only()
    p50, p99 = percentile(lat, 50), percentile(lat, 99)
    return [
        Result(
            "live.reading_to_barrier_p50_ms",
            p50,
            "ms",
            note=f"full second-line policy (7 readings), 100 gates, {TRUCKS_PER_S:g} trucks/s, loopback MQTT -> core -> Modbus; {len(lat)} trucks, {lost} without OPEN; decisions {decisions}",
            higher_is_better=False,
            extra={
                "plate_only_p50_ms": percentile(ref, 50),
                "ratio_to_plate_only": p50 / percentile(ref, 50),
            },
        ),
        Result(
            "live.reading_to_barrier_p99_ms",
            p99,
            "ms",
            50,
            higher_is_better=False,
            note=f"max {max(lat):.2f} ms; plate-only reference p99 {percentile(ref, 99):.2f} ms ({ref_lost} without OPEN)",
            extra={
                "p90_ms": percentile(lat, 90),
                "n": len(lat),
                "ratio_to_plate_only": p99 / percentile(ref, 99),
            },
        ),
        Result(
            "live.cpu_ms_per_passage_full_policy",
            cpu * 1000,
            "ms",
            higher_is_better=False,
            note="CPU of the benchmark process (service thread, drivers, publishers) per truck",
            extra={"plate_only_cpu_ms": ref_cpu * 1000, "ratio_to_plate_only": cpu / ref_cpu},
        ),
        Result(
            "live.sustained_passages_per_s_sqlite",
            rate,
            "1/s",
            500,
            note=f"100 gates x 4 lanes, MQTT in, Modbus out, SQLite WAL synchronous=FULL; each passage reserved, commanded, posted; {per_tx:.1f} passages per commit; {missing} not posted",
            extra={
                "writer_only_reference_per_s": writer_rate,
                "ratio_to_writer_only": rate / writer_rate,
            },
        ),
    ]
