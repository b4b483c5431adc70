"""Measure replications of the reform scenario in a fresh child process.

A child process is the only place where resident memory says something about the twin
alone: the parent (a test session, the benchmark runner) holds its own objects, and on a
shared machine its other work must not disturb the figures. The child prints one JSON
line; :func:`probe` runs it and returns the parsed figures.

Figures per replication: CPU seconds (``time.process_time``), trucks that arrived, the
resident set after the run with garbage collected (``/proc/self/statm``), and the peak
resident set of the child so far (``ru_maxrss``).

Usage as a script: ``python -m benchmarks.probe HORIZON_H [REPLICATIONS]``.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_mb() -> float:
    """The resident set now, in MB (Linux; the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE / 1e6
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


def scenario(horizon_h: float, warmup_h: float = 0.0, name: str = "reform_2014") -> Any:
    """The shipped scenario ``name`` cut to ``horizon_h`` hours (no event log)."""
    from ftz_spec import SCHEMA_PATH, load_scenario, parse_scenario

    data = load_scenario(SCHEMA_PATH.parent / f"{name}.yaml").model_dump(mode="json")
    data["run"].update(horizon_h=horizon_h, warmup_h=warmup_h, event_log="none")
    return parse_scenario(data, f"probe_{name}")


def child(horizon_h: float, replications: int) -> dict[str, Any]:
    """Run ``replications`` replications in this process and return their figures."""
    from twin.experiment import run_replication

    sc = scenario(horizon_h)
    gc.collect()
    base = _rss_mb()
    reps = []
    for r in range(replications):
        c0 = time.process_time()
        kpis = run_replication(sc, r).kpis
        cpu = time.process_time() - c0
        gc.collect()
        reps.append(
            {
                "cpu_s": cpu,
                "trucks": kpis.get("trucks_arrived", kpis.get("trucks_cleared", 0.0)),
                "rss_mb": _rss_mb(),
                "peak_mb": _peak_mb(),
            }
        )
    return {"horizon_h": horizon_h, "base_rss_mb": base, "replications": reps}


def probe(horizon_h: float, replications: int = 1, timeout_s: float = 900.0) -> dict[str, Any]:
    """Run :func:`child` in a fresh interpreter and return what it measured."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.probe", str(horizon_h), str(replications)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"probe {horizon_h} h x {replications} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    h = float(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    print(json.dumps(child(h, n)))
