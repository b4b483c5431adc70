"""Replications on local processes and on Dask: does a second worker pay for itself?

Bounded to about two minutes on two cores. The machine is shared, so next to the wall
times stand the parent's CPU time and the load average; the figures that matter are
ratios measured in the same run.

1. ``--workers 2`` ÷ ``--workers 1``: four replications of 24 h of reform_2014 through
   :func:`twin.experiment.run_experiment`, as ``ftztwin run`` does, once with the pool
   cold (its workers start inside the clock, as on the command line) and once warm (the
   app, a sweep, a second call). The results must be byte-identical.
2. A small sweep on Dask (2 workers, warmed before the clock) against the local process
   pool: 4 replications of 6 h each; the three runs must agree exactly.
"""

from __future__ import annotations

import json
import os
import time

from benchmarks.harness import Result
from benchmarks.probe import scenario
from ftztwin.sweep import DaskBackend, ProcessBackend, run_replications
from twin.experiment import run_experiment

REPLICATIONS = 4


def _fingerprint(results) -> str:
    return json.dumps([r.kpis for r in results], sort_keys=True)


def _workers(sc, workers: int) -> tuple[float, float, str]:
    t0, c0 = time.perf_counter(), time.process_time()
    results = run_experiment(sc, REPLICATIONS, workers=workers)
    return time.perf_counter() - t0, time.process_time() - c0, _fingerprint(results)


def _timed(backend, sc) -> tuple[float, float, str]:
    t0 = time.perf_counter()
    with backend:
        t1 = time.perf_counter()
        results = run_replications(sc, range(REPLICATIONS), backend)
        t2 = time.perf_counter()
    return t2 - t1, t1 - t0, _fingerprint(results)


def run() -> list[Result]:
    day = scenario(24.0)
    one, one_cpu, fp1 = _workers(day, 1)
    cold, _, fp2 = _workers(day, 2)
    warm, _, fp3 = _workers(day, 2)
    same = fp1 == fp2 == fp3
    short = scenario(6.0)
    dask, dask_start, fd = _timed(DaskBackend(workers=2), short)
    procs, procs_start, fpp = _timed(ProcessBackend(workers=2), short)
    load = os.getloadavg()[0]
    n = f"{REPLICATIONS} x 24 h reform_2014; load average {load:.1f} at end (2 cores shared)"
    return [
        Result("sweep.workers_2_over_1_cold", cold / one, "x", target=1.0, higher_is_better=False,
               note=f"{n}; wall {one:.1f} s (1 worker, {one_cpu:.1f} s CPU) vs {cold:.1f} s (2, pool started inside the clock); identical results: {same}"),
        Result("sweep.workers_2_over_1_warm", warm / one, "x", target=1.0, higher_is_better=False,
               note=f"{n}; 2 workers already started: {warm:.1f} s"),
        Result("sweep.dask_over_processes", dask / procs, "x", higher_is_better=False,
               note=f"{REPLICATIONS} x 6 h on 2 workers each: Dask {dask:.1f} s (start-up {dask_start:.1f} s) vs local processes {procs:.1f} s (start-up {procs_start:.1f} s); agree: {fd == fpp}"),
    ]  # fmt: skip
