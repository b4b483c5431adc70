"""Twin throughput: trucks simulated per CPU second, against bare references.

Three models move the same number of trucks in the same run: the twin (reform scenario,
four zones, 24 h), a bare SimPy M/M/c queue (one process per truck: arrive, request a
lane, hold, release) and a plain ``heapq`` event loop of the same queue. Every figure is
CPU time (``time.process_time``: other work on a shared machine does not count), wall
time beside it in the note; ratios of cost per truck travel better than absolute rates.
The simulated week of all four zones is measured by ``bench_memory`` (in a child).
"""

from __future__ import annotations

import heapq
import random
import time

import simpy

from benchmarks.harness import Result
from ftz_spec import SCHEMA_PATH, load_scenario, parse_scenario
from twin.experiment import run_replication

HORIZON_H = 24.0
LANES = 35  # the reform site's gate lanes: the bare models' servers
REPEATS = 3

SCENARIOS = SCHEMA_PATH.parent  # scenarios/


def _scenario(horizon_h: float, warmup_h: float):
    data = load_scenario(SCENARIOS / "reform_2014.yaml").model_dump(mode="json")
    data["run"].update(horizon_h=horizon_h, warmup_h=warmup_h)
    return parse_scenario(data, "bench")


def _twin_once() -> tuple[int, float, float]:
    scenario = _scenario(HORIZON_H, 0.0)
    t0, c0 = time.perf_counter(), time.process_time()
    kpis = run_replication(scenario, 0).kpis
    return int(kpis["trucks_cleared"]), time.process_time() - c0, time.perf_counter() - t0


def _rates(n: int, horizon_s: float) -> tuple[float, float]:
    arrival_rate = n / horizon_s
    service_rate = arrival_rate / (0.7 * LANES)  # 70% busy: queues form, never explode
    return arrival_rate, service_rate


def _simpy_mmc(n: int, horizon_s: float) -> float:
    lam, mu = _rates(n, horizon_s)
    rng = random.Random(1)
    env = simpy.Environment()
    lanes = simpy.Resource(env, capacity=LANES)
    done = [0]

    def truck():
        with lanes.request() as req:
            yield req
            yield env.timeout(rng.expovariate(mu))
        done[0] += 1

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(lam))
            env.process(truck())

    env.process(source())
    t0 = time.process_time()
    env.run()
    assert done[0] == n
    return time.process_time() - t0


def _heapq_mmc(n: int, horizon_s: float) -> float:
    lam, mu = _rates(n, horizon_s)
    rng = random.Random(1)
    t0 = time.process_time()
    events: list[tuple[float, int]] = [(rng.expovariate(lam), 0)]  # (time, 0 arrival / 1 departure)
    busy = arrived = done = 0
    waiting = 0
    while events:
        now, kind = heapq.heappop(events)
        if kind == 0:
            arrived += 1
            if arrived < n:
                heapq.heappush(events, (now + rng.expovariate(lam), 0))
            if busy < LANES:
                busy += 1
                heapq.heappush(events, (now + rng.expovariate(mu), 1))
            else:
                waiting += 1
        else:
            done += 1
            if waiting:
                waiting -= 1
                heapq.heappush(events, (now + rng.expovariate(mu), 1))
            else:
                busy -= 1
    assert done == n
    return time.process_time() - t0


def run() -> list[Result]:
    trucks, twin_s, twin_wall = _twin_once()  # one 24 h run: ~6 s of CPU; the group stays short
    horizon_s = HORIZON_H * 3600.0
    simpy_s = min(_simpy_mmc(trucks, horizon_s) for _ in range(REPEATS))
    heapq_s = min(_heapq_mmc(trucks, horizon_s) for _ in range(REPEATS))
    twin_rate, simpy_rate, heapq_rate = trucks / twin_s, trucks / simpy_s, trucks / heapq_s
    note = f"{trucks} trucks, reform scenario, {HORIZON_H:g} h, CPU {twin_s:.2f} s (wall {twin_wall:.2f} s)"
    return [
        Result("twin.trucks_per_cpu_s", twin_rate, "1/s", note=note),
        Result("twin.cpu_us_per_truck", 1e6 / twin_rate, "µs", higher_is_better=False, note=note),
        Result("simpy_mmc.trucks_per_cpu_s", simpy_rate, "1/s", note=f"bare SimPy M/M/{LANES}, same trucks, best of {REPEATS}"),
        Result("heapq_mmc.trucks_per_cpu_s", heapq_rate, "1/s", note=f"heapq event loop M/M/{LANES}, same trucks, best of {REPEATS}"),
        Result(
            "twin.cost_per_truck_vs_simpy", simpy_rate / twin_rate, "x",
            higher_is_better=False, note="twin CPU per truck / bare SimPy M/M/c's (one event chain per truck; see floor.* for the twin's own floor)",
        ),
        Result(
            "twin.cost_per_truck_vs_heapq", heapq_rate / twin_rate, "x",
            higher_is_better=False, note="twin CPU per truck / heapq loop's",
        ),
    ]  # fmt: skip
