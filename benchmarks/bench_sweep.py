"""Sweep scaling: the same replications on Dask with 1 and 2 workers and on local processes.

40 replications of the reform scenario shortened to 12 h (2 h warm-up), about 1.5 s each
on one core. Workers are started and have imported the twin before the clock starts,
so the figures compare running the sweep, not starting a cluster; start-up is reported
separately. The three runs must agree exactly (same seeds, same KPIs).
"""

from __future__ import annotations

import json
import os
import time

from benchmarks.harness import Result
from ftz_spec import SCHEMA_PATH, load_scenario, parse_scenario
from ftztwin.sweep import DaskBackend, ProcessBackend, run_replications

REPLICATIONS = 40

SCENARIOS = SCHEMA_PATH.parent  # scenarios/


def _scenario():
    data = load_scenario(SCENARIOS / "reform_2014.yaml").model_dump(mode="json")
    data["run"].update(horizon_h=12.0, warmup_h=2.0)
    return parse_scenario(data, "bench_sweep")


def _timed(backend) -> tuple[float, float, str]:
    scenario = _scenario()
    t0 = time.perf_counter()
    with backend:
        t1 = time.perf_counter()
        results = run_replications(scenario, range(REPLICATIONS), backend)
        t2 = time.perf_counter()
    fingerprint = json.dumps([r.kpis for r in results], sort_keys=True)
    return t2 - t1, t1 - t0, fingerprint


def run() -> list[Result]:
    one, one_start, fp1 = _timed(DaskBackend(workers=1))
    two, two_start, fp2 = _timed(DaskBackend(workers=2))
    procs, procs_start, fp3 = _timed(ProcessBackend(workers=2))
    agree = fp1 == fp2 == fp3
    # The machine is shared: the 1-minute load average says how many cores others used.
    load = os.getloadavg()[0]
    n = f"{REPLICATIONS} replications x 12 h reform scenario; load average {load:.1f} at end"
    return [
        Result("sweep.dask_1_worker_s", one, "s", higher_is_better=False, note=f"{n}; start-up {one_start:.1f} s"),
        Result("sweep.dask_2_workers_s", two, "s", higher_is_better=False, note=f"{n}; start-up {two_start:.1f} s"),
        Result("sweep.processes_2_workers_s", procs, "s", higher_is_better=False, note=f"{n}; start-up {procs_start:.1f} s"),
        Result(
            "sweep.dask_speedup_2_vs_1_workers", one / two, "x", target=1.7,
            note=f"same sweep; results identical across backends: {agree}",
        ),
        Result(
            "sweep.dask_overhead_vs_processes", 100.0 * (two / procs - 1.0), "%",
            higher_is_better=False, note="Dask 2 workers vs 2 local processes, same sweep",
        ),
    ]  # fmt: skip
